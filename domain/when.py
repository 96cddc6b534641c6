"""Read when an activity happens, typed the way people write it (Dutch first, English too).

General-purpose date parsers misread everyday Dutch ("10 uur" as a duration, "half 8" as 8:30),
so this is a small rule-based reader: normalise the text, take out the recognised pieces one by
one (recurrence, date, day, daypart, times), and refuse anything left over rather than guess.

Rules (documented because people depend on them):

* A weekday ("zaterdag", "elke dinsdag") is the first such day from today; today only when the
  start time is still ahead. "volgende dinsdag" / "next tuesday" is the first one after today;
  "volgende week dinsdag" / "next week tuesday" is the one in next calendar week (Mon-Sun).
* A date without a year is the next such date: this year, or next year when it has passed.
  A date that is today but whose time has passed is refused (``in_past``).
* Hours are read as written, 24-hour: "om 8 uur" is 08:00, "half 8" 07:30, "kwart over 7" 07:15.
  Except: nobody meets at 3 at night, so a start hour 1-6 without daypart, am/pm or leading zero
  is in the afternoon: "om 2 uur" is 14:00, "half 7" 18:30 (write "02:00" or "'s nachts" for the
  night). A daypart moves hours 1-11 to the afternoon/evening: "vanavond half 8" is 19:30,
  "8 uur 's avonds" 20:00; "12 uur 's nachts" is 00:00. am/pm work as in English.
* A bare number is an hour only after "om"/"at"/"vanaf" or in a range ("10-12").
* In a range the end gets the start's daypart, "7-9pm" is 19:00-21:00, "11-2" is 11:00-14:00, and
  an end before the start ("22:00 tot 1:00") is on the next day. "van 2 tot 5" is 14:00-17:00,
  but "5-12" is 05:00-12:00.
* "4-12" after a weekday is a date when 4 December is that weekday ("vrijdag 4-12"), otherwise
  a time range ("di 10-12"); without a weekday it is a date only when a clock time follows.
* A time without a day is the next such time: today, or tomorrow when it has passed.
* A wall-clock time that happens twice in autumn means the first; one that does not exist in
  spring moves to the first valid moment after it (see ``recurrence.localize``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from dateutil.relativedelta import relativedelta
from zoneinfo import ZoneInfo

from domain.recurrence import TZ, Recurrence, localize, to_utc

__all__ = ["REASONS", "TZ", "When", "WhenError", "localize", "parse_when", "to_utc"]

REASONS = ("unreadable", "invalid_date", "in_past", "too_far", "missing_time")


@dataclass(frozen=True)
class When:
    """Start (and optional end) as aware datetimes; ``rrule`` set for recurring activities,
    in which case ``start``/``end`` are the first occurrence."""

    start: datetime
    end: datetime | None = None
    rrule: str | None = None


class WhenError(ValueError):
    """The text could not be turned into a usable moment; ``reason`` says why (see REASONS)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


# --- vocabulary -----------------------------------------------------------------------------

_WEEKDAYS = {
    0: ("maandag", "monday", "mon", "ma"),
    1: ("dinsdag", "tuesday", "tues", "tue", "di"),
    2: ("woensdag", "wednesday", "wed", "wo"),
    3: ("donderdag", "thursday", "thurs", "thur", "thu", "do"),
    4: ("vrijdag", "friday", "fri", "vr"),
    5: ("zaterdag", "saturday", "sat", "za"),
    6: ("zondag", "sunday", "sun", "zo"),
}
_WEEKDAY_OF = {name: wd for wd, names in _WEEKDAYS.items() for name in names}
_RRULE_DAY = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")

_MONTHS = {
    1: ("januari", "january", "jan"), 2: ("februari", "february", "feb"),
    3: ("maart", "march", "mrt", "mar", "maa"), 4: ("april", "apr"), 5: ("mei", "may"),
    6: ("juni", "june", "jun"), 7: ("juli", "july", "jul"), 8: ("augustus", "august", "aug"),
    9: ("september", "sept", "sep"), 10: ("oktober", "october", "okt", "oct"),
    11: ("november", "nov"), 12: ("december", "dec"),
}
_MONTH_OF = {name: m for m, names in _MONTHS.items() for name in names}

_ORDINALS = {
    1: ("eerste", "1ste", "1e", "first", "1st"), 2: ("tweede", "2de", "2e", "second", "2nd"),
    3: ("derde", "3de", "3e", "third", "3rd"), 4: ("vierde", "4de", "4e", "fourth", "4th"),
    -1: ("laatste", "last"),
}
_ORDINAL_OF = {name: n for n, names in _ORDINALS.items() for name in names}

