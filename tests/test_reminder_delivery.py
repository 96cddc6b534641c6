"""Reminders survive Bot API faults: queued once, delivered by the outbox once Telegram recovers,
never twice, also across a restart."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import select

from bot.app import build_application
from handlers.activities.reminders import job_name
from storage.models import User
from storage.repositories import outbox
from storage.tables_activities import ReminderSent
from tests.activity_seed import NOW, RESIDENT, TZ, add_activity, seed
from tests.harness import BotHarness

pytestmark = pytest.mark.storage

REMINDER_TIME = datetime(2026, 12, 7, 10, 0, tzinfo=TZ)  # a day before Tuesday 8 December 10:00
TEXT = "Herinnering: morgen is <b>Koffie-ochtend</b>"


class Clock:
    def __init__(self, moment: datetime) -> None:
        self.moment = moment

    def __call__(self) -> datetime:
        return self.moment


@pytest.fixture
async def coming(bot):
    """A one-off activity on Tuesday 10:00 and a resident who said "Ik kom" on Thursday before."""
    clock = Clock(NOW)
    bot.app.bot_data.clock = clock
    world = await seed(bot.session_factory)
    activity = await add_activity(bot.session_factory, world, "Koffie-ochtend", datetime(2026, 12, 8, 10, 0, tzinfo=TZ),
                                  datetime(2026, 12, 8, 12, 0, tzinfo=TZ))
    await bot.press(f"ac:r:{activity}")
    clock.moment = REMINDER_TIME
    return activity, clock


async def run_job(harness: BotHarness, name: str) -> None:
    jobs = harness.app.job_queue.get_jobs_by_name(name)
    assert jobs, f"no job {name} planned"
    await jobs[-1].run(harness.app)
    await harness.drain()


def reminders(api) -> list:  # noqa: ANN001
    return [call for call in api.sent(RESIDENT["id"]) if TEXT in call.text]


async def rows(bot) -> list:
    async with bot.session_factory() as session:
        return await outbox.rows(session, "reminder")


async def test_queued_once_with_the_activity_start_as_expiry(bot, coming):
    activity, _clock = coming
    await run_job(bot, job_name(activity))
    await run_job(bot, job_name(activity))  # a second run (restart, other process) queues nothing
    [sent] = reminders(bot.api)
    assert "dinsdag 8 december 2026, 10:00 – 12:00" in sent.text
    [row] = await rows(bot)
    assert (row.status, row.expires_at) == ("sent", datetime(2026, 12, 8, 10, 0, tzinfo=TZ).astimezone(timezone.utc))
    async with bot.session_factory() as session:
        [record] = (await session.scalars(select(ReminderSent))).all()
    assert record.status == "queued"


@pytest.mark.parametrize("kind, value", [
    ("server_error", 500), ("server_error", 502), ("timeout", None), ("network", None), ("retry_after", 90),
])
async def test_reminder_arrives_once_after_the_api_recovers(bot, coming, kind, value):
    activity, clock = coming
    bot.api.fail_next(kind, "sendMessage", value)
    await run_job(bot, job_name(activity))
    assert reminders(bot.api) == []
    [row] = await rows(bot)
    assert (row.status, row.attempts) == ("pending", 1)  # refused or lost: not counted as sent
    wait = row.next_attempt_at - REMINDER_TIME.astimezone(timezone.utc)
    assert wait == (timedelta(seconds=90) if kind == "retry_after" else timedelta(seconds=10))
    await run_job(bot, job_name(activity))  # the job firing again sends nothing yet
    assert reminders(bot.api) == []
    clock.moment = row.next_attempt_at
    await bot.drain()
    await bot.drain()
    assert len(reminders(bot.api)) == 1
    [row] = await rows(bot)
    assert (row.status, row.attempts) == ("sent", 2)


async def test_backoff_grows_while_the_api_stays_down(bot, coming):
    activity, clock = coming
    bot.api.fail_next("server_error", "sendMessage", 502, times=3)
    await run_job(bot, job_name(activity))
    waits = []
    for _ in range(3):
        [row] = await rows(bot)
        waits.append(row.next_attempt_at - clock.moment.astimezone(timezone.utc))
        clock.moment = row.next_attempt_at
        await bot.drain()
    assert waits == [timedelta(seconds=10), timedelta(minutes=1), timedelta(minutes=5)]
    assert len(reminders(bot.api)) == 1


async def test_a_reminder_that_cannot_arrive_before_the_activity_is_dropped(bot, coming):
    activity, clock = coming
    bot.api.fail_next("server_error", "sendMessage", 502, times=100)
    await run_job(bot, job_name(activity))
    for _ in range(60):
        [row] = await rows(bot)
        if row.status != "pending":
            break
        clock.moment = row.next_attempt_at
        await bot.drain()
    assert row.status == "failed" and "gave up" in row.last_error
    assert reminders(bot.api) == []


@pytest.mark.parametrize("kind, value", [("forbidden", None), ("bad_request", "chat not found")])
async def test_blocked_marks_the_person_unreachable(bot, coming, kind, value, caplog):
    activity, clock = coming
    caplog.set_level(logging.INFO, logger="handlers.core.outbox")
    bot.api.fail_next(kind, "sendMessage", value)
    await run_job(bot, job_name(activity))
    [row] = await rows(bot)
    assert row.status == "failed" and row.last_error
    async with bot.session_factory() as session:
        assert (await session.get(User, RESIDENT["id"])).unreachable_since is not None
    clock.moment += timedelta(minutes=30)
    await run_job(bot, job_name(activity))
    assert reminders(bot.api) == []
    assert any(str(RESIDENT["id"]) in record.getMessage() for record in caplog.records)


async def test_a_restart_between_failure_and_recovery_sends_it_once(bot, coming, settings, api):
    activity, clock = coming
    api.fail_next("timeout", "sendMessage")
    await run_job(bot, job_name(activity))
    [row] = await rows(bot)
    assert row.status == "pending"

    clock.moment = row.next_attempt_at + timedelta(minutes=3)  # the bot was down for a few minutes
    second = build_application(settings, request=api, rate_limiter=False)
    second.bot_data.clock = clock
    await second.initialize()
    await second.post_init(second)
    try:
        harness = BotHarness(second, api)
        await run_job(harness, job_name(activity))  # the reminder job of the new process, and its outbox
    finally:
        await second.shutdown()
        await second.post_shutdown(second)
    assert len(reminders(api)) == 1
    await run_job(bot, job_name(activity))  # the old process's job, late: still nothing twice
    assert len(reminders(api)) == 1
    assert [r.status for r in await rows(bot)] == ["sent"]


async def test_a_pending_reminder_that_is_no_longer_wanted_is_dropped(bot, coming):
    activity, clock = coming
    bot.api.fail_next("server_error", "sendMessage", 500)
    await run_job(bot, job_name(activity))
    await bot.press("rm:off")
    clock.moment += timedelta(minutes=2)
    await bot.drain()
    assert reminders(bot.api) == []
    [row] = await rows(bot)
    assert row.status == "failed" and row.last_error == "no longer wanted"


async def test_reminder_follows_telegrams_language_when_none_was_chosen(bot):
    """A resident whose Telegram is English (no /taal) gets the unprompted reminder in English."""
    from tests.fakes import updates

    english = updates.user(1077, "Grace", "en-GB")
    clock = Clock(NOW)
    bot.app.bot_data.clock = clock
    world = await seed(bot.session_factory)
    activity = await add_activity(bot.session_factory, world, "Koffie-ochtend", datetime(2026, 12, 8, 10, 0, tzinfo=TZ),
                                  datetime(2026, 12, 8, 12, 0, tzinfo=TZ))
    await bot.press(f"ac:r:{activity}", sender=english)
    clock.moment = REMINDER_TIME
    await run_job(bot, job_name(activity))
    [reminder] = [call for call in bot.api.sent(english["id"]) if "Koffie-ochtend" in call.text and "⏰" in call.text]
    assert "Reminder: tomorrow is <b>Koffie-ochtend</b>" in reminder.text
