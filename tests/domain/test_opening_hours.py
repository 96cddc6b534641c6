from datetime import datetime, timezone
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.opening_hours import (
    OpeningHoursError,
    OpenStatus,
    TimeRange,
    WeeklySchedule,
    describe_error,
    describe_status,
    parse_free_text,
    parse_osm,
    status_at,
)
from tests.domain.test_taxonomy import NL, english

AMS = ZoneInfo("Europe/Amsterdam")
UTC = timezone.utc


def hm(text: str) -> TimeRange:
    start, end = text.split("-")
    to_min = lambda t: int(t.split(":")[0]) * 60 + int(t.split(":")[1])  # noqa: E731
    return TimeRange(to_min(start), to_min(end))


def week(**days: str) -> WeeklySchedule:
    """week(mo="10:00-16:00", sa="12:00-17:00,18:00-20:00")"""
    names = ["mo", "tu", "we", "th", "fr", "sa", "su"]
    return WeeklySchedule.from_days({names.index(d): [hm(r) for r in v.split(",")] for d, v in days.items()})


def local(*args: int) -> datetime:
    return datetime(*args, tzinfo=AMS)


# -- model -------------------------------------------------------------------------------------------


def test_time_range_rules():
    assert str(TimeRange(22 * 60, 120)) == "22:00-02:00"
    assert TimeRange(22 * 60, 120).crosses_midnight
    assert not TimeRange(0, 1440).crosses_midnight
    for bad in [(600, 600), (-1, 10), (0, 0), (1440, 10), (10, 1441)]:
        with pytest.raises(ValueError):
            TimeRange(*bad)


def test_schedule_sorts_ranges_and_checks_shape():
    assert week(mo="13:00-17:00,09:00-12:00") == week(mo="09:00-12:00,13:00-17:00")
    with pytest.raises(ValueError):
        WeeklySchedule(((),) * 6)
    with pytest.raises(ValueError):
        WeeklySchedule(week(mo="09:00-12:00").days, always_open=True)


# -- OSM --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected", "written"),
    [
        ("Mo-Th 10:00-16:00; Sa 12:00-17:00",
         week(mo="10:00-16:00", tu="10:00-16:00", we="10:00-16:00", th="10:00-16:00", sa="12:00-17:00"),
         "Mo-Th 10:00-16:00; Sa 12:00-17:00"),
        ("Mo,We 09:00-12:00,13:00-17:00",
         week(mo="09:00-12:00,13:00-17:00", we="09:00-12:00,13:00-17:00"), "Mo,We 09:00-12:00,13:00-17:00"),
        ("24/7", WeeklySchedule(always_open=True), "24/7"),
        ("off", WeeklySchedule(), "off"),
        ("Su off", WeeklySchedule(), "off"),
        ("Mo-Fr 22:00-02:00", week(**{d: "22:00-02:00" for d in ("mo", "tu", "we", "th", "fr")}), "Mo-Fr 22:00-02:00"),
        ("Mo-Su 09:00-17:00; Su off", week(**{d: "09:00-17:00" for d in ("mo", "tu", "we", "th", "fr", "sa")}), "Mo-Sa 09:00-17:00"),
        ("Fr-Mo 10:00-12:00", week(fr="10:00-12:00", sa="10:00-12:00", su="10:00-12:00", mo="10:00-12:00"), "Mo,Fr-Su 10:00-12:00"),
        ("Sa-Su 10:00-14:00", week(sa="10:00-14:00", su="10:00-14:00"), "Sa,Su 10:00-14:00"),
        ("Mo 20:00-00:00", week(mo="20:00-24:00"), "Mo 20:00-24:00"),
        ("  Tu 09:00-12:00, 13:00-17:00 ", week(tu="09:00-12:00,13:00-17:00"), "Tu 09:00-12:00,13:00-17:00"),
        ('We 10:00-12:00 || "by appointment"',
         WeeklySchedule(week(we="10:00-12:00").days, by_appointment=True), 'We 10:00-12:00 || "by appointment"'),
        ('"by appointment"', WeeklySchedule(by_appointment=True), '"by appointment"'),
    ],
)
def test_parse_osm(text, expected, written):
    assert parse_osm(text) == expected
    assert expected.to_osm() == written
    assert parse_osm(written) == expected


