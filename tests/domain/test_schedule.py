from datetime import datetime, time, timedelta, timezone

import pytest

from domain.schedule import Schedule, last_fire, missed_run, next_fire, period_key
from domain.recurrence import TZ

MONDAY_8 = Schedule(0, time(8, 0))
DAILY_0230 = Schedule(None, time(2, 30))


def iso(dt):
    return dt.isoformat(timespec="minutes")


def at(*args):
    return datetime(*args, tzinfo=TZ)


def test_parse_hhmm():
    assert Schedule.parse(0, "08:00") == MONDAY_8
    assert Schedule.parse(None, "2:30") == DAILY_0230
    for bad in ("24:00", "8", "08:60", "acht uur"):
        with pytest.raises(ValueError):
            Schedule.parse(0, bad)
    with pytest.raises(ValueError):
        Schedule(7, time(8, 0))


@pytest.mark.parametrize(
    ("after", "expected"),
    [
        (at(2026, 11, 28, 11, 0), "2026-11-30T08:00+01:00"),
        (at(2026, 11, 30, 7, 59), "2026-11-30T08:00+01:00"),
        (at(2026, 11, 30, 8, 0), "2026-12-07T08:00+01:00"),  # strictly after
        (at(2026, 10, 20, 12, 0), "2026-10-26T08:00+01:00"),  # first Monday after the change
        (at(2027, 3, 23, 12, 0), "2027-03-29T08:00+02:00"),
        (datetime(2026, 11, 30, 6, 59, tzinfo=timezone.utc), "2026-11-30T08:00+01:00"),
    ],
)
def test_next_fire_weekly(after, expected):
    assert iso(next_fire(MONDAY_8, after)) == expected


def test_daily_fires_once_on_autumn_night():
    fires, moment = [], at(2026, 10, 24, 12, 0)
    for _ in range(3):
        moment = next_fire(DAILY_0230, moment)
        fires.append(iso(moment))
    # 02:30 happens twice on 25 October: only the first one fires.
    assert fires == ["2026-10-25T02:30+02:00", "2026-10-26T02:30+01:00", "2026-10-27T02:30+01:00"]


def test_next_fire_during_repeated_hour_compares_instants():
    # 02:15 in winter time (the second 02:15) is after the first 02:30: the next fire is Monday.
    second_0215 = datetime(2026, 10, 25, 1, 15, tzinfo=timezone.utc).astimezone(TZ)
    assert iso(second_0215) == "2026-10-25T02:15+01:00"
    assert iso(next_fire(DAILY_0230, second_0215)) == "2026-10-26T02:30+01:00"


def test_daily_on_spring_night_fires_at_first_valid_moment():
    fire = next_fire(DAILY_0230, at(2027, 3, 27, 12, 0))
    assert iso(fire) == "2027-03-28T03:00+02:00"
    assert period_key(DAILY_0230, fire) == "2027-03-28"
    assert iso(next_fire(DAILY_0230, fire)) == "2027-03-29T02:30+02:00"


@pytest.mark.parametrize(
    ("moment", "expected"),
    [
        (at(2026, 11, 30, 8, 0), "2026-11-30T08:00+01:00"),  # at: included
        (at(2026, 11, 30, 7, 59), "2026-11-23T08:00+01:00"),
        (at(2026, 12, 6, 23, 0), "2026-11-30T08:00+01:00"),
        (at(2026, 10, 26, 9, 0), "2026-10-26T08:00+01:00"),
    ],
)
def test_last_fire(moment, expected):
    assert iso(last_fire(MONDAY_8, moment)) == expected


def test_period_key_is_local_date():
    assert period_key(MONDAY_8, at(2026, 12, 7, 8, 0)) == "2026-12-07"
    half_past_midnight = Schedule(None, time(0, 30))
    fire = next_fire(half_past_midnight, at(2026, 7, 1, 12, 0))
    assert fire.astimezone(timezone.utc).date().isoformat() == "2026-07-01"  # UTC says the day before
    assert period_key(half_past_midnight, fire) == "2026-07-02"
    assert period_key(half_past_midnight, fire.astimezone(timezone.utc)) == "2026-07-02"


@pytest.mark.parametrize(
    ("last_sent", "now", "expected"),
    [
        (None, at(2026, 11, 30, 9, 0), "2026-11-30T08:00+01:00"),  # an hour late: send now
        ("2026-11-23", at(2026, 11, 30, 19, 59), "2026-11-30T08:00+01:00"),
        ("2026-11-30", at(2026, 11, 30, 9, 0), None),  # already sent
        ("2026-11-23", at(2026, 11, 30, 20, 0), None),  # 12 hours late: too old, skip
        ("2026-11-23", at(2026, 12, 3, 9, 0), None),
        ("2026-11-30", at(2026, 12, 7, 7, 59), None),  # next one not due yet
    ],
)
def test_missed_run(last_sent, now, expected):
    fire = missed_run(last_sent, now, MONDAY_8)
    assert (iso(fire) if fire else None) == expected


def test_missed_run_counts_real_hours_over_the_change():
    midnight = Schedule(None, time(0, 0))
    # Midnight on 25 October is 22:00 UTC; 11:30 winter time is 10:30 UTC: 12.5 real hours later,
    # though the wall clock only moved 11.5 hours.
    assert missed_run("2026-10-24", at(2026, 10, 25, 11, 30), midnight) is None
    assert iso(missed_run("2026-10-24", at(2026, 10, 25, 10, 59), midnight)) == "2026-10-25T00:00+02:00"
    assert missed_run("2026-10-24", at(2026, 10, 25, 10, 59), midnight, grace=timedelta(hours=1)) is None
