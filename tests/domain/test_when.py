"""Reading when an activity happens. Fixed "now": Saturday 28 November 2026, 11:00 in Rotterdam."""

from datetime import datetime, timezone

import pytest
from dateutil.relativedelta import relativedelta
from hypothesis import given, settings
from hypothesis import strategies as st

from domain.when import REASONS, TZ, WhenError, parse_when

NOW = datetime(2026, 11, 28, 11, 0, tzinfo=TZ)
# Friday before the autumn change (Sunday 25 October 2026, 03:00 CEST -> 02:00 CET).
NOW_AUTUMN = datetime(2026, 10, 23, 11, 0, tzinfo=TZ)
# Friday before the spring change (Sunday 28 March 2027, 02:00 CET -> 03:00 CEST).
NOW_SPRING = datetime(2027, 3, 26, 11, 0, tzinfo=TZ)


def iso(dt):
    return None if dt is None else dt.isoformat(timespec="minutes")


OK = [
    ('zaterdag 14:00', '2026-11-28T14:00+01:00', None, None),
    ('zaterdag 10:00', '2026-12-05T10:00+01:00', None, None),
    ('morgen om 10 uur', '2026-11-29T10:00+01:00', None, None),
    ('zondag 15u', '2026-11-29T15:00+01:00', None, None),
    ('12 december 19.30', '2026-12-12T19:30+01:00', None, None),
    ('vanavond half 8', '2026-11-28T19:30+01:00', None, None),
    ('volgende week dinsdag 10:00', '2026-12-01T10:00+01:00', None, None),
    ('do 3/12 van 19:00 tot 21:00', '2026-12-03T19:00+01:00', '2026-12-03T21:00+01:00', None),
    ('elke dinsdag 10:00-12:00', '2026-12-01T10:00+01:00', '2026-12-01T12:00+01:00', 'FREQ=WEEKLY;BYDAY=TU'),
    ('iedere eerste zaterdag van de maand 11:00', '2026-12-05T11:00+01:00', None, 'FREQ=MONTHLY;BYDAY=1SA'),
    ('vandaag 16:00', '2026-11-28T16:00+01:00', None, None),
    ('overmorgen 9:30', '2026-11-30T09:30+01:00', None, None),
    ("half 3 's middags", '2026-11-28T14:30+01:00', None, None),
    ("kwart over 7 's avonds", '2026-11-28T19:15+01:00', None, None),
    ('zaterdag 5 december 14:00-16:00', '2026-12-05T14:00+01:00', '2026-12-05T16:00+01:00', None),
    ('5-12-2026 14:00', '2026-12-05T14:00+01:00', None, None),
    ('2026-12-05 14:00', '2026-12-05T14:00+01:00', None, None),
    ('elke week op woensdag 19u', '2026-12-02T19:00+01:00', None, 'FREQ=WEEKLY;BYDAY=WE'),
    ('om de week op dinsdag 10:00', '2026-12-01T10:00+01:00', None, 'FREQ=WEEKLY;INTERVAL=2;BYDAY=TU'),
    ('saturday 2pm', '2026-11-28T14:00+01:00', None, None),
    ('tomorrow at 10', '2026-11-29T10:00+01:00', None, None),
    ('next tuesday 10:00', '2026-12-01T10:00+01:00', None, None),
    ('dec 12 7:30pm', '2026-12-12T19:30+01:00', None, None),
    ('every tuesday 10-12', '2026-12-01T10:00+01:00', '2026-12-01T12:00+01:00', 'FREQ=WEEKLY;BYDAY=TU'),
    ('first saturday of the month 11am', '2026-12-05T11:00+01:00', None, 'FREQ=MONTHLY;BYDAY=1SA'),
    ('vrijdag 19.00 - 21.00 uur', '2026-12-04T19:00+01:00', '2026-12-04T21:00+01:00', None),
    ('zaterdag 11:00', '2026-12-05T11:00+01:00', None, None),
    ('morgenavond 8 uur', '2026-11-29T20:00+01:00', None, None),
    ('om 8 uur', '2026-11-29T08:00+01:00', None, None),
    ('vanavond 8 uur', '2026-11-28T20:00+01:00', None, None),
    ('zondagmiddag 3 uur', '2026-11-29T15:00+01:00', None, None),
    ('1 januari 14:00', '2027-01-01T14:00+01:00', None, None),
    ('27 november 14:00', '2027-11-27T14:00+01:00', None, None),
    ('di 10-12', '2026-12-01T10:00+01:00', '2026-12-01T12:00+01:00', None),
    ('wo 19:30 tot 22:00', '2026-12-02T19:30+01:00', '2026-12-02T22:00+01:00', None),
    ('vrijdag van 22:00 tot 1:00', '2026-12-04T22:00+01:00', '2026-12-05T01:00+01:00', None),
    ('zaterdag 11-2', '2026-12-05T11:00+01:00', '2026-12-05T14:00+01:00', None),
    ("kwart voor 8 's avonds", '2026-11-28T19:45+01:00', None, None),
    ('vanavond 10 over half 8', '2026-11-28T19:40+01:00', None, None),
    ('maandag 7 december 10:00', '2026-12-07T10:00+01:00', None, None),
    ('every other wednesday 7pm', '2026-12-02T19:00+01:00', None, 'FREQ=WEEKLY;INTERVAL=2;BYDAY=WE'),
    ('last friday of the month 8pm', '2026-12-25T20:00+01:00', None, 'FREQ=MONTHLY;BYDAY=-1FR'),
    ('laatste vrijdag van de maand 20:00', '2026-12-25T20:00+01:00', None, 'FREQ=MONTHLY;BYDAY=-1FR'),
    ('tomorrow 9am-11am', '2026-11-29T09:00+01:00', '2026-11-29T11:00+01:00', None),
    ('5 dec 2026 14:00', '2026-12-05T14:00+01:00', None, None),
    ('12/12 7pm', '2026-12-12T19:00+01:00', None, None),
    ('next week tuesday 10:00', '2026-12-01T10:00+01:00', None, None),
    ('zaterdag 5 december om 14.00 uur', '2026-12-05T14:00+01:00', None, None),
    ('today 4pm', '2026-11-28T16:00+01:00', None, None),
    ('3 december van 19.00 tot 21.00 uur', '2026-12-03T19:00+01:00', '2026-12-03T21:00+01:00', None),
    ('sunday 15:00 to 17:00', '2026-11-29T15:00+01:00', '2026-11-29T17:00+01:00', None),
    ('elke 2e dinsdag van de maand 19:30', '2026-12-08T19:30+01:00', None, 'FREQ=MONTHLY;BYDAY=2TU'),
    ('elke dinsdag vanaf 5 januari 10:00', '2027-01-05T10:00+01:00', None, 'FREQ=WEEKLY;BYDAY=TU'),
    ("morgen 12 uur 's middags", '2026-11-29T12:00+01:00', None, None),
    ('tomorrow 7-9pm', '2026-11-29T19:00+01:00', '2026-11-29T21:00+01:00', None),
    ('zaterdagavond 20:30', '2026-11-28T20:30+01:00', None, None),
    ('vanmiddag 3 uur', '2026-11-28T15:00+01:00', None, None),
    ('zo. 29 nov. 14.00u', '2026-11-29T14:00+01:00', None, None),
    ('dinsdag volgende week 10:00', '2026-12-01T10:00+01:00', None, None),
    ('morgen zondag 10:00', '2026-11-29T10:00+01:00', None, None),
    ('za 19u30', '2026-11-28T19:30+01:00', None, None),
    ('tonight 8pm', '2026-11-28T20:00+01:00', None, None),
    ("half 1 's nachts", '2026-11-29T00:30+01:00', None, None),
    # The afternoon rule for plain hours 1-6, dash dates and punctuation.
    ('zondag 13 december van 2 tot 5', '2026-12-13T14:00+01:00', '2026-12-13T17:00+01:00', None),
    ('om 2 uur', '2026-11-28T14:00+01:00', None, None),
    ('half 7', '2026-11-28T18:30+01:00', None, None),
    ("zaterdag 2 uur 's nachts", '2026-12-05T02:00+01:00', None, None),
    ('vrijdag 4-12 20:00', '2026-12-04T20:00+01:00', None, None),
    ('vrijdag 4-12 van 19 tot 21', '2026-12-04T19:00+01:00', '2026-12-04T21:00+01:00', None),
    ('za 5-12 14-16', '2026-12-05T14:00+01:00', '2026-12-05T16:00+01:00', None),
    ('4-12 19u', '2026-12-04T19:00+01:00', None, None),
    ('morgen tussen 10 en 12', '2026-11-29T10:00+01:00', '2026-11-29T12:00+01:00', None),
    ('between 10 and 12 tomorrow', '2026-11-29T10:00+01:00', '2026-11-29T12:00+01:00', None),
    ('Zaterdag 14:00!', '2026-11-28T14:00+01:00', None, None),
    ('zaterdag om 14.00.', '2026-11-28T14:00+01:00', None, None),
    ("morgen 6:30 's ochtends", '2026-11-29T06:30+01:00', None, None),
    ('tomorrow 3am', '2026-11-29T03:00+01:00', None, None),
    ('za 5 dec 14-16u', '2026-12-05T14:00+01:00', '2026-12-05T16:00+01:00', None),
    ('Every Tuesday 10am-12pm', '2026-12-01T10:00+01:00', '2026-12-01T12:00+01:00', 'FREQ=WEEKLY;BYDAY=TU'),
    ('the 5th of december at 2pm', '2026-12-05T14:00+01:00', None, None),
    ('woensdagavond 7 uur', '2026-12-02T19:00+01:00', None, None),
    ('maandag 7/12 om half 10', '2026-12-07T09:30+01:00', None, None),
    ('december 5th 2pm', '2026-12-05T14:00+01:00', None, None),
    ('zondag 3-5', '2026-11-29T15:00+01:00', '2026-11-29T17:00+01:00', None),
    ('zondag 10-2pm', '2026-11-29T10:00+01:00', '2026-11-29T14:00+01:00', None),
    ('zaterdag 14-17', '2026-11-28T14:00+01:00', '2026-11-28T17:00+01:00', None),
]


