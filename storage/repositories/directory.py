"""The place directory: nearest active places, search, and the upsert behind the CSV import.

Residents only ever see initiatives that are active and verified in the last 180 days (NULL
last_verified_at counts as verified when created). The nearest-N search never scores every place:
a bounding box picks candidates from the in-memory grid of places (storage.repositories.places_index,
kept current on every write), the box widens until enough candidates lie inside its inscribed
circle, and only those get an exact distance.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import lru_cache
from typing import Any, cast

from sqlalchemy import ColumnElement, Table, and_, bindparam, delete, exists, func, insert, literal, select, text, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import InstrumentedAttribute, joinedload, selectinload

from domain.gazetteer import normalize_text
from domain.geo import EARTH_RADIUS_M, bounding_box, haversine_m
from domain.places_csv import PlaceRecord
from domain.opening_hours import MINUTES_PER_DAY, TimeRange, WeeklySchedule
from domain.ranking import nearby_rank
from storage.repositories import places_index
from storage.models import Base, Initiative, InitiativeLanguage, InitiativeNetwork, Location, Network, Schedule
from storage.tables_directory import GeocodeCache, fetched_day, search_text_for

VERIFIED_FOR = timedelta(days=180)
START_RADIUS_M = 500.0
WIDEN_FACTOR = 3.0
MAX_RADIUS_M = math.pi * EARTH_RADIUS_M  # half the earth's circumference: the box covers everything
WHEELCHAIR_OK = ("yes", "limited")


# -- filters shared by every resident-facing query -------------------------------------------------


def visible_to_residents(now: datetime, *, box_driven: bool = False) -> ColumnElement[bool]:
    """Active, and verified (or created) within VERIFIED_FOR."""
    status = _unindexed(Initiative.status) if box_driven else Initiative.status
    return and_(status == "active", func.coalesce(Initiative.last_verified_at, Initiative.created_at) >= now - VERIFIED_FOR)


def _unindexed(column: InstrumentedAttribute[str]) -> ColumnElement[str]:
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

    def keeps(self, now: datetime) -> Callable[[places_index.IndexedPlace], bool]:
        """The same test as `conditions`, on a place of the in-memory index."""
        oldest = now - VERIFIED_FOR
        category, wheelchair, language = self.category, self.wheelchair, self.language

        def keep(place: places_index.IndexedPlace) -> bool:
            return (
                place.status == "active" and place.verified >= oldest
                and (not category or place.category == category)
                and (not wheelchair or place.wheelchair in WHEELCHAIR_OK)
                and (not language or language in place.languages)
            )

        return keep

    def conditions(self, now: datetime, *, box_driven: bool = False) -> list[ColumnElement[bool]]:
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
# One query for a page of cards (joined, made unique), not three: every round trip to the database
# costs more than the few repeated columns (a page holds at most a handful of places).
CARD_OPTIONS = (joinedload(Initiative.location), joinedload(Initiative.schedules), joinedload(Initiative.languages))


# -- nearest ---------------------------------------------------------------------------------------


# The radius that last held enough places, per filter and page: the next question starts there
# instead of at START_RADIUS_M, so it usually needs one box query instead of two or three. Only
# the number of queries depends on it, never the answer (the box widens until enough lie inside).
_RADIUS_HINTS: dict[tuple[object, int], float] = {}
HINT_MAX_M = 3_000.0
HINT_MIN_M = 100.0  # in a dense city (100k places) a few hundred metres hold enough


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
    is_open: Callable[[Initiative], bool] | None = None,  # used when place_filter.open_now
    prefer_language: str | None = None,  # the resident's language: such places come first in their distance band
) -> NearbyResult:
    """The `limit` nearest visible places after `offset`, nearest first (ties by id).

    Open-now depends on the schedule, so with `open_now` the candidates inside the circle that have
    hours at all (schedule rows, or by appointment; a place without is never open) are loaded and
    `is_open` decides; the box keeps widening until enough pass.
    """
    wanted = offset + limit + 1  # one more tells whether a next page exists
    index = await places_index.current(session)
    keep = place_filter.keeps(now)
    hint_key = (place_filter, wanted)
    radius = _RADIUS_HINTS.get(hint_key, START_RADIUS_M)
    seen: dict[int, float] = {}
    languages: dict[int, frozenset[str]] = {}
    may_open: dict[int, bool] = {}
    loaded: dict[int, Initiative] = {}
    judged: set[int] = set()  # places tested against the filter already (kept ones are in `seen`)
    everything = False  # every place has been judged: a wider box finds nothing new
    while True:
        box = bounding_box(lat, lon, radius)
        if not everything:
            everything = index.covers_all_cells(box.min_lat, box.max_lat, box.min_lon, box.max_lon)
            found = index.all_places() if everything else index.in_box(box.min_lat, box.max_lat, box.min_lon, box.max_lon)
            for place in found:
                if place.id not in judged:
                    judged.add(place.id)
                    if keep(place):
                        seen[place.id] = haversine_m(lat, lon, place.lat, place.lon)
                        languages[place.id] = place.languages
                        may_open[place.id] = place.has_hours
        inside = [i for i, d in seen.items() if d <= radius]
        if place_filter.open_now:
            inside = [i for i in inside if may_open[i]]  # no hours at all: never open (weekly_schedule is None)
            missing = [i for i in inside if i not in loaded]
            loaded.update(await places_index.cards(session, index, missing, _load))
            inside = [i for i in inside if is_open is not None and is_open(loaded[i])]
        covers_all = radius >= MAX_RADIUS_M
        if len(inside) >= wanted or covers_all:
            break
        # Guess the radius that holds enough from the density seen so far; widen at least 1.5x.
        factor = math.sqrt(wanted / len(inside)) * 1.2 if inside else WIDEN_FACTOR
        radius = min(radius * max(1.5, min(factor, WIDEN_FACTOR)), MAX_RADIUS_M)
    # Next time start where about twice `wanted` places lie, as dense as seen here (bounded, so one
    # question far outside the city does not make the next one in the centre scan a huge box).
    density_radius = radius * math.sqrt(2 * wanted / max(len(inside), 1))
    _RADIUS_HINTS[hint_key] = min(max(HINT_MIN_M, density_radius), HINT_MAX_M)
    speaking = {i for i in inside if prefer_language in languages[i]} if prefer_language else set()
    ordered = sorted(inside, key=lambda i: nearby_rank(seen[i], i in speaking, i))
    page = ordered[offset : offset + limit]
    missing = [i for i in page if i not in loaded]
    loaded.update(await places_index.cards(session, index, missing, _load))
    return NearbyResult(
        places=[NearbyPlace(loaded[i], seen[i]) for i in page],
        has_more=len(ordered) > offset + limit,
        searched_radius_m=radius,
    )


async def _load(session: AsyncSession, ids: Sequence[int]) -> list[Initiative]:
    if not ids:
        return []
    query = select(Initiative).where(Initiative.id.in_(ids)).options(*CARD_OPTIONS)
    return list((await session.scalars(query)).unique())


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
    return list((await session.scalars(query)).unique())


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


# The bulk import: a handful of statements for any number of rows (no query per row), one
# transaction (the caller's). Matching: by external_id, else by name + postcode among the
# initiatives without one. An unchanged place keeps its dates; a changed or new one counts as
# verified now.

IMPORT_CHUNK = 500  # ids per IN (...) list: well under every database's parameter limit


@dataclass
class ImportOutcome:
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    created_networks: list[str] = field(default_factory=list)


@dataclass
class _Existing:
    id: int
    location_id: int | None
    compare: tuple[object, ...]


async def missing_networks(session: AsyncSession, names: Iterable[str]) -> list[str]:
    """The names among `names` no network has (exact spelling), sorted."""
    wanted = set(names)
    known = set(await session.scalars(select(Network.name)))
    return sorted(wanted - known)


async def import_places(
    session: AsyncSession, records: Sequence[PlaceRecord], now: datetime, progress: Callable[[int], object] | None = None
) -> ImportOutcome:
    """Add or update every record; networks named but missing are created (the caller checked)."""
    outcome = ImportOutcome()
    network_ids = dict((await session.execute(select(Network.name, Network.id))).all())
    for name in sorted({n for r in records for n in r.networks} - set(network_ids)):
        network_ids[name] = (await session.execute(insert(Network).values(name=name, created_at=now).returning(Network.id))).scalar_one()
        outcome.created_networks.append(name)
    by_external_id, by_name = await _existing_places(session, {v: k for k, v in network_ids.items()})

    new: list[PlaceRecord] = []
    changed: list[tuple[PlaceRecord, _Existing]] = []
    for record in records:
        found = by_external_id.get(record.external_id) if record.external_id else None
        if found is None:
            key = (record.name.casefold(), record.postcode or "")
            found = by_name.pop(key, None)  # claimed: a later row cannot match it again
        if found is None:
            new.append(record)
        elif found.compare == _wanted(record):
            outcome.unchanged += 1
        else:
            changed.append((record, found))
    if progress:
        progress(outcome.unchanged)

    if new:
        location_ids = await _insert_returning(session, Location, [_location_values(r) for r in new])
        initiative_ids = await _insert_returning(
            session, Initiative,
            [
                {**_initiative_values(r, now), "location_id": lid, "status": "active", "created_at": now}
                for r, lid in zip(new, location_ids, strict=True)
            ],
        )
        await _insert_children(session, list(zip(initiative_ids, new, strict=True)), network_ids)
        outcome.added = len(new)
        if progress:
            progress(len(new))
    if changed:
        without_location = [(r, e) for r, e in changed if e.location_id is None]
        if without_location:
            ids = await _insert_returning(session, Location, [_location_values(r) for r, _ in without_location])
            for (_, existing), lid in zip(without_location, ids, strict=True):
                existing.location_id = lid
        await _update_by_id(session, Location, [{"id": e.location_id, **_location_values(r)} for r, e in changed])
        await _update_by_id(
            session, Initiative, [{"id": e.id, "location_id": e.location_id, **_initiative_values(r, now)} for r, e in changed]
        )
        changed_ids = [e.id for _, e in changed]
        for chunk in _chunks(changed_ids):
            for model in (Schedule, InitiativeLanguage, InitiativeNetwork):
                await session.execute(delete(model).where(model.initiative_id.in_(chunk)))
        await _insert_children(session, [(e.id, r) for r, e in changed], network_ids)
        outcome.updated = len(changed)
        if progress:
            progress(len(changed))
    return outcome


async def _existing_places(
    session: AsyncSession, network_names_by_id: dict[int, str]
) -> tuple[dict[str, _Existing], dict[tuple[str, str], _Existing]]:
    """Every initiative's comparable state, by external_id and by (casefolded name, postcode).

    Plain Core queries on the session's connection: no ORM objects for tens of thousands of rows.
    """
    connection = await session.connection()
    schedules: dict[int, list[tuple[int, str, str]]] = {}
    for initiative_id, weekday, opens_at, closes_at in await connection.execute(
        select(Schedule.initiative_id, Schedule.weekday, Schedule.opens_at, Schedule.closes_at)
    ):
        schedules.setdefault(initiative_id, []).append((weekday, opens_at, closes_at))
    languages: dict[int, list[str]] = {}
    for initiative_id, language in await connection.execute(select(InitiativeLanguage.initiative_id, InitiativeLanguage.language)):
        languages.setdefault(initiative_id, []).append(language)
    networks: dict[int, list[str]] = {}
    for initiative_id, network_id in await connection.execute(select(InitiativeNetwork.initiative_id, InitiativeNetwork.network_id)):
        networks.setdefault(initiative_id, []).append(network_names_by_id[network_id])
    rows = await connection.execute(
        select(
            Initiative.id, Initiative.external_id, Initiative.name, Initiative.category, Initiative.description,
            Initiative.phone, Initiative.email, Initiative.website, Initiative.wheelchair, Initiative.by_appointment,
            Initiative.location_id, Location.address, Location.postcode, Location.latitude, Location.longitude,
            Location.approximate,
        )
        .outerjoin(Location, Location.id == Initiative.location_id)
        .order_by(Initiative.id)
    )
    by_external_id: dict[str, _Existing] = {}
    by_name: dict[tuple[str, str], _Existing] = {}
    for row in rows:
        located = row.location_id is not None
        compare = (
            row.external_id, row.name, row.category, row.description,
            row.address if located else None, row.postcode if located else None,
            round(row.latitude, 6) if located else None, round(row.longitude, 6) if located else None,
            row.approximate if located else None,
            row.phone, row.email, row.website,
            tuple(sorted(networks.get(row.id, ()))),
            (tuple(sorted(schedules.get(row.id, ()))), bool(row.by_appointment)),
            tuple(sorted(languages.get(row.id, ()))),
            row.wheelchair,
        )
        existing = _Existing(row.id, row.location_id, compare)
        if row.external_id:
            by_external_id[row.external_id] = existing
        elif located:
            # Names compared casefolded in Python: SQLite's lower() leaves accented capitals ("É") alone.
            by_name.setdefault((row.name.casefold(), row.postcode or ""), existing)
    return by_external_id, by_name


@lru_cache(maxsize=4096)
def _schedule_rows(schedule: WeeklySchedule | None) -> tuple[tuple[int, str, str], ...]:
    """The schedules table's rows for `schedule`, sorted: how the import stores and compares hours."""
    return tuple(sorted((row.weekday, row.opens_at, row.closes_at) for row in rows_from_schedule(schedule)))


