"""The outbox: every message the bot sends on its own. Functions never commit.

Claiming is the only concurrency-sensitive step: on PostgreSQL `SELECT … FOR UPDATE SKIP LOCKED`
lets several bot processes take disjoint rows; on SQLite writes are serialised (BEGIN IMMEDIATE)
and the claim is a conditional UPDATE (`… AND status = 'pending'`). Only the oldest open row of a
chat can be claimed, so the parts of a digest arrive in order and one chat has one message in
flight at a time.
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from datetime import datetime, timedelta
from functools import cache
from typing import Any

from sqlalchemy import ColumnElement, Insert, Table, bindparam, delete, exists, func, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession
from sqlalchemy.orm import aliased

from storage.db import rowcount
from storage.models import User
from storage.tables_outbox import HandledUpdate, OutboxMessage

PENDING = "pending"  # waiting for its next_attempt_at
CLAIMED = "claimed"  # a worker took it; not handed to Telegram yet
SENDING = "sending"  # handed to Telegram; the answer is not recorded yet
SENT = "sent"
FAILED = "failed"  # refused, blocked, expired or cancelled: never tried again
OPEN = (PENDING, CLAIMED, SENDING)
EDIT_TEXT = "edit_text"  # a row that edits a message sent before (handlers.core.outbox.edit_text)


async def enqueue(  # noqa: PLR0913 - the fields of one message
    session: AsyncSession,
    chat_id: int,
    kind: str,
    text: str,
    key: str,
    now: datetime,
    *,
    photo: str | None = None,
    reply_markup: dict[str, Any] | None = None,
    thread_id: int | None = None,
    at: datetime | None = None,
    expires_at: datetime | None = None,
    method: str | None = None,
    message_id: int | None = None,
) -> bool:
    """Add one message unless a row with the same idempotency key exists; True when added.

    A user marked unreachable (blocked the bot) gets the row as failed: recorded, never sent.
    `method` other than message/photo is sent by a sender its capability registered
    (handlers.core.outbox.register_sender), e.g. "poll"; `message_id` is the message it acts on.
    """
    status, error = PENDING, None
    if chat_id > 0 and await session.scalar(select(User.unreachable_since).where(User.id == chat_id)) is not None:
        status, error = FAILED, "unreachable"
    values = {
        "chat_id": chat_id, "kind": kind, "method": method or ("photo" if photo else "message"), "text": text, "photo": photo,
        "reply_markup": reply_markup, "thread_id": thread_id, "idempotency_key": key[:200], "status": status,
        "attempts": 0, "next_attempt_at": at or now, "expires_at": expires_at, "created_at": now, "last_error": error,
        "message_id": message_id,
    }
    insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    statement = insert(OutboxMessage).values(**values).on_conflict_do_nothing(index_elements=["idempotency_key"])
    result = await session.execute(statement)
    return bool(rowcount(result))


async def enqueue_edit(  # noqa: PLR0913 - the fields of one edit
    session: AsyncSession,
    chat_id: int,
    message_id: int,
    kind: str,
    text: str,
    key: str,
    now: datetime,
    *,
    reply_markup: dict[str, Any] | None = None,
) -> bool:
    """Edit the text (and buttons; None removes them) of message `message_id` in `chat_id`, once
    per key. It waits behind the chat's earlier rows like any message; True when added."""
    return await enqueue(session, chat_id, kind, text, key, now, reply_markup=reply_markup, method=EDIT_TEXT, message_id=message_id)


@cache
def _due_heads(postgresql: bool) -> Any:
    """The claim's query, built once: the idle worker runs it every second, between answers."""
    earlier = aliased(OutboxMessage)
    head_of_chat = ~exists().where(
        earlier.chat_id == OutboxMessage.chat_id, earlier.id < OutboxMessage.id, earlier.status.in_(OPEN)
    )
    query = (
        select(OutboxMessage.id)
        .where(OutboxMessage.status == PENDING,
               OutboxMessage.next_attempt_at <= bindparam("now", type_=OutboxMessage.__table__.c.next_attempt_at.type),
               head_of_chat)
        .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id)
        .limit(bindparam("limit", type_=OutboxMessage.__table__.c.id.type))
    )
    if postgresql:
        query = query.with_for_update(of=OutboxMessage, skip_locked=True)
    return query


