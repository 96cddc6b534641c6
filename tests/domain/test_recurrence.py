from datetime import datetime, timezone

import pytest

from domain.recurrence import TZ, Recurrence, localize, to_utc

TUESDAYS = Recurrence(
    datetime(2026, 10, 13, 10, 0, tzinfo=TZ), "FREQ=WEEKLY;BYDAY=TU", datetime(2026, 10, 13, 12, 0, tzinfo=TZ)
)


def iso(dt):
    return None if dt is None else dt.isoformat(timespec="minutes")


def test_weekly_stays_at_local_time_across_autumn_change():
    found = TUESDAYS.between(datetime(2026, 10, 13, tzinfo=TZ), datetime(2026, 11, 1, tzinfo=TZ))
    assert [(iso(o.start), iso(o.end)) for o in found] == [
        ("2026-10-13T10:00+02:00", "2026-10-13T12:00+02:00"),
        ("2026-10-20T10:00+02:00", "2026-10-20T12:00+02:00"),
        ("2026-10-27T10:00+01:00", "2026-10-27T12:00+01:00"),
    ]


def test_weekly_stays_at_local_time_across_spring_change():
    saturdays = Recurrence(datetime(2027, 3, 20, 10, 0, tzinfo=TZ), "FREQ=WEEKLY;BYDAY=SA")
    found = saturdays.between(datetime(2027, 3, 19, tzinfo=TZ), datetime(2027, 4, 4, tzinfo=TZ))
    assert [(iso(o.start), o.end) for o in found] == [
        ("2027-03-20T10:00+01:00", None),
        ("2027-03-27T10:00+01:00", None),
        ("2027-04-03T10:00+02:00", None),
    ]
    assert [to_utc(o.start).hour for o in found] == [9, 9, 8]


def test_between_is_half_open_and_accepts_utc_bounds():
    start = datetime(2026, 10, 20, 8, 0, tzinfo=timezone.utc)  # 10:00 local: included
    end = datetime(2026, 10, 27, 9, 0, tzinfo=timezone.utc)  # 10:00 local: excluded
    assert [iso(o.start) for o in TUESDAYS.between(start, end)] == ["2026-10-20T10:00+02:00"]


def test_monthly_first_saturday():
    rule = Recurrence(datetime(2026, 12, 5, 11, 0, tzinfo=TZ), "FREQ=MONTHLY;BYDAY=1SA")
    found = rule.between(datetime(2026, 12, 1, tzinfo=TZ), datetime(2027, 5, 1, tzinfo=TZ))
    assert [iso(o.start) for o in found] == [
        "2026-12-05T11:00+01:00",
        "2027-01-02T11:00+01:00",
        "2027-02-06T11:00+01:00",
        "2027-03-06T11:00+01:00",
        "2027-04-03T11:00+02:00",
    ]


def test_every_other_week_counts_from_first_start():
    rule = Recurrence(datetime(2026, 12, 1, 10, 0, tzinfo=TZ), "FREQ=WEEKLY;INTERVAL=2;BYDAY=TU")
    found = rule.between(datetime(2026, 11, 1, tzinfo=TZ), datetime(2027, 1, 1, tzinfo=TZ))
    assert [iso(o.start) for o in found] == [
        "2026-12-01T10:00+01:00", "2026-12-15T10:00+01:00", "2026-12-29T10:00+01:00",
    ]


@pytest.mark.parametrize(
    ("after", "expected"),
    [
        (datetime(2026, 10, 1, tzinfo=TZ), "2026-10-13T10:00+02:00"),  # before the first one
        (datetime(2026, 10, 20, 9, 59, tzinfo=TZ), "2026-10-20T10:00+02:00"),
        (datetime(2026, 10, 20, 10, 0, tzinfo=TZ), "2026-10-27T10:00+01:00"),  # strictly after
        (datetime(2026, 10, 27, 8, 59, tzinfo=timezone.utc), "2026-10-27T10:00+01:00"),
        (datetime(2026, 10, 27, 9, 0, tzinfo=timezone.utc), "2026-11-03T10:00+01:00"),
    ],
)
def test_next_occurrence(after, expected):
    occurrence = TUESDAYS.next_occurrence(after)
    assert iso(occurrence.start) == expected
    assert occurrence.end - occurrence.start == (datetime(2000, 1, 1, 12) - datetime(2000, 1, 1, 10))


def test_next_occurrence_none_when_rule_has_ended():
    rule = Recurrence(datetime(2026, 12, 1, 10, 0, tzinfo=TZ), "FREQ=WEEKLY;COUNT=2;BYDAY=TU")
    assert iso(rule.next_occurrence(datetime(2026, 12, 1, 12, 0, tzinfo=TZ)).start) == "2026-12-08T10:00+01:00"
    assert rule.next_occurrence(datetime(2026, 12, 8, 12, 0, tzinfo=TZ)) is None


def test_night_activity_keeps_wall_clock_length_over_the_change():
    # Saturday 23:00 - Sunday 03:00: four wall-clock hours, five real ones on 25 October 2026.
    rule = Recurrence(datetime(2026, 10, 17, 23, 0, tzinfo=TZ), "FREQ=WEEKLY;BYDAY=SA", datetime(2026, 10, 18, 3, 0, tzinfo=TZ))
    occurrence = rule.next_occurrence(datetime(2026, 10, 20, tzinfo=TZ))
    assert (iso(occurrence.start), iso(occurrence.end)) == ("2026-10-24T23:00+02:00", "2026-10-25T03:00+01:00")


@pytest.mark.parametrize(
    ("wall", "expected"),
    [
        (datetime(2026, 7, 1, 12, 0), "2026-07-01T12:00+02:00"),
        (datetime(2026, 10, 25, 2, 30), "2026-10-25T02:30+02:00"),  # twice: the first
        (datetime(2027, 3, 28, 2, 30), "2027-03-28T03:00+02:00"),  # missing: first valid moment
        (datetime(2027, 3, 28, 2, 0), "2027-03-28T03:00+02:00"),
        (datetime(2027, 3, 28, 3, 0), "2027-03-28T03:00+02:00"),
    ],
)
def test_localize(wall, expected):
    assert iso(localize(wall)) == expected


def test_to_utc_refuses_naive():
    assert to_utc(datetime(2026, 7, 1, 12, 0, tzinfo=TZ)) == datetime(2026, 7, 1, 10, 0, tzinfo=timezone.utc)
    with pytest.raises(ValueError):
        to_utc(datetime(2026, 7, 1, 12, 0))
