"""What the public web pages and open data may show: visible places, networks, and when they changed.

Only what residents see in the bot (directory.visible_to_residents: active and verified), and only
public columns; nobody's Telegram id, RSVPs or membership leave this module.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import joinedload, selectinload

from domain.gazetteer import normalize_text
from storage.models import Activity, Initiative, InitiativeNetwork, Location, Network
from storage.repositories.directory import visible_to_residents

# Collections by selectin, not joined: a page of many places would multiply its rows by schedules × languages.
PUBLIC_OPTIONS = (
    joinedload(Initiative.location), selectinload(Initiative.schedules), selectinload(Initiative.languages),
    selectinload(Initiative.networks),
)


@dataclass(frozen=True)
class PlaceQuery:
    """The buurtgids's filters: words (name/description), a category code, a buurt name."""

    words: str = ""
    category: str | None = None
    buurt: str | None = None

    def conditions(self, now: datetime) -> list[ColumnElement[bool]]:
        found = [visible_to_residents(now), Initiative.location_id.is_not(None)]
        found += [Initiative.search_text.contains(term, autoescape=True) for term in normalize_text(self.words).split()]
        if self.category:
            found.append(Initiative.category == self.category)
        if self.buurt:
            found.append(Initiative.location_id.in_(select(Location.id).where(Location.buurt == self.buurt)))
        return found


async def visible_places(session: AsyncSession, now: datetime, query: PlaceQuery = PlaceQuery(),
                         *, limit: int | None = None, offset: int = 0) -> tuple[list[Initiative], int]:
    """(one page of matching places by name, how many match in all)."""
    conditions = query.conditions(now)
    total = await session.scalar(select(func.count()).select_from(Initiative).where(*conditions)) or 0
    statement = select(Initiative).where(*conditions).options(*PUBLIC_OPTIONS).order_by(Initiative.name, Initiative.id)
    if limit is not None:
        statement = statement.limit(limit).offset(offset)
    return list((await session.scalars(statement)).unique()), total  # joined collections: one row per place


async def visible_place_batches(session: AsyncSession, now: datetime, size: int = 500) -> AsyncIterator[list[Initiative]]:
    """Every visible place, `size` at a time (by id), so a big export never holds the event loop for long."""
    ids = list(await session.scalars(select(Initiative.id).where(*PlaceQuery().conditions(now)).order_by(Initiative.id)))
    for start in range(0, len(ids), size):
        batch = ids[start : start + size]
        yield list((await session.scalars(
            select(Initiative).where(Initiative.id.in_(batch)).options(*PUBLIC_OPTIONS).order_by(Initiative.id)
        )).unique())
        session.expunge_all()  # keep memory flat: the batch is turned into text before the next one


async def visible_place(session: AsyncSession, initiative_id: int, now: datetime) -> Initiative | None:
    return (await session.scalars(
        select(Initiative).where(Initiative.id == initiative_id, *PlaceQuery().conditions(now)).options(*PUBLIC_OPTIONS)
    )).unique().first()


async def networks_with_places(session: AsyncSession, now: datetime) -> list[tuple[Network, list[Initiative]]]:
    """Every network with its visible initiatives (by name); networks without any are listed too."""
    networks = list(await session.scalars(select(Network).order_by(Network.name)))
    rows = await session.execute(
        select(InitiativeNetwork.network_id, Initiative)
        .join(Initiative, Initiative.id == InitiativeNetwork.initiative_id)
        .where(visible_to_residents(now))
        .order_by(Initiative.name, Initiative.id)
    )
    members: dict[int, list[Initiative]] = {}
    for network_id, initiative in rows:
        members.setdefault(network_id, []).append(initiative)
    return [(network, members.get(network.id, [])) for network in networks]


async def last_change(session: AsyncSession) -> datetime | None:
    """The latest change to anything public (for Last-Modified); None for an empty database."""
    stamps = [
        await session.scalar(select(func.max(Initiative.updated_at))),
        await session.scalar(select(func.max(Activity.updated_at))),
        await session.scalar(select(func.max(Network.created_at))),
    ]
    found = [stamp for stamp in stamps if stamp is not None]
    return max(found) if found else None