async def claim_due(session: AsyncSession, worker: str, now: datetime, limit: int) -> list[OutboxMessage]:
    """Take up to `limit` due rows for `worker`: the oldest open row of each chat, if it is due."""
    query = _due_heads(session.get_bind().dialect.name == "postgresql")
    ids = list(await session.scalars(query, {"now": now, "limit": limit}))
    if not ids:
        return []
    await session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id.in_(ids), OutboxMessage.status == PENDING)
        .values(status=CLAIMED, claimed_at=now, claimed_by=worker)
        .execution_options(synchronize_session=False)
    )
    rows = await session.scalars(
        select(OutboxMessage)
        .where(OutboxMessage.id.in_(ids), OutboxMessage.status == CLAIMED, OutboxMessage.claimed_by == worker)
        .order_by(OutboxMessage.id)
        .execution_options(populate_existing=True)
    )
    return list(rows)


async def mark_handed(session: AsyncSession, row_id: int, worker: str | None = None) -> bool:
    """The request is about to leave for Telegram: from now on a crash counts it as sent.

    False when the row is no longer claimed (by `worker`): another process released it as a dead
    worker's; then it must not be sent from here.
    """
    query = update(OutboxMessage).where(OutboxMessage.id == row_id, OutboxMessage.status == CLAIMED)
    if worker is not None:
        query = query.where(OutboxMessage.claimed_by == worker)
    result = await session.execute(query.values(status=SENDING))
    return bool(rowcount(result))


async def mark_sent(session: AsyncSession, row_id: int, now: datetime, message_id: int | None) -> None:
    """Telegram took it; `message_id` None keeps what the row had (an edit's target)."""
    values: dict[str, Any] = {"status": SENT, "sent_at": now, "last_error": None, "attempts": OutboxMessage.attempts + 1}
    if message_id is not None:
        values["message_id"] = message_id
    await session.execute(update(OutboxMessage).where(OutboxMessage.id == row_id).values(**values))


async def retry_later(session: AsyncSession, row_id: int, at: datetime, error: str, *, count: bool = True) -> None:
    """Not sent (timeout, 5xx, 429): pending again from `at`. A refused send is not a sent one."""
    values: dict[str, Any] = {"status": PENDING, "next_attempt_at": at, "last_error": error[:200], "claimed_at": None, "claimed_by": None}
    if count:
        values["attempts"] = OutboxMessage.attempts + 1
    await session.execute(update(OutboxMessage).where(OutboxMessage.id == row_id).values(**values))


async def mark_failed(session: AsyncSession, row_id: int, error: str) -> None:
    await session.execute(
        update(OutboxMessage).where(OutboxMessage.id == row_id)
        .values(status=FAILED, last_error=error[:200], attempts=OutboxMessage.attempts + 1)
    )


async def fail_open_rows(session: AsyncSession, chat_id: int, error: str) -> int:
    """The chat cannot be reached: its waiting rows will never go out."""
    result = await session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.chat_id == chat_id, OutboxMessage.status.in_((PENDING, CLAIMED)))
        .values(status=FAILED, last_error=error[:200])
    )
    return rowcount(result)


async def mark_user_unreachable(session: AsyncSession, user_id: int, now: datetime) -> None:
    """Blocked or gone: nothing unprompted until they write again (users.record_contact clears it)."""
    await session.execute(update(User).where(User.id == user_id).values(unreachable_since=now))


async def move_chat(session: AsyncSession, old_id: int, new_id: int) -> None:
    """A group became a supergroup: its waiting rows follow it (without the old forum topic)."""
    await session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.chat_id == old_id, OutboxMessage.status.in_(OPEN))
        .values(chat_id=new_id, thread_id=None)
    )


async def _release(session: AsyncSession, now: datetime, *conditions: ColumnElement[bool]) -> tuple[int, int]:
    """Claimed rows go back to pending (never handed to Telegram); rows in flight count as sent
    (handed to Telegram; the one crash window, see docs/architecture.md)."""
    released = await session.execute(
        update(OutboxMessage).where(OutboxMessage.status == CLAIMED, *conditions)
        .values(status=PENDING, claimed_at=None, claimed_by=None)
    )
    settled = await session.execute(
        update(OutboxMessage).where(OutboxMessage.status == SENDING, *conditions)
        .values(status=SENT, sent_at=now, last_error="in flight at a crash: counted as sent")
    )
    return rowcount(released), rowcount(settled)


