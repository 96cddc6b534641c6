"""The wijk a voice: signals (ideas and needs), their themes, statuses and the way back.

Pure rules, no Telegram and no database: theme taxonomy, signal and progress statuses, the
length and daily limits, how an author is shown, and the texts built from them. Names are Dutch
msgids marked with N_ and translated at display time.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import cache
from zoneinfo import ZoneInfo

from domain.datefmt import format_long_date
from domain.gazetteer import normalize_text
from domain.htmltext import escape, truncate
from domain.i18n_markers import N_, Translator

MAX_SIGNAL_CHARS = 500
MIN_SIGNAL_CHARS = 10  # "hoi" is not an idea: ask for a sentence
MAX_SIGNALS_PER_DAY = 3
MAX_REASON_CHARS = 300
MAX_PROGRESS_CHARS = 500
MAX_MEETING_CHARS = 120

# Signal statuses.
SUBMITTED = "submitted"
PUBLISHED = "published"
DECLINED = "declined"
MERGED = "merged"
SIGNAL_STATUSES: tuple[str, ...] = (SUBMITTED, PUBLISHED, DECLINED, MERGED)


@dataclass(frozen=True)
class Theme:
    code: str
    name: str  # Dutch msgid
    name_en: str  # for exports
    emoji: str

    def label(self, translator: Translator) -> str:
        return f"{self.emoji} {translator.gettext(self.name)}"


THEMES: tuple[Theme, ...] = (
    Theme("ontmoeten", N_("Ontmoeten"), "Meeting each other", "🤝"),
    Theme("eenzaamheid", N_("Eenzaamheid"), "Loneliness", "🫂"),
    Theme("armoede", N_("Armoede en geldzorgen"), "Poverty and money worries", "💶"),
    Theme("jeugd", N_("Jeugd"), "Young people", "🧒"),
    Theme("ouderen", N_("Ouderen"), "Older people", "👵"),
    Theme("groen", N_("Groen en schoon"), "Green and clean", "🌳"),
    Theme("veiligheid", N_("Veiligheid"), "Safety", "🛡"),
    Theme("gezondheid", N_("Gezondheid"), "Health", "❤️"),
    Theme("taal", N_("Taal"), "Language", "💬"),
    Theme("anders", N_("Anders"), "Other", "✳️"),
)


@cache
def _themes_by_code() -> dict[str, Theme]:
    return {theme.code: theme for theme in THEMES}


def get_theme(code: str | None) -> Theme | None:
    return _themes_by_code().get(code or "")


def theme_label(code: str, translator: Translator) -> str:
    theme = get_theme(code)
    return theme.label(translator) if theme else code


# -- progress ("wat is ermee gedaan") ------------------------------------------------------------

INGEBRACHT = "ingebracht"
TOEGEZEGD = "toegezegd"
WIJKAKKOORD = "wijkakkoord"
GEREALISEERD = "gerealiseerd"
NIET_GELUKT = "niet_gelukt"


@dataclass(frozen=True)
class ProgressStatus:
    code: str
    name: str  # Dutch msgid, as a short label ("Ingebracht")
    emoji: str
    needs_meeting: bool = False  # ingebracht: at which meeting, on which date


PROGRESS_STATUSES: tuple[ProgressStatus, ...] = (
    ProgressStatus(INGEBRACHT, N_("Ingebracht"), "📣", needs_meeting=True),
    ProgressStatus(TOEGEZEGD, N_("Toegezegd"), "🤝"),
    ProgressStatus(WIJKAKKOORD, N_("In het wijkakkoord"), "📜"),
    ProgressStatus(GEREALISEERD, N_("Gerealiseerd"), "✅"),
    ProgressStatus(NIET_GELUKT, N_("Niet gelukt"), "❌"),
)


@cache
def _progress_by_code() -> dict[str, ProgressStatus]:
    return {status.code: status for status in PROGRESS_STATUSES}


def get_progress_status(code: str | None) -> ProgressStatus | None:
    return _progress_by_code().get(code or "")


def progress_label(code: str, translator: Translator) -> str:
    status = get_progress_status(code)
    return f"{status.emoji} {translator.gettext(status.name)}" if status else code


# -- checks on what people type ------------------------------------------------------------------


class SignalTextError(ValueError):
    """Why a typed signal cannot be used; `message` is a Dutch msgid, `limit` fills {limit}."""

    def __init__(self, message: str, limit: int) -> None:
        super().__init__(message)
        self.message = message
        self.limit = limit


def clean_text(text: str | None) -> str:
    """Whitespace tidied: single spaces inside lines, at most one empty line between paragraphs."""
    if not text:
        return ""
    lines = [" ".join(line.split()) for line in text.strip().splitlines()]
    tidy: list[str] = []
    for line in lines:
        if line or (tidy and tidy[-1]):
            tidy.append(line)
    return "\n".join(tidy).strip()


def check_signal_text(text: str | None) -> str:
    """The cleaned text of a signal, or SignalTextError (empty, too short or too long)."""
    cleaned = clean_text(text)
    if not cleaned:
        raise SignalTextError(N_("Schrijf in een paar zinnen wat je ziet of wilt. Gebruik gewone tekst."), MAX_SIGNAL_CHARS)
    if len(cleaned) < MIN_SIGNAL_CHARS:
        raise SignalTextError(N_("Dat is wel heel kort. Schrijf een hele zin, zodat anderen het begrijpen."), MIN_SIGNAL_CHARS)
    if len(cleaned) > MAX_SIGNAL_CHARS:
        raise SignalTextError(
            N_("Dat is te lang: {count} tekens. Het mag maximaal {limit} tekens zijn. Maak het korter en stuur het opnieuw."),
            MAX_SIGNAL_CHARS,
        )
    return cleaned


def check_short_text(text: str | None, limit: int) -> str | None:
    """A cleaned reason or progress text, or None when empty or longer than `limit`."""
    cleaned = clean_text(text)
    if not cleaned or len(cleaned) > limit:
        return None
    return cleaned


def search_text(text: str) -> str:
    """What the merge search matches: lower case, no accents or punctuation."""
    return normalize_text(text)


_FILLER = frozenset({"een", "het", "van", "voor", "met", "die", "dat", "niet", "ook", "maar", "the", "and", "for", "with"})


def search_words(query: str) -> list[str]:
    """The words of a merge search: short and filler words left out (at least one word stays)."""
    words = list(dict.fromkeys(normalize_text(query).split()))
    kept = [word for word in words if len(word) >= 3 and word not in _FILLER]
    return (kept or words)[:6]


# -- authors and limits --------------------------------------------------------------------------


def author_line(buurt: str, first_name: str | None, show_first_name: bool, translator: Translator) -> str:
    """How the author is shown to others: "een bewoner van Spangen", or "Fatima uit Spangen"."""
    if show_first_name and first_name:
        return translator.gettext("{name} uit {buurt}").format(name=first_name, buurt=buurt)
    return translator.gettext("een bewoner van {buurt}").format(buurt=buurt)


def day_start_utc(now: datetime, timezone: ZoneInfo) -> datetime:
    """The start of today in the local zone (Europe/Amsterdam), as an aware datetime: the daily limit's day."""
    local = now.astimezone(timezone)
    return datetime.combine(local.date(), time(0), tzinfo=timezone)


