"""Retention: RSVPs and reminder records go 30 days after the activity (AVG: storage limitation)."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Activity, Base

KEEP_AFTER_ACTIVITY = timedelta(days=30)


async def purge(session: AsyncSession, now: datetime) -> dict[str, int]:
    """Delete what is past its retention; returns counts per table."""
    cutoff = now - KEEP_AFTER_ACTIVITY
    removed: dict[str, int] = {}
    tables = Base.metadata.tables
    over = select(Activity.id).where(Activity.rrule.is_(None), func.coalesce(Activity.ends_at, Activity.starts_at) < cutoff)
    if "activity_rsvps" in tables:
        rsvps = tables["activity_rsvps"]
        result = await session.execute(delete(rsvps).where(rsvps.c.activity_id.in_(over)))
        removed["activity_rsvps"] = result.rowcount
    if "activity_reminders_sent" in tables:
        sent = tables["activity_reminders_sent"]
        result = await session.execute(delete(sent).where(sent.c.occurrence_at < cutoff))
        removed["activity_reminders_sent"] = result.rowcount
    return removed