def _wanted(record: PlaceRecord) -> tuple[object, ...]:
    return (
        record.external_id, record.name, record.category, record.description, record.address, record.postcode,
        round(record.latitude, 6), round(record.longitude, 6), record.approximate,
        record.phone, record.email, record.website,
        tuple(sorted(set(record.networks))),
        (_schedule_rows(record.schedule), bool(record.schedule and record.schedule.by_appointment)),
        tuple(sorted(set(record.languages))),
        record.wheelchair,
    )


def _location_values(record: PlaceRecord) -> dict[str, Any]:
    return {
        "name": record.name[:120], "address": record.address, "postcode": record.postcode,
        "latitude": record.latitude, "longitude": record.longitude, "approximate": record.approximate, "buurt": record.buurt,
    }


def _initiative_values(record: PlaceRecord, now: datetime) -> dict[str, Any]:
    return {
        "external_id": record.external_id, "name": record.name, "category": record.category,
        "description": record.description, "phone": record.phone, "email": record.email, "website": record.website,
        "wheelchair": record.wheelchair, "by_appointment": bool(record.schedule and record.schedule.by_appointment),
        # Bulk statements skip ORM events, so the /zoek column is filled here (see tables_directory).
        "search_text": search_text_for(record.name, record.description),
        "last_verified_at": now, "updated_at": now,
    }


