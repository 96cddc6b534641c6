"""Wall-clock time and recurring activities.

People mean local wall-clock time: "every Tuesday 10:00" stays 10:00 in Rotterdam in summer and
in winter. So rules are expanded on naive local times (dateutil.rrule) and only then turned into
instants with zoneinfo; adding hours to a UTC time would drift by an hour at every DST change.

Note: Python compares and subtracts two datetimes with the *same* tzinfo by wall clock, ignoring
DST folds, so instants are always compared through ``to_utc``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from dateutil.rrule import rrule, rruleset, rrulestr

TZ = ZoneInfo("Europe/Amsterdam")


def to_utc(dt: datetime) -> datetime:
    """The same instant in UTC (the safe form to compare, subtract or store)."""
    if dt.tzinfo is None:
        raise ValueError("naive datetime has no instant")
    return dt.astimezone(timezone.utc)


def _exists(aware: datetime) -> bool:
    return aware.astimezone(timezone.utc).astimezone(aware.tzinfo).replace(tzinfo=None) == aware.replace(tzinfo=None)


def localize(naive: datetime, tz: ZoneInfo = TZ) -> datetime:
    """Turn a wall-clock time into an aware datetime in ``tz``.

    A time that happens twice (autumn, clocks back) means the first time. A time that does not
    exist (spring, clocks forward) moves to the first valid moment after it: 02:30 becomes 03:00.
    """
    probe = naive.replace(tzinfo=tz, fold=0)
    if not _exists(probe):
        probe = probe.replace(second=0, microsecond=0)
        while not _exists(probe):
            probe += timedelta(minutes=1)  # same tzinfo: wall-clock arithmetic, as wanted here
    return probe.astimezone(timezone.utc).astimezone(tz)


@dataclass(frozen=True)
class Occurrence:
    start: datetime
    end: datetime | None


@dataclass(frozen=True)
class Recurrence:
    """A recurring activity: first start (aware, local zone), RFC 5545 RRULE, optional first end.

    Every occurrence keeps the wall-clock start time and wall-clock length of the first one.
    """

    first_start: datetime
    rule: str
    first_end: datetime | None = None

    @property
    def tz(self) -> ZoneInfo:
        tz = self.first_start.tzinfo
        if not isinstance(tz, ZoneInfo):
            raise ValueError("first_start needs a zoneinfo time zone")
        return tz

    def _wall(self, dt: datetime) -> datetime:
        return dt.astimezone(self.tz).replace(tzinfo=None)

    def _rrule(self) -> rrule | rruleset:
        return rrulestr(self.rule, dtstart=self._wall(self.first_start))

    def _occurrence(self, wall_start: datetime) -> Occurrence:
        end = None
        if self.first_end is not None:
            end = localize(wall_start + (self._wall(self.first_end) - self._wall(self.first_start)), self.tz)
        return Occurrence(localize(wall_start, self.tz), end)

    def between(self, start: datetime, end: datetime) -> list[Occurrence]:
        """Occurrences that start at or after ``start`` and before ``end``."""
        lo, hi = to_utc(start), to_utc(end)
        walls = self._rrule().between(self._wall(start) - timedelta(days=1), self._wall(end) + timedelta(days=1), inc=True)
        found = (self._occurrence(w) for w in walls)
        return [o for o in found if lo <= to_utc(o.start) < hi]

    def next_occurrence(self, after: datetime) -> Occurrence | None:
        """The first occurrence starting strictly after ``after`` (None when the rule has ended)."""
        limit = to_utc(after)
        for wall in self._rrule().xafter(self._wall(after) - timedelta(days=1), inc=True):
            occurrence = self._occurrence(wall)
            if to_utc(occurrence.start) > limit:
                return occurrence
        return None
