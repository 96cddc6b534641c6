"""Read when an activity happens, typed the way people write it (Dutch first, English too).

General-purpose date parsers misread everyday Dutch ("10 uur" as a duration, "half 8" as 8:30),
so this is a small rule-based reader: normalise the text (emoji, punctuation, typos in day
names), take out the recognised pieces one by one (holiday, recurrence, date, day, daypart,
times), and refuse anything left over rather than guess. A reading that could be wrong is never
returned silently: the reader raises ``WhenError`` with a reason, and for two possible readings
(``reason == "ambiguous"``) it gives both in ``options`` so the caller can ask with buttons.

Rules (documented in docs/activities.md because people depend on them):

* A weekday ("zaterdag", "elke dinsdag") is the first such day from today; today only when the
  start time is still ahead. "volgende/aanstaande/a.s. dinsdag" is the first one after today;
  "volgende week dinsdag" is the one in next calendar week (Mon-Sun); "vrijdag over een week" is
  the first Friday from a week after today; "over twee weken" is today plus 14 days.
* A date without a year is the next such date. "de 19e" is the next 19th; a weekday that does not
  fit the date ("vrijdag de 19e" when the 19th is a Saturday) is asked about.
* Hours follow the afternoon rule of ``domain.clock``; "24:00", "00:00" and "02:00" as a start are
  asked about. A time without a day is the next such time (today, or tomorrow when it passed).
* Holidays have their date (Pasen and Pinksteren through ``dateutil.easter``); feasts without a
  fixed date in our calendar (Suikerfeest, Offerfeest) are asked about.
* "zaterdag 10:00 - zondag 12:00" is one activity over two days.
* A wall-clock time that happens twice in autumn means the first; one that does not exist in
  spring moves to the first valid moment after it (see ``recurrence.localize``).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from dateutil.easter import easter
from dateutil.relativedelta import relativedelta
from zoneinfo import ZoneInfo

from domain import clock as clocks
from domain.gazetteer import edit_distance
from domain.recurrence import TZ, Recurrence, localize, to_utc
from domain.weekdays import RRULE_DAYS, SHORT_ENGLISH, WEEKDAY_OF, WEEKDAYS, fuzzy_weekday, typo_limit

__all__ = ["ASK_REASONS", "REASONS", "TZ", "When", "WhenError", "localize", "parse_when", "read_weekly_time", "to_utc"]

REASONS = ("unreadable", "invalid_date", "in_past", "too_far", "missing_time",
           "ambiguous", "weekday_mismatch", "movable_feast", "day_range")
# Reasons that are a question back about what the writer meant, not a mistake in the text.
ASK_REASONS = frozenset({"ambiguous", "weekday_mismatch", "movable_feast", "day_range"})


@dataclass(frozen=True)
class When:
    """Start (and optional end) as aware datetimes; ``rrule`` set for recurring activities,
    in which case ``start``/``end`` are the first occurrence."""

    start: datetime
    end: datetime | None = None
    rrule: str | None = None


class WhenError(ValueError):
    """The text could not be turned into one usable moment; ``reason`` says why (see REASONS).

    For ``ambiguous`` the possible readings are in ``options`` (most likely first).
    """

    def __init__(self, reason: str, options: tuple[When, ...] = ()) -> None:
        super().__init__(reason)
        self.reason = reason
        self.options = options

    @property
    def asks(self) -> bool:
        return self.reason in ASK_REASONS


# --- vocabulary -----------------------------------------------------------------------------

_WEEKDAY_WORDS = {name: day for name, day in WEEKDAY_OF.items() if name not in SHORT_ENGLISH and not name.endswith("s")}
_ON_DAYS = {name: day for name, day in WEEKDAY_OF.items() if name.endswith("s") and len(name) > 5}  # "vrijdags"

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
_NUMBERS = {"een": 1, "één": 1, "1": 1, "a": 1, "one": 1, "twee": 2, "2": 2, "two": 2, "drie": 3, "3": 3,
            "three": 3, "vier": 4, "4": 4, "four": 4, "vijf": 5, "5": 5, "zes": 6, "6": 6}

_HOUR_WORDS = {w: str(n) for n, w in enumerate(
    ("een", "twee", "drie", "vier", "vijf", "zes", "zeven", "acht", "negen", "tien", "elf", "twaalf"), 1)}
_RELATIVE_DAYS = {"vandaag": 0, "today": 0, "morgen": 1, "tomorrow": 1, "overmorgen": 2}


def _fixed(month: int, day: int) -> Callable[[int], date]:
    return lambda year: date(year, month, day)


def _easter(offset: int) -> Callable[[int], date]:
    return lambda year: easter(year) + timedelta(days=offset)


def _kingsday(year: int) -> date:
    day = date(year, 4, 27)
    return day - timedelta(days=1) if day.weekday() == 6 else day


_HOLIDAYS: dict[str, Callable[[int], date]] = {
    "kerstavond": _fixed(12, 24), "eerste kerstdag": _fixed(12, 25), "1e kerstdag": _fixed(12, 25),
    "kerstmis": _fixed(12, 25), "christmas": _fixed(12, 25),
    "tweede kerstdag": _fixed(12, 26), "2e kerstdag": _fixed(12, 26),
    "oudejaarsavond": _fixed(12, 31), "oudejaarsdag": _fixed(12, 31), "oud en nieuw": _fixed(12, 31),
    "oudjaar": _fixed(12, 31), "nieuwjaarsdag": _fixed(1, 1), "nieuwjaar": _fixed(1, 1),
    "sinterklaasavond": _fixed(12, 5), "pakjesavond": _fixed(12, 5),
    "koningsdag": _kingsday, "bevrijdingsdag": _fixed(5, 5), "keti koti": _fixed(7, 1),
    "pasen": _easter(0), "eerste paasdag": _easter(0), "1e paasdag": _easter(0), "paaszondag": _easter(0),
    "easter": _easter(0), "tweede paasdag": _easter(1), "2e paasdag": _easter(1), "paasmaandag": _easter(1),
    "goede vrijdag": _easter(-2), "good friday": _easter(-2),
    "hemelvaartsdag": _easter(39), "hemelvaart": _easter(39),
    "pinksteren": _easter(49), "eerste pinksterdag": _easter(49), "1e pinksterdag": _easter(49),
    "pinksterzondag": _easter(49), "tweede pinksterdag": _easter(50), "2e pinksterdag": _easter(50),
    "pinkstermaandag": _easter(50),
}
for _feast in ("kerstdag", "paasdag", "pinksterdag"):
    for _ordinal, _day in (("1ste", "eerste"), ("2de", "tweede")):
        _HOLIDAYS[f"{_ordinal} {_feast}"] = _HOLIDAYS[f"{_day} {_feast}"]
_ENGLISH_HOLIDAYS = (
    (r"christmas eve", "kerstavond"), (r"christmas day", "eerste kerstdag"), (r"boxing day", "tweede kerstdag"),
    (r"new year'?s eve", "oudejaarsavond"), (r"new year'?s day", "nieuwjaarsdag"), (r"king'?s ?day", "koningsdag"),
    (r"liberation day", "bevrijdingsdag"), (r"easter monday", "tweede paasdag"), (r"easter sunday", "pasen"),
    (r"whit ?sunday|pentecost", "pinksteren"), (r"whit ?monday", "tweede pinksterdag"),
    (r"ascension day", "hemelvaartsdag"),
)
# Feasts that follow the Islamic (or another) calendar: their date is not fixed in ours.
_MOVABLE_FEASTS = re.compile(r"\b(?:suikerfeest|offerfeest|eid(?:\s+al[- ]?(?:fitr|adha))?|ramadan\w*|"
                             r"iftar|bayram|diwali|divali|holi|chinees nieuwjaar|chinese new year)\b")

_FUZZY_WORDS: dict[str, str] = {name: name for name in _HOLIDAYS if " " not in name and len(name) >= 7}
_FUZZY_WORDS.update({name: _MONTHS[month][0] for name, month in _MONTH_OF.items() if len(name) >= 5})

# Words that may stay behind once everything meaningful is taken out.
_FILLER = {"om", "at", "on", "op", "de", "het", "the", "van", "vanaf", "from", "uur", "en", "and", "-", ":", "/",
           "ca", "rond", "around", "tegen", "is", "in", "we", "starten", "begint", "start", "beginnen"}
_KNOWN = (set(_WEEKDAY_WORDS) | set(_ON_DAYS) | set(_MONTH_OF) | set(_ORDINAL_OF) | set(_NUMBERS) | set(_RELATIVE_DAYS)
          | set(clocks.DAYPART_OF) | _FILLER | {w for h in _HOLIDAYS for w in h.split()} | {
              "vandaag", "vanavond", "vanmiddag", "vanochtend", "vanmorgen", "vannacht", "tonight", "volgende",
              "aanstaande", "komende", "deze", "this", "next", "coming", "week", "weken", "weeks", "dag", "dagen",
              "days", "day", "over", "elke", "iedere", "ieder", "elk", "alle", "every", "each", "wekelijks",
              "weekly", "dagelijks", "daily", "werkdag", "werkdagen", "weekdays", "weekday", "weekend", "weekends",
              "twee", "tweewekelijks", "maand", "month", "kwart", "half", "voor", "tot", "until", "till", "to",
              "noon", "midday", "midnight", "middernacht", "other", "latenacht", "morgenvroeg", "vroeg", "between", "tussen"})


def _alt(words: Iterable[str]) -> str:
    return "|".join(sorted((re.escape(w) for w in words), key=len, reverse=True))


_WD = _alt(_WEEKDAY_WORDS)
_WD_LIST = rf"(?:{_WD})(?:\s*(?:,|\ben\b|\band\b|&|\+)\s*(?:{_WD}))*"
_MON = _alt(_MONTH_OF)
_ORD = _alt(_ORDINAL_OF)
_NUM = _alt(_NUMBERS)
_DAYPART_WORDS = r"ochtend|morgen|middag|avond|nacht"

# --- patterns -------------------------------------------------------------------------------

_HOLIDAY = re.compile(rf"\b(?P<h>{_alt(_HOLIDAYS)})\b(?:\s+(?P<y>20\d\d)\b)?")
_MONTHLY = re.compile(
    rf"\b(?:(?P<every>elke|iedere|every|each)\s+)?(?P<ord>{_ORD})\s+(?P<wd>{_WD})"
    r"(?P<ofmonth>\s+(?:van\s+de|van\s+elke|of\s+the|of\s+every|of\s+each)\s+(?:maand|month))?\b"
)
_EVERY = (r"(?:(?:elke|iedere|ieder|elk|every|each)(?:\s+week)?(?:\s+op)?|(?:iedere|elke)\s+week\s+op|"
          r"wekelijks(?:\s+op)?|weekly(?:\s+on)?|alle)")
_EVERY_OTHER = (r"(?:om\s+de\s+(?:(?:twee|2)\s+weken|week)(?:\s+op)?|(?:twee|2)\s*-?\s*wekelijks(?:\s+op)?|"
                r"(?:elke|iedere|every)\s+(?:twee|2)\s+(?:weken|weeks)(?:\s+op|\s+on)?|every\s+other|"
                r"bi-?weekly(?:\s+on)?)")
_WEEKLY = re.compile(rf"\b(?:(?P<two>{_EVERY_OTHER})|{_EVERY})\s+(?P<days>{_WD_LIST})\b")
_ON_DAYS_WEEKLY = re.compile(rf"\b(?P<days>(?:{_alt(_ON_DAYS)})(?:\s*(?:,|\ben\b|&)\s*(?:{_alt(_ON_DAYS)}))*)\b")
_WORKDAYS = re.compile(rf"\b(?:{_EVERY}|op)\s+(?:werkdag(?:en)?|weekdays?|doordeweekse\s+dag(?:en)?)\b")
_WEEKENDS = re.compile(rf"\b(?:{_EVERY})\s+(?:weekend|weekends)\b")
_DAILY = re.compile(rf"\b(?:(?:{_EVERY})\s+(?:dag|dagen|day|days)|dagelijks|daily|everyday)\b")
_DAY_RANGE = re.compile(rf"\b(?:{_WD})\s*(?:-|\btot\b|\bto\b)\s*(?:{_WD})\b")

_WD_OVER_WEEKS = re.compile(rf"\b(?P<wd>{_WD})\s+(?:over|in)\s+(?P<n>{_NUM})\s+(?:weken|week|weeks)\b")
_OVER_WEEKS = re.compile(rf"\b(?:over|in)\s+(?P<n>{_NUM})\s+(?:weken|week|weeks)\b")
_OVER_DAYS = re.compile(rf"\b(?:over|in)\s+(?P<n>{_NUM})\s+(?:dagen|dag|days|day)\b")

_ISO_DATE = re.compile(r"\b(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})\b")
_NUM_DATE = re.compile(r"\b(?P<d>\d{1,2})([-/.])(?P<m>\d{1,2})\2(?P<y>\d{4}|\d{2})\b")
_SLASH_DATE = re.compile(r"\b(?P<d>\d{1,2})/(?P<m>\d{1,2})\b(?!/)")
_CLOCK_AHEAD = r"(?=\s+(?:om\s+|van\s+|from\s+|at\s+)?\d{1,2}(?:[:.]\d{2}|u\b|\s*uur\b))"
# "4-12" is a date only when a clock time follows ("vrijdag 4-12 20:00"); else it is "4 to 12".
_DASH_DATE = re.compile(rf"\b(?P<d>\d{{1,2}})-(?P<m>\d{{1,2}})\b(?!-){_CLOCK_AHEAD}")
# After a weekday, "4-12" is a date when that date falls on that weekday ("vrijdag 4-12");
# otherwise it is a time range ("di 10-12": 10 December is no Tuesday).
_WEEKDAY_DASH_DATE = re.compile(rf"\b(?P<wd>{_WD})\s+(?P<date>(?P<d>\d{{1,2}})-(?P<m>\d{{1,2}}))\b(?![-:.])")
_DAY_MONTH = re.compile(rf"\b(?P<d>\d{{1,2}})(?:e|de|ste|st|nd|rd|th)?\s+(?:of\s+)?(?P<mon>{_MON})\b(?:\s+(?P<y>\d{{4}})\b)?")
_MONTH_DAY = re.compile(
    rf"\b(?P<mon>{_MON})\s+(?P<d>\d{{1,2}})(?:st|nd|rd|th)?\b(?![:.]\d)(?!\s*(?:uur|u|am|pm)\b)(?:\s+(?P<y>\d{{4}})\b)?"
)
_DAY_OF_MONTH = re.compile(r"\b(?:(?:op\s+)?de\s+)?(?P<d>\d{1,2})(?:e|de|ste|st|nd|rd|th)\b")
_NEXT_WEEK_WD = re.compile(rf"\b(?:(?:volgende|next)\s+week\s+(?:op\s+|on\s+)?(?P<a>{_WD})|(?P<b>{_WD})\s+(?:volgende|next)\s+week)\b")
_NEXT_WD = re.compile(rf"\b(?:(?:volgende|next|aanstaande|komende|coming|as)\s+(?P<a>{_WD})|(?P<b>{_WD})\s+(?:aanstaande|as))\b")
_PLAIN_WD = re.compile(rf"\b(?:(?:deze|this)\s+)?(?P<wd>{_WD})\b")
_RELATIVE = re.compile(rf"\b(?P<rel>{_alt(_RELATIVE_DAYS)})\b")
_DAYPART = re.compile(
    r"(?:'s\s*|\bs\s+)(?P<a>ochtends|morgens|middags|avonds|nachts)\b"
    r"|\b(?:(?:in\s+de|in\s+the|at)\s+)?(?P<b>ochtend|middag|avond|nacht|latenacht|morning|afternoon|evening|night)\b"
)
_RANGE = re.compile(
    rf"(?:\b(?:van|from|vanaf)\s+)?(?<![\w:./-])(?P<a>{clocks.TIME})\s*"
    rf"(?:-|\btot\b|\bto\b|\buntil\b|\btill\b)\s*(?P<b>{clocks.TIME})(?![\w:])"
    rf"|\b(?:between|tussen)\s+(?P<a2>{clocks.TIME})\s*(?:\band\b|\ben\b|-)\s*(?P<b2>{clocks.TIME})(?![\w:])"
)  # "5 en 6 december" is no range; "tussen 2 en 4" is
_SINGLE = re.compile(rf"(?:\b(?P<pre>om|at|vanaf|from|rond|around|tegen|ca)\s+)?(?<![\w:./-])(?P<t>{clocks.TIME})(?![\w:])")
_TWO_DAY_SPLIT = re.compile(r"\s(?:-|tot|to|until|till)\s")
_DAY_START = re.compile(rf"^\s*(?:{_WD}|{_alt(_RELATIVE_DAYS)}|\d{{1,2}}\s+(?:{_MON})\b|\d{{1,2}}[/-]\d{{1,2}}\b)")


# --- text handling --------------------------------------------------------------------------


def _fix_word(word: str) -> str:
    """Split "zaterdagmiddag", turn "vanavond" into "vandaag avond", and correct typos in day,
    month and holiday names; other words stay as they are."""
    if word in _KNOWN or not word.isalpha():
        return word
    if (m := re.fullmatch(rf"(.+?)({_DAYPART_WORDS})", word)) is not None:
        head, part = m[1], "ochtend" if m[2] == "morgen" else m[2]
        if head in ("van",):
            return f"vandaag {part}"
        if head in ("morgen", "overmorgen"):
            return f"{head} {part}"
        if (day := _fuzzy_day(head)) is not None:
            return f"{day} {'latenacht' if part == 'nacht' else part}"
    if (day := _fuzzy_day(word)) is not None:
        return day
    limit = typo_limit(word)
    if limit:
        near = {_FUZZY_WORDS[name] for name in _FUZZY_WORDS if edit_distance(word, name, limit) <= limit}
        if len(near) == 1:
            return near.pop()
    return word


def _fuzzy_day(word: str) -> str | None:
    if word in _WEEKDAY_WORDS:
        return word
    if word in _ON_DAYS:
        return word
    day = fuzzy_weekday(word)
    return WEEKDAYS[day][0] if day is not None else None


def normalise(text: str) -> str:
    """Lower case, no emoji or stray punctuation, typos in day names corrected ("donderdga")."""
    t = unicodedata.normalize("NFKC", text).lower()
    t = re.sub(r"[’‘`´]", "'", t)
    t = re.sub(r"[–—−]", "-", t)
    for pattern, name in _ENGLISH_HOLIDAYS:
        t = re.sub(rf"\b{pattern}\b", name, t)
    t = re.sub(r"\ba\.\s?m\b\.?", "am", t)
    t = re.sub(r"\bp\.\s?m\b\.?", "pm", t)
    t = re.sub(r"\ba\.\s?s\b\.?", " aanstaande ", t)
    t = re.sub(r"\bt\s*/\s*m\b|\bt\.e\.m\b\.?|\btot\s+en\s+met\b|\bthrough\b", " tot ", t)
    t = re.sub(r"(?<=[a-z])\.", " ", t)  # "za." / "dec." abbreviations
    t = re.sub(r"(?<=\d)(?=(?:am|pm)\b)", " ", t)
    t = re.sub(r"[^\w\s:./'&+,-]|_", " ", t)  # emoji, brackets, quotes, !?;
    t = re.sub(r"(?<!\d)[.:]|[.:](?!\d)", " ", t)
    t = re.sub(r"'(?!s\b)", " ", t)
    t = re.sub(r",", " , ", t)
    t = re.sub(r"\btonight\b", "vandaag avond", t)
    t = re.sub(r"\bthis (morning|afternoon|evening)\b", r"vandaag \1", t)
    t = re.sub(r"\bday after tomorrow\b", "overmorgen", t)
    t = re.sub(r"\bmorgenvroeg\b", "morgen ochtend", t)
    t = re.sub(rf"\b(?P<pre>om|half|over|voor|rond|tegen|vanaf|tot|van)\s+(?P<n>{_alt(_HOUR_WORDS)})\b",
               lambda m: f"{m['pre']} {_HOUR_WORDS[m['n']]}", t)
    t = re.sub(rf"\b(?P<n>{_alt(_HOUR_WORDS)})\s+uur\b", lambda m: f"{_HOUR_WORDS[m['n']]} uur", t)
    words = [_fix_word(w) for w in t.split()]
    t = " ".join(words)
    t = re.sub(r"\bvan(ochtend|morgen)\b", "vandaag ochtend", t)
    t = re.sub(r"\bvan(middag|avond|nacht)\b", r"vandaag \1", t)
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
        return [w for w in self.text.split() if w not in _FILLER and w != ","]


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
    _make_date(2028, month, day)  # a leap year: 29 februari exists, 31 februari never
    year = today.year if (month, day) >= (today.month, today.day) else today.year + 1
    while True:
        try:
            return date(year, month, day)
        except ValueError:
            year += 1  # 29 februari: the next leap year


def _explicit_date(text: _Text, today: date) -> date | None:
    for pattern in (_ISO_DATE, _NUM_DATE, _DAY_MONTH, _MONTH_DAY, _SLASH_DATE, _DASH_DATE):
        if (m := text.take(pattern)) is not None:
            return _date_of(m, today)
    if (m := _WEEKDAY_DASH_DATE.search(text.text)) is not None:
        try:
            found = _date_of(m, today)
        except WhenError:
            return None
        if found.weekday() == _WEEKDAY_WORDS[m["wd"]]:
            text.blank(m.start("date"), m.end("date"))
            return found
    if (m := text.take(_DAY_OF_MONTH)) is not None:
        return _day_of_month(int(m["d"]), today)
    return None


def _day_of_month(day: int, today: date) -> date:
    """The next date with this day number: "de 12e" (this month, or the next month that has it)."""
    if not 1 <= day <= 31:
        raise WhenError("invalid_date")
    first = today.replace(day=1)
    for months in range(13):
        month: date = first + relativedelta(months=months)
        try:
            found = month.replace(day=day)
        except ValueError:
            continue
        if found >= today:
            return found
    raise WhenError("invalid_date")  # pragma: no cover - every day number 1-31 occurs within a year


def _relative_weeks(text: _Text, today: date) -> date | None:
    if (m := text.take(_WD_OVER_WEEKS)) is not None:
        start = today + timedelta(weeks=_NUMBERS[m["n"]])
        return start + timedelta(days=(_WEEKDAY_WORDS[m["wd"]] - start.weekday()) % 7)
    if (m := text.take(_OVER_WEEKS)) is not None:
        return today + timedelta(weeks=_NUMBERS[m["n"]])
    if (m := text.take(_OVER_DAYS)) is not None:
        return today + timedelta(days=_NUMBERS[m["n"]])
    return None


def _holiday(text: _Text, today: date) -> tuple[date, str | None] | None:
    """(date, daypart): "kerstavond om 7 uur" is in the evening."""
    if _MOVABLE_FEASTS.search(text.text):
        raise WhenError("movable_feast")
    if (m := text.take(_HOLIDAY)) is None:
        return None
    if m["y"]:
        found = _HOLIDAYS[m["h"]](int(m["y"]))
    else:
        found = _HOLIDAYS[m["h"]](today.year)
        found = found if found >= today else _HOLIDAYS[m["h"]](today.year + 1)
    return found, "evening" if m["h"].endswith("avond") else None


def _weekday_date(text: _Text, today: date) -> tuple[date, bool] | None:
    """(date, may_move_a_week): the plain "zaterdag" moves a week on when its time has passed."""
    if (m := text.take(_NEXT_WEEK_WD)) is not None:
        wd = _WEEKDAY_WORDS[m["a"] or m["b"]]
        return today - timedelta(days=today.weekday()) + timedelta(days=7 + wd), False
    if (m := text.take(_NEXT_WD)) is not None:
        return today + timedelta(days=(_WEEKDAY_WORDS[m["a"] or m["b"]] - today.weekday() - 1) % 7 + 1), False
    if (m := text.take(_PLAIN_WD)) is not None:
        return today + timedelta(days=(_WEEKDAY_WORDS[m["wd"]] - today.weekday()) % 7), True
    return None


def _days_of(listing: str, names: dict[str, int]) -> list[int]:
    return sorted({names[w] for w in re.findall(r"[a-z]+", listing) if w in names})


def _recurrence(text: _Text) -> str | None:
    if (m := text.take(_MONTHLY)) is not None:
        if m["every"] is None and m["ofmonth"] is None:
            raise WhenError("unreadable")
        return f"FREQ=MONTHLY;BYDAY={_ORDINAL_OF[m['ord']]}{RRULE_DAYS[_WEEKDAY_WORDS[m['wd']]]}"
    if (m := text.take(_WEEKLY)) is not None:
        interval = ";INTERVAL=2" if m["two"] else ""
        days = _days_of(m["days"], _WEEKDAY_WORDS)
        return f"FREQ=WEEKLY{interval};BYDAY={','.join(RRULE_DAYS[d] for d in days)}"
    if (m := text.take(_ON_DAYS_WEEKLY)) is not None:
        return f"FREQ=WEEKLY;BYDAY={','.join(RRULE_DAYS[d] for d in _days_of(m['days'], _ON_DAYS))}"
    if text.take(_WORKDAYS) is not None:
        return "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR"
    if text.take(_WEEKENDS) is not None:
        return "FREQ=WEEKLY;BYDAY=SA,SU"
    if text.take(_DAILY) is not None:
        return "FREQ=DAILY"
    return None


# --- times ----------------------------------------------------------------------------------


def _clock(text: str) -> clocks.Clock:
    try:
        return clocks.read_clock(text)
    except clocks.ClockError:
        raise WhenError("unreadable") from None


def _times(text: _Text, daypart: str | None, *, as_end: bool = False,
           night_end: bool = False) -> list[tuple[int, int | None]] | None:
    """Possible (start, end) in minutes from the day's midnight (ends may pass 24:00), most
    likely first; None when the text has no time."""
    mode = "next_day" if as_end else "ask"
    if (m := text.take(_RANGE)) is not None:
        found = clocks.range_readings(_clock(m["a"] or m["a2"]), _clock(m["b"] or m["b2"]), daypart, midnight_start=mode)
        if not found:
            raise WhenError("unreadable")
        return [(start, end) for start, end in found]
    if (m := text.take(_SINGLE)) is not None:
        clock = _clock(m["t"])
        if clock.kind == "bare" and m["pre"] is None and not re.search(r"uur|u$|h$", m["t"]):
            raise WhenError("unreadable")  # a lone number is no time ("blub 5")
        if (as_end and clock.kind in ("padded", "midnight")) or (as_end and clock.hour == 0):
            return [(clock.minutes, None)]
        starts = clocks.start_readings(clock, daypart, midnight_start=mode, night_end=night_end)
        return [(start, None) for start in starts]
    return None


# --- the reader -----------------------------------------------------------------------------


def parse_when(text: str, now: datetime, tz: ZoneInfo = TZ) -> When:
    """Read ``text`` relative to the aware ``now``; raise ``WhenError`` when that is not possible."""
    now = now.astimezone(tz)
    words = normalise(text)
    if not words:
        raise WhenError("unreadable")
    two_days = _two_days(words, now, tz)
    if two_days is not None:
        return two_days
    return _read(words, now, tz)


def _two_days(words: str, now: datetime, tz: ZoneInfo) -> When | None:
    """"zaterdag 10:00 - zondag 12:00": one activity from one day to another."""
    for sep in _TWO_DAY_SPLIT.finditer(words):
        left, right = words[: sep.start()], words[sep.end():]
        if not _DAY_START.match(right):
            continue
        try:
            first = _read(left, now, tz)
            last = _read(right, first.start, tz, as_end=True, night_end=first.start.astimezone(tz).hour >= 18)
        except WhenError:
            continue
        if (first.end is None and first.rrule is None and last.end is None and last.rrule is None
                and to_utc(last.start) - to_utc(first.start) <= timedelta(days=14)):
            return When(first.start, last.start)
    return None


def _read(words_text: str, now: datetime, tz: ZoneInfo, *, as_end: bool = False, night_end: bool = False) -> When:
    today = now.date()
    words = _Text(words_text)
    holiday_found = _holiday(words, today)
    holiday, holiday_part = holiday_found if holiday_found is not None else (None, None)
    rule = _recurrence(words)
    if _DAY_RANGE.search(words.text):
        raise WhenError("day_range")  # "ma t/m vr 9-11": every working day, or one long event?
    relative_weeks = _relative_weeks(words, today)
    on_date = _explicit_date(words, today)
    weekday = _weekday_date(words, today)
    relative = words.take(_RELATIVE)
    daypart_match = words.take(_DAYPART)
    daypart = clocks.DAYPART_OF[daypart_match["a"] or daypart_match["b"]] if daypart_match else holiday_part
    readings = _times(words, daypart, as_end=as_end, night_end=night_end)
    if daypart == "late_night" and readings:  # "zaterdagnacht 1 uur": the night after Saturday
        readings = [(s + clocks.DAY, e + clocks.DAY if e is not None else None) if s < clocks.NOON else (s, e)
                    for s, e in readings]
    if words.leftover():
        raise WhenError("unreadable")
    dates = [d for d in (holiday, relative_weeks, on_date) if d is not None]
    if len(dates) > 1:
        raise WhenError("unreadable")
    has_day = rule is not None or dates or weekday is not None or relative is not None
    if readings is None:
        raise WhenError("missing_time" if has_day or daypart is not None else "unreadable")
    if rule is not None and (weekday is not None or relative is not None or relative_weeks is not None):
        raise WhenError("unreadable")
    day, step = _pick_day(dates[0] if dates else None, weekday, relative, today)
    found: list[When] = []
    problem: WhenError | None = None
    landed: date | None = None
    for start_min, end_min in readings:
        try:
            if landed is not None:
                try:  # the other readings on the day the first one landed on ("zaterdag 2-17")
                    found.append(_moment(landed, 0, rule, start_min, end_min, now, tz))
                    continue
                except WhenError:
                    pass
            found.append(_moment(day, step, rule, start_min, end_min, now, tz))
            if rule is None and step and landed is None:
                landed = (found[-1].start - timedelta(minutes=start_min)).astimezone(tz).date()
        except WhenError as error:
            problem = problem or error
    if len(found) > 1:
        raise WhenError("ambiguous", tuple(found))
    if not found:
        assert problem is not None
        raise problem
    return found[0]


def _moment(day: date | None, step: int, rule: str | None, start_min: int, end_min: int | None,
            now: datetime, tz: ZoneInfo) -> When:
    today = now.date()
    if rule is not None:
        begin = _at(day or today, start_min, tz)
        after = max(to_utc(begin) - timedelta(microseconds=1), to_utc(now))
        # "om de week" counts from the first matching day, so look for that day without INTERVAL.
        first = Recurrence(begin, re.sub(r";INTERVAL=\d+", "", rule)).next_occurrence(after)
        assert first is not None  # the rules read here never end
        start = first.start
        day = (start - timedelta(minutes=start_min)).astimezone(tz).date() if start_min >= clocks.DAY else start.date()
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

    A weekday that does not fit the date ("zaterdag 6 december" when that is a Sunday) is asked.
    """
    rel_day = today + timedelta(days=_RELATIVE_DAYS[relative["rel"]]) if relative is not None else None
    wd_day = weekday[0] if weekday is not None else None
    if on_date is not None and rel_day is not None and on_date != rel_day:
        raise WhenError("unreadable")
    other = on_date or rel_day
    if wd_day is not None and other is not None:
        if other.weekday() != wd_day.weekday():
            raise WhenError("weekday_mismatch")
        return other, 0
    if other is not None:
        return other, 0
    if weekday is not None:
        return weekday[0], 7 if weekday[1] else 0
    return None, 1