@pytest.mark.parametrize(
    ("text", "fragment", "position"),
    [
        ("PH off", "PH", 0),
        ("Mo-Fr 10:00-16:00; PH off", "PH", 19),
        ("Mo-Fx 10:00-12:00", "Mo-Fx", 0),
        ("Mo-Fr 10:00-1600", "10:00-1600", 6),
        ("Mo 09:00-12:00,13:00-1700", "13:00-1700", 15),
        ("Mo 10:00-12:00, Tu 14:00-16:00", "Tu 14:00-16:00", 16),
        ("Mo", "Mo", 2),
        ("Mo 25:00-26:00", "25:00-26:00", 3),
        ("Mo 10:00-10:00", "10:00-10:00", 3),
        ("Jan-Mar Mo 10:00-12:00", "Jan-Mar", 0),
        ("Mo 10:00-12:00;", "", 15),
        ("", "", 0),
        ("Mo 10:00-12:00 || Tu 10:00-12:00", "Tu 10:00-12:00", 18),
    ],
)
def test_parse_osm_errors_say_where(text, fragment, position):
    with pytest.raises(OpeningHoursError) as caught:
        parse_osm(text)
    assert (caught.value.fragment, caught.value.position) == (fragment, position)


ranges = st.builds(
    lambda s, length: TimeRange(s, (s + length) % 1440 or 1440),
    st.integers(0, 1439),
    st.integers(1, 1439),
)
schedules = st.one_of(
    st.just(WeeklySchedule(always_open=True)),
    st.builds(
        WeeklySchedule,
        st.tuples(*[st.lists(ranges, max_size=3).map(tuple)] * 7),
        by_appointment=st.booleans(),
    ),
)


@given(schedules)
def test_osm_round_trip(schedule):
    assert parse_osm(schedule.to_osm()) == schedule


# -- free text ------------------------------------------------------------------------------------


WORKDAYS = ("mo", "tu", "we", "th", "fr")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("ma en wo 10-16, za 12-17", week(mo="10:00-16:00", we="10:00-16:00", sa="12:00-17:00")),
        ("maandag t/m donderdag 9:00 - 17:00", week(**{d: "09:00-17:00" for d in ("mo", "tu", "we", "th")})),
        ("di 10.00-12.00 en 13.00-16.00", week(tu="10:00-12:00,13:00-16:00")),
        ("elke dag 9-17", week(**{d: "09:00-17:00" for d in ("mo", "tu", "we", "th", "fr", "sa", "su")})),
        ("Elke dag 9-17, zo gesloten", week(**{d: "09:00-17:00" for d in ("mo", "tu", "we", "th", "fr", "sa")})),
        ("werkdagen 9-17", week(**{d: "09:00-17:00" for d in WORKDAYS})),
        ("doordeweeks 9-17", week(**{d: "09:00-17:00" for d in WORKDAYS})),
        ("weekend 10-14", week(sa="10:00-14:00", su="10:00-14:00")),
        ("in het weekend 10-14", week(sa="10:00-14:00", su="10:00-14:00")),
        ("op afspraak", WeeklySchedule(by_appointment=True)),
        ("Alleen op afspraak.", WeeklySchedule(by_appointment=True)),
        ("mon-fri 9-5pm", week(**{d: "09:00-17:00" for d in WORKDAYS})),
        ("Mon-Fri 1-5pm", week(**{d: "13:00-17:00" for d in WORKDAYS})),
        ("Ma–vr 9u tot 17u", week(**{d: "09:00-17:00" for d in WORKDAYS})),
        ("van maandag tot en met vrijdag van 9 tot 17 uur", week(**{d: "09:00-17:00" for d in WORKDAYS})),
        ("ma 9-17 za 10-14", week(mo="09:00-17:00", sa="10:00-14:00")),
        ("vr 22-2", week(fr="22:00-02:00")),
        ("za-ma 10-12", week(sa="10:00-12:00", su="10:00-12:00", mo="10:00-12:00")),
        ("ma-vr 9-17 en verder op afspraak",
         WeeklySchedule(week(**{d: "09:00-17:00" for d in WORKDAYS}).days, by_appointment=True)),
        ("altijd open", WeeklySchedule(always_open=True)),
        ("woensdag 9:30-12:00", week(we="09:30-12:00")),
    ],
)
def test_parse_free_text(text, expected):
    assert parse_free_text(text) == expected


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("9-17", "9-17"),
        ("ma 9", "9"),
        ("ma 9-17 za", "za"),
        ("ma blabla 9-17", "blabla"),
        ("ma 25-26", "25-26"),
        ("ma 13pm-17", "13pm-17"),
        ("werkdagen-za 9-17", "werkdagen-za"),
        ("Altijd opne", "Altijd"),
        ("🙂", "🙂"),
        ("", ""),
    ],
)
def test_parse_free_text_errors(text, fragment):
    with pytest.raises(OpeningHoursError) as caught:
        parse_free_text(text)
    assert caught.value.fragment == fragment


