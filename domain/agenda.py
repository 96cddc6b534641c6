"""Which activities /agenda shows: the time windows residents ask for, and occurrences inside them.

Windows are in local wall-clock days (Europe/Amsterdam); an activity that is going on now counts
as "today" until it ends. Recurring activities are expanded with domain.recurrence.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from domain.gazetteer import normalize_text
from domain.recurrence import Occurrence, Recurrence, localize, to_utc

WINDOWS = ("today", "tomorrow", "weekend", "week", "month")  # and "day:<0..6>", a weekday (0 = Monday)
# Words in an activity that say it is for children (matched on whole words, Dutch and English).
CHILDREN_WORDS = frozenset({"kind", "kinderen", "kids", "kinder", "jeugd", "jongeren", "peuters", "tieners",
                            "children", "child", "family", "families", "youth", "gezin", "gezinnen", "ouder"})
CHILDREN_CATEGORIES = frozenset({"speeltuin", "huiswerkbegeleiding"})
REMINDER_DAY_BEFORE = timedelta(hours=24)  # "morgen is ...", for who said "Ik kom" before that
REMINDER_SOON_BEFORE = timedelta(hours=3)  # "straks is ...", for who said it later (but not at the last minute)
LOOKBACK = timedelta(hours=12)  # an activity that began this long ago may still be going on


def _midnight(day: date, tz: ZoneInfo) -> datetime:
    return localize(datetime.combine(day, time()), tz)


def window(kind: str, now: datetime, tz: ZoneInfo) -> tuple[datetime, datetime]:
    """(from, until) for today / tomorrow / weekend / week (the next 7 days) / month (the next 4
    weeks) / "day:N" (the next such weekday; today when it is that day, from now on)."""
    local = now.astimezone(tz)
    today = local.date()
    if kind == "today":
        return now, _midnight(today + timedelta(days=1), tz)
    if kind == "tomorrow":
        return _midnight(today + timedelta(days=1), tz), _midnight(today + timedelta(days=2), tz)
    if kind.startswith("day:") and kind[4:].isdigit() and int(kind[4:]) < 7:
        ahead = (int(kind[4:]) - today.weekday()) % 7
        if ahead == 0:
            return now, _midnight(today + timedelta(days=1), tz)
        day = today + timedelta(days=ahead)
        return _midnight(day, tz), _midnight(day + timedelta(days=1), tz)
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


def for_children(title: str, description: str | None, category: str | None) -> bool:
    """An activity meant for children: its initiative's kind, or a word in its title or description."""
    if category in CHILDREN_CATEGORIES:
        return True
    words = set(normalize_text(f"{title} {description or ''}").split())
    return bool(words & CHILDREN_WORDS)


def reminder_stage(joined: datetime, occurrence: datetime) -> str | None:
    """Which reminder someone who said "Ik kom" at `joined` gets: "day" (the day before), "soon"
    (3 hours before) or None (it starts within 3 hours: nothing to promise)."""
    if joined <= occurrence - REMINDER_DAY_BEFORE:
        return "day"
    if joined <= occurrence - REMINDER_SOON_BEFORE:
        return "soon"
    return None
