"""Group chats: membership, links to networks, digest schedules, and digest deliveries."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import GroupChat, Network, NetworkCoordinator
from storage.repositories import outbox
from storage.tables_groups import DigestDelivery

KIND_GROUP = "group"
KIND_COORDINATOR = "coordinator"


async def get_group(session: AsyncSession, chat_id: int) -> GroupChat | None:
    return await session.get(GroupChat, chat_id)


async def bot_added(session: AsyncSession, chat_id: int, title: str | None, language: str) -> GroupChat:
    """The bot joined (or rejoined) a group: remember it and make it reachable again."""
    group = await session.get(GroupChat, chat_id)
    if group is None:
        group = GroupChat(chat_id=chat_id, title=title, language=language)
        session.add(group)
    else:
        group.title = title or group.title
    group.active = True
    group.inactive_reason = None
    await session.flush()
    return group


async def mark_inactive(session: AsyncSession, chat_id: int, reason: str) -> GroupChat | None:
    """Nothing more is sent to this group; the coordinator digest reports it."""
    await outbox.fail_open_rows(session, chat_id, "group inactive: " + reason)
    group = await session.get(GroupChat, chat_id)
    if group is not None:
        group.active = False
        group.inactive_reason = reason[:200]
    return group


async def link(session: AsyncSession, chat_id: int, title: str | None, network_id: int, thread_id: int | None, user_id: int, now: datetime, language: str) -> GroupChat:
    group = await bot_added(session, chat_id, title, language)
    group.language = language
    group.network_id = network_id
    group.message_thread_id = thread_id
    group.linked_by = user_id
    group.linked_at = now
    await session.flush()
    return group


async def unlink(session: AsyncSession, chat_id: int) -> GroupChat | None:
    group = await session.get(GroupChat, chat_id)
    if group is not None:
        group.network_id = None
        group.message_thread_id = None
    return group


async def migrate_chat(session: AsyncSession, old_id: int, new_id: int) -> GroupChat | None:
    """A group became a supergroup: keep link, schedule and history under the new chat id."""
    old = await session.get(GroupChat, old_id)
    if old is None:
        return await session.get(GroupChat, new_id)
    new = await session.get(GroupChat, new_id)
    if new is None:
        new = GroupChat(chat_id=new_id)
        session.add(new)
    for column in GroupChat.__table__.columns:
        if column.name != "chat_id":
            setattr(new, column.key, getattr(old, column.key))
    new.message_thread_id = None  # topics belong to the new supergroup; the old thread id means nothing there
    await session.flush()
    await session.execute(
        update(DigestDelivery)
        .where(DigestDelivery.kind == KIND_GROUP, DigestDelivery.target_id == old_id)
        .values(target_id=new_id)
    )
    await outbox.move_chat(session, old_id, new_id)
    await session.delete(old)
    await session.flush()
    return new


async def linked_groups(session: AsyncSession, network_ids: set[int] | None = None, include_inactive: bool = False) -> list[GroupChat]:
    query = select(GroupChat).where(GroupChat.network_id.is_not(None)).order_by(GroupChat.chat_id)
    if network_ids is not None:
        query = query.where(GroupChat.network_id.in_(network_ids))
    if not include_inactive:
        query = query.where(GroupChat.active.is_(True))
    return list(await session.scalars(query))


async def networks(session: AsyncSession, network_ids: set[int] | None = None) -> list[Network]:
    query = select(Network).order_by(Network.name)
    if network_ids is not None:
        query = query.where(Network.id.in_(network_ids))
    return list(await session.scalars(query))


async def coordinator_ids(session: AsyncSession) -> list[int]:
    return sorted(set(await session.scalars(select(NetworkCoordinator.user_id))))


async def coordinators_of(session: AsyncSession, network_id: int) -> list[int]:
    return sorted(await session.scalars(select(NetworkCoordinator.user_id).where(NetworkCoordinator.network_id == network_id)))


# -- deliveries --------------------------------------------------------------------------------

def set_digest_options(group: GroupChat, *, slot: tuple[int | None, str] | None = None, paused: bool | None = None,
                       skip_empty: bool | None = None, language: str | None = None) -> None:
    """What a coordinator sets for a group's digest: its slot (weekday or None for daily, "HH:MM"),
    paused, quiet in an empty week, its language."""
    if slot is not None:
        group.digest_weekday, group.digest_time = slot
    if paused is not None:
        group.digest_paused = paused
    if skip_empty is not None:
        group.digest_skip_empty = skip_empty
    if language is not None:
        group.language = language


async def get_delivery(session: AsyncSession, kind: str, target_id: int, period: str) -> DigestDelivery | None:
    return await session.scalar(
        select(DigestDelivery).where(
            DigestDelivery.kind == kind, DigestDelivery.target_id == target_id, DigestDelivery.period == period
        )
    )


async def start_delivery(session: AsyncSession, kind: str, target_id: int, period: str, scheduled_for: datetime, parts: list[str], now: datetime, status: str = "sending") -> DigestDelivery:
    delivery = DigestDelivery(
        kind=kind, target_id=target_id, period=period, scheduled_for=scheduled_for, parts=parts,
        status=status, parts_sent=0, in_flight=False, started_at=now,
        finished_at=now if status != "sending" else None,
    )
    session.add(delivery)
    await session.flush()
    return delivery


async def last_sent(session: AsyncSession, kind: str, target_id: int) -> DigestDelivery | None:
    """The latest digest queued for (or, before the outbox, sent to) this recipient (for 'new since the last digest')."""
    return await session.scalar(
        select(DigestDelivery)
        .where(DigestDelivery.kind == kind, DigestDelivery.target_id == target_id, DigestDelivery.status.in_(("queued", "sent")))
        .order_by(DigestDelivery.scheduled_for.desc())
        .limit(1)
    )


async def deliveries(session: AsyncSession, kind: str | None = None) -> list[DigestDelivery]:
    query = select(DigestDelivery).order_by(DigestDelivery.id)
    if kind is not None:
        query = query.where(DigestDelivery.kind == kind)
    return list(await session.scalars(query))