def may_submit(sent_today: int) -> bool:
    return sent_today < MAX_SIGNALS_PER_DAY


_NUMERIC_DATE = re.compile(r"(\d{1,2})[-/.](\d{1,2})(?:[-/.](\d{4}|\d{2}))?")
_TODAY_WORDS = frozenset({"vandaag", "today", "bugun", "اليوم", "dzisiaj", "dzis", "hoje"})
_YESTERDAY_WORDS = frozenset({"gisteren", "yesterday", "dun", "أمس", "امس", "wczoraj", "ontem"})
MEETING_DATE_RANGE = timedelta(days=366)  # a meeting within a year either side of today


def read_meeting_date(text: str, today: date) -> date | None:
    """The date of a meeting: "vandaag", "gisteren", "12-1", "12-01-2027" (day first, as in the
    Netherlands). domain.when reads activity times (future, with a time); a meeting where a signal
    was brought in mostly lies in the past, so this reads a plain date. A date without a year is
    the one closest to today. None when unreadable or more than a year away."""
    words = normalize_text(text)
    if words in _TODAY_WORDS:
        return today
    if words in _YESTERDAY_WORDS:
        return today - timedelta(days=1)
    match = _NUMERIC_DATE.fullmatch(text.strip())
    if match is None:
        return None
    day, month, year_text = int(match.group(1)), int(match.group(2)), match.group(3)
    if year_text is not None:
        year = int(year_text) + (2000 if len(year_text) == 2 else 0)
        candidates = [year]
    else:
        candidates = [today.year - 1, today.year, today.year + 1]
    found: list[date] = []
    for year in candidates:
        try:
            found.append(date(year, month, day))
        except ValueError:
            continue
    if not found:
        return None
    best = min(found, key=lambda d: abs((d - today).days))
    return best if abs(best - today) <= MEETING_DATE_RANGE else None


