"""The places a nearby answer is chosen from, kept in memory (issue 13).

A near-me answer needs every visible place around a point; reading them from the database for
each question is most of an answer's cost. The index holds, per place with a location, what the
nearest-N search filters and ranks on (point, status, verified date, category, wheelchair,
languages) in a grid of about 500 m cells, and the cards shown recently (the initiative with its
location, hours and languages, as storage.repositories.directory loads them).

When it is read again:
* any write in this process that touches the directory's tables (an INSERT, UPDATE, DELETE or
  TRUNCATE naming initiatives, locations, schedules or initiative_languages, through any engine
  or session) makes it stale at once, and again when that connection goes back to the pool (after
  its commit), so an answer never comes from rows older than a committed change;
* a change made by ANOTHER process (a CSV import from the command line, a second bot process) is
  noticed within CHECK_EVERY_S: then a cheap fingerprint of the tables (counts and latest
  changes) is compared and the index reloaded when it differs.
"""

from __future__ import annotations

import asyncio
import gc
import math
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Pool, Table, event, func, select
from sqlalchemy.engine import Engine
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Initiative, InitiativeLanguage, Location, Schedule

CHECK_EVERY_S = 30.0  # how soon a change by another process reaches answers
CELL_LAT = 0.005  # degrees: about 550 m (a grid of up to 3,999 places; finer for more: cell_size)
CELL_LON = 0.008  # degrees: about 550 m at 52° N
CARDS_KEPT = 4096
DATABASES_KEPT = 4
TABLES = ("initiatives", "locations", "schedules", "initiative_languages")
_DIRTY = "kp_directory_written"

FREEZE_FROM_PLACES = 10_000


def inspect_table(model: type[Any]) -> Table:
    table: Table = model.__table__
    return table


@dataclass(frozen=True, slots=True)
class IndexedPlace:
    id: int
    lat: float
    lon: float
    status: str
    verified: datetime  # last_verified_at, else created_at
    category: str | None
    wheelchair: str | None
    languages: frozenset[str]
    has_hours: bool  # schedule rows, or by appointment: without either a place is never open


Cell = tuple[int, int]


