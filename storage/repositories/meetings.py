"""Meetings (wijkraad, studieontbijt, werkgroep) and their call for input. Functions never commit."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.db import rowcount
from storage.tables_polls import Meeting


async def add_meeting(session: AsyncSession, kind: str, buurt: str, starts_at: datetime, created_by: int | None, now: datetime) -> Meeting:
    meeting = Meeting(kind=kind, buurt=buurt, starts_at=starts_at, created_by=created_by, created_at=now)
    session.add(meeting)
    await session.flush()
    return meeting


async def get_meeting(session: AsyncSession, meeting_id: int) -> Meeting | None:
    return await session.get(Meeting, meeting_id)


async def upcoming(session: AsyncSession, now: datetime, buurt: str | None = None) -> list[Meeting]:
    """Meetings that have not started yet, soonest first."""
    query = select(Meeting).where(Meeting.starts_at > now).order_by(Meeting.starts_at, Meeting.id)
    if buurt is not None:
        query = query.where(Meeting.buurt == buurt)
    return list(await session.scalars(query))


async def mark_called(session: AsyncSession, meeting_id: int, now: datetime) -> bool:
    """The call for input is queued now; False when it was queued before (a restart, another process)."""
    result = await session.execute(
        update(Meeting).where(Meeting.id == meeting_id, Meeting.called_at.is_(None)).values(called_at=now)
    )
    return bool(rowcount(result))