_DAYPARTS = {
    "morning": ("ochtends", "morgens", "ochtend", "morning"),
    "afternoon": ("middags", "middag", "afternoon"),
    "evening": ("avonds", "avond", "evening"),
    "night": ("nachts", "nacht", "night"),
}
_DAYPART_OF = {name: part for part, names in _DAYPARTS.items() for name in names}

_RELATIVE_DAYS = {"vandaag": 0, "today": 0, "morgen": 1, "tomorrow": 1, "overmorgen": 2, "day after tomorrow": 2}

# Words that may stay behind once everything meaningful is taken out.
_FILLER = {"om", "at", "on", "op", "de", "het", "the", "van", "vanaf", "from", "uur", "en", "and", "-"}
_CLOCK_AHEAD = r"(?=\s+(?:om\s+|van\s+|from\s+|at\s+)?\d{1,2}(?:[:.]\d{2}|u\b|\s*uur\b))"


def _alt(words) -> str:
    return "|".join(sorted((re.escape(w) for w in words), key=len, reverse=True))


_WD = _alt(_WEEKDAY_OF)
_MON = _alt(_MONTH_OF)
_ORD = _alt(_ORDINAL_OF)

# --- patterns -------------------------------------------------------------------------------

_MONTHLY = re.compile(
    rf"\b(?:(?P<every>elke|iedere|every|each)\s+)?(?P<ord>{_ORD})\s+(?P<wd>{_WD})s?"
    r"(?P<ofmonth>\s+(?:van\s+de|van\s+elke|of\s+the|of\s+every|of\s+each)\s+(?:maand|month))?\b"
)
_WEEKLY = re.compile(
    rf"\b(?:(?:elke|iedere|every|each)\s+(?:(?P<two>twee|2|other)\s+)?(?:(?:week|weken|weeks)\s+)?"
    rf"|(?P<om>om\s+de\s+(?:(?:twee|2)\s+weken|week))\s+)(?:op\s+|on\s+)?(?P<wd>{_WD})s?\b"
)
_ISO_DATE = re.compile(r"\b(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})\b")
_NUM_DATE = re.compile(r"\b(?P<d>\d{1,2})([-/.])(?P<m>\d{1,2})\2(?P<y>\d{4}|\d{2})\b")
_SLASH_DATE = re.compile(r"\b(?P<d>\d{1,2})/(?P<m>\d{1,2})\b(?!/)")
# "4-12" is a date only when a clock time follows ("vrijdag 4-12 20:00"); else it is "4 to 12".
_DASH_DATE = re.compile(rf"\b(?P<d>\d{{1,2}})-(?P<m>\d{{1,2}})\b(?!-){_CLOCK_AHEAD}")
# After a weekday, "4-12" is a date when that date falls on that weekday ("vrijdag 4-12");
# otherwise it is a time range ("di 10-12": 10 December is no Tuesday).
_WEEKDAY_DASH_DATE = re.compile(rf"\b(?P<wd>{_WD})\s+(?P<date>(?P<d>\d{{1,2}})-(?P<m>\d{{1,2}}))\b(?![-:.])")
_DAY_MONTH = re.compile(rf"\b(?P<d>\d{{1,2}})(?:e|de|ste|st|nd|rd|th)?\s+(?:of\s+)?(?P<mon>{_MON})\b(?:\s+(?P<y>\d{{4}})\b)?")
_MONTH_DAY = re.compile(
    rf"\b(?P<mon>{_MON})\s+(?P<d>\d{{1,2}})(?:st|nd|rd|th)?\b(?![:.]\d)(?!\s*(?:uur|u|am|pm)\b)(?:\s+(?P<y>\d{{4}})\b)?"
)
_NEXT_WEEK_WD = re.compile(rf"\b(?:(?:volgende|next)\s+week\s+(?:op\s+|on\s+)?(?P<a>{_WD})|(?P<b>{_WD})\s+(?:volgende|next)\s+week)\b")
_NEXT_WD = re.compile(rf"\b(?:volgende|next|aanstaande|komende|coming)\s+(?P<wd>{_WD})\b")
_PLAIN_WD = re.compile(rf"\b(?:(?:deze|this)\s+)?(?P<wd>{_WD})\b")
_RELATIVE = re.compile(rf"\b(?P<rel>{_alt(_RELATIVE_DAYS)})\b")
_DAYPART = re.compile(
    r"(?:'s\s*|\bs\s+)(?P<a>ochtends|morgens|middags|avonds|nachts)\b"
    r"|\b(?:(?:in\s+de|in\s+the|at)\s+)?(?P<b>ochtend|middag|avond|nacht|morning|afternoon|evening|night)\b"
)

