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

from domain import clock as clocks
from domain.datefmt import short_weekday, weekday_name
from domain.i18n_markers import Translator
from domain.weekdays import fuzzy_weekday

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
MINUTES_PER_DAY = 24 * 60
OSM_DAYS = ("Mo", "Tu", "We", "Th", "Fr", "Sa", "Su")
_OSM_APPOINTMENT = '"by appointment"'


class OpeningHoursError(ValueError):
    """Text we cannot read as opening hours; `fragment` is the part to show back to the writer,
    in the writer's own words. Reason "ambiguous" carries the two possible schedules in
    `options`; "only_closed" means only closed days were given (ask for the open ones)."""

    def __init__(self, reason: str, fragment: str, position: int | None = None,
                 options: tuple[WeeklySchedule, ...] = ()) -> None:
        where = f" at position {position}" if position is not None else ""
        super().__init__(f"{reason}{where}: {fragment!r}")
        self.reason = reason
        self.fragment = fragment
        self.position = position
        self.options = options

    @property
    def asks(self) -> bool:
        """A question back about what was meant, not a mistake in the text."""
        return self.reason in ("ambiguous", "only_closed")


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


def _consecutive_runs(days: list[int]) -> list[list[int]]:
    """[0, 1, 2, 4] -> [[0, 1, 2], [4]]: days that follow each other, for "ma t/m wo, vr"."""
    runs: list[list[int]] = []
    for day in days:
        if runs and runs[-1][-1] == day - 1:
            runs[-1].append(day)
        else:
            runs.append([day])
    return runs


def _osm_day_selector(days: list[int]) -> str:
    runs = _consecutive_runs(days)
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

_FREE_GROUPS: dict[str, tuple[int, ...]] = {
    **{w: tuple(range(5)) for w in ("werkdagen", "werkdag", "doordeweeks", "weekdays", "weekdagen", "weekday")},
    **{w: (5, 6) for w in ("weekend", "weekends", "weekenden")},
}
_FREE_CLOSED = {"gesloten", "dicht", "closed", "off"}
_FREE_EXCEPT = {"behalve", "except", "uitgezonderd", "niet"}
_FREE_FILLERS = {"van", "vanaf", "open", "geopend", "from", "on", "in", "het", "de", "s", "verder", "uur", "u", "h",
                 "elke", "iedere", "ieder", "op", "maar", "zijn", "is", "the", "at", "en", "and", "alle", "tijden",
                 "openingstijden", "opening", "hours", "every", "each", "also", "ook", "wij", "alleen", "only",
                 "uitsluitend", "enkel"}
_FREE_DAYPARTS = {"ochtend": "morning", "ochtends": "morning", "morgens": "morning", "morning": "morning",
                  "middag": "afternoon", "middags": "afternoon", "afternoon": "afternoon",
                  "avond": "evening", "avonds": "evening", "evening": "evening", "nacht": "night", "nachts": "night",
                  "night": "night"}
_FREE_TOKEN = re.compile(
    r"(?P<always>dag\s*(?:en|&|\+)\s*nacht(?:\s+open)?|altijd\s+(?:open|geopend)|always\s+open|24\s*/\s*7|24\s+uur\s+per\s+dag"
    r"|24\s+hours(?:\s+a\s+day)?)"
    r"|(?P<appt>(?:buiten\s+(?:deze|die|de)\s+tijden\s+)?(?:alleen\s+|only\s+)?(?:op|volgens|na|by|on)\s+(?:afspraak|appointment))"
    r"|(?P<daily>(?:elke|iedere|alle)\s+dag(?:en)?\b|every\s*day\b|7\s+dagen\s+(?:per|in\s+de)\s+week|dagelijks|daily)"
    r"|(?P<dash>t\s*/\s*m\b|t\.e\.m\.?|tot\s+en\s+met\b|\btot\b|\buntil\b|\btill\b|\bto\b|\bthrough\b|[-\u2013\u2014~])"
    rf"|(?P<time>(?:{clocks.TIME}))(?:\s*\.)?"
    r"|(?P<daypart>'?\bs\s*(?:ochtends|morgens|middags|avonds|nachts)\b)"
    r"|(?P<sep>[,;/&+\n|])"
    r"|(?P<word>[^\W\d_]+)",
    re.IGNORECASE,
)
_COMPOUND_PART = re.compile(r"(.+?)(ochtend|morgen|middag|avond|nacht)", re.IGNORECASE)


@dataclass(frozen=True)
class _Token:
    kind: str  # day, dash, time, daypart, closed, except, always, appt, comma
    value: str
    start: int
    end: int
    days: tuple[int, ...] = ()


