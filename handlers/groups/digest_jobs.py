"""Digest rounds: jobs in the JobQueue that queue each digest exactly once per recipient and period.

A delivery row (storage.tables_groups.DigestDelivery, unique per recipient and period) and the
digest's messages in the outbox are written in one transaction; the outbox worker sends them.
Two processes, or a restart, queue a period once. `resume_missed` (at start-up) queues digests
missed by less than 12 hours.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta

from apscheduler.triggers.cron import CronTrigger
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from telegram.ext import Application

from bot.context import KnooppuntContext
from bot.i18n import user_language
from domain.digest_period import digest_period
from domain.digest_resume import MISSED, SEND, resume_decision
from domain.digest_slots import cron_fields
from domain.schedule import Schedule, last_fire, missed_run
from handlers.groups.digest_compose import coordinator_digest, group_digest
from storage.models import GroupChat
from storage.repositories import audit, digest_data, groups, outbox, roles
from storage.repositories import networks as networks_repo, users as users_repo

logger = logging.getLogger(__name__)

MISFIRE_GRACE = timedelta(hours=12)
COORDINATOR_SCHEDULE = (0, "09:00")  # Monday 09:00, like the groups' default
COORDINATOR_JOB = "digest-coordinators"

Compose = Callable[[AsyncSession], Awaitable[list[str]]]


# -- queueing -----------------------------------------------------------------------------------

QUEUED = "queued"  # the digest's messages are in the outbox (handlers/core/outbox.py sends them)


def outbox_key(kind: str, target_id: int, period: str, part: int) -> str:
    """One key per message of a digest: two processes (or a restart) queue it once."""
    return f"digest:{kind}:{target_id}:{period}:{part}"


async def deliver(application: Application, kind: str, target_id: int, period: str, fire: datetime, compose: Compose) -> str:
    """Queue one digest exactly once per (kind, target, period); returns the delivery status.

    The delivery row (unique per period) and its outbox rows are written in one transaction:
    'queued', 'skipped' (nothing to say), an earlier status, or 'busy' (another task or process
    is on it). The outbox worker does the sending, retries and fault handling.
    """
    key = (kind, target_id, period)
    busy = application.bot_data.digest_busy
    if key in busy:
        return "busy"
    busy.add(key)
    try:
        moment = application.bot_data.now()
        async with application.bot_data.session_factory.begin() as session:
            delivery = await groups.get_delivery(session, kind, target_id, period)
            if delivery is not None:
                return delivery.status
            parts = await compose(session)
            thread_id = None
            if kind == groups.KIND_GROUP:
                group = await groups.get_group(session, target_id)
                thread_id = group.message_thread_id if group is not None else None
            status = QUEUED if parts else "skipped"
            await groups.start_delivery(session, kind, target_id, period, fire, parts, moment, status=status)
            for index, part in enumerate(parts):
                await outbox.enqueue(session, target_id, f"digest_{kind}", part, outbox_key(kind, target_id, period, index),
                                     moment, thread_id=thread_id)
    except IntegrityError:
        return "busy"  # another process recorded it first
    finally:
        busy.discard(key)
    if application.bot_data.outbox is not None:
        application.bot_data.outbox.wake()
    return status


# -- group digests ------------------------------------------------------------------------------

def group_schedule(group: GroupChat, application: Application) -> Schedule:
    return Schedule.parse(group.digest_weekday, group.digest_time, application.bot_data.settings.timezone)


async def compose_group(session: AsyncSession, application: Application, group: GroupChat, moment: datetime, since: datetime | None = None) -> list[str]:
    """The digest a group gets at `moment`: from the data as it is now."""
    settings = application.bot_data.settings
    network = await networks_repo.get_network(session, group.network_id)
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
    fire = fire or last_fire(schedule, application.bot_data.now())
    period = digest_period(schedule, fire)

    async def compose(session: AsyncSession) -> list[str]:
        current = await groups.get_group(session, chat_id)
        return await compose_group(session, application, current, application.bot_data.now())

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
    """Queue many groups' digests; one group's failure never stops the others (sending is the outbox's)."""
    fires = fires or {}
    results: dict[int, str] = {}
    for chat_id in chat_ids:
        try:
            results[chat_id] = await run_group_digest(application, chat_id, fires.get(chat_id))
        except Exception:  # noqa: BLE001 - logged, and the round goes on
            logger.exception("Group digest for %s failed", chat_id)
            results[chat_id] = "error"
    return results


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
    user = await users_repo.get_user(session, user_id)
    language = user_language(user, settings.default_language)
    return coordinator_digest(facts, moment, language, settings.timezone)


async def run_coordinator_digest(application: Application, user_id: int, fire: datetime | None = None) -> str:
    schedule = coordinator_schedule(application)
    fire = fire or last_fire(schedule, application.bot_data.now())

    async def compose(session: AsyncSession) -> list[str]:
        return await compose_coordinator(session, application, user_id, application.bot_data.now())

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
    """Queue the digests missed by less than 12 hours; record older ones as missed."""
    moment = application.bot_data.now()
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
            # A delivery row is written with its outbox rows in one transaction: it exists = queued already.
            decision = resume_decision(
                fire=fire, now=moment, delivery_status=delivery.status if delivery is not None else None,
                linked_at=group.linked_at, schedule_set_at=schedule_set.get(str(group.chat_id)),
            )
            if decision == SEND:
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