def test_describe_error():
    error = OpeningHoursError("unknown word", "blabla")
    assert describe_error(error, NL) == 'Dit snap ik niet: "blabla". Schrijf het zo: ma-vr 9:00-17:00, za 10:00-14:00'
    assert describe_error(error, english()) == "I don't understand this: \"blabla\". Write it like this: mon-fri 9:00-17:00, sat 10:00-14:00"


# -- status -----------------------------------------------------------------------------------------

MO_TH_10_16_SA_12_17 = parse_osm("Mo-Th 10:00-16:00; Sa 12:00-17:00")


@pytest.mark.parametrize(
    ("moment", "expected"),
    [
        # Wednesday 2025-01-15
        (local(2025, 1, 15, 11, 0), OpenStatus(True, closes_at=local(2025, 1, 15, 16, 0))),
        (local(2025, 1, 15, 10, 0), OpenStatus(True, closes_at=local(2025, 1, 15, 16, 0))),
        (local(2025, 1, 15, 16, 0), OpenStatus(False, opens_at=local(2025, 1, 16, 10, 0), opens_in_days=1)),
        (local(2025, 1, 15, 8, 0), OpenStatus(False, opens_at=local(2025, 1, 15, 10, 0), opens_in_days=0)),
        # Thursday evening -> Saturday
        (local(2025, 1, 16, 17, 0), OpenStatus(False, opens_at=local(2025, 1, 18, 12, 0), opens_in_days=2)),
        # Saturday evening -> Monday (Sunday -> Monday wrap)
        (local(2025, 1, 18, 18, 0), OpenStatus(False, opens_at=local(2025, 1, 20, 10, 0), opens_in_days=2)),
        (local(2025, 1, 19, 23, 59), OpenStatus(False, opens_at=local(2025, 1, 20, 10, 0), opens_in_days=1)),
    ],
)
def test_status(moment, expected):
    assert status_at(MO_TH_10_16_SA_12_17, moment) == expected


def test_status_accepts_any_aware_moment():
    moment = datetime(2025, 1, 15, 10, 0, tzinfo=UTC)  # 11:00 in Amsterdam
    status = status_at(MO_TH_10_16_SA_12_17, moment)
    assert status.is_open and status.closes_at == local(2025, 1, 15, 16, 0)
    assert status.closes_at.tzinfo is AMS