def _tokens(text: str) -> list[_Token]:
    """Tokens with their place in the writer's own text (errors quote the writer's words)."""
    found: list[_Token] = []
    for m in _FREE_TOKEN.finditer(text):
        kind = m.lastgroup or ""
        value = m.group(kind).lower()
        if kind == "sep":
            found.append(_Token("comma", value, m.start(), m.end()))
        elif kind == "daypart":
            found.append(_Token("daypart", _FREE_DAYPARTS[re.sub(r"^'?s\s*", "", value)], m.start(), m.end()))
        elif kind == "time":
            found.append(_Token("time", value.rstrip(" ."), m.start(), m.end()))
        elif kind == "word":
            found.extend(_word_tokens(value, m.start(), m.end()))
        else:
            found.append(_Token(kind, value, m.start(), m.end()))
    return found


def _word_tokens(word: str, start: int, end: int) -> list[_Token]:
    plain = "".join(ch for ch in unicodedata.normalize("NFKD", word) if not unicodedata.combining(ch))
    if plain in ("en", "and"):
        return [_Token("comma", word, start, end)]
    if plain in _FREE_FILLERS:
        return []
    if plain in _FREE_CLOSED:
        return [_Token("closed", word, start, end)]
    if plain in _FREE_EXCEPT:
        return [_Token("except", word, start, end)]
    if plain in _FREE_DAYPARTS:
        return [_Token("daypart", _FREE_DAYPARTS[plain], start, end)]
    if plain in _FREE_GROUPS:
        return [_Token("day", word, start, end, _FREE_GROUPS[plain])]
    if (day := fuzzy_weekday(plain)) is not None:
        return [_Token("day", word, start, end, (day,))]
    if (m := _COMPOUND_PART.fullmatch(plain)) is not None and (day := fuzzy_weekday(m[1])) is not None:
        part = "morning" if m[2] == "morgen" else _FREE_DAYPARTS[m[2]]
        return [_Token("day", word, start, end, (day,)), _Token("daypart", part, start, end)]
    return [_Token("word", word, start, end)]


@dataclass
class _FreeParser:
    text: str
    tokens: list[_Token]
    at: int = 0
    days: list[tuple[TimeRange, ...]] = field(default_factory=lambda: [()] * 7)
    choices: list[tuple[list[tuple[int, ...]], list[tuple[TimeRange, ...]]]] = field(default_factory=list)
    second_reading_at: int | None = None  # token where the second of two readings is taken
    ambiguous_at: tuple[int, int] | None = None
    opened: bool = False
    list_daypart: str | None = None

    def peek(self, offset: int = 0) -> _Token | None:
        index = self.at + offset
        return self.tokens[index] if index < len(self.tokens) else None

    def kind(self, offset: int = 0) -> str:
        token = self.peek(offset)
        return token.kind if token else "end"

    def take(self) -> _Token:
        token = self.tokens[self.at]
        self.at += 1
        return token

    def fail(self, reason: str, first: int, last: int | None = None) -> OpeningHoursError:
        """An error quoting the writer's own words from token ``first`` to ``last``."""
        tokens = self.tokens or [_Token("word", self.text, 0, len(self.text))]
        first = min(first, len(tokens) - 1)
        last = min(first if last is None else last, len(tokens) - 1)
        return OpeningHoursError(reason, self.text[tokens[first].start : tokens[last].end].strip())

    def parse(self) -> None:
        while self.kind() != "end":
            if self.kind() == "comma":
                self.take()
                continue
            if self.kind() == "except" or (self.kind() == "closed" and self.kind(1) == "day"):
                self.take()  # "behalve woensdag", "closed on sunday"
                for day in self.day_list():
                    self.days[day] = ()
                continue
            began = self.at
            selected = self.day_list()
            daypart = self.daypart() or self.list_daypart
            if self.kind() == "closed":
                self.take()
                for day in selected:
                    self.days[day] = ()
                continue
            if self.kind() != "time":
                raise self.fail("missing times after the days", began, self.at)
            ranges = self.ranges(daypart)
            self.opened = True
            for day, found in _place(selected, ranges):
                # "wo 10-12, wo 14-16" adds a second range; "ma-vr 9-17, wo 9-12" replaces Wednesday
                keep = () if any(_overlap(a, b) for a in self.days[day] for b in found) else self.days[day]
                self.days[day] = keep + found

    def day_list(self) -> list[int]:
        if self.kind() != "day":
            last_at = self.at
            while self.kind(last_at - self.at + 1) not in ("end", "day", "comma"):
                last_at += 1
            raise self.fail("which days? Start with days, like 'ma-vr'", self.at, last_at)
        selected: list[int] = []
        self.list_daypart = None
        while self.kind() == "day":
            began = self.at
            first = self.take().days
            if self.kind() == "dash" and self.kind(1) == "day":
                self.take()
                last = self.take().days
                if len(first) != 1 or len(last) != 1:
                    raise self.fail("a day range needs single days", began, self.at - 1)
                selected.extend(_day_span(first[0], last[0]))
            else:
                selected.extend(first)
            if self.kind() == "daypart" and self.kind(1) == "comma" and self.kind(2) == "day":
                self.list_daypart = self.take().value  # "woensdagmiddag en vrijdagmiddag"
            if self.kind() == "comma" and self.kind(1) == "day":
                self.take()
        return selected

    def daypart(self) -> str | None:
        part = None
        while self.kind() == "daypart":
            part = self.take().value
        return part

    def ranges(self, daypart: str | None) -> list[tuple[int, int]]:
        found = [self.time_range(daypart)]
        while self.kind() == "comma" and self.kind(1) == "time":
            self.take()
            found.append(self.time_range(daypart))
        return found

    def time_range(self, daypart: str | None) -> tuple[int, int]:
        began = self.at
        if self.kind() != "time" or self.kind(1) != "dash" or self.kind(2) != "time":
            raise self.fail("expected times like 10:00-16:00", began, min(began + 2, len(self.tokens) - 1))
        start_text, _dash, end_text = self.take().value, self.take(), self.take().value
        daypart = self.daypart() or daypart
        try:
            start, end = clocks.read_clock(start_text), clocks.read_clock(end_text)
        except clocks.ClockError:
            raise self.fail("impossible time", began, self.at - 1) from None
        readings = clocks.range_readings(start, end, daypart, midnight_start="next_day")
        if not readings and daypart is None and start.kind == end.kind == "bare" and start.minutes == end.minutes < 12 * 60:
            # "van 8 tot 8": most likely 08:00-20:00, but ask
            readings = [(start.minutes, start.minutes + 12 * 60), (start.minutes + 12 * 60, start.minutes + 24 * 60)]
        if not readings:
            raise self.fail("impossible time", began, self.at - 1)
        if len(readings) > 1:
            if began == self.second_reading_at:
                return readings[1]
            if self.ambiguous_at is not None:
                raise self.fail("two unclear times", began, self.at - 1)
            self.ambiguous_at = (began, self.at - 1)
        return readings[0]


