"""When digests go out: a weekday (or every day) at a local wall-clock time.

A digest asked for "Monday 08:00" must go out once, at 08:00 Rotterdam time, also in the weeks
the clocks change. Fire times are therefore built per calendar day from the wall-clock time
(``recurrence.localize``): a time missing in spring moves to the first valid moment after it, a
time that happens twice in autumn fires only the first time. Each fire time has a period key so a
restarted bot can tell whether that digest was already sent.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from domain.recurrence import TZ, localize, to_utc

MISSED_GRACE = timedelta(hours=12)


@dataclass(frozen=True)
class Schedule:
    """``weekday`` 0=Monday..6=Sunday, or None for every day; ``at`` is local wall-clock time."""

    weekday: int | None
    at: time
    tz: ZoneInfo = TZ

    def __post_init__(self) -> None:
        if self.weekday is not None and not 0 <= self.weekday <= 6:
            raise ValueError(f"weekday must be 0-6 or None, not {self.weekday}")

    @classmethod
    def parse(cls, weekday: int | None, hhmm: str, tz: ZoneInfo = TZ) -> Schedule:
        """Build from a stored "HH:MM" string."""
        m = re.fullmatch(r"([01]?\d|2[0-3]):([0-5]\d)", hhmm.strip())
        if m is None:
            raise ValueError(f"not a HH:MM time: {hhmm!r}")
        return cls(weekday, time(int(m[1]), int(m[2])), tz)

    def _fires_on(self, day: date) -> bool:
        return self.weekday is None or day.weekday() == self.weekday

    def _fire_time(self, day: date) -> datetime:
        return localize(datetime.combine(day, self.at), self.tz)


def next_fire(schedule: Schedule, after: datetime) -> datetime:
    """The first fire time strictly after the instant ``after``."""
    day = after.astimezone(schedule.tz).date()
    while True:
        if schedule._fires_on(day) and to_utc(fire := schedule._fire_time(day)) > to_utc(after):
            return fire
        day += timedelta(days=1)


def last_fire(schedule: Schedule, at_or_before: datetime) -> datetime:
    """The latest fire time at or before the instant ``at_or_before``."""
    day = at_or_before.astimezone(schedule.tz).date()
    while True:
        if schedule._fires_on(day) and to_utc(fire := schedule._fire_time(day)) <= to_utc(at_or_before):
            return fire
        day -= timedelta(days=1)


def period_key(schedule: Schedule, fire: datetime) -> str:
    """A stable name for the period a fire time belongs to: its local date, "2026-12-07"."""
    return fire.astimezone(schedule.tz).date().isoformat()


def missed_run(last_sent_period: str | None, now: datetime, schedule: Schedule,
               grace: timedelta = MISSED_GRACE) -> datetime | None:
    """At start-up: the fire time of a digest to send late, or None.

    The latest scheduled digest is sent late when it was not sent yet and is less than ``grace``
    old; an older one would be stale news, so it is skipped and the next one waits for its time.
    """
    fire = last_fire(schedule, now)
    if period_key(schedule, fire) == last_sent_period:
        return None
    if to_utc(now) - to_utc(fire) >= grace:
        return None
    return fire
