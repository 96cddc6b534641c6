from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from domain.digest_period import digest_period
from domain.schedule import Schedule

AMS = ZoneInfo("Europe/Amsterdam")


def test_weekly_period_is_the_iso_week_whatever_the_day():
    monday = Schedule.parse(0, "09:00", AMS)
    wednesday = Schedule.parse(2, "09:00", AMS)
    assert digest_period(monday, datetime(2026, 12, 7, 9, 0, tzinfo=AMS)) == "2026-W50"
    assert digest_period(wednesday, datetime(2026, 12, 9, 9, 0, tzinfo=AMS)) == "2026-W50"
    assert digest_period(wednesday, datetime(2026, 12, 16, 9, 0, tzinfo=AMS)) == "2026-W51"


def test_daily_period_is_the_local_date():
    daily = Schedule.parse(None, "08:00", AMS)
    assert digest_period(daily, datetime(2026, 12, 7, 8, 0, tzinfo=AMS)) == "2026-12-07"


@pytest.mark.parametrize("fire, expected", [
    (datetime(2026, 12, 28, 9, 0, tzinfo=AMS), "2026-W53"),  # 2026 has 53 ISO weeks
    (datetime(2027, 1, 4, 9, 0, tzinfo=AMS), "2027-W01"),
    (datetime(2024, 12, 30, 9, 0, tzinfo=AMS), "2025-W01"),  # ISO year differs from the calendar year
])
def test_iso_year_boundaries(fire, expected):
    assert digest_period(Schedule.parse(fire.weekday(), "09:00", AMS), fire) == expected


def test_local_date_decides_not_utc():
    sunday_late = Schedule.parse(6, "00:30", AMS)
    fire = datetime(2026, 12, 13, 0, 30, tzinfo=AMS)  # Saturday 23:30 UTC
    assert digest_period(sunday_late, fire) == "2026-W50"
