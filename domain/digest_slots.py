"""Reading a digest time as a coordinator types it, and handing it to APScheduler.

The schedule math itself (fire times across DST, period keys, missed runs) is domain.schedule;
this module only reads "/digest_tijd maandag 09:00" and builds CronTrigger fields.
"""

from __future__ import annotations

import re
from datetime import time

from domain.schedule import Schedule
from domain.weekdays import CRON_DAYS, WEEKDAYS
from domain.when import WhenError, read_weekly_time

DAYS = tuple(names[0] for names in WEEKDAYS)  # "maandag" .. "zondag"


def read_slot(text: str) -> tuple[int | None, str]:
    """"maandag 09:00", "dagelijks 8 uur", "elke vrijdag om half 10" -> (weekday or None, "HH:MM").

    The same reader as activity times (``when.read_weekly_time``: day names with typos, "8 uur",
    "half 10", the afternoon rule). Raises ValueError("day" / "time" / "dst"). Times from 02:00
    to 02:59 are refused: on the nights the clocks change they happen never or twice.
    """
    try:
        weekday, minutes = read_weekly_time(text)
    except WhenError as error:
        raise ValueError("day" if error.reason == "unreadable" else "time") from None
    if minutes // 60 == 2:
        raise ValueError("dst")
    return weekday, f"{minutes // 60:02d}:{minutes % 60:02d}"


def parse_slot(day_word: str, time_word: str) -> tuple[int | None, str]:
    """('maandag', '9.00') -> (0, '09:00'); ('dagelijks', ..) -> (None, ..). See ``read_slot``."""
    if not re.search(r"\d|uur|half|kwart", time_word):
        raise ValueError("time")
    return read_slot(f"{day_word} {time_word}")


def cron_fields(schedule: Schedule) -> dict[str, str | int]:
    """CronTrigger fields; weekdays by name (APScheduler counts from Monday, PTB's run_daily from Sunday)."""
    fields: dict[str, str | int] = {"hour": schedule.at.hour, "minute": schedule.at.minute, "second": 0}
    if schedule.weekday is not None:
        fields["day_of_week"] = CRON_DAYS[schedule.weekday]
    return fields


def at_text(at: time) -> str:
    return at.strftime("%H:%M")
