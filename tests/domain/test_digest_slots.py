"""Digest slots: parsing, due times across DST, period keys and the 12-hour catch-up rule."""

from __future__ import annotations

from datetime import datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from domain.digest_slots import Slot, catch_up, cron_fields, last_due, next_due, parse_slot, period_key

AMS = ZoneInfo("Europe/Amsterdam")
MONDAY_9 = Slot(0, time(9, 0))


def ams(*args: int) -> datetime:
    return datetime(*args, tzinfo=AMS)


@pytest.mark.parametrize(
    ("day", "at", "expected"),
    [
        ("maandag", "09:00", Slot(0, time(9, 0))),
        ("Zondag", "18.30", Slot(6, time(18, 30))),
        ("dagelijks", "7:05", Slot(None, time(7, 5))),
        ("wo", "12u15", Slot(2, time(12, 15))),
        ("friday", "20:00", Slot(4, time(20, 0))),
    ],
)
def test_parse_slot(day, at, expected):
    assert parse_slot(day, at) == expected


@pytest.mark.parametrize(("day", "at", "reason"), [("maan", "25:00", "time"), ("blabla", "09:00", "day"), ("d", "09:00", "day"), ("maandag", "02:30", "dst"), ("maandag", "9", "time")])
def test_parse_slot_rejects(day, at, reason):
    with pytest.raises(ValueError, match=reason):
        parse_slot(day, at)


def test_weekly_slot_keeps_wall_clock_across_spring_dst():
    # Clocks go forward on Sunday 29 March 2026; the Monday after is still 09:00 local (07:00 UTC).
    before = next_due(MONDAY_9, ams(2026, 3, 23, 9, 30), AMS)
    after = next_due(MONDAY_9, before, AMS)
    assert before == ams(2026, 3, 30, 9, 0)
    assert after.astimezone(AMS).hour == 9
    assert before.astimezone(timezone.utc).hour == 7
    assert ams(2026, 3, 23, 9, 0).astimezone(timezone.utc).hour == 8
    assert after - before == timedelta(days=7)


def test_autumn_dst_week_has_exactly_one_slot():
    # Clocks go back on Sunday 25 October 2026.
    slot = Slot(6, time(9, 0))
    first = next_due(slot, ams(2026, 10, 19, 0, 0), AMS)
    second = next_due(slot, first, AMS)
    assert first == ams(2026, 10, 25, 9, 0)
    assert (second.astimezone(timezone.utc) - first.astimezone(timezone.utc)) == timedelta(days=7)
    assert period_key(slot, first, AMS) != period_key(slot, second, AMS)


def test_daily_slot_over_dst_night_fires_once_per_day():
    slot = Slot(None, time(8, 0))
    moment = ams(2026, 3, 28, 12, 0)
    dues = []
    for _ in range(3):
        moment = next_due(slot, moment, AMS)
        dues.append(moment)
    assert [d.date().isoformat() for d in dues] == ["2026-03-29", "2026-03-30", "2026-03-31"]
    assert all(d.astimezone(AMS).hour == 8 for d in dues)
    assert len({period_key(slot, d, AMS) for d in dues}) == 3


def test_last_due_at_the_exact_moment():
    assert last_due(MONDAY_9, ams(2026, 12, 7, 9, 0), AMS) == ams(2026, 12, 7, 9, 0)
    assert last_due(MONDAY_9, ams(2026, 12, 7, 8, 59), AMS) == ams(2026, 11, 30, 9, 0)


def test_period_key_names_the_iso_week_or_day():
    assert period_key(MONDAY_9, ams(2026, 12, 7, 9, 0), AMS) == "2026-W50"
    assert period_key(Slot(None, time(9, 0)), ams(2026, 12, 7, 9, 0), AMS) == "2026-12-07"


def test_missed_run_within_twelve_hours_is_sent_older_is_skipped():
    due, send = catch_up(MONDAY_9, ams(2026, 12, 7, 20, 59), AMS)
    assert due == ams(2026, 12, 7, 9, 0) and send
    due, send = catch_up(MONDAY_9, ams(2026, 12, 7, 21, 0), AMS)
    assert due == ams(2026, 12, 7, 9, 0) and not send
    due, send = catch_up(MONDAY_9, ams(2026, 12, 8, 8, 0), AMS)
    assert not send


def test_cron_fields_use_weekday_names():
    assert cron_fields(MONDAY_9) == {"hour": 9, "minute": 0, "second": 0, "day_of_week": "mon"}
    assert "day_of_week" not in cron_fields(Slot(None, time(9, 0)))
