"""Retention: RSVPs and reminder records go 30 days after the activity (AVG: storage limitation).

A one-off activity is over at its end (or start). An RSVP of a recurring activity is for one date
(occurrence_at), so it goes 30 days after that date, while the series itself may go on.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.db import rowcount
from storage.models import Activity
from storage.tables_activities import ActivityRsvp, ReminderSent

KEEP_AFTER_ACTIVITY = timedelta(days=30)


async def purge(session: AsyncSession, now: datetime, tz: ZoneInfo) -> dict[str, int]:
    """Delete what is past its retention; returns counts per table."""
    cutoff = now - KEEP_AFTER_ACTIVITY
    one_off = select(Activity.id).where(Activity.rrule.is_(None), func.coalesce(Activity.ends_at, Activity.starts_at) < cutoff)
    rsvps = await session.execute(delete(ActivityRsvp).where(ActivityRsvp.activity_id.in_(one_off)))
    removed_rsvps = rowcount(rsvps)
    series = select(Activity.id).where(Activity.rrule.is_not(None))
    removed_rsvps += rowcount(await session.execute(
        delete(ActivityRsvp).where(ActivityRsvp.activity_id.in_(series), ActivityRsvp.occurrence_at < cutoff)
    ))
    reminders = await session.execute(delete(ReminderSent).where(ReminderSent.occurrence_at < cutoff))
    # Settled and expired vraag & aanbod (with their responses) go 90 days after they closed.
    from storage.repositories import together

    items = await together.purge_closed(session, now)
    return {"activity_rsvps": removed_rsvps, "activity_reminders_sent": rowcount(reminders), "together_items": items}
