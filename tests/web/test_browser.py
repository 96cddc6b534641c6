"""A real browser (Debian's headless Chromium) opens the buurtgids and the Mini App page of `python -m bot`.

Nothing leaves the machine: the browser resolves no host but 127.0.0.1, so the OpenStreetMap
tiles fail, as they would offline, and the page must still show the list and the markers.
Set SCREENSHOT_DIR to keep the screenshots somewhere to look at.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import subprocess
import sys
import time
import urllib.request
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from storage.db import create_engine, create_session_factory
from storage.models import Activity, Initiative
from tests.directory_data import PLACES_CSV
from tests.fakes.http_bot_api import BotApiStandIn
from tests.test_e2e_process import ROOT, start_bot, stop_bot
from tests.trust.test_webhook import free_port

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(not (CHROMIUM.exists() and CHROMEDRIVER.exists()),
                       reason="needs Debian's chromium and chromium-driver: apt-get install -y chromium chromium-driver"),
]


async def add_activity(database: Path) -> None:
    engine = create_engine(f"sqlite+aiosqlite:///{database}")
    try:
        async with create_session_factory(engine).begin() as session:
            from sqlalchemy import select

            spangen = await session.scalar(select(Initiative).where(Initiative.external_id == "bhk-spangen"))
            start = datetime.now(timezone.utc).replace(microsecond=0) + timedelta(days=1)
            session.add(Activity(initiative_id=spangen.id, title="Koffieochtend", starts_at=start,
                                 ends_at=start + timedelta(hours=2), location_id=spangen.location_id))
    finally:
        await engine.dispose()


def browser(profile: Path):  # noqa: ANN201 - a selenium WebDriver
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for flag in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run",
                 "--disable-dev-shm-usage", f"--user-data-dir={profile}", "--window-size=420,1500",
                 "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1"):
        options.add_argument(flag)
    return webdriver.Chrome(service=Service(str(CHROMEDRIVER)), options=options)


def wait_until(check, timeout: float = 15.0):  # noqa: ANN001, ANN201
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value:
            return value
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.1)


def test_buurtgids_and_mini_app_in_headless_chromium(tmp_path):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    database = tmp_path / "knooppunt.db"
    places = tmp_path / "places.csv"
    places.write_text(PLACES_CSV, encoding="utf-8")
    environment = {**os.environ, "DATABASE_URL": f"sqlite+aiosqlite:///{database}", "PYTHONPATH": str(ROOT)}
    subprocess.run([sys.executable, "-m", "bot", "import-places", "--create-networks", str(places)], cwd=tmp_path, env=environment, check=True,
                   capture_output=True)
    asyncio.run(add_activity(database))
    port = free_port()
    screenshots = Path(os.environ.get("SCREENSHOT_DIR") or tmp_path)
    with BotApiStandIn() as api:
        process = start_bot(api, database, WEB_PORT=str(port))
        driver = None
        try:
            api.wait_for(lambda call: call.method == "getUpdates")
            wait_until(lambda: _up(port))
            driver = browser(tmp_path / "profile")
            driver.get(f"http://127.0.0.1:{port}/")
            wait_until(lambda: driver.find_element(By.ID, "map").get_attribute("data-markers"))
            items = driver.find_elements(By.CSS_SELECTOR, "#places li.place")
            markers = driver.find_elements(By.CSS_SELECTOR, "#map .leaflet-marker-icon")
            assert len(items) == 10 and len(markers) == 10
            assert driver.find_element(By.ID, "map").is_displayed()
            titles = {marker.get_attribute("title") for marker in markers}
            assert "Huiskamer Spangen" in titles
            assert "Huiskamer Spangen" in driver.find_element(By.ID, "places").text  # the list stays readable
            assert "OpenStreetMap" in driver.find_element(By.CSS_SELECTOR, ".leaflet-control-attribution").text
            wait_until(lambda: driver.find_elements(By.CSS_SELECTOR, ".map-note"))  # tiles failed: said so
            driver.save_screenshot(str(screenshots / "buurtgids.png"))

            spangen = next(marker for marker in markers if marker.get_attribute("title") == "Huiskamer Spangen")
            spangen.send_keys(Keys.ENTER)  # markers work from the keyboard: the popup names and links the place
            # The popup fades in: until it is shown, Selenium reads its link's text as empty.
            popup = wait_until(lambda: [a for a in driver.find_elements(By.CSS_SELECTOR, ".leaflet-popup-content a") if a.text])
            assert popup[0].text == "Huiskamer Spangen" and popup[0].get_attribute("href").endswith("/p/1")

            driver.get(f"http://127.0.0.1:{port}/app?postcode=3027&lang=en")
            wait_until(lambda: driver.find_element(By.ID, "map").get_attribute("data-markers"))
            assert len(driver.find_elements(By.CSS_SELECTOR, "#map .leaflet-marker-icon")) == 10
            button = driver.find_element(By.CSS_SELECTOR, "button.rsvp")
            assert "I'm coming" in button.text
            button.click()  # outside Telegram there is no initData: the server refuses, the page says why
            result = wait_until(lambda: driver.find_element(By.CSS_SELECTOR, ".rsvp-result").text)
            assert "only works when you open the map in Telegram" in result
            driver.save_screenshot(str(screenshots / "mini-app.png"))
        finally:
            if driver is not None:
                driver.quit()
            code, output = stop_bot(process)
        assert code == 0, output
    shutil.rmtree(tmp_path / "profile", ignore_errors=True)


def _up(port: int) -> bool:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=2) as response:
            return response.status == 200
    except OSError:
        return False