_H = r"\d{1,2}"
_TIME = (
    rf"(?:(?:kwart|{_H})\s+(?:over|voor)\s+(?:half\s+)?{_H}|half\s+{_H})(?:\s*uur\b)?"
    rf"|{_H}(?:[:.]\d{{2}}|u\d{{2}})?(?:\s*(?:uur|u|h|am|pm)\b)?"
    r"|noon|midday"
)
_RANGE = re.compile(
    rf"(?:\b(?:van|from|between|tussen|vanaf)\s+)?(?<![\w:./-])(?P<a>{_TIME})\s*"
    rf"(?:-|\btot\s+en\s+met\b|\btot\b|\bto\b|\buntil\b|\btill\b|\band\b|\ben\b)\s*(?P<b>{_TIME})(?![\w:])"
)
_SINGLE = re.compile(rf"(?:\b(?P<pre>om|at|vanaf|from|rond|around|tegen)\s+)?(?<![\w:./-])(?P<t>{_TIME})(?![\w:])")


# --- text handling --------------------------------------------------------------------------


def _normalise(text: str) -> str:
    t = text.lower().strip()
    t = re.sub(r"[’‘`´]", "'", t)
    t = re.sub(r"[–—]", "-", t)
    t = re.sub(r"\ba\.\s?m\.?", "am", t)
    t = re.sub(r"\bp\.\s?m\.?", "pm", t)
    t = re.sub(r"(?<=[a-z])\.", " ", t)  # "za." / "dec." abbreviations
    t = re.sub(r"[,!?;]|\.(?=\s|$)", " ", t)
    t = re.sub(r"\bvan(?:ochtend|morgen)\b", "vandaag ochtend", t)
    t = re.sub(r"\bvan(middag|avond|nacht)\b", r"vandaag \1", t)
    t = re.sub(r"\btonight\b", "today evening", t)
    t = re.sub(r"\bthis (morning|afternoon|evening)\b", r"today \1", t)
    t = re.sub(rf"\b({_WD}|morgen|overmorgen|vandaag)(morgen|ochtend|middag|avond|nacht)\b",
               lambda m: m[1] + " " + ("ochtend" if m[2] == "morgen" else m[2]), t)
    t = re.sub(r"\bmorgenvroeg\b", "morgen ochtend", t)
    return re.sub(r"\s+", " ", t).strip()


class _Text:
    """The normalised input; recognised pieces are blanked out as they are taken."""

    def __init__(self, text: str) -> None:
        self.text = text

    def take(self, pattern: re.Pattern[str]) -> re.Match[str] | None:
        m = pattern.search(self.text)
        if m is not None:
            self.blank(m.start(), m.end())
            if pattern.search(self.text) is not None:
                raise WhenError("unreadable")  # the same kind of thing twice: which one is meant?
        return m

    def blank(self, start: int, end: int) -> None:
        self.text = self.text[:start] + " " + self.text[end:]

    def leftover(self) -> list[str]:
        return [w for w in self.text.split() if w not in _FILLER]


# --- times ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Clock:
    minutes: int  # since midnight
    meridiem: str | None  # "am" / "pm" when written
    explicit: bool  # written as a time (minutes, "uur", am/pm or spoken), not a bare number
    padded: bool = False  # hour written with a leading zero ("02:30"): meant as written


def _clock(text: str) -> _Clock:
    t = re.sub(r"\s*uur$", "", text.strip())
    if t in ("noon", "midday"):
        return _Clock(12 * 60, None, True)
    if (m := re.fullmatch(rf"(kwart|{_H})\s+(over|voor)\s+(half\s+)?({_H})", t)) is not None:
        delta = 15 if m[1] == "kwart" else int(m[1])
        base = _spoken_hour(int(m[4]), bool(m[3]))
        if delta >= 30:
            raise WhenError("unreadable")
        return _Clock((base + (delta if m[2] == "over" else -delta)) % (24 * 60), None, True)
    if (m := re.fullmatch(rf"half\s+({_H})", t)) is not None:
        return _Clock(_spoken_hour(int(m[1]), True), None, True)
    m = re.fullmatch(rf"({_H})(?:[:.](\d{{2}})|u(\d{{2}}))?\s*(u|h|am|pm)?", t)
    assert m is not None  # the same grammar matched this text already
    hour, minute = int(m[1]), int(m[2] or m[3] or 0)
    meridiem = m[4] if m[4] in ("am", "pm") else None
    if meridiem is not None:
        if not 1 <= hour <= 12:
            raise WhenError("unreadable")
        hour = hour % 12 + (12 if meridiem == "pm" else 0)
    if hour > 23 or minute > 59:
        raise WhenError("unreadable")
    explicit = text.strip() != m[1]
    return _Clock(hour * 60 + minute, meridiem, explicit, padded=len(m[1]) == 2 and m[1][0] == "0")


