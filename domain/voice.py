"""The wijk a voice: signals (ideas and needs), their themes, statuses and the way back.

Pure rules, no Telegram and no database: theme taxonomy, signal and progress statuses, the
length and daily limits, how an author is shown, and the texts built from them. Names are Dutch
msgids marked with N_ and translated at display time.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import cache
from zoneinfo import ZoneInfo

from domain.gazetteer import normalize_text
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


def search_words(query: str) -> list[str]:
    """The words of a merge search, short filler words left out (at least one word stays)."""
    words = normalize_text(query).split()
    long_words = [word for word in words if len(word) >= 3]
    return (long_words or words)[:6]


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


def week_start(now: datetime, timezone: ZoneInfo) -> datetime:
    """Seven days back from now: what counts as "this week" in the digests."""
    return now - timedelta(days=7)


# -- reading -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class ProgressStep:
    """One recorded step, as shown on a signal's timeline."""

    status: str
    text: str
    meeting_name: str | None
    meeting_date: date | None
    at: datetime


def progress_line(step: ProgressStep, translator: Translator, timezone: ZoneInfo) -> str:
    """One line of a timeline, plain text (the caller escapes): "📣 Ingebracht, 12-01-2027: text"."""
    when = (step.meeting_date or step.at.astimezone(timezone).date()).strftime("%d-%m-%Y")
    head = f"{progress_label(step.status, translator)}, {when}"
    if step.meeting_name:
        head += f" ({step.meeting_name})"
    return f"{head}: {step.text}"


def support_count(count: int, translator: Translator) -> str:
    return translator.ngettext("{count} steunt dit", "{count} steunen dit", count).format(count=count)
