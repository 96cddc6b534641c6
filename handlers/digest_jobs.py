"""Digest rounds: jobs in the JobQueue, sending with retries, exactly once per recipient and period.

A delivery row (storage.tables_groups.DigestDelivery) is written with the composed messages
before the first one goes out and updated before and after every message, each in its own
transaction. A crash mid-round therefore leaves rows that tell a restarted bot exactly what is
left: `resume_missed` (at start-up) finishes them and sends digests missed by less than 12 hours.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta, timezone

from apscheduler.triggers.cron import CronTrigger
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from telegram.error import BadRequest, ChatMigrated, Forbidden, NetworkError, RetryAfter, TelegramError
from telegram.ext import Application

from bot.context import KnooppuntContext
from bot.i18n import user_language
from domain.digest_period import digest_period
from domain.digest_resume import FINISH, MISSED, SEND, resume_decision
from domain.digest_slots import cron_fields
from domain.schedule import Schedule, last_fire, missed_run
from handlers.digest_compose import coordinator_digest, group_digest
from handlers.telegram_faults import retry_after_seconds
from storage.models import GroupChat, Network, User
from storage.repositories import audit, digest_data, groups, roles

logger = logging.getLogger(__name__)

RETRIES = 4  # attempts per message for timeouts, 5xx and RetryAfter
BACKOFF_SECONDS = (1.0, 3.0, 9.0)
MISFIRE_GRACE = timedelta(hours=12)
RETRY_LATER = timedelta(minutes=10)  # a round that failed on the network is tried again
COORDINATOR_SCHEDULE = (0, "09:00")  # Monday 09:00, like the groups' default
COORDINATOR_JOB = "digest-coordinators"
ROUND_CONCURRENCY = 10  # groups in progress at once; AIORateLimiter paces the messages themselves

Compose = Callable[[AsyncSession], Awaitable[list[str]]]


# -- time and hooks (injectable for tests) --------------------------------------------------------

def now(application: Application) -> datetime:
    """The current instant; tests put a clock in bot_data.extras['clock']."""
    clock = application.bot_data.extras.get("clock")
    return clock() if clock is not None else datetime.now(timezone.utc)


async def _sleep(application: Application, seconds: float) -> None:
    sleeper = application.bot_data.extras.get("sleep", asyncio.sleep)
    await sleeper(seconds)


# -- sending ------------------------------------------------------------------------------------

async def send_with_retries(application: Application, chat_id: int, text: str, thread_id: int | None = None) -> None:
    """Send one message; RetryAfter is waited out, timeouts and 5xx retried with backoff."""
    await with_retries(application, lambda: application.bot.send_message(chat_id, text, message_thread_id=thread_id))


async def with_retries(application: Application, attempt: Callable[[], Awaitable[object]]) -> None:
    """Run one Bot API call; RetryAfter is waited out, timeouts and 5xx retried with backoff.

    Forbidden, BadRequest and ChatMigrated are raised at once: retrying cannot help them.
    """
    for number in range(RETRIES):
        try:
            await attempt()
            return
        except (Forbidden, ChatMigrated, BadRequest):
            raise
        except RetryAfter as exc:
            if number == RETRIES - 1:
                raise
            await _sleep(application, retry_after_seconds(exc) + 0.5)
        except NetworkError:  # timeouts (TimedOut) and 5xx
            if number == RETRIES - 1:
                raise
            await _sleep(application, BACKOFF_SECONDS[min(number, len(BACKOFF_SECONDS) - 1)])


async def group_unreachable(application: Application, chat_id: int, exc: TelegramError) -> None:
    """Telegram said Forbidden (removed or blocked): mark the group inactive, record it, stop its digest."""
    async with application.bot_data.session_factory.begin() as session:
        await groups.mark_inactive(session, chat_id, "forbidden: " + str(exc))
        audit.record(session, None, "group_unreachable", "group_chat", chat_id, error=str(exc)[:200])
    unschedule_group(application, chat_id)


def _busy(application: Application) -> set[tuple[str, int, str]]:
    return application.bot_data.extras.setdefault("digest_busy", set())


async def deliver(application: Application, kind: str, target_id: int, period: str, fire: datetime, compose: Compose) -> str:
    """Send one digest exactly once per (kind, target, period); returns the delivery status.

    Returns 'sent', 'skipped' (nothing to say), 'failed' (recipient unreachable), 'retry'
    (network trouble: parts left for a later try) or 'busy' (another task is on it).
    """
    key = (kind, target_id, period)
    if key in _busy(application):
        return "busy"
    _busy(application).add(key)
    try:
        return await _deliver(application, kind, target_id, period, fire, compose)
    finally:
        _busy(application).discard(key)


async def _deliver(application: Application, kind: str, target_id: int, period: str, fire: datetime, compose: Compose) -> str:
    factory = application.bot_data.session_factory
    try:
        async with factory.begin() as session:
            delivery = await groups.get_delivery(session, kind, target_id, period)
            if delivery is None:
                parts = await compose(session)
                delivery = await groups.start_delivery(
                    session, kind, target_id, period, fire, parts, now(application), status="sending" if parts else "skipped"
                )
            elif delivery.status != "sending":
                return delivery.status
            elif delivery.in_flight:
                logger.warning("Digest %s for %s (%s): part %d was in flight at a crash; counted as sent", kind, target_id, period, delivery.parts_sent + 1)
                delivery.parts_sent += 1
                delivery.in_flight = False
            delivery_id, parts, sent = delivery.id, list(delivery.parts or []), delivery.parts_sent
            status = delivery.status
    except IntegrityError:
        return "busy"  # another process recorded it first
    if status != "sending":
        return status

    chat_id, thread_id = target_id, None
    if kind == groups.KIND_GROUP:
        async with factory() as session:
            group = await groups.get_group(session, target_id)
            thread_id = group.message_thread_id if group is not None else None

    for index in range(sent, len(parts)):
        async with factory.begin() as session:
            (await _row(session, delivery_id)).in_flight = True
        try:
            try:
                await send_with_retries(application, chat_id, parts[index], thread_id)
            except ChatMigrated as exc:
                chat_id = await migrated(application, kind, chat_id, exc.new_chat_id)
                thread_id = None
                await send_with_retries(application, chat_id, parts[index], thread_id)
        except Forbidden as exc:
            await _finish(application, delivery_id, "failed", str(exc), in_flight=False)
            if kind == groups.KIND_GROUP:
                await group_unreachable(application, chat_id, exc)
            logger.warning("Digest %s for %s (%s) not delivered: %s", kind, chat_id, period, exc)
            return "failed"
        except TelegramError as exc:
            async with factory.begin() as session:
                row = await _row(session, delivery_id)
                row.in_flight = False
                row.error = str(exc)[:200]
            if isinstance(exc, BadRequest):
                await _finish(application, delivery_id, "failed", str(exc))
                logger.error("Digest %s for %s (%s) refused by Telegram: %s", kind, chat_id, period, exc)
                return "failed"
            logger.warning("Digest %s for %s (%s) hit network trouble, will retry: %s", kind, chat_id, period, exc)
            _retry_later(application, kind, chat_id)
            return "retry"
        async with factory.begin() as session:
            row = await _row(session, delivery_id)
            row.parts_sent = index + 1
            row.in_flight = False
    await _finish(application, delivery_id, "sent", None)
    return "sent"


async def _row(session: AsyncSession, delivery_id: int):  # noqa: ANN202 - DigestDelivery
    from storage.tables_groups import DigestDelivery

    return await session.get(DigestDelivery, delivery_id)


async def _finish(application: Application, delivery_id: int, status: str, error: str | None, in_flight: bool | None = None) -> None:
    async with application.bot_data.session_factory.begin() as session:
        row = await _row(session, delivery_id)
        row.status = status
        row.error = error[:200] if error else None
        row.finished_at = now(application)
        if in_flight is not None:
            row.in_flight = in_flight


async def migrated(application: Application, kind: str, old_id: int, new_id: int) -> int:
    if kind == groups.KIND_GROUP:
        async with application.bot_data.session_factory.begin() as session:
            group = await groups.migrate_chat(session, old_id, new_id)
        unschedule_group(application, old_id)
        if group is not None:
            schedule_group(application, group)
    logger.info("Chat %s became supergroup %s; link kept", old_id, new_id)
    return new_id


def _retry_later(application: Application, kind: str, target_id: int) -> None:
    job_queue = application.job_queue
    callback = _group_job if kind == groups.KIND_GROUP else _coordinator_retry_job
    job_queue.run_once(
        callback, RETRY_LATER, data=target_id, name=f"digest-retry-{kind}-{target_id}",
        job_kwargs={"id": f"digest-retry-{kind}-{target_id}", "replace_existing": True, "misfire_grace_time": int(MISFIRE_GRACE.total_seconds())},
    )


# -- group digests ------------------------------------------------------------------------------

def group_schedule(group: GroupChat, application: Application) -> Schedule:
    return Schedule.parse(group.digest_weekday, group.digest_time, application.bot_data.settings.timezone)


async def compose_group(session: AsyncSession, application: Application, group: GroupChat, moment: datetime, since: datetime | None = None) -> list[str]:
    """The digest a group gets at `moment`: from the data as it is now."""
    settings = application.bot_data.settings
    network = await session.get(Network, group.network_id)
    if network is None:
        return []
    if since is None:
        previous = await groups.last_sent(session, groups.KIND_GROUP, group.chat_id)
        since = previous.scheduled_for if previous is not None else moment - timedelta(days=7)
    week = await digest_data.network_week(session, network.id, network.name, moment, since, settings.timezone)
    return group_digest(week, moment, group.language, settings.timezone, application.bot.username, group.digest_skip_empty)


async def run_group_digest(application: Application, chat_id: int, fire: datetime | None = None) -> str:
    """The digest of one group for the period of `fire` (default: its latest fire time)."""
    async with application.bot_data.session_factory() as session:
        group = await groups.get_group(session, chat_id)
        if group is None or group.network_id is None or not group.active or group.digest_paused:
            return "skipped"
        schedule = group_schedule(group, application)
    fire = fire or last_fire(schedule, now(application))
    period = digest_period(schedule, fire)

    async def compose(session: AsyncSession) -> list[str]:
        current = await groups.get_group(session, chat_id)
        return await compose_group(session, application, current, now(application))

    return await deliver(application, groups.KIND_GROUP, chat_id, period, fire, compose)


async def _group_job(context: KnooppuntContext) -> None:
    status = await run_group_digest(context.application, context.job.data)
    logger.info("Group digest for %s: %s", context.job.data, status)


def _job_id(chat_id: int) -> str:
    return f"digest-group-{chat_id}"


def schedule_group(application: Application, group: GroupChat) -> None:
    """(Re)register a group's digest job; removes it when the group should get nothing."""
    if group.network_id is None or not group.active or group.digest_paused:
        unschedule_group(application, group.chat_id)
        return
    settings = application.bot_data.settings
    schedule = group_schedule(group, application)
    unschedule_group(application, group.chat_id)  # replace_existing only applies once the scheduler runs
    application.job_queue.run_custom(
        _group_job,
        job_kwargs={
            "trigger": CronTrigger(timezone=settings.timezone, **cron_fields(schedule)),
            "id": _job_id(group.chat_id),
            "replace_existing": True,
            "misfire_grace_time": int(MISFIRE_GRACE.total_seconds()),
            "coalesce": True,
        },
        data=group.chat_id,
        name=_job_id(group.chat_id),
    )