def _overlap(a: TimeRange, b: TimeRange) -> bool:
    def span(r: TimeRange) -> tuple[int, int]:
        return (r.start, r.end + MINUTES_PER_DAY) if r.crosses_midnight else (r.start, r.end)

    (a0, a1), (b0, b1) = span(a), span(b)
    return a0 < b1 and b0 < a1


def _place(selected: list[int], ranges: list[tuple[int, int]]) -> list[tuple[int, tuple[TimeRange, ...]]]:
    """Ranges per day; a range starting at 24:00 ("vr 24-2") belongs to the next day."""
    per_day: dict[int, list[TimeRange]] = {}
    for day in selected:
        for start, end in ranges:
            shift = start // MINUTES_PER_DAY
            start, end = start - shift * MINUTES_PER_DAY, end - shift * MINUTES_PER_DAY
            if end > MINUTES_PER_DAY:
                end -= MINUTES_PER_DAY
            per_day.setdefault((day + shift) % 7, []).append(TimeRange(start, end))
    return [(day, tuple(found)) for day, found in per_day.items()]


def parse_free_text(text: str) -> WeeklySchedule:
    """Read hours as volunteers type them: "ma en wo 10-16, za 12-17", "werkdagen 9-17",
    "di 10.00-12.00 en 13.00-16.00", "woensdagmiddag 1-4", "vrijdags 10-14", "op afspraak",
    "dag en nacht", "mon-fri 9-5pm". Hours follow the afternoon rule of ``domain.clock``.

    Raises OpeningHoursError (its fragment quotes the writer's own words); two possible readings
    ("ma-vr 5-12") give reason "ambiguous" with both schedules in ``options``; a text that only
    says when the place is closed ("za gesloten") gives "only_closed": the other days are unknown.
    """
    tokens = _tokens(text)
    by_appointment = any(t.kind == "appt" for t in tokens)
    tokens = [t for t in tokens if t.kind != "appt"]
    while tokens and tokens[0].kind in ("comma", "dash"):
        tokens.pop(0)
    while tokens and tokens[-1].kind in ("comma", "dash"):
        tokens.pop()
    kinds = [t.kind for t in tokens]
    if "always" in kinds and all(k in ("always", "comma", "daily") for k in kinds):
        return WeeklySchedule(always_open=True)  # "24 uur per dag, 7 dagen per week"
    if not tokens:
        if by_appointment:
            return WeeklySchedule(by_appointment=True)
        raise OpeningHoursError("empty opening hours", text.strip())
    tokens = [_Token("day", t.value, t.start, t.end, tuple(range(7))) if t.kind == "daily" else t for t in tokens]
    if [t.kind for t in tokens] == ["closed"]:
        raise OpeningHoursError("only_closed", text.strip())
    for token in tokens:
        if token.kind in ("word", "always"):
            raise OpeningHoursError("unknown word", text[token.start : token.end])
    parser = _FreeParser(text, tokens)
    parser.parse()
    if not parser.opened:
        if by_appointment:
            return WeeklySchedule(by_appointment=True)
        raise OpeningHoursError("only_closed", text.strip())
    schedule = WeeklySchedule(tuple(parser.days), by_appointment=by_appointment)
    if parser.ambiguous_at is None:
        return schedule
    other = _FreeParser(text, tokens, second_reading_at=parser.ambiguous_at[0])
    other.parse()
    first, last = parser.ambiguous_at
    fragment = text[tokens[first].start : tokens[last].end].strip()
    options = (schedule, WeeklySchedule(tuple(other.days), by_appointment=by_appointment))
    raise OpeningHoursError("ambiguous", fragment, options=options)


