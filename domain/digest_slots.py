"""When a digest is due: weekly or daily slots on local wall-clock time, and their period keys.

A slot is (weekday, "HH:MM") with weekday 0 = Monday, or None for every day. Slots are walked
on the local calendar and only then turned into instants (domain.recurrence.localize), so a
Monday 09:00 digest stays at 09:00 across DST changes, and a week contains exactly one slot.
The period key names the week (weekly) or the day (daily) a slot belongs to; deliveries are
recorded per recipient and period, which is what makes a digest go out exactly once.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from domain.recurrence import localize, to_utc

DAYS = ("maandag", "dinsdag", "woensdag", "donderdag", "vrijdag", "zaterdag", "zondag")
DAYS_EN = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
DAILY_WORDS = ("dagelijks", "daily", "elke dag", "iedere dag")
CRON_DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
CATCH_UP_LIMIT = timedelta(hours=12)
_TIME = re.compile(r"^([01]?\d|2[0-3])[:.u]([0-5]\d)$")


@dataclass(frozen=True)
class Slot:
    weekday: int | None  # 0 = Monday; None = every day
    at: time

    @property
    def hhmm(self) -> str:
        return self.at.strftime("%H:%M")


def parse_slot(day_word: str, time_word: str) -> Slot:
    """'maandag' '09:00' -> Slot(0, 09:00); raises ValueError with a short reason."""
    day = day_word.strip().lower()
    if day in DAILY_WORDS:
        weekday = None
    elif day in DAYS:
        weekday = DAYS.index(day)
    elif day in DAYS_EN:
        weekday = DAYS_EN.index(day)
    else:
        matches = [i for i, name in enumerate(DAYS) if len(day) >= 2 and name.startswith(day)]
        if len(matches) != 1:
            raise ValueError("day")
        weekday = matches[0]
    match = _TIME.match(time_word.strip())
    if match is None:
        raise ValueError("time")
    if int(match.group(1)) == 2:
        raise ValueError("dst")  # 02:00-03:00 is skipped or doubled when the clocks change
    return Slot(weekday, time(int(match.group(1)), int(match.group(2))))


def slot_from_row(weekday: int | None, hhmm: str) -> Slot:
    hours, minutes = hhmm.split(":")
    return Slot(weekday, time(int(hours), int(minutes)))


def _slot_on(day: date, slot: Slot, tz: ZoneInfo) -> datetime:
    return localize(datetime.combine(day, slot.at), tz)


def _days(slot: Slot, around: date, back: int, forward: int) -> list[date]:
    days = [around + timedelta(days=offset) for offset in range(-back, forward + 1)]
    return [day for day in days if slot.weekday is None or day.weekday() == slot.weekday]


def last_due(slot: Slot, now: datetime, tz: ZoneInfo) -> datetime:
    """The latest slot instant at or before `now` (aware, in tz)."""
    today = to_utc(now).astimezone(tz).date()
    moments = [_slot_on(day, slot, tz) for day in _days(slot, today, 8, 1)]
    return max(m for m in moments if to_utc(m) <= to_utc(now))


def next_due(slot: Slot, now: datetime, tz: ZoneInfo) -> datetime:
    """The first slot instant strictly after `now` (aware, in tz)."""
    today = to_utc(now).astimezone(tz).date()
    moments = [_slot_on(day, slot, tz) for day in _days(slot, today, 1, 8)]
    return min(m for m in moments if to_utc(m) > to_utc(now))


def period_key(slot: Slot, due: datetime, tz: ZoneInfo) -> str:
    """'2026-W50' for a weekly slot, '2026-12-07' for a daily one (local calendar)."""
    local = to_utc(due).astimezone(tz).date()
    if slot.weekday is None:
        return local.isoformat()
    year, week, _ = local.isocalendar()
    return f"{year}-W{week:02d}"


def catch_up(slot: Slot, now: datetime, tz: ZoneInfo, limit: timedelta = CATCH_UP_LIMIT) -> tuple[datetime, bool]:
    """The last due slot and whether it is recent enough (< limit ago) to send late."""
    due = last_due(slot, now, tz)
    return due, to_utc(now) - to_utc(due) < limit


def cron_fields(slot: Slot) -> dict[str, str | int]:
    """APScheduler CronTrigger fields (day_of_week by name: APScheduler counts from Monday, PTB from Sunday)."""
    fields: dict[str, str | int] = {"hour": slot.at.hour, "minute": slot.at.minute, "second": 0}
    if slot.weekday is not None:
        fields["day_of_week"] = CRON_DAYS[slot.weekday]
    return fields
