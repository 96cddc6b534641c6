"""The place directory: nearest active places, search, and the upsert behind the CSV import.

Residents only ever see initiatives that are active and verified in the last 180 days (NULL
last_verified_at counts as verified when created). The nearest-N query never scores every row:
a bounding box on the indexed latitude/longitude picks candidates in SQL, the box widens until
enough candidates lie inside its inscribed circle, and only those get an exact distance.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import and_, exists, func, literal, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import joinedload, selectinload

from domain.gazetteer import normalize_text
from domain.geo import EARTH_RADIUS_M, bounding_box, haversine_m
from domain.places_csv import PlaceRecord
from domain.opening_hours import MINUTES_PER_DAY, TimeRange, WeeklySchedule
from domain.ranking import nearby_rank
from storage.models import Initiative, InitiativeLanguage, InitiativeNetwork, Location, Network, Schedule
from storage.tables_directory import GeocodeCache, fetched_day

VERIFIED_FOR = timedelta(days=180)
START_RADIUS_M = 500.0
WIDEN_FACTOR = 3.0
MAX_RADIUS_M = math.pi * EARTH_RADIUS_M  # half the earth's circumference: the box covers everything
WHEELCHAIR_OK = ("yes", "limited")


# -- filters shared by every resident-facing query -------------------------------------------------


def visible_to_residents(now: datetime, *, box_driven: bool = False):  # noqa: ANN201 - SQL expression
    """Active, and verified (or created) within VERIFIED_FOR."""
    status = _unindexed(Initiative.status) if box_driven else Initiative.status
    return and_(status == "active", func.coalesce(Initiative.last_verified_at, Initiative.created_at) >= now - VERIFIED_FOR)


def _unindexed(column):  # noqa: ANN001, ANN202 - SQL expressions
    """The column as an expression no index serves, so the latitude/longitude box drives the query.

    Without statistics SQLite would otherwise walk ix_initiatives_status (every active place)
    and look each location up: a full scan at 100k places. PostgreSQL plans by statistics anyway.
    """
    return column.op("||")(literal(""))


@dataclass(frozen=True)
class PlaceFilter:
    """What a resident asked for besides the place: a category and the filter buttons."""

    category: str | None = None
    open_now: bool = False
    language: str | None = None  # ISO 639-1
    wheelchair: bool = False

    def conditions(self, now: datetime, *, box_driven: bool = False) -> list:
        found = [visible_to_residents(now, box_driven=box_driven)]
        if self.category:
            found.append((_unindexed(Initiative.category) if box_driven else Initiative.category) == self.category)
        if self.wheelchair:
            found.append(Initiative.wheelchair.in_(WHEELCHAIR_OK))
        if self.language:
            found.append(
                exists().where(
                    InitiativeLanguage.initiative_id == Initiative.id, InitiativeLanguage.language == self.language
                )
            )
        return found


# -- schedules ----------------------------------------------------------------------------------------


def weekly_schedule(initiative: Initiative) -> WeeklySchedule | None:
    """The initiative's hours as a WeeklySchedule; None when no hours are known."""
    return schedule_from_rows(initiative.schedules, initiative.by_appointment)


def schedule_from_rows(rows: Iterable[Schedule], by_appointment: bool) -> WeeklySchedule | None:
    days: dict[int, list[TimeRange]] = {}
    for row in rows:
        days.setdefault(row.weekday, []).append(TimeRange(_minutes(row.opens_at), _minutes(row.closes_at)))
    if not days and not by_appointment:
        return None
    if all(days.get(d) == [TimeRange(0, MINUTES_PER_DAY)] for d in range(7)):
        return WeeklySchedule(always_open=True)
    return WeeklySchedule.from_days(days, by_appointment=by_appointment)


def rows_from_schedule(schedule: WeeklySchedule | None) -> list[Schedule]:
    if schedule is None:
        return []
    if schedule.always_open:
        return [Schedule(weekday=d, opens_at="00:00", closes_at="24:00") for d in range(7)]
    return [
        Schedule(weekday=day, opens_at=_clock(r.start), closes_at=_clock(r.end))
        for day, ranges in enumerate(schedule.days)
        for r in ranges
    ]


def _minutes(clock: str) -> int:
    hours, minutes = clock.split(":")
    return int(hours) * 60 + int(minutes)