def _table(model: type[Base]) -> Table:
    """A model's Core table (DeclarativeBase types __table__ as any FromClause; ours are Tables)."""
    return cast(Table, model.__table__)


async def _insert_returning(session: AsyncSession, model: type[Initiative | Location], values: list[dict[str, Any]]) -> list[int]:
    """Insert many rows with ids reserved up front; their ids in the order given.

    RETURNING in a guaranteed order would make SQLite insert one row per statement, so the ids
    are taken first: PostgreSQL hands out a block of its sequence; on SQLite the transaction
    holds the write lock (BEGIN IMMEDIATE), so max(id) + 1 … cannot be taken by anyone else.
    """
    if not values:
        return []
    if session.get_bind().dialect.name == "postgresql":
        reserved = text("SELECT nextval(pg_get_serial_sequence(:table, 'id')) FROM generate_series(1, :count)")
        ids = list(await session.scalars(reserved, {"table": model.__tablename__, "count": len(values)}))
    else:
        first = (await session.scalar(select(func.coalesce(func.max(model.id), 0))) or 0) + 1
        ids = list(range(first, first + len(values)))
    # Core, not ORM, insert: the ORM splits a batch wherever a value switches between NULL and not.
    await session.execute(insert(_table(model)), [{**row, "id": new_id} for row, new_id in zip(values, ids, strict=True)])
    return ids


