"""The real web app (web.app.create_app) on the production Application, with places and activities."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta, timezone

import httpx
import pytest

from bot.places_cli import import_records
from domain.places_csv import read_places
from storage.models import Activity, Initiative, InitiativeNetwork, Location
from tests.directory_data import NOW, PLACES_CSV
from web.app import create_app


async def seed_web(harness) -> dict:  # noqa: ANN001
    """The documented test places (imported as verified at NOW) and three activities."""
    settings = harness.app.bot_data.settings
    await import_records(settings.database_url, read_places(PLACES_CSV.encode()), now=NOW.astimezone(timezone.utc))
    async with harness.session_factory.begin() as session:
        from sqlalchemy import select

        spangen = await session.scalar(select(Initiative).where(Initiative.external_id == "bhk-spangen"))
        speeltuin = await session.scalar(select(Initiative).where(Initiative.external_id == "sp-spangen"))
        place = await session.get(Location, spangen.location_id)
        place.buurt = "Spangen"
        coffee = Activity(initiative_id=spangen.id, title="Koffieochtend", starts_at=NOW + timedelta(days=1),
                          ends_at=NOW + timedelta(days=1, hours=2), location_id=spangen.location_id)
        weekly = Activity(initiative_id=spangen.id, title="Taalles", starts_at=NOW + timedelta(hours=2),
                          ends_at=NOW + timedelta(hours=3), rrule="FREQ=WEEKLY;BYDAY=WE", location_id=spangen.location_id)
        kids = Activity(initiative_id=speeltuin.id, title="Speelmiddag", starts_at=NOW + timedelta(days=3),
                        location_id=speeltuin.location_id)
        hidden = Activity(initiative_id=spangen.id, title="Verborgen ding", starts_at=NOW + timedelta(days=2), status="hidden")
        session.add_all([coffee, weekly, kids, hidden])
        await session.flush()
        network_id = await session.scalar(
            select(InitiativeNetwork.network_id).where(InitiativeNetwork.initiative_id == spangen.id)
        )
        return {"spangen": spangen.id, "speeltuin": speeltuin.id, "coffee": coffee.id, "weekly": weekly.id,
                "kids": kids.id, "hidden": hidden.id, "network": network_id}


@pytest.fixture
async def world(bot) -> dict:  # noqa: ANN001
    bot.app.bot_data.clock = lambda: NOW
    return await seed_web(bot)


@pytest.fixture
async def web(bot, world) -> AsyncIterator[httpx.AsyncClient]:  # noqa: ANN001
    app = create_app(bot.app, bot.app.bot_data.settings)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver") as client:
        yield client
