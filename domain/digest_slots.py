"""Reading a digest time as a coordinator types it, and handing it to APScheduler.

The schedule math itself (fire times across DST, period keys, missed runs) is domain.schedule;
this module only parses "/digest_tijd maandag 09:00" and builds CronTrigger fields.
"""

from __future__ import annotations

import re
from datetime import time

from domain.schedule import Schedule

DAYS = ("maandag", "dinsdag", "woensdag", "donderdag", "vrijdag", "zaterdag", "zondag")
DAYS_EN = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
DAILY_WORDS = ("dagelijks", "daily")
CRON_DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_TIME = re.compile(r"^([01]?\d|2[0-3])[:.u]([0-5]\d)$")


def parse_slot(day_word: str, time_word: str) -> tuple[int | None, str]:
    """('maandag', '9.00') -> (0, '09:00'); (dagelijks, ..) -> (None, ..).

    Raises ValueError("day" / "time" / "dst"). Times from 02:00 to 02:59 are refused: on the
    nights the clocks change they happen never or twice.
    """
    day = day_word.strip().lower()
    if day in DAILY_WORDS:
        weekday = None
    elif day in DAYS:
        weekday = DAYS.index(day)
    elif day in DAYS_EN:
        weekday = DAYS_EN.index(day)
    else:
        matches = [i for i, name in enumerate(DAYS) if len(day) >= 2 and name.startswith(day)]
        if len(matches) != 1:
            raise ValueError("day")
        weekday = matches[0]
    match = _TIME.match(time_word.strip())
    if match is None:
        raise ValueError("time")
    if int(match.group(1)) == 2:
        raise ValueError("dst")
    return weekday, f"{int(match.group(1)):02d}:{match.group(2)}"


def cron_fields(schedule: Schedule) -> dict[str, str | int]:
    """CronTrigger fields; weekdays by name (APScheduler counts from Monday, PTB's run_daily from Sunday)."""
    fields: dict[str, str | int] = {"hour": schedule.at.hour, "minute": schedule.at.minute, "second": 0}
    if schedule.weekday is not None:
        fields["day_of_week"] = CRON_DAYS[schedule.weekday]
    return fields


def at_text(at: time) -> str:
    return at.strftime("%H:%M")
