"""Owners keep an initiative current: edits, change requests, pause/close, co-owners, freshness."""

from __future__ import annotations

import hashlib
from datetime import datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from domain.opening_hours import WeeklySchedule
from storage.db import rowcount
from storage.models import Initiative, InitiativeLanguage, InitiativeMember, InitiativeNetwork, Schedule
from storage.repositories.registrations import load_initiative, location_from, schedule_rows
from storage.tables_governance import ChangeRequest, Invitation

# Fields whose change waits for a coordinator; the others apply at once.
FIELDS_NEEDING_APPROVAL = ("name", "category", "networks")
SIMPLE_FIELDS = ("description", "phone", "email", "website", "wheelchair")


async def apply_change(session: AsyncSession, initiative: Initiative, field: str, value: Any, now: datetime) -> None:
    """Write one field. `initiative` must come from load_initiative (collections loaded).

    value: str for simple fields, name and category; list[int] for networks; list[str] for
    languages; dict {"text", "schedule"} for hours; a place dict for place.
    """
    if field in SIMPLE_FIELDS or field in ("name", "category"):
        setattr(initiative, field, value)
    elif field == "networks":
        initiative.networks = [InitiativeNetwork(network_id=network_id) for network_id in value]
    elif field == "languages":
        initiative.languages = [InitiativeLanguage(language=code) for code in value]
    elif field == "hours":
        schedule: WeeklySchedule | None = value["schedule"]
        initiative.schedules = schedule_rows(schedule) if schedule else []
        initiative.by_appointment = bool(schedule and schedule.by_appointment)
        initiative.hours_note = (value["text"] or None) and value["text"][:200]
    elif field == "place":
        location = location_from(value, initiative.name)
        session.add(location)
        await session.flush()
        initiative.location_id = location.id
    else:
        raise ValueError(f"unknown field {field!r}")
    initiative.updated_at = now
    await session.flush()


async def set_status(session: AsyncSession, initiative_id: int, from_statuses: tuple[str, ...], to_status: str, now: datetime) -> bool:
    result = await session.execute(
        update(Initiative)
        .where(Initiative.id == initiative_id, Initiative.status.in_(from_statuses))
        .values(status=to_status, updated_at=now)
        .execution_options(synchronize_session=False)
    )
    return rowcount(result) == 1


async def verify(session: AsyncSession, initiative_id: int, now: datetime) -> None:
    await session.execute(
        update(Initiative).where(Initiative.id == initiative_id).values(last_verified_at=now).execution_options(synchronize_session=False)
    )


# -- change requests ---------------------------------------------------------------------------


async def request_change(session: AsyncSession, initiative_id: int, field: str, value: Any, requested_by: int, now: datetime) -> ChangeRequest:
    request = ChangeRequest(initiative_id=initiative_id, field=field, value={"value": value}, requested_by=requested_by, created_at=now)
    session.add(request)
    await session.flush()
    return request


async def get_change_request(session: AsyncSession, request_id: int) -> ChangeRequest | None:
    return await session.get(ChangeRequest, request_id)


async def decide_change(session: AsyncSession, request_id: int, decider_id: int, approve: bool, reason: str | None, now: datetime) -> bool:
    """First decision wins; an approved change is applied in the same transaction."""
    result = await session.execute(
        update(ChangeRequest)
        .where(ChangeRequest.id == request_id, ChangeRequest.status == "pending")
        .values(status="approved" if approve else "rejected", decided_by=decider_id, reason=reason, decided_at=now)
        .execution_options(synchronize_session=False)
    )
    if rowcount(result) != 1:
        return False
    if approve:
        request = await session.get_one(ChangeRequest, request_id, populate_existing=True)
        initiative = await load_initiative(session, request.initiative_id)
        if initiative is None:  # the request's foreign key keeps its initiative
            raise LookupError(f"change request {request_id}: initiative {request.initiative_id} is gone")
        await apply_change(session, initiative, request.field, request.value["value"], now)
    return True


# -- co-owner invitations ----------------------------------------------------------------------


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


async def create_invitation(session: AsyncSession, initiative_id: int, created_by: int, token: str, expires_at: datetime) -> None:
    session.add(Invitation(token_hash=token_hash(token), initiative_id=initiative_id, created_by=created_by, expires_at=expires_at))
    await session.flush()


async def redeem_invitation(session: AsyncSession, token: str, user_id: int, now: datetime) -> tuple[str, Invitation | None]:
    """('ok' | 'unknown' | 'used' | 'expired' | 'member', invitation). Marks it used only on 'ok'."""
    invitation = await session.get(Invitation, token_hash(token))
    if invitation is None:
        return "unknown", None
    if invitation.used_at is not None:
        return "used", invitation
    if invitation.expires_at <= now:
        return "expired", invitation
    if await session.get(InitiativeMember, (invitation.initiative_id, user_id)) is not None:
        return "member", invitation
    result = await session.execute(
        update(Invitation)
        .where(Invitation.token_hash == invitation.token_hash, Invitation.used_at.is_(None))
        .values(used_by=user_id, used_at=now)
        .execution_options(synchronize_session=False)
    )
    if rowcount(result) != 1:
        return "used", invitation
    session.add(InitiativeMember(initiative_id=invitation.initiative_id, user_id=user_id, role="owner", added_at=now))
    await session.flush()
    return "ok", invitation


# -- freshness ---------------------------------------------------------------------------------


async def live_initiatives(session: AsyncSession) -> list[Initiative]:
    """Active and paused initiatives (closed and rejected ones need no check)."""
    return list(
        await session.scalars(select(Initiative).where(Initiative.status.in_(("active", "paused"))).order_by(Initiative.id))
    )


async def owner_ids(session: AsyncSession, initiative_id: int) -> list[int]:
    return list(
        await session.scalars(
            select(InitiativeMember.user_id)
            .where(InitiativeMember.initiative_id == initiative_id, InitiativeMember.role == "owner")
            .order_by(InitiativeMember.added_at, InitiativeMember.user_id)
        )
    )


async def member_ids(session: AsyncSession, initiative_id: int) -> list[int]:
    return list(
        await session.scalars(
            select(InitiativeMember.user_id).where(InitiativeMember.initiative_id == initiative_id).order_by(InitiativeMember.user_id)
        )
    )


async def network_ids_of(session: AsyncSession, initiative_id: int) -> list[int]:
    return list(
        await session.scalars(select(InitiativeNetwork.network_id).where(InitiativeNetwork.initiative_id == initiative_id))
    )


async def schedules_of(session: AsyncSession, initiative_id: int) -> list[Schedule]:
    return list(
        await session.scalars(
            select(Schedule).where(Schedule.initiative_id == initiative_id).order_by(Schedule.weekday, Schedule.opens_at)
        )
    )