async def _update_by_id(session: AsyncSession, model: type[Initiative | Location], values: list[dict[str, Any]]) -> None:
    """One executemany UPDATE … WHERE id = ? for all rows (Core: the ORM would batch by NULL pattern)."""
    table = _table(model)
    columns = [key for key in values[0] if key != "id"]
    statement = update(table).where(table.c.id == bindparam("row_id")).values({c: bindparam(c) for c in columns})
    await session.execute(statement, [{**{c: row[c] for c in columns}, "row_id": row["id"]} for row in values])


async def _insert_children(session: AsyncSession, pairs: list[tuple[int, PlaceRecord]], network_ids: dict[str, int]) -> None:
    schedules = [
        {"initiative_id": iid, "weekday": weekday, "opens_at": opens_at, "closes_at": closes_at}
        for iid, record in pairs
        for weekday, opens_at, closes_at in _schedule_rows(record.schedule)
    ]
    languages = [{"initiative_id": iid, "language": code} for iid, record in pairs for code in sorted(set(record.languages))]
    networks = [
        {"initiative_id": iid, "network_id": network_ids[name]} for iid, record in pairs for name in sorted(set(record.networks))
    ]
    for model, values in ((Schedule, schedules), (InitiativeLanguage, languages), (InitiativeNetwork, networks)):
        if values:
            await session.execute(insert(_table(model)), values)


def _chunks(ids: list[int]) -> Iterator[list[int]]:
    for start in range(0, len(ids), IMPORT_CHUNK):
        yield ids[start : start + IMPORT_CHUNK]


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
