"""Street addresses through a geocoder stand-in (httpx MockTransport): never the internet."""

from __future__ import annotations

from datetime import timezone

import httpx
import pytest
from sqlalchemy import select

import bot.geocoder
from bot.config import ConfigError, load_settings
from bot.geocoder import NominatimGeocoder, PdokGeocoder, make_geocoder
from bot.places_cli import import_records
from domain.places_csv import read_places
from storage.tables_directory import GeocodeCache
from tests.directory_data import NOW, PLACES_CSV
from tests.fakes.updates import RESIDENT

pytestmark = pytest.mark.storage


def pdok_transport(seen: list[httpx.Request], found: bool = True, status: int = 200) -> httpx.MockTransport:
    def handle(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        docs = [{"weergavenaam": "Spanjaardstraat 1, 3027AB Rotterdam", "centroide_ll": "POINT(4.4365 51.9170)"}] if found else []
        return httpx.Response(status, json={"response": {"numFound": len(docs), "docs": docs}})

    return httpx.MockTransport(handle)


@pytest.fixture
async def places(bot, database_url, monkeypatch):
    bot.app.bot_data.clock = lambda: NOW.astimezone(timezone.utc)
    await import_records(database_url, read_places(PLACES_CSV.encode()), now=NOW.astimezone(timezone.utc))
    return bot


async def test_address_via_pdok_is_cached_without_user(places):
    seen: list[httpx.Request] = []
    places.app.bot_data.geocoder = PdokGeocoder("Knooppunt-test", transport=pdok_transport(seen))
    await places.say("buurthuiskamer")
    calls = await places.say("Spanjaardstraat 1")
    [card] = [c for c in calls if c.method == "sendMessage" and "📍" in c.text]
    assert "1. <b>Huiskamer Spangen</b>" in card.text
    assert "Spanjaardstraat 1, 3027AB Rotterdam" in card.text
    assert "ongeveer" not in card.text
    # Its buttons carry the point, not the address: the next page says so plainly, and asks nobody.
    page = [c for c in await places.press(card.callback_data("Volgende")) if c.method == "editMessageText"][0]
    assert page.text.startswith("📍 <b>Buurthuiskamer</b> dichtbij het adres dat je typte") and "6. <b>" in page.text
    assert len(seen) == 1
    assert seen[0].url.host == "api.pdok.nl" and seen[0].url.params["q"] == "Spanjaardstraat 1"
    assert seen[0].headers["User-Agent"] == "Knooppunt-test"
    await places.say("spanjaardstraat 1")  # same text, other case: from the cache
    assert len(seen) == 1
    async with places.session_factory() as session:
        [entry] = (await session.scalars(select(GeocodeCache))).all()
    assert (entry.provider, entry.query, entry.latitude) == ("pdok", "spanjaardstraat 1", 51.9170)
    assert str(RESIDENT["id"]) not in repr(vars(entry))


async def test_unknown_address_and_broken_service(places):
    seen: list[httpx.Request] = []
    places.app.bot_data.geocoder = PdokGeocoder("ua", transport=pdok_transport(seen, found=False))
    [reply] = places.replies(await places.say("Nergensstraat 99"))
    assert "Dit adres vond ik niet" in reply.text
    places.app.bot_data.geocoder = PdokGeocoder("ua", transport=pdok_transport(seen, status=503))
    [reply] = places.replies(await places.say("Andere Straat 5"))
    assert "Ik kan adressen nu niet opzoeken" in reply.text
    async with places.session_factory() as session:
        cached = (await session.scalars(select(GeocodeCache.query))).all()
    assert cached == ["nergensstraat 99"]  # the miss is cached, the failure is not


async def test_without_geocoder_the_bot_suggests_postcode_or_location(places):
    assert places.app.bot_data.geocoder is None
    [reply] = places.replies(await places.say("Spanjaardstraat 1"))
    assert "Deze plek ken ik niet" in reply.text and "postcode" in reply.text
    assert reply.reply_markup["keyboard"][0][0]["request_location"] is True


async def test_nominatim_spaces_requests_a_second_apart(monkeypatch):
    waits: list[float] = []
    clock = iter([100.0, 100.0, 100.2, 100.2])
    monkeypatch.setattr(bot.geocoder, "_monotonic", lambda: next(clock))

    async def fake_sleep(seconds: float) -> None:
        waits.append(seconds)

    monkeypatch.setattr(bot.geocoder, "_sleep", fake_sleep)
    seen: list[httpx.Request] = []

    def handle(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json=[{"lat": "51.9170", "lon": "4.4365", "display_name": "Spanjaardstraat"}])

    geocoder = NominatimGeocoder("Knooppunt/1.0 (beheer@example.org)", transport=httpx.MockTransport(handle))
    first = await geocoder.geocode("Spanjaardstraat 1")
    await geocoder.geocode("Schiedamseweg 2")
    assert (first.lat, first.lon) == (51.9170, 4.4365)
    assert waits == [pytest.approx(0.8)]
    assert seen[0].headers["User-Agent"] == "Knooppunt/1.0 (beheer@example.org)"
    assert seen[0].url.params["format"] == "jsonv2"


def test_geocoder_configuration():
    base = {"TELEGRAM_BOT_TOKEN": "1:abc"}
    assert load_settings(base).geocoder == "none"
    assert make_geocoder("none", "ua") is None
    assert isinstance(make_geocoder(load_settings({**base, "GEOCODER": "PDOK"}).geocoder, "ua"), PdokGeocoder)
    with pytest.raises(ConfigError, match=r"^GEOCODER: expected one of none, pdok, nominatim"):
        load_settings({**base, "GEOCODER": "google"})
    with pytest.raises(ConfigError, match=r"^GEOCODER_USER_AGENT"):
        load_settings({**base, "GEOCODER": "nominatim"})
    settings = load_settings({**base, "GEOCODER": "nominatim", "GEOCODER_USER_AGENT": "Kp/1 (a@b.nl)"})
    assert isinstance(make_geocoder(settings.geocoder, settings.geocoder_user_agent), NominatimGeocoder)
    with pytest.raises(ConfigError, match=r"^GEOCODER_URL"):
        load_settings({**base, "GEOCODER_URL": "ftp://x"})


async def test_cache_time_is_stored_to_the_day_and_still_expires(bot):
    """fetched_at holds only the day: no match of an address to a person by log time; expiry still works."""
    from datetime import datetime, timedelta

    from storage.repositories import directory

    asked = datetime(2026, 12, 2, 14, 37, 12, 345, tzinfo=timezone.utc)
    async with bot.session_factory.begin() as session:
        await directory.store_geocode(session, "pdok", "pijlstraat 12", asked, (51.91, 4.44), "Pijlstraat 12")
        await directory.store_geocode(session, "pdok", "nergensstraat 99", asked, None, None)
    async with bot.session_factory() as session:
        entries = (await session.scalars(select(GeocodeCache).order_by(GeocodeCache.query))).all()
        assert [entry.fetched_at for entry in entries] == [datetime(2026, 12, 2, tzinfo=timezone.utc)] * 2
        hit = directory.GEOCODE_HIT_TTL
        assert await directory.cached_geocode(session, "pdok", "pijlstraat 12", asked + hit - timedelta(days=1)) is not None
        assert await directory.cached_geocode(session, "pdok", "pijlstraat 12", asked + hit) is None
        miss = directory.GEOCODE_MISS_TTL
        assert await directory.cached_geocode(session, "pdok", "nergensstraat 99", asked + miss - timedelta(days=1)) is not None
        assert await directory.cached_geocode(session, "pdok", "nergensstraat 99", asked + miss) is None