def describe_error(error: OpeningHoursError, translator: Translator) -> str:
    """Tell the volunteer which part we did not understand, in their own words, with an example."""
    _ = translator.gettext
    if error.reason == "only_closed":
        return _("Je schreef alleen wanneer het dicht is: \"{fragment}\". Op welke dagen en tijden is het open? "
                 "Bijvoorbeeld: ma-vr 9:00-17:00, za gesloten").format(fragment=error.fragment)
    if error.reason == "ambiguous":
        return _("Bij \"{fragment}\" weet ik niet welke tijd je bedoelt. Tik op de goede, of typ het opnieuw "
                 "met een 0 ervoor (zoals 05:00) of met 's ochtends / 's middags.").format(fragment=error.fragment)
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
    intervals: list[tuple[datetime, datetime]] = []
    for offset in range(-1, 8):
        day = today + timedelta(days=offset)
        for r in schedule.days[day.weekday()]:
            end_minutes = r.end + (MINUTES_PER_DAY if r.crosses_midnight else 0)
            intervals.append((_wall_clock(day, r.start, tz), _wall_clock(day, end_minutes, tz)))
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
    weekday = weekday_name(status.opens_at.weekday(), locale=getattr(translator, "language", "nl"))
    if status.opens_in_days == 0:
        return _("Gesloten. Vandaag open vanaf {time}").format(time=when)
    if status.opens_in_days == 1:
        return _("Gesloten. Morgen open vanaf {time}").format(time=when)
    if status.opens_in_days < 7:
        return _("Gesloten. Open op {weekday} vanaf {time}").format(weekday=weekday, time=when)
    return _("Gesloten. Volgende week {weekday} open vanaf {time}").format(weekday=weekday, time=when)


# -- read-back -----------------------------------------------------------------------------------------


def describe_week(schedule: WeeklySchedule, translator: Translator, locale: str) -> list[str]:
    """The week in short lines, days with the same hours together: "ma t/m vr 09:00–17:00",
    "za 10:00–14:00", "Altijd open", "Op afspraak". Day names from Babel ("Mon–Fri" in English)."""
    _ = translator.gettext
    if schedule.always_open:
        return [_("Altijd open")]
    groups: dict[tuple[TimeRange, ...], list[int]] = {}
    for day, ranges in enumerate(schedule.days):
        if ranges:
            groups.setdefault(ranges, []).append(day)
    lines = []
    for ranges, days in groups.items():
        hours = ", ".join(f"{_clock(r.start)}–{_clock(r.end)}" for r in ranges)
        lines.append(f"{_day_group(days, translator, locale)} {hours}")
    if schedule.by_appointment:
        lines.append(_("Op afspraak"))
    return lines


def _day_group(days: list[int], translator: Translator, locale: str) -> str:
    _ = translator.gettext
    runs = _consecutive_runs(days)
    parts = []
    for run in runs:
        names = [short_weekday(d, locale=locale) for d in run]
        if len(run) >= 3:
            parts.append(_("{first} t/m {last}").format(first=names[0], last=names[-1]))
        else:
            parts.extend(names)
    return ", ".join(parts)


def describe_choice(schedule: WeeklySchedule, translator: Translator, locale: str) -> str:
    """A button label for one of two readings: the hours of its first open day ("17:00–24:00")."""
    for ranges in schedule.days:
        if ranges:
            return ", ".join(f"{_clock(r.start)}–{_clock(r.end)}" for r in ranges)
    return describe_week(schedule, translator, locale)[0] if schedule.always_open or schedule.by_appointment else "–"