@pytest.mark.parametrize(("text", "start", "end", "rrule"), OK)
def test_reads_expression(text, start, end, rrule):
    when = parse_when(text, NOW)
    assert (iso(when.start), iso(when.end), when.rrule) == (start, end, rrule)
    assert when.start.tzinfo is TZ


def test_table_is_big_enough():
    assert len(OK) >= 45


DST = [
    (NOW_AUTUMN, "morgen 10:00", "2026-10-24T10:00+02:00", None, None),
    (NOW_AUTUMN, "zondag 14:00", "2026-10-25T14:00+01:00", None, None),
    (NOW_AUTUMN, "maandag 9:00", "2026-10-26T09:00+01:00", None, None),
    # 02:30 happens twice that night: the first one (still summer time) is meant.
    (NOW_AUTUMN, "zondag 2:30 's nachts", "2026-10-25T02:30+02:00", None, None),
    (NOW_AUTUMN, "zondag 1:00 - 4:00 's nachts", "2026-10-25T01:00+02:00", "2026-10-25T04:00+01:00", None),
    (NOW_AUTUMN, "zaterdag 22:00 tot 4:00", "2026-10-24T22:00+02:00", "2026-10-25T04:00+01:00", None),
    (NOW_AUTUMN, "elke zondag 10:00", "2026-10-25T10:00+01:00", None, "FREQ=WEEKLY;BYDAY=SU"),
    (NOW_AUTUMN, "elke dinsdag 10:00", "2026-10-27T10:00+01:00", None, "FREQ=WEEKLY;BYDAY=TU"),
    (NOW_SPRING, "morgen 10:00", "2027-03-27T10:00+01:00", None, None),
    (NOW_SPRING, "zondag 14:00", "2027-03-28T14:00+02:00", None, None),
    # 02:30 does not exist that night: the first valid moment after it.
    (NOW_SPRING, "zondag 2:30 's nachts", "2027-03-28T03:00+02:00", None, None),
    (NOW_SPRING, "zaterdag 23:00-2:30", "2027-03-27T23:00+01:00", "2027-03-28T03:00+02:00", None),
    (NOW_SPRING, "zaterdag 22:00 tot 4:00", "2027-03-27T22:00+01:00", "2027-03-28T04:00+02:00", None),
    (NOW_SPRING, "elke zondag 10:00", "2027-03-28T10:00+02:00", None, "FREQ=WEEKLY;BYDAY=SU"),
    (NOW_SPRING, "maandag 9:00", "2027-03-29T09:00+02:00", None, None),
]


