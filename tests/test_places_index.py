"""The in-memory places index behind near-me answers (storage.repositories.places_index) never
answers from rows older than a committed change: written here (ORM or plain SQL), or by another
process (noticed by the fingerprint check)."""

from __future__ import annotations

import sqlite3
from datetime import timezone

import pytest
from sqlalchemy import update
from sqlalchemy.engine import make_url

from bot.places_cli import import_records
from domain.places_csv import read_places
from storage.models import Initiative, Location
from storage.repositories import places_index
from tests.directory_data import NOW, PLACES_CSV
from tests.fakes import updates
from tests.test_directory import SPANGEN, card, listed

pytestmark = pytest.mark.storage

RECORDS = read_places(PLACES_CSV.encode())


@pytest.fixture
async def places(bot, database_url):
    bot.app.bot_data.clock = lambda: NOW.astimezone(timezone.utc)
    await import_records(database_url, RECORDS, now=NOW.astimezone(timezone.utc))
    return bot


async def ask(bot) -> list[str]:
    await bot.say("buurthuiskamer")
    return listed(card(await bot.send(updates.location(*SPANGEN))).text)


async def test_a_place_added_through_a_session_is_in_the_next_answer(places):
    before = await ask(places)
    async with places.session_factory.begin() as session:
        location = Location(name="Nieuw", latitude=SPANGEN[0], longitude=SPANGEN[1])
        session.add(Initiative(name="Huiskamer Om De Hoek", category="buurthuiskamer", status="active", location=location,
                               created_at=NOW.astimezone(timezone.utc), last_verified_at=NOW.astimezone(timezone.utc)))
    assert "Huiskamer Om De Hoek" not in before
    assert (await ask(places))[0] == "Huiskamer Om De Hoek"  # right at the shared location


async def test_a_place_closed_with_a_plain_update_is_gone_from_the_next_answer(places):
    first = (await ask(places))[0]
    async with places.session_factory.begin() as session:
        await session.execute(update(Initiative).where(Initiative.name == first).values(status="inactive"))
    assert first not in await ask(places)


async def test_a_change_by_another_process_is_noticed_by_the_fingerprint(places, database_url, monkeypatch):
    if not database_url.startswith("sqlite"):
        pytest.skip("another process is simulated with the sqlite3 module")
    first = (await ask(places))[0]
    # Outside SQLAlchemy: no event tells this process. Only the periodic fingerprint check can.
    connection = sqlite3.connect(make_url(database_url).database)
    connection.execute("UPDATE initiatives SET status = 'inactive', updated_at = '2099-01-01 00:00:00.000000' WHERE name = ?", (first,))
    connection.commit()
    connection.close()
    monkeypatch.setattr(places_index, "CHECK_EVERY_S", 0.0)
    assert first not in await ask(places)
