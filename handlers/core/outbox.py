"""The outbox worker: sends every message the bot sends on its own, one row at a time per chat.

Handlers and jobs only write rows (storage.repositories.outbox.enqueue) in the transaction of
the change that caused them; this worker claims due rows, hands them to Telegram through the
rate limiter, and settles each one: sent, pending again later (timeouts, 5xx, 429 — backoff kept
in the database), or failed (refused; blocked users and removed groups are marked). A row is
claimed before it is sent and marked "sending" the moment it leaves for Telegram. IN_FLIGHT rows
may wait in the rate limiter at once, but only one is handed to Telegram at a time (the worker's
`handing` lock, held from "sending" until Telegram answers), so a crash can count at most one
unanswered message as sent; nothing is ever sent twice by design: a row is
marked "sending" only while this worker still holds its claim. On PostgreSQL each worker holds an
advisory lock while its process lives, so the claims of a dead process are released at once by
the others (or by the restarted one). See docs/architecture.md.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession
from telegram import InlineKeyboardMarkup, Message
from telegram.error import BadRequest, RetryAfter, TelegramError
from telegram.ext import Application

from bot.context import KnooppuntContext
from bot.rate_limit import Handed, SendingRateLimiter
from bot.telegram_request import ReplyScope
from domain.retry_policy import OUTBOX_BACKOFF, OUTBOX_GIVE_UP_AFTER, backoff_delay
from handlers.groups import digest_jobs
from handlers.core.common import edit_needless
from handlers.core.telegram_faults import BLOCKED, MIGRATED, TRANSIENT, classify, retry_after_seconds
from storage.db import database_unavailable
from storage.repositories import audit, groups
from storage.repositories import outbox as repo
from storage.tables_outbox import OutboxMessage

logger = logging.getLogger(__name__)

BATCH = 30  # rows claimed at once: about one second of Telegram's 30 messages/s
IN_FLIGHT = 4  # rows on their way at once (waiting in the rate limiter); one of them is handed at a time
IDLE_POLL_S = 1.0  # how often an idle worker looks for due rows (other processes write rows too)
LEASE = timedelta(minutes=2)  # a claim older than this belongs to a dead worker
MAINTENANCE_EVERY = timedelta(minutes=1)
KEEP_SETTLED = timedelta(days=14)  # sent and failed rows, for questions like "did the digest go out?"
KEEP_UPDATE_IDS = timedelta(days=1)

# Rows whose `method` is not a text or photo message (a native poll, stopping one, an edit) are sent
# by the sender registered for it: SENDERS[method](application, row, extra) -> the sent Message or
# None (nothing to send any more: the row counts as done).
Sender = Callable[[Application, OutboxMessage, dict], Awaitable[Message | None]]
SENDERS: dict[str, Sender] = {}


def register_sender(method: str, sender: Sender) -> None:
    if SENDERS.get(method, sender) is not sender:
        raise ValueError(f"outbox method {method!r} is taken")
    SENDERS[method] = sender


async def edit_text(application: Application, row: OutboxMessage, extra: dict) -> Message | None:
    """Sender of method "edit_text" (rows written by repositories.outbox.enqueue_edit): the message
    `row.message_id` in `row.chat_id` gets the row's text and buttons (none: its buttons go).

    An edit Telegram refuses because there is nothing to do (the message says that already, was
    deleted, or can no longer be edited) is done, not retried: sending it again changes nothing.
    """
    if row.message_id is None:
        return None
    kwargs = {key: extra[key] for key in ("reply_markup", "rate_limit_args") if key in extra}
    try:
        edited = await application.bot.edit_message_text(row.text, chat_id=row.chat_id, message_id=row.message_id, **kwargs)
    except BadRequest as exc:
        if not edit_needless(exc):
            raise
        logger.info("Outbox edit %s of message %s in %s not needed: %s", row.kind, row.message_id, row.chat_id, exc)
        return None
    return edited if isinstance(edited, Message) else None


register_sender(repo.EDIT_TEXT, edit_text)


@dataclass
class OutboxWorker:
    """Per-process state of the worker, kept on Services.outbox."""

    worker_id: str = field(default_factory=repo.new_worker_id)
    lock: AsyncConnection | None = None  # PostgreSQL: holds the worker's liveness lock (see below)
    wake_event: asyncio.Event = field(default_factory=asyncio.Event)
    paused_until: datetime | None = None  # Telegram said 429: nobody sends unprompted until then
    # One row between "sending" and Telegram's answer at a time: what a crash can count as sent
    # without knowing is that one message.
    handing: asyncio.Lock = field(default_factory=asyncio.Lock)
    last_maintenance: datetime | None = None

    def wake(self) -> None:
        """New rows were committed: look now instead of at the next poll."""
        self.wake_event.set()


def worker_of(application: Application) -> OutboxWorker:
    if application.bot_data.outbox is None:
        application.bot_data.outbox = OutboxWorker()
    return application.bot_data.outbox


# -- where a message landed ------------------------------------------------------------------------
# A capability that edits its messages later, at any age (the outbox's own history is kept only
# KEEP_SETTLED), registers a listener for its idempotency-key prefix. The listener runs in the
# transaction that marks the row sent, with Telegram's message id, and stores it in the capability's
# own table (e.g. handlers.together.posts: the groups' messages of an item), and may write rows of
# its own in that transaction (an edit of a message that went out after its item closed). It must not raise.
SentListener = Callable[[Application, AsyncSession, OutboxMessage, int], Awaitable[None]]
SENT_LISTENERS: dict[str, SentListener] = {}


def on_sent(key_prefix: str, listener: SentListener) -> None:
    if SENT_LISTENERS.get(key_prefix, listener) is not listener:
        raise ValueError(f"outbox key prefix {key_prefix!r} already has a listener")
    SENT_LISTENERS[key_prefix] = listener


async def _tell_listeners(application: Application, session: AsyncSession, row: OutboxMessage, message_id: int | None) -> None:
    if message_id is None:
        return
    for prefix, listener in SENT_LISTENERS.items():
        if row.idempotency_key.startswith(prefix):
            await listener(application, session, row, message_id)


# -- one round ------------------------------------------------------------------------------------

async def drain_once(application: Application, limit: int = BATCH) -> int:
    """Claim due rows and send them (different chats at once); returns how many were claimed."""
    services = application.bot_data
    worker = worker_of(application)
    now = services.now()
    if worker.paused_until is not None and worker.paused_until > now:
        return 0
    if _shared(application) and not await hold_lock(application):
        return 0  # without its liveness lock a worker could be taken for dead: it claims nothing
    async with services.session_factory.begin() as session:
        rows = await repo.claim_due(session, worker.worker_id, now, limit)
    if rows:
        gate = asyncio.Semaphore(IN_FLIGHT)

        async def gated(row: OutboxMessage) -> tuple[int, int | None] | None:
            async with gate:
                return await send_row(application, row)

        outcomes = await asyncio.gather(*(gated(row) for row in rows))
        sent = [outcome for outcome in outcomes if outcome is not None]
        if sent:  # one transaction for the round's successes (the rows are 'sending' until then)
            by_id = {row.id: row for row in rows}
            async with services.session_factory.begin() as session:
                for row_id, message_id in sent:
                    await repo.mark_sent(session, row_id, services.now(), message_id)
                    await _tell_listeners(application, session, by_id[row_id], message_id)
    return len(rows)


class ClaimLost(Exception):
    """The row is no longer this worker's (released as a dead worker's): it is not sent from here."""


async def _send(application: Application, row: OutboxMessage, chat_id: int, thread_id: int | None) -> Message | None:
    """Hand one row to Telegram; marks it "sending" just before the request leaves (after any wait
    in the rate limiter), and only if this worker still holds the claim."""
    factory = application.bot_data.session_factory
    worker = worker_of(application)
    held = False

    async def handed() -> None:
        nonlocal held
        await worker.handing.acquire()
        held = True
        async with factory.begin() as session:
            if not await repo.mark_handed(session, row.id, worker.worker_id):
                raise ClaimLost(row.id)

    markup = InlineKeyboardMarkup.de_json(row.reply_markup, application.bot) if row.reply_markup else None
    extra: dict = {"reply_markup": markup, "message_thread_id": thread_id}
    try:
        if isinstance(application.bot.rate_limiter, SendingRateLimiter):
            extra["rate_limit_args"] = Handed(handed)
        else:  # no limiter (tests): nothing waits between here and the request
            await handed()
        if row.method in SENDERS:
            return await SENDERS[row.method](application, row, extra)
        if row.method == "photo":
            return await application.bot.send_photo(chat_id, row.photo, caption=row.text, **extra)
        return await application.bot.send_message(chat_id, row.text, **extra)
    finally:
        if held:
            worker.handing.release()


async def send_row(application: Application, row: OutboxMessage) -> tuple[int, int | None] | None:
    """Send one claimed row; (row id, message id) when Telegram took it, else None (settled here)."""
    services = application.bot_data
    try:
        message = await _send(application, row, row.chat_id, row.thread_id)
    except ClaimLost:
        logger.warning("Outbox row %s was released by another process before it left; not sent here", row.id)
    except TelegramError as exc:
        await settle_failure(application, row, exc)
    except Exception:  # noqa: BLE001 - a bug must not leave the row claimed forever
        logger.exception("Outbox row %s (%s) could not be sent", row.id, row.kind)
        async with services.session_factory.begin() as session:
            await repo.mark_failed(session, row.id, "internal error")
    else:
        return row.id, message.message_id if message else None
    return None


def _not_found(exc: TelegramError) -> bool:
    return isinstance(exc, BadRequest) and "chat not found" in str(exc).lower()


async def settle_failure(application: Application, row: OutboxMessage, exc: TelegramError) -> None:
    """Classify once, settle the row in the database; a refused send is never counted as sent."""
    services = application.bot_data
    now = services.now()
    kind = BLOCKED if _not_found(exc) else classify(exc)
    error = f"{type(exc).__name__}: {exc}"
    async with services.session_factory.begin() as session:
        if kind == TRANSIENT:
            wait = retry_after_seconds(exc) if isinstance(exc, RetryAfter) else 0
            if isinstance(exc, RetryAfter):  # the whole bot is over the limit: everyone waits here
                worker_of(application).paused_until = now + timedelta(seconds=wait)
            # A 429 is Telegram's own timing (the message itself was fine); other faults back off.
            at = now + (timedelta(seconds=wait) if wait else backoff_delay(row.attempts + 1, OUTBOX_BACKOFF))
            if now - row.created_at > OUTBOX_GIVE_UP_AFTER or (row.expires_at is not None and at >= row.expires_at):
                await repo.mark_failed(session, row.id, "gave up: " + error)
            else:
                await repo.retry_later(session, row.id, at, error)
            logger.warning("Outbox %s to %s not sent (%s); trying again", row.kind, row.chat_id, type(exc).__name__)
        elif kind == MIGRATED:
            new_id = exc.new_chat_id
            await repo.retry_later(session, row.id, now, error, count=False)
            group = await groups.migrate_chat(session, row.chat_id, new_id)  # moves the waiting rows too
            await repo.move_chat(session, row.chat_id, new_id)
        elif kind == BLOCKED:
            await repo.mark_failed(session, row.id, error)
            await repo.fail_open_rows(session, row.chat_id, "unreachable")
            if row.chat_id > 0:
                await repo.mark_user_unreachable(session, row.chat_id, now)
            else:
                await groups.mark_inactive(session, row.chat_id, "forbidden: " + str(exc))
                audit.record(session, None, "group_unreachable", "group_chat", row.chat_id, error=str(exc)[:200])
            logger.info("Outbox %s: chat %s blocked the bot or is gone; marked unreachable", row.kind, row.chat_id)
        else:
            await repo.mark_failed(session, row.id, error)
            logger.error("Outbox %s to %s refused by Telegram: %s", row.kind, row.chat_id, exc)
    if kind == MIGRATED:
        digest_jobs.unschedule_group(application, row.chat_id)
        if group is not None:
            digest_jobs.schedule_group(application, group)
        logger.info("Chat %s became supergroup %s; its messages follow", row.chat_id, new_id)
    elif kind == BLOCKED:
        if row.chat_id < 0:
            digest_jobs.unschedule_group(application, row.chat_id)
        else:  # they may write again: then users.once_per_update records them (and clears the mark)
            application.user_data.get(row.chat_id, {}).pop("last_recorded", None)


async def maintain(application: Application, lease: timedelta = LEASE) -> None:
    """Release claims of dead workers, expire and prune old rows and handled update ids."""
    services = application.bot_data
    now = services.now()
    shared = _shared(application)
    if shared:
        await check_lock(application)
    async with services.session_factory.begin() as session:
        released, settled = await repo.release_stale(session, now, lease, lockable=not shared)
        if shared:  # a worker whose process died is known at once by its free lock
            more, also = await repo.release_dead_workers(session, worker_of(application).worker_id, now)
            released, settled = released + more, settled + also
        await repo.expire(session, now)
        await repo.prune(session, now - KEEP_SETTLED)
        await repo.prune_handled(session, now - KEEP_UPDATE_IDS)
    if released or settled:
        logger.warning("Outbox: %d claimed rows released, %d in flight at a crash counted as sent", released, settled)
    worker_of(application).last_maintenance = now


# -- liveness (PostgreSQL: several processes share the outbox) ------------------------------------

def _shared(application: Application) -> bool:
    return application.bot_data.engine.dialect.name == "postgresql"


async def hold_lock(application: Application) -> bool:
    """Hold this worker's liveness lock (storage.repositories.outbox.hold_worker_lock); True when held."""
    worker = worker_of(application)
    if worker.lock is not None:
        return True
    connection = await application.bot_data.engine.connect()
    try:
        while not await repo.hold_worker_lock(connection, worker.worker_id):
            worker.worker_id = repo.new_worker_id()  # that id is taken (one in four billion): another
    except Exception:
        await connection.close()
        raise
    worker.lock = connection
    return True


