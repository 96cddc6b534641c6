"""Opening hours of a place: a weekly schedule, two parsers and "is it open now?".

Volunteers type hours in many ways ("ma en wo 10-16"), OpenStreetMap has its own syntax, and
residents want one answer: open now, and until when, or when it opens next. Times are wall-clock
times in Europe/Amsterdam; all comparisons happen in UTC so daylight-saving nights stay correct.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

from domain.i18n_markers import N_, Translator

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
MINUTES_PER_DAY = 24 * 60
OSM_DAYS = ("Mo", "Tu", "We", "Th", "Fr", "Sa", "Su")
WEEKDAY_NAMES = (N_("maandag"), N_("dinsdag"), N_("woensdag"), N_("donderdag"), N_("vrijdag"), N_("zaterdag"), N_("zondag"))
_OSM_APPOINTMENT = '"by appointment"'


class OpeningHoursError(ValueError):
    """Text we cannot read as opening hours; `fragment` is the part to show back to the writer."""

    def __init__(self, reason: str, fragment: str, position: int | None = None) -> None:
        where = f" at position {position}" if position is not None else ""
        super().__init__(f"{reason}{where}: {fragment!r}")
        self.reason = reason
        self.fragment = fragment
        self.position = position


@dataclass(frozen=True, order=True)
class TimeRange:
    """Minutes after midnight. An end before the start runs past midnight (22:00-02:00)."""

    start: int
    end: int

    def __post_init__(self) -> None:
        if not 0 <= self.start < MINUTES_PER_DAY or not 0 < self.end <= MINUTES_PER_DAY:
            raise ValueError(f"time out of range: {self.start}-{self.end}")
        if self.start == self.end:
            raise ValueError(f"empty time range at {self.start}")

    @property
    def crosses_midnight(self) -> bool:
        return self.end < self.start

    def __str__(self) -> str:
        return f"{_clock(self.start)}-{_clock(self.end)}"


def _clock(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


@dataclass(frozen=True)
class WeeklySchedule:
    """Ranges per weekday (0 = Monday .. 6 = Sunday); a day without ranges is closed."""

    days: tuple[tuple[TimeRange, ...], ...] = ((),) * 7
    always_open: bool = False
    by_appointment: bool = False

    def __post_init__(self) -> None:
        if len(self.days) != 7:
            raise ValueError(f"need 7 days, got {len(self.days)}")
        object.__setattr__(self, "days", tuple(tuple(sorted(day)) for day in self.days))
        if self.always_open and (self.by_appointment or any(self.days)):
            raise ValueError("an always-open schedule has no ranges and no appointments")

    @classmethod
    def from_days(cls, days: Mapping[int, Iterable[TimeRange]], *, by_appointment: bool = False) -> WeeklySchedule:
        return cls(tuple(tuple(days.get(d, ())) for d in range(7)), by_appointment=by_appointment)

    def to_osm(self) -> str:
        """OpenStreetMap `opening_hours` text; `parse_osm(s.to_osm()) == s`."""
        if self.always_open:
            return "24/7"
        groups: dict[tuple[TimeRange, ...], list[int]] = {}
        for day, ranges in enumerate(self.days):
            if ranges:
                groups.setdefault(ranges, []).append(day)
        rules = "; ".join(f"{_osm_day_selector(days)} {','.join(map(str, ranges))}" for ranges, days in groups.items())
        if not self.by_appointment:
            return rules or "off"
        return f"{rules} || {_OSM_APPOINTMENT}" if rules else _OSM_APPOINTMENT


def _osm_day_selector(days: list[int]) -> str:
    runs: list[list[int]] = []
    for day in days:
        if runs and runs[-1][-1] == day - 1:
            runs[-1].append(day)
        else:
            runs.append([day])
    parts = []
    for run in runs:
        if len(run) >= 3:
            parts.append(f"{OSM_DAYS[run[0]]}-{OSM_DAYS[run[-1]]}")
        else:
            parts.extend(OSM_DAYS[d] for d in run)
    return ",".join(parts)


# -- OpenStreetMap syntax (common subset) -------------------------------------------------------

_OSM_DAY = r"(?:Mo|Tu|We|Th|Fr|Sa|Su)"
_OSM_DAY_SELECTOR = re.compile(rf"{_OSM_DAY}(?:-{_OSM_DAY})?(?:,{_OSM_DAY}(?:-{_OSM_DAY})?)*", re.IGNORECASE)
_OSM_RANGE = re.compile(r"(\d{2}):(\d{2})-(\d{2}):(\d{2})")


def parse_osm(text: str) -> WeeklySchedule:
    """Parse `Mo-Th 10:00-16:00; Sa 12:00-17:00`, `24/7`, `off`, `Su off`, `Mo-Fr 22:00-02:00`.

    Later rules replace earlier ones for the days they name, as in OSM. Anything outside this
    subset (PH, months, week numbers, sunrise ...) raises OpeningHoursError naming the fragment.
    """
    if not text.strip():
        raise OpeningHoursError("empty opening hours", text, 0)
    main, separator, fallback = text.partition("||")
    if separator and fallback.strip() != _OSM_APPOINTMENT:
        position = len(main) + 2 + len(fallback) - len(fallback.lstrip())
        raise OpeningHoursError("only '|| \"by appointment\"' is supported as fallback", fallback.strip(), position)
    if main.strip() == "24/7" and not separator:
        return WeeklySchedule(always_open=True)
    if main.strip() == _OSM_APPOINTMENT and not separator:
        return WeeklySchedule(by_appointment=True)
    days: list[tuple[TimeRange, ...]] = [()] * 7
    offset = 0
    for rule in main.split(";"):
        selected, ranges = _parse_osm_rule(rule, offset)
        for day in selected:
            days[day] = ranges
        offset += len(rule) + 1
    return WeeklySchedule(tuple(days), by_appointment=bool(separator))


def _parse_osm_rule(rule: str, offset: int) -> tuple[list[int], tuple[TimeRange, ...]]:
    head = re.match(r"\s*(\S*)", rule)
    assert head is not None  # \s*\S* always matches
    if not head.group(1):
        raise OpeningHoursError("empty rule", rule, offset)
    selected = list(range(7))
    rest_at = head.start(1)
    if head.group(1)[0].isalpha() and head.group(1) not in ("off", "closed"):
        if not _OSM_DAY_SELECTOR.fullmatch(head.group(1)):
            raise OpeningHoursError("unknown or unsupported day selector", head.group(1), offset + head.start(1))
        selected = _expand_osm_days(head.group(1))
        rest_at = head.end(1)
    rest = rule[rest_at:].strip()
    if rest == "24/7":
        return selected, (TimeRange(0, MINUTES_PER_DAY),)
    if rest in ("off", "closed"):
        return selected, ()
    if not rest:
        raise OpeningHoursError("missing times after the days", rule.strip(), offset + rest_at)
    ranges = []
    position = offset + rule.index(rest, rest_at)
    for part in rest.split(","):
        ranges.append(_parse_osm_range(part.strip(), position + len(part) - len(part.lstrip())))
        position += len(part) + 1
    return selected, tuple(ranges)


def _parse_osm_range(part: str, position: int) -> TimeRange:
    match = _OSM_RANGE.fullmatch(part)
    if not match:
        raise OpeningHoursError("expected a time range like 10:00-16:00", part, position)
    h1, m1, h2, m2 = map(int, match.groups())
    if h1 > 23 or m1 > 59 or h2 > 24 or m2 > 59 or (h2 == 24 and m2):
        raise OpeningHoursError("impossible time", part, position)
    return _time_range(h1 * 60 + m1, h2 * 60 + m2, part, position)


def _time_range(start: int, end: int, fragment: str, position: int | None) -> TimeRange:
    if end == 0:
        end = MINUTES_PER_DAY  # "22:00-00:00" ends at midnight
    if start == end:
        raise OpeningHoursError("a time range needs different start and end", fragment, position)
    return TimeRange(start, end)


def _expand_osm_days(selector: str) -> list[int]:
    days: list[int] = []
    lookup = {name.lower(): i for i, name in enumerate(OSM_DAYS)}
    for part in selector.lower().split(","):
        first, _, last = part.partition("-")
        days.extend(_day_span(lookup[first], lookup[last or first]))
    return days


def _day_span(first: int, last: int) -> list[int]:
    """Days from first to last, wrapping past Sunday (Fr-Mo = Fr, Sa, Su, Mo)."""
    return [(first + i) % 7 for i in range((last - first) % 7 + 1)]


# -- free text as volunteers type it (Dutch and English) ------------------------------------------

_FREE_DAYS: dict[str, tuple[int, ...]] = {
    **{w: (0,) for w in ("ma", "maa", "maan", "maandag", "mo", "mon", "monday")},
    **{w: (1,) for w in ("di", "din", "dins", "dinsdag", "tu", "tue", "tues", "tuesday")},
    **{w: (2,) for w in ("wo", "woe", "woens", "woensdag", "we", "wed", "wednesday")},
    **{w: (3,) for w in ("do", "don", "dond", "donderdag", "th", "thu", "thur", "thurs", "thursday")},
    **{w: (4,) for w in ("vr", "vrij", "vrijdag", "fr", "fri", "friday")},
    **{w: (5,) for w in ("za", "zat", "zaterdag", "sa", "sat", "saturday")},
    **{w: (6,) for w in ("zo", "zon", "zondag", "su", "sun", "sunday")},
    **{w: tuple(range(7)) for w in ("dagelijks", "daily")},
    **{w: tuple(range(5)) for w in ("werkdagen", "doordeweeks", "weekdays", "weekdagen")},
    **{w: (5, 6) for w in ("weekend", "weekends")},
}
_FREE_CLOSED = {"gesloten", "dicht", "closed", "off"}
_FREE_FILLERS = {"van", "vanaf", "open", "geopend", "from", "on", "in", "het", "de", "s", "verder", "uur", "elke", "iedere"}
_FREE_REWRITES = (
    (r"\b(?:alleen |only )?(?:op|volgens|na|by|on) (?:afspraak|appointment)\b", " afspraak "),
    (r"\b(?:altijd open|always open|dag en nacht|24 ?/ ?7)\b", " altijdopen "),
    (r"\b(?:elke|iedere|alle) dag(?:en)?\b|\bevery ?day\b|\b7 dagen per week\b", " dagelijks "),
    (r"[\u2013\u2014]", "-"),
    (r"\btot en met\b|\bt/m\b|\bt\.e\.m\.?|\btot\b|\buntil\b|\btill?\b|\bto\b", "-"),
    (r"\ben\b|\band\b|[&+;\n]", ","),
    (r"(\d)\s*(?:uur|u|h)\b", r"\1"),
    (r"\b(\d{1,2})\.(\d{2})\b", r"\1:\2"),
    (r"[.!?]|:(?!\d)", " "),
)
_FREE_TOKEN = re.compile(r"\s*(?:(?P<time>\d{1,2}(?::\d{2})?(?:\s*(?:am|pm))?)|(?P<dash>-)|(?P<comma>,)|(?P<word>[a-z]+))")


@dataclass
class _FreeParser:
    tokens: list[tuple[str, str]]
    at: int = 0
    days: list[tuple[TimeRange, ...]] = field(default_factory=lambda: [()] * 7)

    def peek(self, offset: int = 0) -> tuple[str, str]:
        index = self.at + offset
        return self.tokens[index] if index < len(self.tokens) else ("end", "")

    def take(self) -> tuple[str, str]:
        token = self.peek()
        self.at += 1
        return token

    def fail(self, reason: str, at: int | None = None) -> OpeningHoursError:
        at = self.at if at is None else at
        shown = self.tokens[at : at + 3] or self.tokens[-1:]  # at the end: the last word
        return OpeningHoursError(reason, " ".join(value for _, value in shown))

    def parse(self) -> list[tuple[TimeRange, ...]]:
        while self.peek()[0] != "end":
            selected = self.day_list()
            ranges = self.ranges()
            for day in selected:
                self.days[day] = ranges
            if self.peek()[0] == "comma":
                self.take()
        return self.days

    def day_list(self) -> list[int]:
        if self.peek()[0] != "day":
            raise self.fail("which days? Start with days, like 'ma-vr'")
        selected: list[int] = []
        while self.peek()[0] == "day":
            began = self.at
            first = _FREE_DAYS[self.take()[1]]
            if self.peek()[0] == "dash" and self.peek(1)[0] == "day":
                self.take()
                last = _FREE_DAYS[self.take()[1]]
                if len(first) != 1 or len(last) != 1:
                    raise self.fail("a day range needs single days", began)
                selected.extend(_day_span(first[0], last[0]))
            else:
                selected.extend(first)
            if self.peek()[0] == "comma" and self.peek(1)[0] == "day":
                self.take()
        return selected

    def ranges(self) -> tuple[TimeRange, ...]:
        if self.peek()[0] == "closed":
            self.take()
            return ()
        found = [self.time_range()]
        while self.peek()[0] == "comma" and self.peek(1)[0] == "time":
            self.take()
            found.append(self.time_range())
        return tuple(found)

    def time_range(self) -> TimeRange:
        if self.peek()[0] != "time" or self.peek(1)[0] != "dash" or self.peek(2)[0] != "time":
            raise self.fail("expected times like 10:00-16:00")
        fragment = " ".join(v for _, v in self.tokens[self.at : self.at + 3])
        start_text, _dash, end_text = self.take()[1], self.take(), self.take()[1]
        start, end = _free_time(start_text, fragment), _free_time(end_text, fragment)
        if "pm" in end_text and not re.search("am|pm", start_text) and start < 12 * 60 and start + 12 * 60 <= end:
            start += 12 * 60  # "1-5pm" is 13:00-17:00, "9-5pm" stays 09:00-17:00
        return _time_range(start, end, fragment, None)


def _free_time(text: str, fragment: str) -> int:
    match = re.fullmatch(r"(\d{1,2})(?::(\d{2}))?\s*(am|pm)?", text)
    assert match is not None  # the tokenizer only yields this shape
    hour, minute, suffix = int(match.group(1)), int(match.group(2) or 0), match.group(3)
    if suffix and not 1 <= hour <= 12:
        raise OpeningHoursError("impossible time", fragment)
    if suffix:
        hour = hour % 12 + (12 if suffix == "pm" else 0)
    if hour > 24 or minute > 59 or (hour == 24 and minute):
        raise OpeningHoursError("impossible time", fragment)
    return hour * 60 + minute


def parse_free_text(text: str) -> WeeklySchedule:
    """Read hours as volunteers type them: "ma en wo 10-16, za 12-17", "werkdagen 9-17",
    "di 10.00-12.00 en 13.00-16.00", "op afspraak", "gesloten", "mon-fri 9-5pm"."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    normalized = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    for pattern, replacement in _FREE_REWRITES:
        normalized = re.sub(pattern, replacement, normalized)
    tokens: list[tuple[str, str]] = []
    position = 0
    while position < len(normalized.rstrip()):
        match = _FREE_TOKEN.match(normalized, position)
        if not match:
            raise OpeningHoursError("unknown text", normalized[position:].split()[0], position)
        position = match.end()
        kind = match.lastgroup or ""
        value = match.group(kind).strip()
        if kind == "word":
            if value in _FREE_FILLERS:
                continue
            if value in _FREE_DAYS:
                kind = "day"
            elif value in _FREE_CLOSED:
                kind = "closed"
            elif value in ("afspraak", "altijdopen"):
                kind = value
            else:
                raise OpeningHoursError("unknown word", value, match.start(kind))
        tokens.append((kind, value))
    by_appointment = ("afspraak", "afspraak") in tokens
    tokens = [t for t in tokens if t[0] != "afspraak"]
    while tokens and tokens[0][0] == "comma":
        tokens.pop(0)
    while tokens and tokens[-1][0] == "comma":
        tokens.pop()
    if tokens == [("altijdopen", "altijdopen")]:
        return WeeklySchedule(always_open=True)
    if not tokens:
        if by_appointment:
            return WeeklySchedule(by_appointment=True)
        raise OpeningHoursError("empty opening hours", text)
    if tokens == [("closed", tokens[0][1])]:
        return WeeklySchedule(by_appointment=by_appointment)
    return WeeklySchedule(tuple(_FreeParser(tokens).parse()), by_appointment=by_appointment)


