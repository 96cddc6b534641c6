"""Log hygiene: Telegram ids at most; never message text, names or locations at INFO; never the token."""

from __future__ import annotations

import logging

from tests.conftest import TEST_TOKEN
from tests.fakes import updates

SECRET_TEXT = "Mijn adres is Schiedamseweg 99 en mijn BSN 123456782"
LATITUDE, LONGITUDE = 51.9137251, 4.4501873
NAME = "Zoë-Uniek"


def everything_logged(caplog) -> str:
    parts = []
    for record in caplog.records:
        parts.append(record.getMessage())
        if record.exc_info:
            parts.append(logging.Formatter().formatException(record.exc_info))
    return "\n".join(parts)


async def drive(bot) -> None:
    person = updates.user(5150, NAME, "nl")
    group = updates.group_chat()
    await bot.say("/start", sender=person)
    await bot.say(SECRET_TEXT, sender=person)
    await bot.say(f"/start {SECRET_TEXT}", sender=person)
    await bot.send(updates.location(LATITUDE, LONGITUDE, sender=person))
    await bot.send(updates.edited_message(SECRET_TEXT, sender=person))
    await bot.press(f"lang:{SECRET_TEXT[:40]}", sender=person)
    await bot.send(updates.command("hulp", args=SECRET_TEXT, sender=person, chat=group, mention=True))
    # Faults on the way out are logged too: still without the content.
    bot.api.fail_next("bad_request", "sendMessage", "can't parse entities")
    await bot.say(SECRET_TEXT, sender=person)
    await bot.say("/hulp", sender=person)
    bot.api.fail_next("network", "sendMessage")
    await bot.say("/start", sender=person)


def assert_clean(text: str) -> None:
    for secret in (SECRET_TEXT, "Schiedamseweg", "123456782", NAME, str(LATITUDE), str(LONGITUDE), "51.913", "4.450"):
        assert secret not in text, f"{secret!r} leaked into the logs"
    assert TEST_TOKEN not in text and TEST_TOKEN.split(":")[1] not in text


async def test_info_logs_carry_no_content(bot, caplog):
    caplog.set_level(logging.INFO)
    await drive(bot)
    logged = everything_logged(caplog)
    assert "Error while handling update" in logged  # the faults were logged...
    assert_clean(logged)  # ...without what the person wrote or where they are


async def test_the_token_never_appears_even_at_debug(bot, caplog):
    caplog.set_level(logging.DEBUG)
    await drive(bot)
    logged = everything_logged(caplog)
    assert TEST_TOKEN not in logged and TEST_TOKEN.split(":")[1] not in logged


async def test_directory_logs_no_question_postcode_coordinates_or_address(bot, database_url, caplog, monkeypatch):
    """Directory flows with the real PDOK client (stand-in transport) and production logging levels."""
    from datetime import timezone

    import httpx

    from bot.config import setup_logging
    from bot.geocoder import PdokGeocoder
    from bot.places_cli import import_records
    from domain.places_csv import read_places
    from tests.directory_data import NOW, PLACES_CSV

    root = logging.getLogger()
    saved = (root.handlers[:], root.level, {name: logging.getLogger(name).level for name in ("httpx", "apscheduler", "alembic.runtime.plugins")})
    setup_logging(bot.app.bot_data.settings)  # the levels python -m bot runs with
    root.handlers[:], root.level = saved[0], saved[1]  # keep caplog's handler
    try:
        caplog.set_level(logging.INFO)
        bot.app.bot_data.clock = lambda: NOW.astimezone(timezone.utc)
        await import_records(database_url, read_places(PLACES_CSV.encode()), now=NOW.astimezone(timezone.utc))
        status = {"code": 200}

        def pdok(request: httpx.Request) -> httpx.Response:
            docs = [{"weergavenaam": "Gravin Zwaluwstraat 77, Rotterdam", "centroide_ll": "POINT(4.4422 51.9161)"}]
            return httpx.Response(status["code"], json={"response": {"numFound": 1, "docs": docs}})

        bot.app.bot_data.geocoder = PdokGeocoder("Knooppunt-test", transport=httpx.MockTransport(pdok))
        person = updates.user(5151, NAME, "nl")
        await bot.send(updates.location(LATITUDE, LONGITUDE, sender=person))
        await bot.press("dir:m:5", sender=person)
        await bot.press("dir:f:l:ar", sender=person)
        await bot.say("3026 BK", sender=person)
        await bot.say("buurthuiskamer in Bospolder open nu", sender=person)
        await bot.say("zoek koffie bij Gravin Zwaluwstraat 77", sender=person)
        await bot.say("/zoek Huiskamer geheimwoord", sender=person)
        status["code"] = 503  # the geocoder fails: logged, without the address
        await bot.say("taalles bij Schiedamseweg 5", sender=person)
        await bot.send(updates.location(123.0, 456.0, sender=person))  # out of range
    finally:
        for name, level in saved[2].items():
            logging.getLogger(name).setLevel(level)
    logged = everything_logged(caplog)
    assert "Geocoder" in logged  # the failure was logged...
    assert_clean(logged)  # ...and nothing of what follows
    for secret in ("3026", "Bospolder", "koffie", "Zwaluwstraat", "Schiedamseweg", "taalles", "geheimwoord", "51.916", "4.442", "123.0", "456.0"):
        assert secret not in logged, f"{secret!r} leaked into the logs"
