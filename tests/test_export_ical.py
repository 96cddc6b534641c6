"""`python -m bot export-ical`: an iCalendar feed of upcoming activities, per network or all."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import icalendar
import pytest

from bot.cli import main
from tests.activity_seed import TZ, add_activity, seed

pytestmark = pytest.mark.storage


@pytest.fixture
async def filled(bot):
    world = await seed(bot.session_factory)
    soon = datetime.now(timezone.utc) + timedelta(days=3)
    await add_activity(bot.session_factory, world, "Koffie", soon.astimezone(TZ).replace(hour=10, minute=0, second=0, microsecond=0),
                       rrule="FREQ=WEEKLY")
    await add_activity(bot.session_factory, world, "Oogst", soon, initiative_id=world.second_initiative_id)
    await add_activity(bot.session_factory, world, "Voorbij", datetime.now(timezone.utc) - timedelta(days=3))
    return world


def run(monkeypatch, database_url, *argv):
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.delenv("TELEGRAM_BOT_TOKEN", raising=False)
    return main(["export-ical", *argv])


async def test_feed_to_file_and_per_network(filled, database_url, tmp_path, monkeypatch, capsys):
    out = tmp_path / "agenda.ics"
    assert await_run(monkeypatch, database_url, str(out)) == 0
    assert "Wrote 2 activities" in capsys.readouterr().out
    calendar = icalendar.Calendar.from_ical(out.read_bytes())
    assert sorted(str(e["SUMMARY"]) for e in calendar.walk("VEVENT")) == ["Koffie", "Oogst"]
    [weekly] = [e for e in calendar.walk("VEVENT") if str(e["SUMMARY"]) == "Koffie"]
    assert weekly["DTSTART"].params["TZID"] == "Europe/Amsterdam" and weekly["RRULE"].to_ical() == b"FREQ=WEEKLY"

    assert await_run(monkeypatch, database_url, "--network", "netwerk oost") == 0
    feed = icalendar.Calendar.from_ical(capsys.readouterr().out.encode())
    assert [str(e["SUMMARY"]) for e in feed.walk("VEVENT")] == ["Koffie"]
    # by id too, like every other command; the feed is named after the network either way
    assert await_run(monkeypatch, database_url, "--network", str(filled.other_network_id)) == 0
    by_id = icalendar.Calendar.from_ical(capsys.readouterr().out.encode())
    assert [str(e["SUMMARY"]) for e in by_id.walk("VEVENT")] == ["Koffie"]

    # the same overwrite rule as export-places and backup
    assert await_run(monkeypatch, database_url, str(out)) == 1
    assert "already exists; choose another name or add --force" in capsys.readouterr().err
    assert await_run(monkeypatch, database_url, str(out), "--force") == 0
    assert await_run(monkeypatch, database_url, "/dev/null", "--force") == 1
    assert "is not a regular file" in capsys.readouterr().err


async def test_unknown_network_exits_1(filled, database_url, monkeypatch, capsys):
    assert await_run(monkeypatch, database_url, "--network", "Bestaat niet") == 1
    assert "No network 'Bestaat niet'" in capsys.readouterr().err


def await_run(monkeypatch, database_url, *argv):
    """main() runs its own event loop, so run it in a worker thread from this async test."""
    import concurrent.futures

    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        return pool.submit(run, monkeypatch, database_url, *argv).result()
