"""Registering an initiative: drafts, the pending initiative, approval cards and the decision.

The decision is a conditional UPDATE (status pending -> active/rejected), so when two coordinators
press at the same time exactly one wins, on SQLite and PostgreSQL alike.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from domain.opening_hours import WeeklySchedule
from storage.db import rowcount
from storage.models import (
    Initiative,
    InitiativeLanguage,
    InitiativeMember,
    InitiativeNetwork,
    Location,
    Network,
    Schedule,
)
from storage.tables_governance import ApprovalCard, InitiativeDecision, RegistrationDraft


# -- drafts ------------------------------------------------------------------------------------


async def get_draft(session: AsyncSession, user_id: int, not_before: datetime | None = None) -> RegistrationDraft | None:
    """The person's draft, unless it went silent before `not_before` (then it has expired)."""
    draft = await session.get(RegistrationDraft, user_id)
    if draft is not None and not_before is not None and draft.updated_at < not_before:
        return None
    return draft


async def save_draft(session: AsyncSession, user_id: int, chat_id: int, step: str, data: dict[str, Any], now: datetime) -> RegistrationDraft:
    draft = await session.get(RegistrationDraft, user_id)
    if draft is None:
        draft = RegistrationDraft(user_id=user_id, chat_id=chat_id, step=step, data=dict(data), updated_at=now)
        session.add(draft)
    else:
        draft.chat_id, draft.step, draft.data, draft.updated_at = chat_id, step, dict(data), now
    await session.flush()
    return draft


async def set_step(session: AsyncSession, user_id: int, step: str) -> None:
    """The draft's step, as the conversation has it (no draft: nothing to do)."""
    await session.execute(
        update(RegistrationDraft).where(RegistrationDraft.user_id == user_id, RegistrationDraft.step != step).values(step=step)
    )


async def delete_draft(session: AsyncSession, user_id: int) -> None:
    await session.execute(delete(RegistrationDraft).where(RegistrationDraft.user_id == user_id))


async def active_draft_steps(session: AsyncSession, not_before: datetime) -> dict[tuple[int, int], str]:
    """(chat_id, user_id) -> step of every draft still alive: the conversation states after a restart."""
    rows = await session.execute(
        select(RegistrationDraft.chat_id, RegistrationDraft.user_id, RegistrationDraft.step).where(
            RegistrationDraft.updated_at >= not_before
        )
    )
    return {(chat_id, user_id): step for chat_id, user_id, step in rows}


async def expired_drafts(session: AsyncSession, before: datetime) -> list[RegistrationDraft]:
    return list(await session.scalars(select(RegistrationDraft).where(RegistrationDraft.updated_at < before)))


# -- the pending initiative --------------------------------------------------------------------


async def pending_count(session: AsyncSession, user_id: int) -> int:
    return await session.scalar(
        select(func.count()).select_from(Initiative).where(Initiative.created_by == user_id, Initiative.status == "pending")
    ) or 0


def schedule_rows(schedule: WeeklySchedule) -> list[Schedule]:
    """Weekly ranges as rows (0 = Monday); always-open becomes 00:00-24:00 on every day."""
    if schedule.always_open:
        return [Schedule(weekday=day, opens_at="00:00", closes_at="24:00") for day in range(7)]
    rows = []
    for day, ranges in enumerate(schedule.days):
        for time_range in ranges:
            opens, closes = str(time_range).split("-")
            rows.append(Schedule(weekday=day, opens_at=opens, closes_at=closes))
    return rows


def location_from(place: dict[str, Any], name: str) -> Location:
    return Location(
        name=name[:120],
        address=(place.get("address") or None) and place["address"][:200],
        postcode=place.get("postcode"),
        city=place.get("city"),
        latitude=place["lat"],
        longitude=place["lon"],
        approximate=bool(place.get("approximate")),
        buurt=place.get("buurt"),
    )


