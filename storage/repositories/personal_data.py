"""Everything stored about one person, found by column name across every table (AVG access and erasure).

Columns that hold a Telegram user id are classified once, here, by name:
- SUBJECT columns say "this row is about this person" (an RSVP, a role, their private chat): the
  row is exported, and deleted when they ask to be forgotten. Group chats have negative ids and
  users positive ones, so `chat_id`/`target_id` only ever match a person's own private chat.
- ACTOR columns say "this person did this" (created, decided, invited): the row is exported and
  kept for the other people involved, with the person's id blanked out.
tests/trust/test_personal_data.py fails when a new table adds a BigInteger column that is in
neither list, so a new capability cannot quietly escape /mijngegevens and /vergeetmij.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import BigInteger, Column, Table, delete, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.db import rowcount
from storage.models import Base, Initiative, InitiativeMember, InitiativeNetwork, NetworkCoordinator

SUBJECT_COLUMNS = frozenset({"user_id", "chat_id", "target_id"})
ACTOR_COLUMNS = frozenset({"actor_id", "created_by", "added_by", "decided_by", "requested_by", "used_by", "linked_by"})
# BigInteger columns that never hold a person's id.
NOT_PERSONAL: frozenset[str] = frozenset({
    "handled_updates.update_id",  # Telegram's update counter
    "outbox.thread_id",  # a forum topic of a group
    "outbox.message_id",  # Telegram's id of a sent message (chat_id is the person)
    "together_group_messages.message_id",  # Telegram's id of an item's message in a group
})
# Columns that only mean something next to the person's id, blanked with it: a signal's shown first
# name goes when its author is forgotten (the text stays, anonymous).
BLANK_WITH_ACTOR: dict[str, dict[str, Any]] = {
    "voice_signals.created_by": {"show_first_name": False, "author_first_name": None},
}
FORGOTTEN_ACTOR = 0  # stands in for a forgotten person where the column may not be empty


def person_columns(table: Table) -> tuple[list[Column[Any]], list[Column[Any]]]:
    """(subject columns, actor columns) of one table."""
    subjects, actors = [], []
    for column in table.columns:
        if (table.name == "users" and column.name == "id") or column.name in SUBJECT_COLUMNS:
            subjects.append(column)
        elif column.name in ACTOR_COLUMNS:
            actors.append(column)
    return subjects, actors


def unclassified_columns() -> list[str]:
    """BigInteger columns that are neither person columns nor known not to be."""
    found = []
    for table in Base.metadata.sorted_tables:
        subjects, actors = person_columns(table)
        known = {column.name for column in subjects + actors}
        for column in table.columns:
            qualified = f"{table.name}.{column.name}"
            if isinstance(column.type, BigInteger) and column.name not in known and qualified not in NOT_PERSONAL:
                found.append(qualified)
    return found


def _jsonable(value: Any) -> Any:
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, (bytes, bytearray)):
        return value.hex()
    return value


async def export(session: AsyncSession, user_id: int) -> dict[str, list[dict[str, Any]]]:
    """Every row that mentions the person, per table (tables without such rows are left out)."""
    result: dict[str, list[dict[str, Any]]] = {}
    audit = Base.metadata.tables["audit_log"]
    for table in Base.metadata.sorted_tables:
        subjects, actors = person_columns(table)
        conditions = [column == user_id for column in subjects + actors]
        if table is audit:  # entries about the person, e.g. a role given to them
            conditions.append((audit.c.subject_type == "user") & (audit.c.subject_id == str(user_id)))
        if not conditions:
            continue
        rows = (await session.execute(select(table).where(or_(*conditions)))).mappings().all()
        if rows:
            result[table.name] = [{key: _jsonable(value) for key, value in row.items()} for row in rows]
    return result


@dataclass
class Handover:
    """What happened to an initiative whose only owner asked to be forgotten."""

    initiative_id: int
    name: str
    new_owner_id: int | None  # None: nobody to hand it to, so it was paused
    network_ids: list[int]


async def hand_over_initiatives(session: AsyncSession, user_id: int) -> list[Handover]:
    """Initiatives the person owns alone go to a co-member (promoted to owner) or are paused."""
    handovers = []
    owned = await session.scalars(
        select(InitiativeMember.initiative_id).where(InitiativeMember.user_id == user_id, InitiativeMember.role == "owner")
    )
    for initiative_id in list(owned):
        other_owners = await session.scalar(
            select(func.count()).select_from(InitiativeMember).where(
                InitiativeMember.initiative_id == initiative_id,
                InitiativeMember.user_id != user_id,
                InitiativeMember.role == "owner",
            )
        )
        if other_owners:
            continue
        initiative = await session.get_one(Initiative, initiative_id)
        successor = await session.scalar(
            select(InitiativeMember)
            .where(InitiativeMember.initiative_id == initiative_id, InitiativeMember.user_id != user_id)
            .order_by(InitiativeMember.added_at, InitiativeMember.user_id)
            .limit(1)
        )
        if successor is not None:
            successor.role = "owner"
        elif initiative.status in ("active", "pending"):
            initiative.status = "paused"
        network_ids = list(
            await session.scalars(select(InitiativeNetwork.network_id).where(InitiativeNetwork.initiative_id == initiative_id))
        )
        handovers.append(Handover(initiative_id, initiative.name, successor.user_id if successor else None, network_ids))
    await session.flush()
    return handovers


async def coordinators_of(session: AsyncSession, network_ids: list[int], excluding: int) -> set[int]:
    if not network_ids:
        return set()
    rows = await session.scalars(
        select(NetworkCoordinator.user_id).where(
            NetworkCoordinator.network_id.in_(network_ids), NetworkCoordinator.user_id != excluding
        )
    )
    return set(rows)


async def erase(session: AsyncSession, user_id: int) -> dict[str, int]:
    """Delete the rows about the person and blank their id where they acted; returns counts per table."""
    counts: dict[str, int] = {}
    # Children first, so foreign keys between person rows never block a delete.
    for table in reversed(Base.metadata.sorted_tables):
        subjects, actors = person_columns(table)
        if subjects:
            deleted = await session.execute(delete(table).where(or_(*[column == user_id for column in subjects])))
            if rowcount(deleted):
                counts[table.name] = counts.get(table.name, 0) + rowcount(deleted)
        for column in actors:
            blank = None if column.nullable else FORGOTTEN_ACTOR
            values = {column.name: blank, **BLANK_WITH_ACTOR.get(f"{table.name}.{column.name}", {})}
            changed = await session.execute(update(table).where(column == user_id).values(values))
            if rowcount(changed):
                counts[table.name] = counts.get(table.name, 0) + rowcount(changed)
    audit = Base.metadata.tables["audit_log"]
    await session.execute(
        update(audit).where(audit.c.subject_type == "user", audit.c.subject_id == str(user_id)).values(subject_id=None)
    )
    return counts


@dataclass
class Summary:
    """What /mijngegevens tells in sentences before the file: names and dates, no ids."""

    user: Any  # storage.models.User or None
    rsvps: list[tuple[str, datetime, str]]  # (activity title, date it is about, going/waiting)
    initiatives: list[tuple[str, str]]  # (initiative name, owner/editor)
    networks: list[str]  # networks this person coordinates
    reminders_received: int
    signals: list[tuple[str, str]] = field(default_factory=list)  # (text, status) of the ideas they sent (/idee)
    supports: list[str] = field(default_factory=list)  # texts of the ideas they support (/stem)


async def summary(session: AsyncSession, user_id: int) -> Summary:
    from storage.models import Activity, Network, User
    from storage.tables_activities import ActivityRsvp, ReminderSent

    user = await session.get(User, user_id)
    when = getattr(ActivityRsvp, "occurrence_at", None)
    rsvp_rows = await session.execute(
        select(Activity.title, when if when is not None else Activity.starts_at, ActivityRsvp.status)
        .join(Activity, Activity.id == ActivityRsvp.activity_id)
        .where(ActivityRsvp.user_id == user_id)
        .order_by(Activity.starts_at)
    )
    member_rows = await session.execute(
        select(Initiative.name, InitiativeMember.role)
        .join(Initiative, Initiative.id == InitiativeMember.initiative_id)
        .where(InitiativeMember.user_id == user_id)
        .order_by(Initiative.name)
    )
    networks = await session.scalars(
        select(Network.name).join(NetworkCoordinator, NetworkCoordinator.network_id == Network.id)
        .where(NetworkCoordinator.user_id == user_id).order_by(Network.name)
    )
    reminders = await session.scalar(
        select(func.count()).select_from(ReminderSent).where(ReminderSent.user_id == user_id, ReminderSent.status == "sent")
    )
    from storage.repositories import voice

    signals = [(signal.text, signal.status) for signal in await voice.signals_by(session, user_id)]
    supports = [signal.text for signal in await voice.supported_by(session, user_id)]
    return Summary(user, [tuple(r) for r in rsvp_rows], [(name, role) for name, role in member_rows], list(networks), reminders or 0,
                   signals, supports)
