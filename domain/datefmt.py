"""Say dates, times and recurrences in words, in the reader's language.

Weekday and month names come from Babel (CLDR), so they are right for every language we add;
the few words of our own ("vandaag", "elke ...") go through the translator. The clock is 24-hour
in every language: that is what the Netherlands uses, also on English posters.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from babel.dates import format_date, get_day_names

from domain.i18n_markers import Translator
from domain.recurrence import TZ
from domain.weekdays import RRULE_DAYS



def format_time(moment: datetime, tz: ZoneInfo = TZ) -> str:
    """Local 24-hour clock time: "14:00"."""
    return moment.astimezone(tz).strftime("%H:%M")


# Where a language writes a date in another order or with words of its own (CLDR's full date
# formats): Turkish puts the weekday last, Arabic has its comma, Portuguese says "de".
_DAY_PATTERNS = {"tr": "d MMMM EEEE", "ar": "EEEE، d MMMM", "pt": "EEEE, d 'de' MMMM"}
_FULL_PATTERNS = {"tr": "d MMMM y EEEE", "ar": "EEEE، d MMMM y", "pt": "EEEE, d 'de' MMMM 'de' y"}


def _code(locale: str) -> str:
    return locale.replace("-", "_").split("_")[0].lower()


def format_day(day: date, *, locale: str) -> str:
    """Day heading without year: "maandag 7 december" / "Monday 7 December" / "7 Aralık Pazartesi"."""
    return format_date(day, _DAY_PATTERNS.get(_code(locale), "EEEE d MMMM"), locale=locale)


def format_full_date(day: date, *, locale: str) -> str:
    """"zaterdag 5 december 2026" / "Saturday 5 December 2026" / "sábado, 5 de dezembro de 2026"."""
    return format_date(day, _FULL_PATTERNS.get(_code(locale), "EEEE d MMMM y"), locale=locale)


_DATE_PATTERNS = {"pt": "d 'de' MMMM 'de' y"}


def format_long_date(day: date, *, locale: str) -> str:
    """A date without weekday: "27 november 2026" / "27 November 2026" / "27 Kasım 2026"."""
    return format_date(day, _DATE_PATTERNS.get(_code(locale), "d MMMM y"), locale=locale)


def format_moment(start: datetime, end: datetime | None = None, *, locale: str, tz: ZoneInfo = TZ) -> str:
    """"zaterdag 5 december 2026, 14:00 – 16:00"; an end on another day gets its own date."""
    start_local = start.astimezone(tz)
    comma = "،" if _code(locale) == "ar" else ","  # Arabic writes its own comma
    text = f"{format_full_date(start_local.date(), locale=locale)}{comma} {format_time(start_local, tz)}"
    if end is None:
        return text
    end_local = end.astimezone(tz)
    if end_local.date() == start_local.date():
        return f"{text} – {format_time(end_local, tz)}"
    return f"{text} – {format_full_date(end_local.date(), locale=locale)}{comma} {format_time(end_local, tz)}"


def day_label(day: date, today: date, *, translator: Translator, locale: str) -> str:
    """"vandaag" or "morgen" when that is what it is, else the day heading."""
    _ = translator.gettext
    if day == today:
        return _("vandaag")
    if day == today + timedelta(days=1):
        return _("morgen")
    return format_day(day, locale=locale)


def format_recurrence(rule: str, start: datetime, end: datetime | None = None, *,
                      translator: Translator, locale: str, tz: ZoneInfo = TZ) -> str:
    """A recurring activity in words: "elke dinsdag, 10:00 – 12:00".

    Knows the rules that ``when.parse_when`` produces (weekly, every other week, n-th weekday of
    the month) and raises ValueError for any other rule rather than say something wrong.
    """
    _ = translator.gettext
    parts = dict(part.split("=", 1) for part in rule.upper().split(";"))
    freq, byday, interval = parts.pop("FREQ", ""), parts.pop("BYDAY", ""), parts.pop("INTERVAL", "1")
    if parts or byday[-2:] not in RRULE_DAYS:
        raise ValueError(f"cannot say this rule in words: {rule}")
    weekday = weekday_name(RRULE_DAYS.index(byday[-2:]), locale=locale)
    nth = byday[:-2]
    if freq == "WEEKLY" and not nth and interval == "1":
        phrase = _("elke {weekday}").format(weekday=weekday)
    elif freq == "WEEKLY" and not nth and interval == "2":
        phrase = _("om de week op {weekday}").format(weekday=weekday)
    elif freq == "MONTHLY" and interval == "1" and nth in ("1", "2", "3", "4", "-1"):
        ordinal = {
            "1": _("eerste"), "2": _("tweede"), "3": _("derde"), "4": _("vierde"), "-1": _("laatste"),
        }[nth]
        phrase = _("elke {ordinal} {weekday} van de maand").format(ordinal=ordinal, weekday=weekday)
    else:
        raise ValueError(f"cannot say this rule in words: {rule}")
    times = format_time(start, tz) if end is None else f"{format_time(start, tz)} – {format_time(end, tz)}"
    return f"{phrase}, {times}"


def _day_phrase(day: date, today: date, *, translator: Translator, locale: str) -> str:
    """"morgen (donderdag 3 december)", "vandaag (woensdag 2 december)", "zaterdag 5 december",
    with the year only when it is not this year."""
    _ = translator.gettext
    named = format_day(day, locale=locale) if day.year == today.year else format_full_date(day, locale=locale)
    if day == today:
        return _("vandaag ({day})").format(day=named)
    if day == today + timedelta(days=1):
        return _("morgen ({day})").format(day=named)
    return named


def format_when(start: datetime, end: datetime | None, now: datetime, *, translator: Translator, locale: str,
                tz: ZoneInfo = TZ) -> str:
    """A moment read back in natural words: "morgen (donderdag 3 december), 19:30 – 21:00";
    an end on another day gets its own day: "zaterdag 5 december, 10:00 – zondag 6 december, 12:00"."""
    today = now.astimezone(tz).date()
    start_local = start.astimezone(tz)
    text = f"{_day_phrase(start_local.date(), today, translator=translator, locale=locale)}, {format_time(start_local, tz)}"
    if end is None:
        return text
    end_local = end.astimezone(tz)
    if end_local.date() == start_local.date() or (
        end_local.date() == start_local.date() + timedelta(days=1) and end_local.time() <= start_local.time()
    ):
        return f"{text} – {format_time(end_local, tz)}"
    return f"{text} – {_day_phrase(end_local.date(), today, translator=translator, locale=locale)}, {format_time(end_local, tz)}"


def weekday_name(weekday: int, *, locale: str) -> str:
    """"maandag" / "Monday" / "Pazartesi" (Babel's CLDR table), Monday = 0: the one table of day names shown."""
    return str(get_day_names("wide", locale=locale)[weekday])


def short_weekday(weekday: int, *, locale: str) -> str:
    """"ma" / "Mon" (Babel's CLDR table), Monday = 0."""
    return str(get_day_names("abbreviated", locale=locale)[weekday]).rstrip(".")
