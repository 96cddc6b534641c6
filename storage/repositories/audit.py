"""The audit trail: who did what, when. Refused attempts are recorded too (action 'denied')."""

from __future__ import annotations

from datetime import datetime, tzinfo
from typing import Any

from sqlalchemy import func, select
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


async def entries_for(session: AsyncSession, subject_type: str, subject_id: object, limit: int = 50) -> list[AuditEntry]:
    """The trail of one subject (e.g. one initiative), newest first."""
    return list(
        await session.scalars(
            select(AuditEntry)
            .where(AuditEntry.subject_type == subject_type, AuditEntry.subject_id == str(subject_id))
            .order_by(AuditEntry.id.desc())
            .limit(limit)
        )
    )


def format_entry(entry: AuditEntry, timezone: tzinfo) -> str:
    """One line for the command line: local time with its zone (CET/CEST), actor, action, subject, details."""
    when = entry.at.astimezone(timezone).strftime("%Y-%m-%d %H:%M:%S %Z")
    actor = str(entry.actor_id) if entry.actor_id is not None else "system"
    subject = f"{entry.subject_type}:{entry.subject_id}" if entry.subject_type else "-"
    detail = " ".join(f"{key}={value}" for key, value in sorted((entry.detail or {}).items()))
    return f"{when}  #{entry.id:<5} {actor:>12}  {entry.action:<20} {subject:<18} {detail}".rstrip()


async def last_done(session: AsyncSession, action: str, subject_type: str) -> dict[str, datetime]:
    """When `action` was last recorded per subject id (e.g. each group's last schedule change)."""
    rows = await session.execute(
        select(AuditEntry.subject_id, func.max(AuditEntry.at))
        .where(AuditEntry.action == action, AuditEntry.subject_type == subject_type)
        .group_by(AuditEntry.subject_id)
    )
    return {subject_id: at for subject_id, at in rows if subject_id is not None}