def unschedule_group(application: Application, chat_id: int) -> None:
    for job in application.job_queue.get_jobs_by_name(_job_id(chat_id)):
        job.schedule_removal()


async def run_groups_round(application: Application, chat_ids: list[int], fires: dict[int, datetime] | None = None) -> dict[int, str]:
    """Many groups at once; one group's failure never stops the others."""
    fires = fires or {}
    gate = asyncio.Semaphore(ROUND_CONCURRENCY)

    async def one(chat_id: int) -> str:
        try:
            async with gate:
                return await run_group_digest(application, chat_id, fires.get(chat_id))
        except Exception:  # noqa: BLE001 - logged, and the round goes on
            logger.exception("Group digest for %s failed", chat_id)
            return "error"

    results = await asyncio.gather(*(one(chat_id) for chat_id in chat_ids))
    return dict(zip(chat_ids, results, strict=True))


# -- coordinator digests ------------------------------------------------------------------------

def coordinator_schedule(application: Application) -> Schedule:
    return Schedule.parse(*COORDINATOR_SCHEDULE, application.bot_data.settings.timezone)


async def compose_coordinator(session: AsyncSession, application: Application, user_id: int, moment: datetime) -> list[str]:
    settings = application.bot_data.settings
    network_ids = await roles.coordinated_network_ids(session, user_id)
    facts = [
        await digest_data.coordinator_facts(session, network.id, network.name, moment, settings.timezone)
        for network in await groups.networks(session, network_ids)
    ]
    user = await session.get(User, user_id)
    language = user_language(user, settings.default_language)
    return coordinator_digest(facts, moment, language, settings.timezone)