async def create_pending_initiative(
    session: AsyncSession, user_id: int, data: dict[str, Any], schedule: WeeklySchedule | None, now: datetime
) -> Initiative:
    """Store the finished draft as an initiative waiting for approval (status 'pending')."""
    location = location_from(data["place"], data["name"])
    session.add(location)
    await session.flush()
    initiative = Initiative(
        name=data["name"],
        description=data.get("description"),
        category=data["category"],
        phone=data.get("phone"),
        email=data.get("email"),
        website=data.get("website"),
        status="pending",
        wheelchair=data.get("wheelchair") or "unknown",
        by_appointment=bool(schedule and schedule.by_appointment),
        hours_note=(data.get("hours") or None) and data["hours"][:200],
        location_id=location.id,
        created_by=user_id,
        created_at=now,
        updated_at=now,
    )
    initiative.schedules = schedule_rows(schedule) if schedule else []
    initiative.languages = [InitiativeLanguage(language=code) for code in data.get("languages", [])]
    initiative.networks = [InitiativeNetwork(network_id=network_id) for network_id in data["networks"]]
    initiative.members = []
    session.add(initiative)
    await session.flush()
    return initiative


async def load_initiative(session: AsyncSession, initiative_id: int) -> Initiative | None:
    """With location, schedules, languages, networks and members loaded."""
    return await session.scalar(
        select(Initiative)
        .where(Initiative.id == initiative_id)
        .options(
            selectinload(Initiative.location),
            selectinload(Initiative.schedules),
            selectinload(Initiative.languages),
            selectinload(Initiative.networks),
            selectinload(Initiative.members),
        )
        .execution_options(populate_existing=True)
    )


async def network_names(session: AsyncSession, network_ids: list[int]) -> list[str]:
    if not network_ids:
        return []
    return list(await session.scalars(select(Network.name).where(Network.id.in_(network_ids)).order_by(Network.name)))


# -- approval cards and the decision ------------------------------------------------------------


async def add_card(session: AsyncSession, kind: str, subject_id: int, chat_id: int, message_id: int) -> None:
    session.add(ApprovalCard(kind=kind, subject_id=subject_id, chat_id=chat_id, message_id=message_id))
    await session.flush()


async def cards(session: AsyncSession, kind: str, subject_id: int) -> list[ApprovalCard]:
    return list(
        await session.scalars(
            select(ApprovalCard).where(ApprovalCard.kind == kind, ApprovalCard.subject_id == subject_id).order_by(ApprovalCard.id)
        )
    )


async def decide(
    session: AsyncSession, initiative_id: int, decider_id: int, approve: bool, reason: str | None, now: datetime
) -> bool:
    """Approve or reject a pending initiative. False when it was no longer pending (someone was first).

    Approval makes it active and verified now, and its applicant an owner.
    """
    values: dict[str, Any] = {"status": "active" if approve else "rejected", "updated_at": now}
    if approve:
        values["last_verified_at"] = now
    result = await session.execute(
        update(Initiative)
        .where(Initiative.id == initiative_id, Initiative.status == "pending")
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    if rowcount(result) != 1:
        return False
    session.add(
        InitiativeDecision(
            initiative_id=initiative_id, decision="approved" if approve else "rejected", decided_by=decider_id, reason=reason, decided_at=now
        )
    )
    if approve:
        applicant = await session.scalar(select(Initiative.created_by).where(Initiative.id == initiative_id))
        if applicant is not None and await session.get(InitiativeMember, (initiative_id, applicant)) is None:
            session.add(InitiativeMember(initiative_id=initiative_id, user_id=applicant, role="owner", added_at=now))
    await session.flush()
    return True


async def decision_of(session: AsyncSession, initiative_id: int) -> InitiativeDecision | None:
    return await session.get(InitiativeDecision, initiative_id)



async def pending_of(session: AsyncSession, user_id: int) -> list[Initiative]:
    """The person's registrations still waiting for a coordinator."""
    return list(
        await session.scalars(
            select(Initiative).where(Initiative.created_by == user_id, Initiative.status == "pending").order_by(Initiative.id)
        )
    )