def test_status_rejects_naive_moment():
    with pytest.raises(ValueError):
        status_at(MO_TH_10_16_SA_12_17, datetime(2025, 1, 15, 10, 0))


def test_status_past_midnight():
    schedule = parse_osm("Fr 22:00-02:00")
    # Saturday 01:00 belongs to Friday's range.
    assert status_at(schedule, local(2025, 1, 18, 1, 0)) == OpenStatus(True, closes_at=local(2025, 1, 18, 2, 0))
    assert status_at(schedule, local(2025, 1, 17, 23, 0)) == OpenStatus(True, closes_at=local(2025, 1, 18, 2, 0))
    assert status_at(schedule, local(2025, 1, 18, 2, 0)) == OpenStatus(
        False, opens_at=local(2025, 1, 24, 22, 0), opens_in_days=6
    )


def test_status_sunday_night_into_monday():
    schedule = parse_osm("Su 20:00-01:00")
    assert status_at(schedule, local(2025, 1, 20, 0, 30)) == OpenStatus(True, closes_at=local(2025, 1, 20, 1, 0))


def test_status_joins_ranges_that_touch():
    schedule = parse_osm("Mo 20:00-24:00; Tu 00:00-03:00,03:00-05:00")
    assert status_at(schedule, local(2025, 1, 20, 21, 0)).closes_at == local(2025, 1, 21, 5, 0)


def test_status_next_week_same_day():
    schedule = parse_osm("We 10:00-12:00")
    assert status_at(schedule, local(2025, 1, 15, 13, 0)) == OpenStatus(
        False, opens_at=local(2025, 1, 22, 10, 0), opens_in_days=7
    )


def test_status_always_open_and_round_the_clock():
    assert status_at(WeeklySchedule(always_open=True), local(2025, 1, 15, 3, 0)) == OpenStatus(True, always_open=True)
    # Every day 00:00-24:00 without a closing time in the coming week.
    assert status_at(parse_osm("Mo-Su 00:00-24:00"), local(2025, 1, 15, 3, 0)) == OpenStatus(True)


def test_status_closed_and_appointment():
    assert status_at(WeeklySchedule(), local(2025, 1, 15, 3, 0)) == OpenStatus(False)
    assert status_at(WeeklySchedule(by_appointment=True), local(2025, 1, 15, 3, 0)) == OpenStatus(False, by_appointment=True)


# Summer time starts Sunday 2025-03-30 at 02:00 (clocks to 03:00); ends Sunday 2025-10-26 at 03:00.


def test_status_on_spring_forward_sunday():
    schedule = parse_osm("Su 10:00-16:00")
    # 08:30 UTC is 10:30 CEST (open); with winter time it would have been 09:30 (closed).
    status = status_at(schedule, datetime(2025, 3, 30, 8, 30, tzinfo=UTC))
    assert status == OpenStatus(True, closes_at=local(2025, 3, 30, 16, 0))
    assert status.closes_at.astimezone(UTC) == datetime(2025, 3, 30, 14, 0, tzinfo=UTC)


def test_status_on_fall_back_sunday():
    schedule = parse_osm("Su 10:00-16:00")
    # 08:30 UTC is 09:30 CET (closed); with summer time it would have been 10:30 (open).
    status = status_at(schedule, datetime(2025, 10, 26, 8, 30, tzinfo=UTC))
    assert status == OpenStatus(False, opens_at=local(2025, 10, 26, 10, 0), opens_in_days=0)
    assert status.opens_at.astimezone(UTC) == datetime(2025, 10, 26, 9, 0, tzinfo=UTC)


def test_status_range_across_the_short_night():
    schedule = parse_osm("Sa 22:00-04:00")
    status = status_at(schedule, datetime(2025, 3, 30, 0, 30, tzinfo=UTC))  # 01:30 CET
    assert status.is_open
    assert status.closes_at.astimezone(UTC) == datetime(2025, 3, 30, 2, 0, tzinfo=UTC)  # 04:00 CEST: 5 hours