def cell_size(places: int) -> tuple[float, float]:
    """Finer cells for more places: about as many places per cell at 100k as at 1k, so a small box
    in a dense city looks at tens of places instead of hundreds (up to 8 x 8 finer, ~70 m)."""
    finer = min(8, max(1, math.isqrt(max(places, 1) // 1000)))
    return CELL_LAT / finer, CELL_LON / finer


@dataclass
class PlacesIndex:
    generation: int
    fingerprint: tuple[Any, ...]
    checked_at: float
    places: int = 0
    grid: dict[Cell, list[IndexedPlace]] = field(default_factory=dict)
    cards: OrderedDict[int, Initiative] = field(default_factory=OrderedDict)
    corners: tuple[Cell, Cell] | None = None
    cell_lat: float = CELL_LAT
    cell_lon: float = CELL_LON

    def cell_of(self, lat: float, lon: float) -> Cell:
        return math.floor(lat / self.cell_lat), math.floor(lon / self.cell_lon)

    def covers_all_cells(self, min_lat: float, max_lat: float, min_lon: float, max_lon: float) -> bool:
        """Whether the box holds every place (then a wider one finds nothing new)."""
        if not self.grid:
            return True
        low, high = self.cell_of(min_lat, min_lon), self.cell_of(max_lat, max_lon)
        return all(low[0] <= row <= high[0] and low[1] <= column <= high[1] for row, column in self._extent())

    def _extent(self) -> tuple[Cell, Cell]:
        """The lowest and highest cell in use: two corners that bound every place."""
        if self.corners is None:
            rows = [row for row, _column in self.grid]
            columns = [column for _row, column in self.grid]
            self.corners = ((min(rows), min(columns)), (max(rows), max(columns)))
        return self.corners

    def all_places(self) -> Iterator[IndexedPlace]:
        for bucket in self.grid.values():
            yield from bucket

    def in_box(self, min_lat: float, max_lat: float, min_lon: float, max_lon: float) -> Iterator[IndexedPlace]:
        """Every place with min_lat <= lat <= max_lat and min_lon <= lon <= max_lon (as SQL's BETWEEN)."""
        low, high = self.cell_of(min_lat, min_lon), self.cell_of(max_lat, max_lon)
        cells = (high[0] - low[0] + 1) * (high[1] - low[1] + 1)
        if cells > len(self.grid):
            found: Iterable[list[IndexedPlace]] = self.grid.values()
        else:
            found = (
                self.grid.get((row, column), [])
                for row in range(low[0], high[0] + 1)
                for column in range(low[1], high[1] + 1)
            )
        for bucket in found:
            for place in bucket:
                if min_lat <= place.lat <= max_lat and min_lon <= place.lon <= max_lon:
                    yield place

    def card(self, initiative_id: int) -> Initiative | None:
        found = self.cards.get(initiative_id)
        if found is not None:
            self.cards.move_to_end(initiative_id)
        return found

    def keep_cards(self, initiatives: Iterable[Initiative]) -> None:
        for initiative in initiatives:
            self.cards[initiative.id] = initiative
            self.cards.move_to_end(initiative.id)
        while len(self.cards) > CARDS_KEPT:
            self.cards.popitem(last=False)


# -- staleness -------------------------------------------------------------------------------------------

_generation = 0


def generation() -> int:
    return _generation


def invalidate() -> None:
    """Make every index stale (a directory table was written)."""
    global _generation
    _generation += 1


def _writes_directory(statement: str) -> bool:
    head = statement.lstrip()[:8].upper()
    if not head.startswith(("INSERT", "UPDATE", "DELETE", "TRUNCATE", "DROP", "ALTER", "REPLACE", "WITH")):
        return False
    lowered = statement.lower()
    return any(table in lowered for table in TABLES)


@event.listens_for(Engine, "before_cursor_execute")
def _on_execute(conn: Any, _cursor: Any, statement: str, _parameters: Any, _context: Any, _executemany: bool) -> None:
    if _writes_directory(statement):
        conn.info[_DIRTY] = True
        invalidate()


@event.listens_for(Pool, "checkin")
def _on_checkin(_dbapi_connection: Any, record: Any) -> None:
    if record is not None and record.info.pop(_DIRTY, False):
        invalidate()  # after the commit (or rollback): whatever was loaded meanwhile is stale


# -- loading ---------------------------------------------------------------------------------------------

_INDEXES: dict[str, PlacesIndex] = {}
_LOADING: dict[tuple[str, int], asyncio.Future[PlacesIndex]] = {}


def _key(session: AsyncSession) -> str:
    return str(session.get_bind().engine.url)


async def current(session: AsyncSession) -> PlacesIndex:
    """The index for the session's database, loaded (once, for concurrent callers) when stale."""
    key = _key(session)
    index = _INDEXES.get(key)
    if index is not None and index.generation == _generation:
        if time.monotonic() - index.checked_at < CHECK_EVERY_S:
            return index
        index.checked_at = time.monotonic()  # one caller checks; the others use it meanwhile
        if await _fingerprint(session) == index.fingerprint:
            return index
        invalidate()
    loading_key = (key, id(asyncio.get_running_loop()))
    loading = _LOADING.get(loading_key)
    if loading is not None:
        return await asyncio.shield(loading)
    future: asyncio.Future[PlacesIndex] = asyncio.get_running_loop().create_future()
    _LOADING[loading_key] = future
    try:
        started = _generation
        index = await _load(session, started)
        if _generation == started:  # nothing written meanwhile: keep it
            _INDEXES.pop(key, None)
            _INDEXES[key] = index
            while len(_INDEXES) > DATABASES_KEPT:  # tests open many databases: keep the latest
                del _INDEXES[next(iter(_INDEXES))]
            if index.places >= FREEZE_FROM_PLACES:
                # Tens of thousands of places kept for the process's life: out of the cyclic GC's
                # sight, or every full collection walks them all (on the path of an answer). They
                # hold no cycles, so a replaced index is still freed by reference counting. (What
                # else is alive now is frozen too: a small index is not worth that.)
                gc.freeze()
        future.set_result(index)
        return index
    except BaseException as exc:
        future.set_exception(exc)
        future.exception()  # retrieved: no "never retrieved" warning when nobody else waited
        raise
    finally:
        del _LOADING[loading_key]


async def _fingerprint(session: AsyncSession) -> tuple[Any, ...]:
    initiatives = (await session.execute(select(
        func.count(), func.max(Initiative.id), func.max(Initiative.updated_at), func.max(Initiative.last_verified_at)
    ))).one()
    others = []
    for model in (Location, Schedule, InitiativeLanguage):
        first_key = next(iter(inspect_table(model).primary_key.columns))
        others.append(tuple((await session.execute(select(func.count(), func.max(first_key)))).one()))
    return (tuple(initiatives), *others)


async def _load(session: AsyncSession, started: int) -> PlacesIndex:
    fingerprint = await _fingerprint(session)
    languages: dict[int, set[str]] = {}
    for initiative_id, language in await session.execute(select(InitiativeLanguage.initiative_id, InitiativeLanguage.language)):
        languages.setdefault(initiative_id, set()).add(language)
    index = PlacesIndex(generation=started, fingerprint=fingerprint, checked_at=time.monotonic())
    rows = await session.execute(
        select(
            Initiative.id, Location.latitude, Location.longitude, Initiative.status,
            func.coalesce(Initiative.last_verified_at, Initiative.created_at), Initiative.category, Initiative.wheelchair,
            Initiative.by_appointment,
        ).join(Location, Location.id == Initiative.location_id)
    )
    no_languages: frozenset[str] = frozenset()
    with_schedule = set(await session.scalars(select(Schedule.initiative_id).distinct()))
    located = rows.all()
    index.cell_lat, index.cell_lon = cell_size(len(located))
    for initiative_id, lat, lon, status, verified, category, wheelchair, by_appointment in located:
        place = IndexedPlace(
            initiative_id, lat, lon, status, verified, category, wheelchair,
            frozenset(languages[initiative_id]) if initiative_id in languages else no_languages,
            bool(by_appointment) or initiative_id in with_schedule,
        )
        index.grid.setdefault(index.cell_of(lat, lon), []).append(place)
        index.places += 1
    return index


async def cards(
    session: AsyncSession, index: PlacesIndex, ids: Sequence[int], load: Callable[[AsyncSession, Sequence[int]], Any]
) -> dict[int, Initiative]:
    """The cards of `ids`: kept ones from the index, the others through `load` (then kept while current)."""
    found = {i: card for i in ids if (card := index.card(i)) is not None}
    missing = [i for i in ids if i not in found]
    if missing:
        started = _generation
        loaded: list[Initiative] = await load(session, missing)
        found.update({initiative.id: initiative for initiative in loaded})
        if _generation == started == index.generation:
            index.keep_cards(loaded)
    return found