def _clock(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


# What a place card shows: the place, its hours and languages, loaded up front (no lazy loads).
CARD_OPTIONS = (joinedload(Initiative.location), selectinload(Initiative.schedules), selectinload(Initiative.languages))


# -- nearest ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class NearbyPlace:
    initiative: Initiative  # with location, schedules and languages loaded
    distance_m: float


@dataclass
class NearbyResult:
    places: list[NearbyPlace] = field(default_factory=list)
    has_more: bool = False
    searched_radius_m: float = 0.0


async def nearest(
    session: AsyncSession,
    lat: float,
    lon: float,
    *,
    now: datetime,
    limit: int = 5,
    offset: int = 0,
    place_filter: PlaceFilter = PlaceFilter(),
    is_open=None,  # noqa: ANN001 - callable(Initiative) -> bool, used when place_filter.open_now
    prefer_language: str | None = None,  # the resident's language: such places come first in their distance band
) -> NearbyResult:
    """The `limit` nearest visible places after `offset`, nearest first (ties by id).

    Open-now depends on the schedule, which SQL cannot judge, so with `open_now` the candidates
    inside the circle are loaded and `is_open` decides; the box keeps widening until enough pass.
    """
    wanted = offset + limit + 1  # one more tells whether a next page exists
    conditions = place_filter.conditions(now, box_driven=True)
    radius = START_RADIUS_M
    seen: dict[int, float] = {}
    loaded: dict[int, Initiative] = {}
    while True:
        box = bounding_box(lat, lon, radius)
        rows = await session.execute(
            select(Initiative.id, Location.latitude, Location.longitude)
            .join(Location, Location.id == Initiative.location_id)
            .where(
                Location.latitude.between(box.min_lat, box.max_lat),
                Location.longitude.between(box.min_lon, box.max_lon),
                *conditions,
            )
        )
        for initiative_id, place_lat, place_lon in rows:
            if initiative_id not in seen:
                seen[initiative_id] = haversine_m(lat, lon, place_lat, place_lon)
        inside = [i for i, d in seen.items() if d <= radius]
        if place_filter.open_now:
            missing = [i for i in inside if i not in loaded]
            loaded.update({i.id: i for i in await _load(session, missing)})
            inside = [i for i in inside if is_open is not None and is_open(loaded[i])]
        covers_all = radius >= MAX_RADIUS_M
        if len(inside) >= wanted or covers_all:
            break
        # Guess the radius that holds enough from the density seen so far; widen at least 1.5x.
        factor = math.sqrt(wanted / len(inside)) * 1.2 if inside else WIDEN_FACTOR
        radius = min(radius * max(1.5, min(factor, WIDEN_FACTOR)), MAX_RADIUS_M)
    speaking: set[int] = set()
    if prefer_language and inside:
        speaking = set(await session.scalars(
            select(InitiativeLanguage.initiative_id).where(
                InitiativeLanguage.initiative_id.in_(inside), InitiativeLanguage.language == prefer_language
            )
        ))
    ordered = sorted(inside, key=lambda i: nearby_rank(seen[i], i in speaking, i))
    page = ordered[offset : offset + limit]
    missing = [i for i in page if i not in loaded]
    loaded.update({i.id: i for i in await _load(session, missing)})
    return NearbyResult(
        places=[NearbyPlace(loaded[i], seen[i]) for i in page],
        has_more=len(ordered) > offset + limit,
        searched_radius_m=radius,
    )


async def _load(session: AsyncSession, ids: Sequence[int]) -> list[Initiative]:
    if not ids:
        return []
    query = select(Initiative).where(Initiative.id.in_(ids)).options(*CARD_OPTIONS)
    return list(await session.scalars(query))


# -- search ------------------------------------------------------------------------------------------


async def search(session: AsyncSession, words: str, *, now: datetime, limit: int = 10) -> list[Initiative]:
    """Visible initiatives whose name or description holds every word (accent- and case-insensitive)."""
    terms = normalize_text(words).split()
    if not terms:
        return []
    query = (
        select(Initiative)
        .where(visible_to_residents(now), *[Initiative.search_text.contains(term, autoescape=True) for term in terms])
        .options(*CARD_OPTIONS)
        .order_by(Initiative.name, Initiative.id)
        .limit(limit)
    )
    return list(await session.scalars(query))


async def get_visible(session: AsyncSession, initiative_id: int, *, now: datetime) -> Initiative | None:
    found = await _load(session, [initiative_id])
    if not found:
        return None
    initiative = found[0]
    stamp = initiative.last_verified_at or initiative.created_at
    if initiative.status != "active" or stamp < now - VERIFIED_FOR:
        return None
    return initiative


# -- import / export --------------------------------------------------------------------------------


async def all_places(session: AsyncSession) -> list[Initiative]:
    """Every initiative with a place (any status), for the export; stable order."""
    query = (
        select(Initiative)
        .options(
            selectinload(Initiative.location),
            selectinload(Initiative.schedules),
            selectinload(Initiative.languages),
            selectinload(Initiative.networks),
        )
        .order_by(Initiative.id)
    )
    return list(await session.scalars(query))


async def network_names(session: AsyncSession) -> dict[int, str]:
    return dict((await session.execute(select(Network.id, Network.name))).all())


async def find_for_upsert(session: AsyncSession, record: PlaceRecord) -> Initiative | None:
    """The same initiative: by external_id, else by name + postcode among those without one."""
    options = (
        selectinload(Initiative.location),
        selectinload(Initiative.schedules),
        selectinload(Initiative.languages),
        selectinload(Initiative.networks),
    )
    if record.external_id:
        found = await session.scalar(select(Initiative).where(Initiative.external_id == record.external_id).options(*options))
        if found is not None:
            return found
    postcode_match = (
        Location.postcode == record.postcode if record.postcode else or_(Location.postcode.is_(None), Location.postcode == "")
    )
    same_postcode = await session.scalars(
        select(Initiative)
        .join(Location, Location.id == Initiative.location_id)
        .where(postcode_match, Initiative.external_id.is_(None))
        .options(*options)
        .order_by(Initiative.id)
    )
    # Names compared in Python: SQLite's lower() leaves accented capitals ("É") alone.
    return next((i for i in same_postcode if i.name.casefold() == record.name.casefold()), None)


async def ensure_networks(session: AsyncSession, names: Iterable[str]) -> dict[str, int]:
    """Network ids by name; networks named but missing are created."""
    wanted = sorted(set(names))
    found = dict((await session.execute(select(Network.name, Network.id).where(Network.name.in_(wanted)))).all())
    for name in wanted:
        if name not in found:
            network = Network(name=name)
            session.add(network)
            await session.flush()
            found[name] = network.id
    return found


def _current(initiative: Initiative, network_ids: dict[int, str]) -> tuple:
    location = initiative.location
    return (
        initiative.external_id,
        initiative.name,
        initiative.category,
        initiative.description,
        location.address if location else None,
        location.postcode if location else None,
        round(location.latitude, 6) if location else None,
        round(location.longitude, 6) if location else None,
        location.approximate if location else None,
        initiative.phone,
        initiative.email,
        initiative.website,
        tuple(sorted(network_ids[n.network_id] for n in initiative.networks)),
        weekly_schedule(initiative),
        tuple(sorted(lang.language for lang in initiative.languages)),
        initiative.wheelchair,
    )


def _wanted(record: PlaceRecord) -> tuple:
    return (
        record.external_id,
        record.name,
        record.category,
        record.description,
        record.address,
        record.postcode,
        round(record.latitude, 6),
        round(record.longitude, 6),
        record.approximate,
        record.phone,
        record.email,
        record.website,
        tuple(sorted(set(record.networks))),
        record.schedule,
        tuple(sorted(set(record.languages))),
        record.wheelchair,
    )


async def upsert_place(session: AsyncSession, record: PlaceRecord, network_ids: dict[str, int], now: datetime) -> str:
    """Create or update one initiative from a record; returns 'added', 'updated' or 'unchanged'.

    An imported place counts as verified now; an unchanged one keeps its dates.
    """
    initiative = await find_for_upsert(session, record)
    if initiative is not None:
        if _current(initiative, await network_names(session)) == _wanted(record):
            return "unchanged"
        outcome = "updated"
    else:
        initiative = Initiative(status="active", created_at=now, location=None, schedules=[], languages=[], networks=[])
        session.add(initiative)
        outcome = "added"
    location = initiative.location
    if location is None:
        location = Location(latitude=record.latitude, longitude=record.longitude)
        session.add(location)
        initiative.location = location
    location.name = record.name[:120]
    location.address = record.address
    location.postcode = record.postcode
    location.latitude = record.latitude
    location.longitude = record.longitude
    location.approximate = record.approximate
    location.buurt = record.buurt
    initiative.external_id = record.external_id
    initiative.name = record.name
    initiative.category = record.category
    initiative.description = record.description
    initiative.phone = record.phone
    initiative.email = record.email
    initiative.website = record.website
    initiative.wheelchair = record.wheelchair
    initiative.by_appointment = bool(record.schedule and record.schedule.by_appointment)
    initiative.schedules = rows_from_schedule(record.schedule)
    # Keep rows that stay (same primary key), so a flush never deletes and re-inserts one key.
    languages = set(record.languages)
    kept = [row for row in initiative.languages if row.language in languages]
    initiative.languages = kept + [
        InitiativeLanguage(language=code) for code in sorted(languages - {row.language for row in kept})
    ]
    networks = {network_ids[name] for name in record.networks}
    kept_networks = [row for row in initiative.networks if row.network_id in networks]
    initiative.networks = kept_networks + [
        InitiativeNetwork(network_id=network_id)
        for network_id in sorted(networks - {row.network_id for row in kept_networks})
    ]
    initiative.last_verified_at = now
    initiative.updated_at = now
    await session.flush()
    return outcome


# -- geocode cache ----------------------------------------------------------------------------------

GEOCODE_HIT_TTL = timedelta(days=180)
GEOCODE_MISS_TTL = timedelta(days=7)


async def cached_geocode(session: AsyncSession, provider: str, query: str, now: datetime) -> GeocodeCache | None:
    """A fresh cached answer (a hit, or a miss with latitude None), or None when we must ask."""
    entry = await session.get(GeocodeCache, (provider, query))
    if entry is None:
        return None
    ttl = GEOCODE_HIT_TTL if entry.latitude is not None else GEOCODE_MISS_TTL
    return entry if entry.fetched_at >= now - ttl else None


async def store_geocode(
    session: AsyncSession, provider: str, query: str, now: datetime, point: tuple[float, float] | None, label: str | None
) -> None:
    entry = await session.get(GeocodeCache, (provider, query))
    if entry is None:
        entry = GeocodeCache(provider=provider, query=query)
        session.add(entry)
    entry.latitude, entry.longitude = point if point else (None, None)
    entry.label = label[:200] if label else None
    entry.fetched_at = fetched_day(now)
    await session.flush()