@pytest.mark.parametrize(("now", "text", "start", "end", "rrule"), DST)
def test_reads_expression_in_dst_week(now, text, start, end, rrule):
    when = parse_when(text, now)
    assert (iso(when.start), iso(when.end), when.rrule) == (start, end, rrule)


ERRORS = [
    ('31 februari 14:00', 'invalid_date'),
    ('30/2 10:00', 'invalid_date'),
    ('31-11-2026 10:00', 'invalid_date'),
    ('zaterdag 6 december 14:00', 'weekday_mismatch'),
    ('1-1-2026 10:00', 'in_past'),
    ('vandaag 9:00', 'in_past'),
    ('28 november 10:00', 'in_past'),
    ('5 december 2027 14:00', 'too_far'),
    ('12-12-2030 10:00', 'too_far'),
    ('zaterdag', 'missing_time'),
    ('morgen', 'missing_time'),
    ('12 december', 'missing_time'),
    ('elke dinsdag', 'missing_time'),
    ('vanavond', 'missing_time'),
    ('blabla', 'unreadable'),
    ('zaterdag 25:00', 'unreadable'),
    ('morgen 14:75', 'unreadable'),
    ('zaterdag 14', 'unreadable'),
    ('zaterdag 14:00 bij de buurtkamer', 'unreadable'),
    ('morgen zaterdag 14:00', 'weekday_mismatch'),
    ('zaterdag zondag 14:00', 'unreadable'),
    ('eerste zaterdag 11:00', 'unreadable'),
    ('10-10', 'unreadable'),
    ('tomorrow 13pm', 'unreadable'),
    ('vrijdag 4-12', 'missing_time'),
    ('do 10-12', 'missing_time'),
    ("", "unreadable"),
    ("   ", "unreadable"),
    ("zaterdag 14:00 of zondag 15:00", "unreadable"),
    ("kwart over 25", "unreadable"),
]