async def run_coordinator_digest(application: Application, user_id: int, fire: datetime | None = None) -> str:
    schedule = coordinator_schedule(application)
    fire = fire or last_fire(schedule, now(application))

    async def compose(session: AsyncSession) -> list[str]:
        return await compose_coordinator(session, application, user_id, now(application))

    return await deliver(application, groups.KIND_COORDINATOR, user_id, digest_period(schedule, fire), fire, compose)


async def run_coordinator_round(application: Application, fire: datetime | None = None) -> dict[int, str]:
    async with application.bot_data.session_factory() as session:
        user_ids = await groups.coordinator_ids(session)
    results = {}
    for user_id in user_ids:  # private chats: one after the other is kind to Telegram's limits
        try:
            results[user_id] = await run_coordinator_digest(application, user_id, fire)
        except Exception:  # noqa: BLE001
            logger.exception("Coordinator digest for %s failed", user_id)
            results[user_id] = "error"
    return results


async def _coordinator_job(context: KnooppuntContext) -> None:
    results = await run_coordinator_round(context.application)
    logger.info("Coordinator digests: %s", results)


async def _coordinator_retry_job(context: KnooppuntContext) -> None:
    await run_coordinator_digest(context.application, context.job.data)


def schedule_coordinators(application: Application) -> None:
    settings = application.bot_data.settings
    application.job_queue.run_custom(
        _coordinator_job,
        job_kwargs={
            "trigger": CronTrigger(timezone=settings.timezone, **cron_fields(coordinator_schedule(application))),
            "id": COORDINATOR_JOB,
            "replace_existing": True,
            "misfire_grace_time": int(MISFIRE_GRACE.total_seconds()),
            "coalesce": True,
        },
        name=COORDINATOR_JOB,
    )