async def check_lock(application: Application) -> None:
    """A lost connection (a database restart) lost the lock too: take it again, on a new id (rows
    claimed under the old one may already be released by another process)."""
    worker = worker_of(application)
    if worker.lock is not None:
        if await repo.lock_alive(worker.lock):
            return
        logger.warning("Outbox: the worker's lock connection was lost; taking a new one")
        await drop_lock(application)
        worker.worker_id = repo.new_worker_id()
    await hold_lock(application)


async def drop_lock(application: Application) -> None:
    worker = worker_of(application)
    connection, worker.lock = worker.lock, None
    if connection is not None:
        try:
            await connection.close()
        except Exception:  # noqa: BLE001 - the connection is gone already
            pass


# -- the loop -------------------------------------------------------------------------------------

async def run(application: Application) -> None:
    """Send due rows while the application runs (Application.stop waits for this task to end)."""
    ReplyScope.leave()  # its sends are retried by the outbox alone, never by RetryingRequest too
    worker = worker_of(application)
    services = application.bot_data
    logger.info("Outbox worker %s started", worker.worker_id)
    read_only = False  # the database takes no writes (handlers.core.database_outage tells the admins)
    while application.running:
        now = services.now()
        try:
            if worker.last_maintenance is None or now - worker.last_maintenance >= MAINTENANCE_EVERY:
                await maintain(application)
            claimed = await drain_once(application)
            read_only = False
        except Exception as exc:  # noqa: BLE001 - the database may be away for a moment; keep going
            if not database_unavailable(exc):
                logger.exception("Outbox round failed")
            elif not read_only:
                logger.warning("Outbox: the database takes no writes; nothing is sent until it does")
                read_only = True
            claimed = 0
        if claimed:
            continue
        wait = IDLE_POLL_S
        if worker.paused_until is not None and worker.paused_until > now:
            wait = min(wait, (worker.paused_until - now).total_seconds())
        worker.wake_event.clear()
        try:
            await asyncio.wait_for(worker.wake_event.wait(), timeout=wait)
        except TimeoutError:
            pass
    await drop_lock(application)
    logger.info("Outbox worker %s stopped", worker.worker_id)


async def _start(context: KnooppuntContext) -> None:
    context.application.create_task(run(context.application), name="outbox-worker")


async def on_startup(application: Application) -> None:
    """The worker starts with the JobQueue (after start-up), so tests that never start the
    application drain the outbox themselves (tests/harness.py BotHarness.drain)."""
    worker_of(application)
    # SQLite serves one process: whatever it left claimed or in flight is this process's own past.
    single = application.bot_data.engine.dialect.name == "sqlite"
    try:
        await maintain(application, lease=timedelta(0) if single else LEASE)
    except Exception as exc:
        if not database_unavailable(exc):
            raise
        # A read-only database must not stop the start: residents get a calm answer meanwhile, and
        # the worker's own housekeeping releases old claims once writes work again.
        logger.warning("Outbox: the database takes no writes at start-up; housekeeping waits")
    if application.job_queue is not None:
        application.job_queue.run_once(_start, 0, name="outbox-worker", job_kwargs={"id": "outbox-worker", "replace_existing": True})


def register(application: Application) -> None:
    worker_of(application)  # each update once: handlers.core.users.once_per_update
