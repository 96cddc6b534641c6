"""The directory uses what a resident shares to answer, and keeps none of it.

Locations, postcodes and questions go through the real application (with a stand-in geocoder);
afterwards no table, no column, holds them, and the in-memory copy the buttons need expires.
"""

from __future__ import annotations

import json
from datetime import timedelta, timezone

import pytest
from sqlalchemy import select

import handlers.directory.search
from bot.geocoder import GeocodedPlace
from bot.places_cli import import_records
from domain.places_csv import read_places
from storage.models import Base
from storage.repositories import personal_data
from storage.tables_directory import GeocodeCache
from tests.directory_data import NOW, PLACES_CSV
from tests.fakes import updates
from tests.fakes.updates import RESIDENT

pytestmark = pytest.mark.storage

LATITUDE, LONGITUDE = 51.9137251, 4.4501873  # the shared location
POSTCODE = "3026 BK"  # typed; not in the seeded places
QUESTION = "zoek koffie met Arabisch bij Gravin Zwaluwstraat 77"
ADDRESS = "Gravin Zwaluwstraat 77"


class StandInGeocoder:
    """Answers every address with one point; records what it was asked (the third party's view)."""

    name = "standin"

    def __init__(self) -> None:
        self.asked: list[str] = []

    async def geocode(self, query: str) -> GeocodedPlace | None:
        self.asked.append(query)
        return GeocodedPlace(51.9161111, 4.4422222, f"{ADDRESS}, Rotterdam")


@pytest.fixture
async def places(bot, database_url, monkeypatch):
    clock = {"now": NOW.astimezone(timezone.utc)}
    bot.app.bot_data.clock = lambda: clock["now"]
    await import_records(database_url, read_places(PLACES_CSV.encode()), now=clock["now"])
    bot.clock = clock
    bot.geocoder = bot.app.bot_data.geocoder = StandInGeocoder()
    return bot


async def everything_stored(bot) -> dict[str, str]:
    """Every cell of every table, as text, per table."""
    found = {}
    async with bot.session_factory() as session:
        for table in Base.metadata.sorted_tables:
            rows = (await session.execute(select(table))).all()
            found[table.name] = "\n".join(repr(value) for row in rows for value in row)
    return found


async def test_locations_postcodes_and_questions_are_used_and_not_stored(places):
    calls = await places.send(updates.location(LATITUDE, LONGITUDE))
    assert any("📍" in call.text for call in places.replies(calls))  # answered from the location
    answer = next(call for call in places.replies(calls) if "📍" in call.text)
    calls += await places.press(answer.callback_data("Volgende"))  # its buttons carry the question themselves
    calls += await places.press(answer.callback_data("Nu open"))
    calls += await places.say(POSTCODE)
    calls += await places.say(QUESTION)
    calls += await places.say(f"/dichtbij {QUESTION}")
    calls += await places.say("buurthuiskamer in Bospolder")
    calls += await places.say("x" * 3000 + " Schiedamseweg 5")  # past the length a question is read to
    assert any(f"{ADDRESS}, Rotterdam" in call.text for call in places.replies(calls))  # the address was used
    # The geocoder (a third party in production) saw the address only, never the rest of the question.
    assert places.geocoder.asked == [ADDRESS]  # once: the second time came from the cache

    stored = await everything_stored(places)
    everything = "\n".join(stored.values())
    for fragment in ("51.913725", "4.450187", "3026 BK", "3026BK", "3026 bk", "3026bk", "zoek koffie", "Arabisch", "arabisch", "xxxxxxxx"):
        assert fragment not in everything, f"{fragment!r} was stored"
    # The address is in the geocoding cache (Nominatim's rules ask for one), and nowhere else.
    assert [name for name, text in stored.items() if "zwaluwstraat" in text.lower()] == ["geocode_cache"]
    # /mijngegevens after all this: only the minimal user record.
    [_readable, export] = places.replies(await places.say("/mijngegevens"))
    assert set(json.loads(export.files["document"][1])["tables"]) == {"users"}


def test_geocoding_cache_carries_no_user_id():
    table = Base.metadata.tables["geocode_cache"]
    assert personal_data.person_columns(table) == ([], [])
    assert {column.name for column in table.columns} == {"provider", "query", "latitude", "longitude", "label", "fetched_at"}


async def test_the_cache_rows_hold_no_id_of_whoever_asked(places):
    await places.say(QUESTION)
    async with places.session_factory() as session:
        entries = (await session.scalars(select(GeocodeCache))).all()
    assert [entry.query for entry in entries] == ["gravin zwaluwstraat 77"]
    assert all(str(RESIDENT["id"]) not in repr(vars(entry)) for entry in entries)


async def test_the_remembered_location_is_dropped_after_its_window(places):
    await places.send(updates.location(LATITUDE, LONGITUDE))
    other = updates.user(1777, "Noor", "nl")
    await places.send(updates.location(51.91, 4.44, sender=other))
    user_data = places.app.user_data
    assert user_data[RESIDENT["id"]][handlers.directory.search.ORIGIN]["origin"]["lat"] == LATITUDE  # in memory only
    [sweep] = places.app.job_queue.get_jobs_by_name("forget_stale_locations")

    places.clock["now"] += timedelta(minutes=30)
    await places.send(updates.location(51.91, 4.44, sender=other))  # Noor asks again, later
    places.clock["now"] += handlers.directory.search.ORIGIN_VALID_FOR - timedelta(minutes=10)
    await sweep.run(places.app)
    assert handlers.directory.search.ORIGIN not in user_data[RESIDENT["id"]]  # past its window: gone
    assert handlers.directory.search.ORIGIN in user_data[other["id"]]  # still within: kept for "bij mij in de buurt"
    # A question afterwards asks where the resident is instead of using an old location.
    [reply] = places.replies(await places.say("buurthuiskamer bij mij in de buurt"))
    assert "Waar ben je?" in reply.text
