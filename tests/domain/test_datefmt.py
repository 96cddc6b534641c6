import gettext
import io
from datetime import date, datetime
from pathlib import Path

import pytest
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from domain.datefmt import day_label, format_day, format_full_date, format_moment, format_recurrence, format_time
from domain.recurrence import TZ

PO_FILE = Path(__file__).resolve().parents[2] / "bot/locales/en/LC_MESSAGES/domain_time.po"
DUTCH = gettext.NullTranslations()


def english() -> gettext.GNUTranslations:
    """The English translator, built from this module's own PO file."""
    with PO_FILE.open("rb") as handle:
        catalog = read_po(handle, locale="en")
    buffer = io.BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    return gettext.GNUTranslations(buffer)


ENGLISH = english()


def at(*args):
    return datetime(*args, tzinfo=TZ)


def test_time_is_local_24_hour():
    assert format_time(at(2026, 12, 5, 19, 5)) == "19:05"
    assert format_time(datetime.fromisoformat("2026-12-05T13:00:00+00:00")) == "14:00"
    assert format_time(datetime.fromisoformat("2026-07-05T13:00:00+00:00")) == "15:00"


@pytest.mark.parametrize(
    ("locale", "day", "full"),
    [
        ("nl", "maandag 7 december", "maandag 7 december 2026"),
        ("en", "Monday 7 December", "Monday 7 December 2026"),
    ],
)
def test_day_names(locale, day, full):
    assert format_day(date(2026, 12, 7), locale=locale) == day
    assert format_full_date(date(2026, 12, 7), locale=locale) == full


@pytest.mark.parametrize(
    ("locale", "start", "end", "expected"),
    [
        ("nl", at(2026, 12, 5, 14), at(2026, 12, 5, 16), "zaterdag 5 december 2026, 14:00 – 16:00"),
        ("en", at(2026, 12, 5, 14), at(2026, 12, 5, 16), "Saturday 5 December 2026, 14:00 – 16:00"),
        ("nl", at(2026, 12, 5, 14), None, "zaterdag 5 december 2026, 14:00"),
        ("en", at(2026, 12, 4, 22), at(2026, 12, 5, 1), "Friday 4 December 2026, 22:00 – Saturday 5 December 2026, 01:00"),
        # Given in UTC, said in Rotterdam time, on both sides of the autumn change.
        ("nl", datetime.fromisoformat("2026-10-24T23:30+00:00"), datetime.fromisoformat("2026-10-25T01:30+00:00"),
         "zondag 25 oktober 2026, 01:30 – 02:30"),
    ],
)
def test_format_moment(locale, start, end, expected):
    assert format_moment(start, end, locale=locale) == expected


@pytest.mark.parametrize(
    ("translator", "locale", "expected"),
    [(DUTCH, "nl", ["vandaag", "morgen", "maandag 30 november"]), (ENGLISH, "en", ["today", "tomorrow", "Monday 30 November"])],
)
def test_day_label(translator, locale, expected):
    today = date(2026, 11, 28)
    days = [date(2026, 11, 28), date(2026, 11, 29), date(2026, 11, 30)]
    assert [day_label(d, today, translator=translator, locale=locale) for d in days] == expected


@pytest.mark.parametrize(
    ("rule", "start", "end", "nl", "en"),
    [
        ("FREQ=WEEKLY;BYDAY=TU", at(2026, 12, 1, 10), at(2026, 12, 1, 12),
         "elke dinsdag, 10:00 – 12:00", "every Tuesday, 10:00 – 12:00"),
        ("FREQ=WEEKLY;INTERVAL=2;BYDAY=WE", at(2026, 12, 2, 19), None,
         "om de week op woensdag, 19:00", "every other Wednesday, 19:00"),
        ("FREQ=MONTHLY;BYDAY=1SA", at(2026, 12, 5, 11), None,
         "elke eerste zaterdag van de maand, 11:00", "the first Saturday of every month, 11:00"),
        ("FREQ=MONTHLY;BYDAY=2TU", at(2026, 12, 8, 19, 30), None,
         "elke tweede dinsdag van de maand, 19:30", "the second Tuesday of every month, 19:30"),
        ("FREQ=MONTHLY;BYDAY=3TH", at(2026, 12, 17, 9), None,
         "elke derde donderdag van de maand, 09:00", "the third Thursday of every month, 09:00"),
        ("FREQ=MONTHLY;BYDAY=4MO", at(2026, 12, 28, 9), None,
         "elke vierde maandag van de maand, 09:00", "the fourth Monday of every month, 09:00"),
        ("FREQ=MONTHLY;BYDAY=-1FR", at(2026, 12, 25, 20), at(2026, 12, 25, 23),
         "elke laatste vrijdag van de maand, 20:00 – 23:00", "the last Friday of every month, 20:00 – 23:00"),
    ],
)
def test_format_recurrence(rule, start, end, nl, en):
    assert format_recurrence(rule, start, end, translator=DUTCH, locale="nl") == nl
    assert format_recurrence(rule, start, end, translator=ENGLISH, locale="en") == en


@pytest.mark.parametrize(
    "rule", ["FREQ=DAILY", "FREQ=WEEKLY;BYDAY=TU;COUNT=3", "FREQ=WEEKLY;INTERVAL=3;BYDAY=TU", "FREQ=MONTHLY;BYDAY=5SA",
             "FREQ=WEEKLY;BYDAY=TU,TH"],
)
def test_format_recurrence_refuses_rules_it_cannot_say(rule):
    with pytest.raises(ValueError):
        format_recurrence(rule, at(2026, 12, 1, 10), translator=DUTCH, locale="nl")


def test_each_language_writes_a_day_its_own_way():
    """Turkish puts the weekday last, Arabic has its comma, Portuguese says "de" (CLDR's full formats)."""
    from datetime import date

    from domain.datefmt import format_day, format_full_date

    day = date(2026, 12, 5)
    assert format_day(day, locale="nl") == "zaterdag 5 december"
    assert format_day(day, locale="en") == "Saturday 5 December"
    assert format_day(day, locale="tr") == "5 Aralık Cumartesi"
    assert format_day(day, locale="ar") == "السبت، 5 ديسمبر"
    assert format_day(day, locale="pt") == "sábado, 5 de dezembro"
    assert format_full_date(day, locale="pt") == "sábado, 5 de dezembro de 2026"
    assert format_full_date(day, locale="tr") == "5 Aralık 2026 Cumartesi"