# -- start-up -------------------------------------------------------------------------------------

async def resume_missed(application: Application) -> dict[int, str]:
    """Finish interrupted digests and send those missed by less than 12 hours; record older ones as missed."""
    moment = now(application)
    due: dict[int, datetime] = {}
    async with application.bot_data.session_factory.begin() as session:
        schedule_set = await audit.last_done(session, "digest_time", "group_chat")
        for group in await groups.linked_groups(session):
            if group.digest_paused:
                continue
            schedule = group_schedule(group, application)
            fire = last_fire(schedule, moment)
            period = digest_period(schedule, fire)
            delivery = await groups.get_delivery(session, groups.KIND_GROUP, group.chat_id, period)
            decision = resume_decision(
                fire=fire, now=moment, delivery_status=delivery.status if delivery is not None else None,
                linked_at=group.linked_at, schedule_set_at=schedule_set.get(str(group.chat_id)),
            )
            if decision in (FINISH, SEND):
                due[group.chat_id] = fire
            elif decision == MISSED:
                logger.warning("Digest for group %s due %s skipped: missed by more than 12 hours", group.chat_id, fire.isoformat())
                await groups.start_delivery(session, groups.KIND_GROUP, group.chat_id, period, fire, [], moment, status="missed")
    results = await run_groups_round(application, sorted(due), due) if due else {}
    coordinator_fire = missed_run(None, moment, coordinator_schedule(application))
    if coordinator_fire is not None:
        results.update(await run_coordinator_round(application, coordinator_fire))
    return results


async def on_startup(application: Application) -> None:
    async with application.bot_data.session_factory() as session:
        linked = await groups.linked_groups(session)
    for group in linked:
        schedule_group(application, group)
    schedule_coordinators(application)
    # post_init runs before the JobQueue starts: catching up is a job, so polling is not held up.
    application.job_queue.run_once(
        _resume_job, 0, name="digest-resume",
        job_kwargs={"id": "digest-resume", "replace_existing": True, "misfire_grace_time": int(MISFIRE_GRACE.total_seconds())},
    )


async def _resume_job(context: KnooppuntContext) -> None:
    results = await resume_missed(context.application)
    if results:
        logger.info("Digests sent at start-up: %s", results)