async def release_stale(session: AsyncSession, now: datetime, lease: timedelta, *, lockable: bool = True) -> tuple[int, int]:
    """Rows a dead worker left behind, known by the age of the claim (`lease`). With
    `lockable=False` rows of workers that hold a liveness lock are left to release_dead_workers."""
    conditions = [OutboxMessage.claimed_at < now - lease]
    if not lockable:
        conditions.append(~OutboxMessage.claimed_by.like(WORKER_ID_PATTERN))
    return await _release(session, now, *conditions)


# -- workers' liveness on PostgreSQL --------------------------------------------------------------
# Every worker holds a session-level advisory lock named after its id for as long as its process
# lives. PostgreSQL drops it the moment the process dies (its connection closes), so another
# process knows at once that the claims of that worker are orphaned: no lease to wait for.

WORKER_LOCK_SPACE = 0x6B70_0000_0000  # "kp": the advisory-lock keys of outbox workers
WORKER_ID_PATTERN = "w" + "_" * 8  # SQL LIKE of worker ids with a lock: "w" + 8 hex digits


def new_worker_id() -> str:
    return "w" + secrets.token_hex(4)


def worker_lock_key(worker: str) -> int | None:
    """The advisory-lock key of a worker id, None for ids without one (tests, older versions)."""
    if len(worker) != 9 or not worker.startswith("w"):
        return None
    try:
        return WORKER_LOCK_SPACE + int(worker[1:], 16)
    except ValueError:
        return None


async def hold_worker_lock(connection: AsyncConnection, worker: str) -> bool:
    """Take the worker's liveness lock on `connection` (kept open while the process lives)."""
    key = worker_lock_key(worker)
    if key is None:
        raise ValueError(f"worker id without a lock key: {worker!r}")
    taken = bool(await connection.scalar(select(func.pg_try_advisory_lock(key))))
    await connection.commit()  # the lock is the session's: it outlives this transaction
    return taken


async def lock_alive(connection: AsyncConnection) -> bool:
    """True while the lock's connection still works (a database restart ends it, and the lock)."""
    try:
        await connection.scalar(select(1))
        await connection.commit()
    except Exception:  # noqa: BLE001 - any failure means the connection, and so the lock, is gone
        return False
    return True


async def release_dead_workers(session: AsyncSession, me: str, now: datetime) -> tuple[int, int]:
    """Rows claimed by workers whose liveness lock nobody holds (their process died), at once."""
    owners = await session.scalars(
        select(OutboxMessage.claimed_by).distinct()
        .where(OutboxMessage.status.in_((CLAIMED, SENDING)), OutboxMessage.claimed_by != me)
    )
    released = settled = 0
    for owner in list(owners):
        key = worker_lock_key(owner or "")
        if key is None:
            continue
        # Free means dead; the transaction lock ends with this transaction.
        if not await session.scalar(select(func.pg_try_advisory_xact_lock(key))):
            continue
        one, two = await _release(session, now, OutboxMessage.claimed_by == owner)
        released, settled = released + one, settled + two
    return released, settled


async def expire(session: AsyncSession, now: datetime) -> int:
    """Rows past their use (a reminder for an activity that has begun) are not sent any more."""
    result = await session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.status == PENDING, OutboxMessage.expires_at.is_not(None), OutboxMessage.expires_at <= now)
        .values(status=FAILED, last_error="expired")
    )
    return rowcount(result)


async def cancel(session: AsyncSession, key_prefix: str, reason: str) -> int:
    """Waiting rows whose idempotency key starts with `key_prefix` are no longer wanted."""
    result = await session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.idempotency_key.startswith(key_prefix, autoescape=True), OutboxMessage.status == PENDING)
        .values(status=FAILED, last_error=reason[:200])
    )
    return rowcount(result)


async def cancel_for_chat(session: AsyncSession, chat_id: int, kind: str, reason: str) -> int:
    """Waiting rows of one kind to one chat are no longer wanted (e.g. reminders switched off)."""
    result = await session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.chat_id == chat_id, OutboxMessage.kind == kind, OutboxMessage.status == PENDING)
        .values(status=FAILED, last_error=reason[:200])
    )
    return rowcount(result)


async def forget_chat(session: AsyncSession, chat_id: int) -> int:
    """A person asked to be forgotten: every message to them, waiting or sent, is deleted."""
    result = await session.execute(delete(OutboxMessage).where(OutboxMessage.chat_id == chat_id))
    return rowcount(result)


async def prune(session: AsyncSession, before: datetime) -> int:
    """Settled rows older than `before` are history nobody reads: delete them."""
    result = await session.execute(
        delete(OutboxMessage).where(OutboxMessage.status.in_((SENT, FAILED)), OutboxMessage.created_at < before)
    )
    return rowcount(result)