@pytest.mark.parametrize(("text", "reason"), ERRORS)
def test_refuses_with_reason(text, reason):
    with pytest.raises(WhenError) as err:
        parse_when(text, NOW)
    assert err.value.reason == reason


def test_one_year_ahead_is_the_limit():
    assert iso(parse_when("28-11-2027 11:00", NOW).start) == "2027-11-28T11:00+01:00"
    with pytest.raises(WhenError) as err:
        parse_when("28-11-2027 11:01", NOW)
    assert err.value.reason == "too_far"


def test_now_in_another_zone_is_converted():
    now_utc = datetime(2026, 11, 28, 10, 0, tzinfo=timezone.utc)  # 11:00 in Rotterdam
    assert iso(parse_when("vandaag 11:30", now_utc).start) == "2026-11-28T11:30+01:00"
    assert iso(parse_when("vandaag 16:00", now_utc).start) == "2026-11-28T16:00+01:00"


_PIECES = st.sampled_from(
    ["zaterdag", "ma", "elke", "om de week", "eerste", "laatste", "van de maand", "morgen", "vanavond", "'s middags",
     "half", "kwart", "over", "voor", "om", "tot", "-", "uur", "u", "pm", "am", "next", "week", "volgende", "december",
     "dec", "3/12", "5-12-2026", "2026-12-05", "29 februari", "31", "1", "7", "12", "19:30", "10.15", "24:00", "0", "99",
     "at", "of the month", "every", "tonight", "van", "en"]
)


@settings(max_examples=500, deadline=None)
@given(st.lists(_PIECES, min_size=1, max_size=7).map(" ".join), st.sampled_from([NOW, NOW_AUTUMN, NOW_SPRING]))
def test_any_text_gives_a_future_moment_or_a_reason(text, now):
    try:
        when = parse_when(text, now)
    except WhenError as err:
        assert err.reason in REASONS
        return
    assert now < when.start <= now + relativedelta(years=1)
    assert when.end is None or when.end > when.start


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=60), st.sampled_from([NOW, NOW_AUTUMN, NOW_SPRING]))
def test_random_text_raises_only_when_error(text, now):
    try:
        parse_when(text, now)
    except WhenError as err:
        assert err.reason in REASONS


@pytest.mark.parametrize(("text", "first", "second"), [
    ("zaterdag 02:00", "2026-11-28T14:00+01:00", "2026-12-05T02:00+01:00"),
    ("zaterdag 2-17", "2026-11-28T14:00+01:00", "2026-11-28T02:00+01:00"),
    ("zaterdag 24:00", "2026-11-29T00:00+01:00", "2026-12-05T00:00+01:00"),
])
def test_two_readings_are_both_given_to_ask_about(text, first, second):
    with pytest.raises(WhenError) as err:
        parse_when(text, NOW if "2-17" not in text else NOW.replace(hour=1))
    assert err.value.reason == "ambiguous" and err.value.asks
    assert [iso(o.start) for o in err.value.options] == [first, second]


def test_half_and_quarter_agree_on_the_afternoon():
    assert iso(parse_when("zaterdag half 2", NOW).start) == "2026-11-28T13:30+01:00"
    assert iso(parse_when("zaterdag kwart voor 2", NOW).start) == "2026-11-28T13:45+01:00"
    assert iso(parse_when("zaterdag kwart over 1", NOW).start) == "2026-11-28T13:15+01:00"


def test_feasts_without_a_fixed_date_are_asked_for():
    with pytest.raises(WhenError) as err:
        parse_when("Suikerfeest 14:00", NOW)
    assert err.value.reason == "movable_feast" and err.value.asks


def test_spoken_end_time_is_never_read_as_a_24_hour_time():
    found = parse_when("zaterdag half 11 tot half 1", NOW)
    assert (iso(found.start), iso(found.end)) == ("2026-12-05T10:30+01:00", "2026-12-05T12:30+01:00")
