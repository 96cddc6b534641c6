"""Clock times as people write them, and the afternoon rule, shared by activities and opening hours.

The rule (docs/activities.md): an hour from 1 to 6 written without a daypart ("'s nachts",
"'s ochtends", "'s avonds"), without am/pm and without a leading zero means the afternoon:
"om 2 uur", "half 2" (13:30) and "kwart voor 2" (13:45) all agree. In a range an end hour smaller
than the start hour is the afternoon ("9-5" is 09:00-17:00, "10 tot 3" 10:00-15:00), or the night
when the afternoon is also before the start ("22-2" is 22:00-02:00). Where two readings stay
possible ("5-12": 05:00-12:00 or 17:00-24:00; "2-16"; an activity at "02:00" or "24:00") the
reader returns both and the caller asks which one is meant.

Minutes are counted from the start of the day; values of 1440 and more lie on the next day.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

DAY = 24 * 60
NOON = 12 * 60
LONGEST_OVERNIGHT = 12 * 60  # "6-2" as 18:00-02:00 is a reading; 18:00-14:00 (20 hours) is not

_H = r"\d{1,2}"
# One clock time: spoken Dutch ("kwart voor 2", "10 over half 8", "half 3"), digits with minutes
# ("14:30", "14.30", "14u30", "2:30pm"), an hour ("14u", "2 uur", "2pm", "2"), noon, midnight.
TIME = (
    rf"(?:(?:kwart|{_H})\s+(?:over|voor)\s+(?:half\s+)?{_H}|half\s+{_H})(?:\s*uur\b)?"
    rf"|{_H}(?:[:.]\d{{2}}|u\d{{2}})?(?:\s*(?:uur|u|h|am|pm)\b)?"
    r"|noon|midday|midnight|middernacht"
)

DAYPARTS = {
    "morning": ("ochtends", "morgens", "ochtend", "morning"),
    "afternoon": ("middags", "middag", "afternoon"),
    "evening": ("avonds", "avond", "evening"),
    "night": ("nachts", "nacht", "night"),
    "late_night": ("latenacht",),  # "zaterdagnacht": the night after Saturday
}
DAYPART_OF = {name: part for part, names in DAYPARTS.items() for name in names}


class ClockError(ValueError):
    """Not a time of day ("25:00", "14:75", "kwart voor half 3")."""


@dataclass(frozen=True)
class Clock:
    """A written time. ``kind``: "spoken" (half/kwart), "bare" (an hour: "2", "2 uur", "14u"),
    "clock" (hour and minutes without a leading zero: "2:30"), "padded" ("02:30"), "midnight"
    (24:00). ``minutes`` is as written on a 24-hour clock (spoken times: 0-719)."""

    minutes: int
    kind: str
    meridiem: str | None = None

    @property
    def hour(self) -> int:
        return self.minutes // 60

    @property
    def twenty_four(self) -> bool:
        """Written so that it can only be a 24-hour time: "16", "00:30", "02:00"."""
        if self.meridiem is not None or self.kind == "spoken":
            return False  # "half 1" is 12:30 or 00:30, never a 24-hour time
        return self.hour >= 13 or self.kind == "padded" or self.hour == 0


def read_clock(text: str) -> Clock:
    """One time from text that matched ``TIME``; ClockError for impossible times."""
    t = re.sub(r"\s*uur$", "", text.strip())
    if t in ("noon", "midday"):
        return Clock(NOON, "clock")
    if t in ("midnight", "middernacht"):
        return Clock(DAY, "midnight")
    if (m := re.fullmatch(rf"(kwart|{_H})\s+(over|voor)\s+(half\s+)?({_H})", t)) is not None:
        delta = 15 if m[1] == "kwart" else int(m[1])
        if not 0 < delta < 30:
            raise ClockError(text)
        base = _spoken(int(m[4]), bool(m[3]))
        return Clock((base + (delta if m[2] == "over" else -delta)) % NOON, "spoken")
    if (m := re.fullmatch(rf"half\s+({_H})", t)) is not None:
        return Clock(_spoken(int(m[1]), True), "spoken")
    m = re.fullmatch(rf"({_H})(?:[:.](\d{{2}})|u(\d{{2}}))?\s*(u|h|am|pm)?", t)
    if m is None:
        raise ClockError(text)
    hour, minute = int(m[1]), int(m[2] or m[3] or 0)
    meridiem = m[4] if m[4] in ("am", "pm") else None
    if minute > 59:
        raise ClockError(text)
    if meridiem is not None:
        if not 1 <= hour <= 12:
            raise ClockError(text)
        return Clock((hour % 12 + (12 if meridiem == "pm" else 0)) * 60 + minute, "clock", meridiem)
    if hour == 24 and minute == 0:
        return Clock(DAY, "midnight")
    if hour > 23:
        raise ClockError(text)
    if len(m[1]) == 2 and m[1][0] == "0":
        kind = "padded"
    elif m[2] or m[3]:
        kind = "clock"
    else:
        kind = "bare"
    return Clock(hour * 60 + minute, kind)


def _spoken(hour: int, half: bool) -> int:
    """Minutes (12-hour, 0-719) of "8" or "half 8" in spoken Dutch: "half 8" is 7:30."""
    if not 1 <= hour <= 12:
        raise ClockError(str(hour))
    return ((hour - 1) * 60 + 30 if half else hour * 60) % NOON


def with_daypart(clock: Clock, daypart: str | None) -> int:
    """Minutes on a 24-hour clock once the daypart is known ("8 's avonds" is 20:00)."""
    minutes = clock.minutes
    if clock.meridiem is not None or daypart is None or clock.kind in ("midnight", "padded"):
        return minutes  # "01:00" is written on a 24-hour clock: "kerstavond 22:00-01:00"
    hour = minutes // 60
    if daypart in ("afternoon", "evening") and hour < 12:
        return minutes + NOON if hour >= 1 or clock.kind == "spoken" else minutes
    if daypart in ("night", "late_night"):
        if hour == 12:
            return minutes - NOON
        if 7 <= hour <= 11:
            return minutes + NOON  # "11 uur 's nachts" is 23:00
    if daypart == "morning" and clock.kind == "spoken" and hour == 0:
        return minutes  # "half 1 's nachts"
    return minutes


def start_readings(clock: Clock, daypart: str | None, *, midnight_start: str, night_end: bool = False) -> list[int]:
    """Possible starts, the most likely first; more than one means: ask.

    ``night_end``: the time ends an activity that began the evening before ("zaterdag 23:00 tot
    zondag 3:00"), so an early hour is the night, not the afternoon.

    ``midnight_start``: "ask" (activities: "zaterdag 24:00" may be either end of Saturday) or
    "next_day" (opening hours: "vr 24-2" opens at the start of Saturday).
    """
    if clock.meridiem is not None:
        return [clock.minutes]
    if daypart is not None:
        return [with_daypart(clock, daypart)]
    minutes, hour = clock.minutes, clock.hour
    if clock.kind == "midnight" or (hour == 0 and clock.kind != "spoken"):
        if midnight_start == "ask":
            return [minutes % DAY + DAY, minutes % DAY]
        return [minutes]
    if night_end and hour <= 6:
        return [minutes]
    if clock.kind == "spoken":
        return [minutes + NOON if hour <= 6 else minutes]
    if clock.kind == "padded":
        return [minutes + NOON, minutes] if midnight_start == "ask" and 1 <= hour <= 5 else [minutes]
    return [minutes + NOON] if 1 <= hour <= 6 else [minutes]


def end_after(clock: Clock, start: int, daypart: str | None) -> int:
    """The end of a range that begins at ``start``: the first fitting moment after it."""
    if clock.kind == "midnight":
        return max(DAY, start + 1) if start < DAY else 2 * DAY
    if clock.meridiem is not None or daypart is not None or clock.twenty_four:
        end = with_daypart(clock, daypart)
        while end <= start:
            end += DAY
        return end
    base = clock.minutes % NOON
    steps = [base + NOON] if clock.kind == "clock" and clock.hour == 12 else [base, base + NOON]
    for candidate in [*steps, *(s + DAY for s in steps)]:
        if candidate > start:
            return candidate
    return steps[-1] + 2 * DAY


def range_readings(a: Clock, b: Clock, daypart: str | None, *, midnight_start: str) -> list[tuple[int, int]]:
    """Possible (start, end) of a range, most likely first; empty when none makes sense."""
    if b.meridiem == "pm" and a.meridiem is None and daypart is None and a.minutes < NOON and a.minutes + NOON <= b.minutes:
        a = Clock(a.minutes + NOON, "clock", "pm")  # "1-5pm" is 13:00-17:00; "9-5pm" stays 09:00
    if b.meridiem is None and daypart is None and not b.twenty_four and a.minutes % NOON == b.minutes % NOON:
        return []  # "10-10" is no range (and maybe a date)
    afternoon_default = (
        a.meridiem is None and daypart is None and a.kind in ("bare", "clock", "spoken")
        and 1 <= a.minutes // 60 <= 6
    )
    if not afternoon_default:
        readings = [(s, end_after(b, s, daypart)) for s in start_readings(a, daypart, midnight_start=midnight_start)]
        return [r for r in readings if _plausible(*r)]
    pm_start, am_start = a.minutes % NOON + NOON, a.minutes % NOON
    pm = (pm_start, end_after(b, pm_start, None))
    am = (am_start, end_after(b, am_start, None))
    am_fits = am[1] <= DAY and _plausible(*am)
    if b.twenty_four and b.kind != "midnight":
        if pm[1] < DAY and am_fits:
            return [am] if am_start >= 5 * 60 else [pm, am]  # "6-22" opens early; "2-16": which?
        return _sensible(pm, am)[:1]  # "6-14": 18:00-14:00 is no reading
    if pm[1] < DAY:
        return [pm]  # "2-6" is 14:00-18:00
    return _sensible(pm, am)  # "5-12": 17:00-24:00 or 05:00-12:00


def _sensible(pm: tuple[int, int], am: tuple[int, int]) -> list[tuple[int, int]]:
    found = [pm] if _plausible(*pm) and pm[1] - pm[0] <= LONGEST_OVERNIGHT else []
    return found + ([am] if _plausible(*am) and am[1] <= DAY else [])


def _plausible(start: int, end: int) -> bool:
    return start < end and end - start <= 20 * 60