def describe_error(error: OpeningHoursError, translator: Translator) -> str:
    """Tell the volunteer which part we did not understand, with an example that works."""
    _ = translator.gettext
    return _("Dit snap ik niet: \"{fragment}\". Schrijf het zo: ma-vr 9:00-17:00, za 10:00-14:00").format(
        fragment=error.fragment
    )


# -- open now? ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class OpenStatus:
    """Open or closed at one moment; times are aware datetimes in the schedule's time zone.

    `closes_at` is None when open without a closing time in the coming week; `opens_at` is None
    when no opening is planned in the coming week. `opens_in_days` counts calendar days (0 = today).
    """

    is_open: bool
    closes_at: datetime | None = None
    opens_at: datetime | None = None
    opens_in_days: int | None = None
    always_open: bool = False
    by_appointment: bool = False


def status_at(schedule: WeeklySchedule, moment: datetime, tz: ZoneInfo = AMSTERDAM) -> OpenStatus:
    """Whether the place is open at `moment` (aware), until when, or when it opens next."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("moment must be timezone-aware")
    if schedule.always_open:
        return OpenStatus(is_open=True, always_open=True)
    now = moment.astimezone(timezone.utc)
    today = moment.astimezone(tz).date()
    window_end = _wall_clock(today + timedelta(days=8), 0, tz)
    for start, end in _merged_intervals(schedule, today, tz):
        if start <= now < end:
            closes_at = None if end >= window_end else end.astimezone(tz)
            return OpenStatus(is_open=True, closes_at=closes_at, by_appointment=schedule.by_appointment)
        if start > now:
            opens_at = start.astimezone(tz)
            return OpenStatus(
                is_open=False,
                opens_at=opens_at,
                opens_in_days=(opens_at.date() - today).days,
                by_appointment=schedule.by_appointment,
            )
    return OpenStatus(is_open=False, by_appointment=schedule.by_appointment)


def _wall_clock(day: date, minutes: int, tz: ZoneInfo) -> datetime:
    day += timedelta(days=minutes // MINUTES_PER_DAY)
    local = datetime.combine(day, time(minutes % MINUTES_PER_DAY // 60, minutes % 60), tzinfo=tz)
    return local.astimezone(timezone.utc)


def _merged_intervals(schedule: WeeklySchedule, today: date, tz: ZoneInfo) -> list[tuple[datetime, datetime]]:
    """UTC intervals from yesterday (ranges past midnight) to a week ahead, touching ones joined."""
    intervals = []
    for offset in range(-1, 8):
        day = today + timedelta(days=offset)
        for r in schedule.days[day.weekday()]:
            end = r.end + (MINUTES_PER_DAY if r.crosses_midnight else 0)
            intervals.append((_wall_clock(day, r.start, tz), _wall_clock(day, end, tz)))
    merged: list[tuple[datetime, datetime]] = []
    for start, end in sorted(intervals):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def describe_status(status: OpenStatus, translator: Translator) -> str:
    """One short line for residents: "Nu open, tot 16:00", "Gesloten. Morgen open vanaf 10:00"."""
    _ = translator.gettext
    if status.always_open:
        return _("Altijd open")
    if status.is_open:
        if status.closes_at is None:
            return _("Nu open")
        return _("Nu open, tot {time}").format(time=status.closes_at.strftime("%H:%M"))
    if status.opens_at is None or status.opens_in_days is None:
        return _("Op afspraak") if status.by_appointment else _("Gesloten")
    when = status.opens_at.strftime("%H:%M")
    weekday = _(WEEKDAY_NAMES[status.opens_at.weekday()])
    if status.opens_in_days == 0:
        return _("Gesloten. Vandaag open vanaf {time}").format(time=when)
    if status.opens_in_days == 1:
        return _("Gesloten. Morgen open vanaf {time}").format(time=when)
    if status.opens_in_days < 7:
        return _("Gesloten. Open op {weekday} vanaf {time}").format(weekday=weekday, time=when)
    return _("Gesloten. Volgende week {weekday} open vanaf {time}").format(weekday=weekday, time=when)
