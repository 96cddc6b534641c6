"""Digest times as typed by a coordinator, and their cron fields; DST and missed runs via domain.schedule."""

from __future__ import annotations

from datetime import datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from apscheduler.triggers.cron import CronTrigger

from domain.digest_slots import cron_fields, parse_slot, read_slot
from domain.schedule import Schedule, last_fire, missed_run, next_fire, period_key

AMS = ZoneInfo("Europe/Amsterdam")


@pytest.mark.parametrize(
    ("day", "at", "expected"),
    [
        ("maandag", "09:00", (0, "09:00")),
        ("Zondag", "18.30", (6, "18:30")),
        ("dagelijks", "7:05", (None, "07:05")),
        ("wo", "12u15", (2, "12:15")),
        ("friday", "20:00", (4, "20:00")),
    ],
)
def test_parse_slot(day, at, expected):
    assert parse_slot(day, at) == expected


@pytest.mark.parametrize(
    ("day", "at", "reason"),
    [("maandag", "25:00", "time"), ("blabla", "09:00", "day"), ("d", "09:00", "day"), ("maandag", "02:30", "dst"), ("maandag", "9", "time")],
)
def test_parse_slot_rejects(day, at, reason):
    with pytest.raises(ValueError, match=reason):
        parse_slot(day, at)


def _cron_fires(schedule: Schedule, start: datetime, count: int) -> list[datetime]:
    trigger = CronTrigger(timezone=AMS, **cron_fields(schedule))
    fires, previous, now = [], None, start
    for _ in range(count):
        fire = trigger.get_next_fire_time(previous, now)
        fires.append(fire)
        previous, now = fire, fire + timedelta(seconds=1)
    return fires


@pytest.mark.parametrize("start", [datetime(2026, 3, 20, tzinfo=AMS), datetime(2026, 10, 20, tzinfo=AMS)])
def test_cron_trigger_agrees_with_schedule_across_dst(start):
    """The JobQueue trigger fires exactly at domain.schedule's fire times, once per week, in DST weeks too."""
    schedule = Schedule(0, time(9, 0), AMS)
    fires = _cron_fires(schedule, start, 3)
    expected, moment = [], start
    for _ in range(3):
        moment = next_fire(schedule, moment)
        expected.append(moment)
    assert [f.astimezone(timezone.utc) for f in fires] == [e.astimezone(timezone.utc) for e in expected]
    assert {f.astimezone(AMS).hour for f in fires} == {9}
    assert len({period_key(schedule, f) for f in fires}) == 3


def test_daily_cron_over_dst_night_fires_once_per_day():
    schedule = Schedule(None, time(8, 0), AMS)
    fires = _cron_fires(schedule, datetime(2026, 3, 28, 12, 0, tzinfo=AMS), 3)
    assert [f.astimezone(AMS).strftime("%d %H:%M") for f in fires] == ["29 08:00", "30 08:00", "31 08:00"]


def test_missed_run_within_twelve_hours_is_sent_older_is_skipped():
    schedule = Schedule(0, time(9, 0), AMS)
    monday = datetime(2026, 12, 7, 9, 0, tzinfo=AMS)
    assert missed_run(None, datetime(2026, 12, 7, 20, 59, tzinfo=AMS), schedule) == monday
    assert missed_run(None, datetime(2026, 12, 7, 21, 0, tzinfo=AMS), schedule) is None
    assert missed_run(period_key(schedule, monday), datetime(2026, 12, 7, 10, 0, tzinfo=AMS), schedule) is None
    assert last_fire(schedule, monday) == monday


def test_cron_fields_use_weekday_names():
    assert cron_fields(Schedule(0, time(9, 0))) == {"hour": 9, "minute": 0, "second": 0, "day_of_week": "mon"}
    assert "day_of_week" not in cron_fields(Schedule(None, time(9, 0)))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("dagelijks 8 uur", (None, "08:00")),
        ("elke dag om 8 uur", (None, "08:00")),
        ("vrijdag 16:00", (4, "16:00")),
        ("vrijdagmiddag 4 uur", (4, "16:00")),
        ("vrijdag om 4 uur", (4, "16:00")),
        ("elke maandag om half 10", (0, "09:30")),
        ("donderdga 9:00", (3, "09:00")),
        ("maandags 9u", (0, "09:00")),
        ("zondagavond 8 uur", (6, "20:00")),
    ],
)
def test_read_slot_reads_like_activity_times(text, expected):
    assert read_slot(text) == expected


@pytest.mark.parametrize(("text", "reason"), [("vrijdagmiddag", "time"), ("dagelijks", "time"), ("blabla 9:00", "day"),
                                              ("maandag 02:30", "dst"), ("maandag 2 uur 's nachts", "dst")])
def test_read_slot_refuses(text, reason):
    with pytest.raises(ValueError, match=reason):
        read_slot(text)


from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=40))
def test_read_slot_raises_only_value_error_with_a_known_reason(text):
    try:
        read_slot(text)
    except ValueError as error:
        assert str(error) in ("day", "time", "dst")