# -- reading -----------------------------------------------------------------------------------

LIST_TEXT_CHARS = 220  # a signal's text in a list; the whole text is one tap away
LIST_STEPS = 1  # the latest step of a timeline shown in a list (five signals stay within one message)
FULL_STEPS = 5  # the latest steps shown with one signal
STEP_TEXT_CHARS = 140
MEETING_LIST_CHARS = 50


@dataclass(frozen=True)
class ProgressStep:
    """One recorded step, as shown on a signal's timeline."""

    status: str
    text: str
    meeting_name: str | None
    meeting_date: date | None
    at: datetime


@dataclass(frozen=True)
class SignalView:
    """A published signal as residents see it: never who supports it, only how many."""

    id: int
    text: str
    theme: str
    buurt: str
    author_first_name: str | None
    show_first_name: bool
    supports: int
    steps: tuple[ProgressStep, ...] = ()


def progress_line(step: ProgressStep, translator: Translator, timezone: ZoneInfo, text_limit: int | None = None) -> str:
    """One line of a timeline, HTML: "📣 Ingebracht, 27 november 2026 (Wijkraad): text", the date in
    the reader's language; `text_limit` shortens the text and the meeting's name (for lists)."""
    day = step.meeting_date or step.at.astimezone(timezone).date()
    when = format_long_date(day, locale=getattr(translator, "language", "nl"))
    text = truncate(step.text, text_limit) if text_limit else step.text
    values = {"step": escape(progress_label(step.status, translator)), "date": when, "text": escape(text)}
    if step.meeting_name:
        meeting = truncate(step.meeting_name, MEETING_LIST_CHARS) if text_limit else step.meeting_name
        return translator.gettext("{step}, {date} ({meeting}): {text}").format(meeting=escape(meeting), **values)
    return translator.gettext("{step}, {date}: {text}").format(**values)


def support_count(count: int, translator: Translator) -> str:
    return translator.ngettext("👍 {count} steunt dit", "👍 {count} steunen dit", count).format(count=count)


def signal_block(view: SignalView, translator: Translator, timezone: ZoneInfo, *, number: int | None = None, full: bool = True) -> str:
    """A signal in HTML: its text, theme, buurt, who wrote it, the count and the timeline.

    In a list (`full=False`) the text is shortened and only the latest step is shown; alone, the
    latest FULL_STEPS (an older step is still in what supporters were told).
    """
    text = view.text if full else truncate(" ".join(view.text.split()), LIST_TEXT_CHARS)
    head = f"{number}. " if number is not None else ""
    author = author_line(view.buurt, view.author_first_name, view.show_first_name, translator)
    lines = [
        f"{head}<i>{escape(text)}</i>",
        f"{escape(theme_label(view.theme, translator))} · {escape(author)}",
        escape(support_count(view.supports, translator)),
    ]
    steps = view.steps[-FULL_STEPS:] if full else view.steps[-LIST_STEPS:]
    for step in steps:
        lines.append(progress_line(step, translator, timezone, None if full else STEP_TEXT_CHARS))
    return "\n".join(lines)
