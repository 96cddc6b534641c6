"""Test data for the activities tests, written straight through the models."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from storage.models import (
    Activity,
    GroupChat,
    Initiative,
    InitiativeMember,
    InitiativeNetwork,
    Location,
    Network,
    NetworkCoordinator,
)
from tests.fakes import updates

TZ = ZoneInfo("Europe/Amsterdam")
# Thursday 3 December 2026, 09:00 in Rotterdam: the fixed "now" of these tests.
NOW = datetime(2026, 12, 3, 9, 0, tzinfo=TZ)

MEMBER = updates.user(2001, "Ans", "nl")
OTHER_MEMBER = updates.user(2002, "Karim", "nl")
COORDINATOR = updates.user(3001, "Cor", "nl")
STRANGER = updates.user(4001, "Piet", "nl")
RESIDENT = updates.RESIDENT
GROUP_ID = -1009000000001


@dataclass
class World:
    network_id: int
    other_network_id: int
    initiative_id: int
    second_initiative_id: int
    location_id: int


async def seed(session_factory, *, approval: bool = False) -> World:
    """Two networks (one with a linked group), an active initiative with a place and a member."""
    async with session_factory.begin() as session:
        west = Network(name="Netwerk West", announcements_need_approval=approval)
        oost = Network(name="Netwerk Oost")
        session.add_all([west, oost])
        await session.flush()
        place = Location(name="Buurthuis De Pijl", address="Pijlstraat 1", postcode="3024 AB", city="Rotterdam",
                         latitude=51.9135, longitude=4.4440, buurt="Spangen")
        session.add(place)
        await session.flush()
        koffie = Initiative(name="Buurthuiskamer Spangen", category="buurthuiskamer", status="active", location_id=place.id)
        tuin = Initiative(name="Moestuin West", category="groenplek", status="active")
        session.add_all([koffie, tuin])
        await session.flush()
        session.add_all([
            InitiativeNetwork(initiative_id=koffie.id, network_id=west.id),
            InitiativeNetwork(initiative_id=koffie.id, network_id=oost.id),
            InitiativeNetwork(initiative_id=tuin.id, network_id=west.id),
            InitiativeMember(initiative_id=koffie.id, user_id=MEMBER["id"], role="owner"),
            InitiativeMember(initiative_id=koffie.id, user_id=OTHER_MEMBER["id"], role="editor"),
            NetworkCoordinator(network_id=west.id, user_id=COORDINATOR["id"]),
            GroupChat(chat_id=GROUP_ID, title="Groep West", network_id=west.id, active=True),
        ])
        return World(west.id, oost.id, koffie.id, tuin.id, place.id)


async def add_activity(session_factory, world: World, title: str, start: datetime, end: datetime | None = None,
                       rrule: str | None = None, **fields) -> int:
    async with session_factory.begin() as session:
        activity = Activity(initiative_id=fields.pop("initiative_id", world.initiative_id), title=title, starts_at=start,
                            ends_at=end, rrule=rrule, location_id=fields.pop("location_id", world.location_id),
                            created_by=MEMBER["id"], **fields)
        session.add(activity)
        await session.flush()
        return activity.id