def test_status_range_across_the_long_night():
    schedule = parse_osm("Sa 22:00-04:00")
    status = status_at(schedule, datetime(2025, 10, 25, 21, 0, tzinfo=UTC))  # 23:00 CEST
    assert status.closes_at.astimezone(UTC) == datetime(2025, 10, 26, 3, 0, tzinfo=UTC)  # 04:00 CET: 7 hours


@pytest.mark.parametrize(
    ("status", "nl", "en"),
    [
        (OpenStatus(True, closes_at=local(2025, 1, 15, 16, 0)), "Nu open, tot 16:00", "Open now, until 16:00"),
        (OpenStatus(True, closes_at=local(2025, 1, 16, 2, 0)), "Nu open, tot 02:00", "Open now, until 02:00"),
        (OpenStatus(True), "Nu open", "Open now"),
        (OpenStatus(True, always_open=True), "Altijd open", "Always open"),
        (OpenStatus(False, opens_at=local(2025, 1, 15, 14, 0), opens_in_days=0),
         "Gesloten. Vandaag open vanaf 14:00", "Closed. Opens today at 14:00"),
        (OpenStatus(False, opens_at=local(2025, 1, 16, 10, 0), opens_in_days=1),
         "Gesloten. Morgen open vanaf 10:00", "Closed. Opens tomorrow at 10:00"),
        (OpenStatus(False, opens_at=local(2025, 1, 21, 10, 0), opens_in_days=6),
         "Gesloten. Open op dinsdag vanaf 10:00", "Closed. Opens on Tuesday at 10:00"),
        (OpenStatus(False, opens_at=local(2025, 1, 22, 9, 30), opens_in_days=7),
         "Gesloten. Volgende week woensdag open vanaf 09:30", "Closed. Opens next Wednesday at 09:30"),
        (OpenStatus(False), "Gesloten", "Closed"),
        (OpenStatus(False, by_appointment=True), "Op afspraak", "By appointment"),
    ],
)
def test_describe_status(status, nl, en):
    assert describe_status(status, NL) == nl
    assert describe_status(status, english()) == en


def test_every_weekday_has_a_translation():
    days = [describe_status(OpenStatus(False, opens_at=local(2025, 1, 20 + i, 10, 0), opens_in_days=2), english()) for i in range(7)]
    assert [d.split()[3] for d in days] == ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]


def test_only_closed_days_are_asked_about_never_closed_all_week():
    for text in ("za gesloten", "gesloten", "Zondag dicht"):
        with pytest.raises(OpeningHoursError) as caught:
            parse_free_text(text)
        assert caught.value.reason == "only_closed" and caught.value.asks


def test_two_readings_give_both_schedules():
    with pytest.raises(OpeningHoursError) as caught:
        parse_free_text("ma-vr 5-12")
    assert caught.value.reason == "ambiguous" and caught.value.fragment == "5-12"
    assert [o.to_osm() for o in caught.value.options] == ["Mo-Fr 17:00-24:00", "Mo-Fr 05:00-12:00"]


def test_start_at_midnight_is_the_next_day():
    assert parse_free_text("vr 24-2").to_osm() == "Sa 00:00-02:00"
    assert parse_free_text("dagelijks 24:00-08:00").to_osm() == "Mo-Su 00:00-08:00"


@given(st.text(max_size=60))
def test_free_text_raises_only_its_own_error(text):
    try:
        parse_free_text(text)
    except OpeningHoursError:
        pass


def test_a_day_named_twice_adds_a_range_or_replaces_an_overlapping_one():
    assert parse_free_text("wo 10-12, wo 14-16").to_osm() == "We 10:00-12:00,14:00-16:00"
    assert parse_free_text("ma-vr 9-17, wo 9-12").to_osm() == "Mo,Tu,Th,Fr 09:00-17:00; We 09:00-12:00"