def _spoken_hour(hour: int, half: bool) -> int:
    """Minutes since midnight of "8" or "half 8" in spoken Dutch; "half 1" is 12:30."""
    if not 1 <= hour <= 24:
        raise WhenError("unreadable")
    if half:
        return ((hour - 1) or 12) * 60 + 30
    return (hour % 24) * 60


def _with_daypart(clock: _Clock, daypart: str | None) -> int:
    minutes = clock.minutes
    if clock.meridiem is not None or daypart is None:
        return minutes
    hour = minutes // 60
    if daypart in ("afternoon", "evening") and 1 <= hour <= 11:
        return minutes + 12 * 60
    if daypart == "night" and hour == 12:
        return minutes - 12 * 60
    return minutes


def _start_minutes(clock: _Clock, daypart: str | None) -> int:
    """Like ``_with_daypart``, and a plain start hour 1-6 is in the afternoon (see module doc)."""
    minutes = _with_daypart(clock, daypart)
    if daypart is None and clock.meridiem is None and not clock.padded and 1 <= minutes // 60 <= 6:
        return minutes + 12 * 60
    return minutes


def _times(text: _Text, daypart: str | None) -> tuple[int, int | None] | None:
    """(start, end) in minutes since the start's midnight; end may pass 24:00."""
    if (m := text.take(_RANGE)) is not None:
        a, b = _clock(m["a"]), _clock(m["b"])
        if a.meridiem is None and b.meridiem == "pm" and a.minutes < 12 * 60 and a.minutes + 12 * 60 <= b.minutes:
            a = _Clock(a.minutes + 12 * 60, "pm", True)
        start, end = _start_minutes(a, daypart), _with_daypart(b, daypart)
        if 12 * 60 <= end <= start:  # "5-12": a 24-hour end before the afternoon start; as written
            start = _with_daypart(a, daypart)
        if end == start:
            raise WhenError("unreadable")
        if end < start:
            end += 12 * 60 if end < 12 * 60 and end + 12 * 60 > start else 24 * 60
        return start, end
    if (m := text.take(_SINGLE)) is not None:
        clock = _clock(m["t"])
        if not clock.explicit and m["pre"] is None:
            raise WhenError("unreadable")
        return _start_minutes(clock, daypart), None
    return None


# --- days -----------------------------------------------------------------------------------


def _make_date(year: int, month: int, day: int) -> date:
    try:
        return date(year, month, day)
    except ValueError:
        raise WhenError("invalid_date") from None


def _date_of(m: re.Match[str], today: date) -> date:
    month = _MONTH_OF[m["mon"]] if "mon" in m.groupdict() else int(m["m"])
    day, written_year = int(m["d"]), m.groupdict().get("y")
    if written_year:
        return _make_date(int(written_year) + (2000 if len(written_year) == 2 else 0), month, day)
    year = today.year if (month, day) >= (today.month, today.day) else today.year + 1
    return _make_date(year, month, day)


def _explicit_date(text: _Text, today: date) -> date | None:
    for pattern in (_ISO_DATE, _NUM_DATE, _DAY_MONTH, _MONTH_DAY, _SLASH_DATE, _DASH_DATE):
        if (m := text.take(pattern)) is not None:
            return _date_of(m, today)
    if (m := _WEEKDAY_DASH_DATE.search(text.text)) is not None:
        try:
            found = _date_of(m, today)
        except WhenError:
            return None
        if found.weekday() == _WEEKDAY_OF[m["wd"]]:
            text.blank(m.start("date"), m.end("date"))
            return found
    return None


