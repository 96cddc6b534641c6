"""The audit trail: who did what, when. Refused attempts are recorded too (action 'denied')."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import AuditEntry


def record(
    session: AsyncSession,
    actor_id: int | None,
    action: str,
    subject_type: str | None = None,
    subject_id: object | None = None,
    **detail: Any,
) -> AuditEntry:
    entry = AuditEntry(
        actor_id=actor_id,
        action=action,
        subject_type=subject_type,
        subject_id=None if subject_id is None else str(subject_id),
        detail=detail or None,
    )
    session.add(entry)
    return entry


def record_denied(session: AsyncSession, actor_id: int, attempted: str, subject_type: str | None = None, subject_id: object | None = None, **detail: Any) -> AuditEntry:
    """A refused command or button press (forged, replayed, or simply not allowed)."""
    return record(session, actor_id, "denied", subject_type, subject_id, attempted=attempted, **detail)


async def latest(session: AsyncSession, limit: int = 20) -> list[AuditEntry]:
    return list(await session.scalars(select(AuditEntry).order_by(AuditEntry.id.desc()).limit(limit)))
