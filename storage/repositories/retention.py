"""Retention: RSVPs and reminder records go 30 days after the activity (AVG: storage limitation).

A one-off activity is over at its end (or start); a recurring one when its series has no occurrence
left after the cutoff. An open-ended series keeps its RSVPs, since the answer holds for the series.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.recurrence import Recurrence
from storage.models import Activity
from storage.tables_activities import ActivityRsvp, ReminderSent

KEEP_AFTER_ACTIVITY = timedelta(days=30)


async def _finished_series(session: AsyncSession, cutoff: datetime, tz: ZoneInfo) -> list[int]:
    """Recurring activities with RSVPs whose last occurrence started before `cutoff`."""
    rows = await session.execute(
        select(Activity.id, Activity.starts_at, Activity.ends_at, Activity.rrule)
        .where(Activity.rrule.is_not(None), Activity.id.in_(select(ActivityRsvp.activity_id)))
    )
    finished = []
    for activity_id, starts_at, ends_at, rule in rows:
        series = Recurrence(starts_at.astimezone(tz), rule, ends_at.astimezone(tz) if ends_at else None)
        try:
            if series.next_occurrence(cutoff) is None:
                finished.append(activity_id)
        except ValueError:  # an unreadable rule: keep the RSVPs rather than guess
            continue
    return finished


async def purge(session: AsyncSession, now: datetime, tz: ZoneInfo) -> dict[str, int]:
    """Delete what is past its retention; returns counts per table."""
    cutoff = now - KEEP_AFTER_ACTIVITY
    one_off = select(Activity.id).where(Activity.rrule.is_(None), func.coalesce(Activity.ends_at, Activity.starts_at) < cutoff)
    rsvps = await session.execute(delete(ActivityRsvp).where(ActivityRsvp.activity_id.in_(one_off)))
    removed_rsvps = rsvps.rowcount
    series = await _finished_series(session, cutoff, tz)
    if series:
        removed_rsvps += (await session.execute(delete(ActivityRsvp).where(ActivityRsvp.activity_id.in_(series)))).rowcount
    reminders = await session.execute(delete(ReminderSent).where(ReminderSent.occurrence_at < cutoff))
    return {"activity_rsvps": removed_rsvps, "activity_reminders_sent": reminders.rowcount}
