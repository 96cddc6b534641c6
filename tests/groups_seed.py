"""Seed networks, coordinators, initiatives and activities directly through the models."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from storage.models import Activity, GroupChat, Initiative, InitiativeNetwork, Location, Network, NetworkCoordinator

COORDINATOR = {"id": 2001, "is_bot": False, "first_name": "Coby", "language_code": "nl"}
OTHER_COORDINATOR = {"id": 2002, "is_bot": False, "first_name": "Otto", "language_code": "nl"}


async def seed_network(session, name: str = "Buurthuiskamers Delfshaven", coordinator_id: int = COORDINATOR["id"]) -> Network:  # noqa: ANN001
    network = Network(name=name)
    session.add(network)
    await session.flush()
    session.add(NetworkCoordinator(network_id=network.id, user_id=coordinator_id))
    return network


async def seed_initiative(session, network: Network, name: str, status: str = "active", created_at: datetime | None = None, place: str | None = "Buurthuis De Horizon") -> Initiative:  # noqa: ANN001
    location = Location(name=place, latitude=51.91, longitude=4.45) if place else None
    initiative = Initiative(name=name, category="buurthuiskamer", status=status, location=location,
                            created_at=created_at or datetime(2026, 1, 5, tzinfo=timezone.utc),
                            last_verified_at=created_at or datetime(2026, 11, 1, tzinfo=timezone.utc))
    session.add(initiative)
    await session.flush()
    session.add(InitiativeNetwork(initiative_id=initiative.id, network_id=network.id))
    return initiative


async def seed_activity(session, initiative: Initiative, title: str, starts_at: datetime, rrule: str | None = None) -> Activity:  # noqa: ANN001
    activity = Activity(initiative_id=initiative.id, title=title, starts_at=starts_at,
                        ends_at=starts_at + timedelta(hours=2), rrule=rrule)
    session.add(activity)
    await session.flush()
    return activity


async def seed_linked_group(session, network: Network, chat_id: int, title: str, weekday: int | None = 0, at: str = "09:00", linked_at: datetime | None = None) -> GroupChat:  # noqa: ANN001
    group = GroupChat(chat_id=chat_id, title=title, network_id=network.id, digest_weekday=weekday, digest_time=at,
                      linked_at=linked_at or datetime(2026, 1, 1, tzinfo=timezone.utc), linked_by=COORDINATOR["id"])
    session.add(group)
    await session.flush()
    group.digest_weekday = weekday  # an explicit None at insert would get the column default (Monday)
    await session.flush()
    return group
