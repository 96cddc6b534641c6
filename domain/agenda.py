"""Which activities /agenda shows: the time windows residents ask for, and occurrences inside them.

Windows are in local wall-clock days (Europe/Amsterdam); an activity that is going on now counts
as "today" until it ends. Recurring activities are expanded with domain.recurrence.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from domain.recurrence import Occurrence, Recurrence, localize, to_utc

WINDOWS = ("today", "weekend", "week", "month")
LOOKBACK = timedelta(hours=12)  # an activity that began this long ago may still be going on


def _midnight(day: date, tz: ZoneInfo) -> datetime:
    return localize(datetime.combine(day, time()), tz)


def window(kind: str, now: datetime, tz: ZoneInfo) -> tuple[datetime, datetime]:
    """(from, until) for today / weekend / week (the next 7 days) / month (the next 4 weeks)."""
    local = now.astimezone(tz)
    today = local.date()
    if kind == "today":
        return now, _midnight(today + timedelta(days=1), tz)
    if kind == "weekend":
        weekday = today.weekday()  # 0 = Monday
        if weekday >= 5:
            return now, _midnight(today + timedelta(days=7 - weekday), tz)
        saturday = today + timedelta(days=5 - weekday)
        return _midnight(saturday, tz), _midnight(saturday + timedelta(days=2), tz)
    if kind == "week":
        return now, _midnight(today + timedelta(days=7), tz)
    if kind == "month":
        return now, _midnight(today + timedelta(days=28), tz)
    raise ValueError(f"unknown window {kind!r}")


@dataclass(frozen=True)
class Slot:
    start: datetime
    end: datetime | None


def occurrences(start: datetime, end: datetime | None, rrule: str | None, lo: datetime, hi: datetime,
                now: datetime, tz: ZoneInfo, limit: int = 50) -> list[Slot]:
    """Occurrences that start before `hi` and have not ended at `lo` (nor before `now`)."""
    floor = max(to_utc(lo), to_utc(now))
    if rrule is None:
        found = [Occurrence(start, end)]
    else:
        series = Recurrence(start.astimezone(tz), rrule, end.astimezone(tz) if end else None)
        found = series.between(lo - LOOKBACK, hi)
    slots = []
    for item in found:
        finish = item.end or item.start
        if to_utc(item.start) < to_utc(hi) and to_utc(finish) >= floor and (item.end is not None or to_utc(item.start) >= floor):
            slots.append(Slot(item.start.astimezone(tz), item.end.astimezone(tz) if item.end else None))
    return slots[:limit]


def next_occurrence(start: datetime, end: datetime | None, rrule: str | None, now: datetime, tz: ZoneInfo) -> Slot | None:
    """The next start after `now` (None when a one-off is over or a series has ended)."""
    if rrule is None:
        return Slot(start.astimezone(tz), end.astimezone(tz) if end else None) if to_utc(start) > to_utc(now) else None
    series = Recurrence(start.astimezone(tz), rrule, end.astimezone(tz) if end else None)
    found = series.next_occurrence(now)
    return Slot(found.start.astimezone(tz), found.end.astimezone(tz) if found.end else None) if found else None
