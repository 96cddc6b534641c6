"""Polls and their copies per group. Functions never commit: the caller owns the transaction."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.db import rowcount
from domain.polls import GroupTally, PollResult, counts_from_answers
from storage.models import GroupChat
from storage.tables_polls import Poll, PollAnswer, PollMessage, PollOption

OPEN = "open"
CLOSED = "closed"


async def create_poll(  # noqa: PLR0913 - the fields of one poll
    session: AsyncSession,
    question: str,
    options: Sequence[str],
    *,
    anonymous: bool,
    multiple: bool,
    closes_at: datetime,
    created_by: int | None,
    now: datetime,
) -> Poll:
    poll = Poll(question=question, anonymous=anonymous, multiple=multiple, closes_at=closes_at, status=OPEN,
                created_by=created_by, created_at=now)
    session.add(poll)
    await session.flush()
    for position, text in enumerate(options):
        session.add(PollOption(poll_id=poll.id, position=position, text=text))
    await session.flush()
    return poll


async def add_group(session: AsyncSession, poll: Poll, group: GroupChat, option_count: int) -> PollMessage:
    copy = PollMessage(poll_id=poll.id, chat_id=group.chat_id, network_id=group.network_id, group_title=group.title,
                       option_counts=[0] * option_count, voters=0)
    session.add(copy)
    await session.flush()
    return copy


async def get_poll(session: AsyncSession, poll_id: int) -> Poll | None:
    return await session.get(Poll, poll_id)


async def options_of(session: AsyncSession, poll_id: int) -> list[str]:
    rows = await session.scalars(select(PollOption.text).where(PollOption.poll_id == poll_id).order_by(PollOption.position))
    return list(rows)


async def copies(session: AsyncSession, poll_id: int) -> list[PollMessage]:
    rows = await session.scalars(select(PollMessage).where(PollMessage.poll_id == poll_id).order_by(PollMessage.id))
    return list(rows)


async def get_copy(session: AsyncSession, poll_id: int, chat_id: int) -> PollMessage | None:
    return await session.scalar(select(PollMessage).where(PollMessage.poll_id == poll_id, PollMessage.chat_id == chat_id))


async def by_telegram_poll(session: AsyncSession, telegram_poll_id: str) -> tuple[PollMessage, Poll] | None:
    row = (await session.execute(
        select(PollMessage, Poll).join(Poll, Poll.id == PollMessage.poll_id).where(PollMessage.telegram_poll_id == telegram_poll_id)
    )).first()
    return (row[0], row[1]) if row is not None else None


async def record_sent(session: AsyncSession, copy_id: int, telegram_poll_id: str, message_id: int, now: datetime) -> None:
    await session.execute(
        update(PollMessage).where(PollMessage.id == copy_id)
        .values(telegram_poll_id=telegram_poll_id, message_id=message_id, sent_at=now)
    )


async def record_stopped(session: AsyncSession, copy_id: int, now: datetime) -> None:
    await session.execute(update(PollMessage).where(PollMessage.id == copy_id).values(stopped_at=now))


async def set_totals(session: AsyncSession, copy: PollMessage, counts: Sequence[int], voters: int) -> None:
    """An anonymous poll's totals, as Telegram reported them in a poll update."""
    copy.option_counts = list(counts)
    copy.voters = voters
    await session.flush()


async def set_answer(session: AsyncSession, copy: PollMessage, user_id: int, options: Sequence[int], option_count: int, now: datetime) -> None:
    """A non-anonymous poll's answer (an empty one: retracted), then the group's totals again."""
    await session.execute(delete(PollAnswer).where(PollAnswer.poll_message_id == copy.id, PollAnswer.user_id == user_id))
    if options:
        session.add(PollAnswer(poll_message_id=copy.id, user_id=user_id, options=list(options), answered_at=now))
        await session.flush()
    answers = await session.scalars(select(PollAnswer.options).where(PollAnswer.poll_message_id == copy.id))
    counts, voters = counts_from_answers(list(answers), option_count)
    await set_totals(session, copy, counts, voters)


async def due_to_close(session: AsyncSession) -> list[Poll]:
    """Every open poll (the start-up schedules their closing)."""
    return list(await session.scalars(select(Poll).where(Poll.status == OPEN).order_by(Poll.closes_at)))


async def close(session: AsyncSession, poll_id: int, now: datetime) -> bool:
    """Open -> closed, once: False when it was closed already (another process, a restart)."""
    result = await session.execute(
        update(Poll).where(Poll.id == poll_id, Poll.status == OPEN).values(status=CLOSED, closed_at=now)
    )
    return bool(rowcount(result))


async def result(session: AsyncSession, poll: Poll) -> PollResult:
    options = await options_of(session, poll.id)
    groups = tuple(
        GroupTally(copy.group_title or str(copy.chat_id), tuple((list(copy.option_counts) + [0] * len(options))[: len(options)]), copy.voters)
        for copy in await copies(session, poll.id)
    )
    return PollResult(poll.question, tuple(options), groups, poll.anonymous, poll.multiple, poll.status == CLOSED)


async def polls_in_networks(session: AsyncSession, network_ids: set[int], since: datetime, until: datetime) -> list[Poll]:
    """Polls asked in a group of these networks between `since` and `until` (for the input document)."""
    if not network_ids:
        return []
    asked = select(PollMessage.poll_id).where(PollMessage.network_id.in_(network_ids))
    query = select(Poll).where(Poll.id.in_(asked), Poll.created_at >= since, Poll.created_at < until).order_by(Poll.created_at)
    return list(await session.scalars(query))