def _weekday_date(text: _Text, today: date) -> tuple[date, bool] | None:
    """(date, may_move_a_week): the plain "zaterdag" moves a week on when its time has passed."""
    if (m := text.take(_NEXT_WEEK_WD)) is not None:
        wd = _WEEKDAY_OF[m["a"] or m["b"]]
        return today - timedelta(days=today.weekday()) + timedelta(days=7 + wd), False
    if (m := text.take(_NEXT_WD)) is not None:
        return today + timedelta(days=(_WEEKDAY_OF[m["wd"]] - today.weekday() - 1) % 7 + 1), False
    if (m := text.take(_PLAIN_WD)) is not None:
        return today + timedelta(days=(_WEEKDAY_OF[m["wd"]] - today.weekday()) % 7), True
    return None


def _recurrence(text: _Text) -> str | None:
    if (m := text.take(_MONTHLY)) is not None:
        if m["every"] is None and m["ofmonth"] is None:
            raise WhenError("unreadable")
        return f"FREQ=MONTHLY;BYDAY={_ORDINAL_OF[m['ord']]}{_RRULE_DAY[_WEEKDAY_OF[m['wd']]]}"
    if (m := text.take(_WEEKLY)) is not None:
        interval = ";INTERVAL=2" if m["two"] or m["om"] else ""
        return f"FREQ=WEEKLY{interval};BYDAY={_RRULE_DAY[_WEEKDAY_OF[m['wd']]]}"
    return None


# --- the reader -----------------------------------------------------------------------------


def parse_when(text: str, now: datetime, tz: ZoneInfo = TZ) -> When:
    """Read ``text`` relative to the aware ``now``; raise ``WhenError`` when that is not possible."""
    now = now.astimezone(tz)
    today = now.date()
    words = _Text(_normalise(text))
    rule = _recurrence(words)
    on_date = _explicit_date(words, today)
    weekday = _weekday_date(words, today)
    relative = words.take(_RELATIVE)
    daypart_match = words.take(_DAYPART)
    daypart = _DAYPART_OF[daypart_match["a"] or daypart_match["b"]] if daypart_match else None
    times = _times(words, daypart)
    if words.leftover():
        raise WhenError("unreadable")
    has_day = rule is not None or on_date is not None or weekday is not None or relative is not None
    if times is None:
        raise WhenError("missing_time" if has_day or daypart is not None else "unreadable")
    if rule is not None and (weekday is not None or relative is not None):
        raise WhenError("unreadable")

    start_min, end_min = times
    day, step = _pick_day(on_date, weekday, relative, today)
    if rule is not None:
        begin = _at(day or today, start_min, tz)
        after = max(to_utc(begin) - timedelta(microseconds=1), to_utc(now))
        # "om de week" counts from the first matching day, so look for that day without INTERVAL.
        first = Recurrence(begin, re.sub(r";INTERVAL=\d+", "", rule)).next_occurrence(after)
        assert first is not None  # the rules read here never end
        start, day = first.start, first.start.date()
    else:
        day = day or today
        start = _at(day, start_min, tz)
        if step and to_utc(start) <= to_utc(now):
            day += timedelta(days=step)
            start = _at(day, start_min, tz)
    end = _at(day, end_min, tz) if end_min is not None else None

    if to_utc(start) <= to_utc(now):
        raise WhenError("in_past")
    if to_utc(start) > to_utc(now + relativedelta(years=1)):
        raise WhenError("too_far")
    return When(start, end, rule)


def _at(day: date, minutes: int, tz: ZoneInfo) -> datetime:
    return localize(datetime.combine(day, time()) + timedelta(minutes=minutes), tz)


def _pick_day(on_date: date | None, weekday: tuple[date, bool] | None, relative: re.Match[str] | None,
              today: date) -> tuple[date | None, int]:
    """Combine the day clues into (day or None, days to move on when the time has passed today).

    Clues that disagree ("zaterdag 6 december" when that is a Sunday) are refused.
    """
    rel_day = today + timedelta(days=_RELATIVE_DAYS[relative["rel"]]) if relative is not None else None
    wd_day = weekday[0] if weekday is not None else None
    clues = {d for d in (on_date, wd_day, rel_day) if d is not None}
    if wd_day is not None and (on_date or rel_day) is not None:
        other = on_date or rel_day
        if other.weekday() != wd_day.weekday():
            raise WhenError("invalid_date")
        clues = {other}
    if len(clues) > 1:
        raise WhenError("unreadable")
    if not clues:
        return None, 1
    movable = weekday is not None and weekday[1] and on_date is None and rel_day is None
    return clues.pop(), 7 if movable else 0
