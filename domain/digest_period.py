"""Which period a digest belongs to, so that one period gets one digest.

A weekly digest's period is the ISO week of its local fire date ("2026-W50"): moving the weekly
digest to another day after this week's went out does not send a second one this week. A daily
digest's period is its local date. Wraps domain.schedule (its period_key is the local date).
"""

from __future__ import annotations

from datetime import datetime

from domain.schedule import Schedule, period_key


def digest_period(schedule: Schedule, fire: datetime) -> str:
    if schedule.weekday is None:
        return period_key(schedule, fire)
    year, week, _day = fire.astimezone(schedule.tz).isocalendar()
    return f"{year}-W{week:02d}"