async def sent_messages(session: AsyncSession, key_prefix: str) -> list[tuple[int, int]]:
    """(chat id, Telegram message id) of the sent rows whose key starts with `key_prefix`."""
    rows = await session.execute(
        select(OutboxMessage.chat_id, OutboxMessage.message_id)
        .where(OutboxMessage.idempotency_key.startswith(key_prefix, autoescape=True), OutboxMessage.status == SENT,
               OutboxMessage.message_id.is_not(None))
        .order_by(OutboxMessage.id)
    )
    return [(chat_id, message_id) for chat_id, message_id in rows if message_id is not None]  # the query keeps only those


async def by_key(session: AsyncSession, key: str) -> OutboxMessage | None:
    return await session.scalar(select(OutboxMessage).where(OutboxMessage.idempotency_key == key))


async def rows(session: AsyncSession, kind: str | None = None) -> list[OutboxMessage]:
    query = select(OutboxMessage).order_by(OutboxMessage.id)
    if kind is not None:
        query = query.where(OutboxMessage.kind == kind)
    return list(await session.scalars(query))


async def count_open(session: AsyncSession) -> int:
    return await session.scalar(select(func.count()).select_from(OutboxMessage).where(OutboxMessage.status.in_(OPEN))) or 0


async def next_due(session: AsyncSession) -> datetime | None:
    return await session.scalar(select(func.min(OutboxMessage.next_attempt_at)).where(OutboxMessage.status == PENDING))


# -- handled updates ------------------------------------------------------------------------------

@cache
def _record_handled(dialect: str) -> Insert:
    """The statement, built once (it runs for every update; building it costs more than running it)."""
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    table: Table = HandledUpdate.__table__  # type: ignore[assignment]  # declarative: always a Table
    columns = table.c
    return insert(table).values(  # Core: an ORM insert with parameters would be a bulk insert (no rowcount)
        update_id=bindparam("update_id", type_=columns.update_id.type), handled_at=bindparam("handled_at", type_=columns.handled_at.type)
    ).on_conflict_do_nothing(index_elements=["update_id"])


async def first_time(session: AsyncSession, update_id: int, now: datetime) -> bool:
    """Record `update_id` as handled; False when it was handled before (a redelivered webhook)."""
    result = await session.execute(_record_handled(session.get_bind().dialect.name), {"update_id": update_id, "handled_at": now})
    return bool(rowcount(result))


async def first_times(session: AsyncSession, handled: Sequence[tuple[int, datetime]]) -> list[bool]:
    """Record every (update_id, handled_at); per entry, whether it is new (False for an id handled
    before, or named earlier in `handled`).

    PostgreSQL: one INSERT … ON CONFLICT DO NOTHING RETURNING for all (another process may insert
    the same id at the same moment). SQLite: one read of the ids seen and one executemany insert,
    cheaper there than RETURNING; the transaction's BEGIN IMMEDIATE keeps other writers out between.
    """
    if session.get_bind().dialect.name != "postgresql":
        if len(handled) == 1:
            return [await first_time(session, *handled[0])]
        ids = sorted({update_id for update_id, _at in handled})
        seen = set(await session.scalars(select(HandledUpdate.update_id).where(HandledUpdate.update_id.in_(ids))))
        answers: list[bool] = []
        rows: list[dict[str, object]] = []
        for update_id, at in handled:
            answers.append(update_id not in seen)
            if update_id not in seen:
                seen.add(update_id)
                rows.append({"update_id": update_id, "handled_at": at})
        if rows:
            await session.execute(_record_handled("sqlite"), rows)
        return answers
    by_id: dict[int, dict[str, object]] = {}
    for update_id, at in handled:
        by_id.setdefault(update_id, {"update_id": update_id, "handled_at": at})
    statement = (
        pg_insert(HandledUpdate).values(list(by_id.values())).on_conflict_do_nothing(index_elements=["update_id"])
        .returning(HandledUpdate.update_id)
    )
    new = set(await session.scalars(statement))
    answers = []
    for update_id, _at in handled:
        answers.append(update_id in new)
        new.discard(update_id)
    return answers


async def prune_handled(session: AsyncSession, before: datetime) -> int:
    result = await session.execute(delete(HandledUpdate).where(HandledUpdate.handled_at < before))
    return rowcount(result)