def read_weekly_time(text: str) -> tuple[int | None, int]:
    """A weekly moment without a date, for digests: "vrijdag 16:00", "dagelijks 8 uur",
    "elke maandag om 9u" -> (weekday or None for every day, minutes after midnight).

    Raises ``WhenError``: a missing or impossible time as "missing_time", a missing or unknown
    day as "unreadable", two readings as "ambiguous" (no options: the caller asks again).
    """
    words = _Text(normalise(text))
    daily = words.take(_DAILY) is not None
    weekday: int | None = None
    if not daily:
        if (m := words.take(_WEEKLY)) is not None:
            days = _days_of(m["days"], _WEEKDAY_WORDS)
            if len(days) != 1 or m["two"]:
                raise WhenError("unreadable")
            weekday = days[0]
        elif (m := words.take(_ON_DAYS_WEEKLY)) is not None:
            days = _days_of(m["days"], _ON_DAYS)
            if len(days) != 1:
                raise WhenError("unreadable")
            weekday = days[0]
        elif (m := words.take(_PLAIN_WD)) is not None:
            weekday = _WEEKDAY_WORDS[m["wd"]]
    daypart_match = words.take(_DAYPART)
    daypart = clocks.DAYPART_OF[daypart_match["a"] or daypart_match["b"]] if daypart_match else None
    m = words.take(_SINGLE)
    if m is None or (m["pre"] is None and re.fullmatch(r"\d{1,2}", m["t"].strip())):
        raise WhenError("missing_time")  # none, or "maandag 9": nine what?
    try:
        clock = clocks.read_clock(m["t"])
    except clocks.ClockError:
        raise WhenError("missing_time") from None
    if words.leftover() or (not daily and weekday is None):
        raise WhenError("unreadable")
    if clock.kind == "midnight":
        raise WhenError("ambiguous")
    readings = clocks.start_readings(clock, daypart, midnight_start="next_day")
    if len(readings) > 1:
        raise WhenError("ambiguous")
    return weekday, readings[0] % clocks.DAY
