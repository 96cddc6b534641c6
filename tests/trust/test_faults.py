"""Bot API faults injected through the fake Bot API: the bot keeps serving, nothing is sent twice."""

from __future__ import annotations

import asyncio

import logging

import pytest

from bot.app import build_application
from tests.fakes import updates
from tests.fakes.bot_api import FakeBotAPI
from tests.harness import BotHarness

FAULTS = [
    ("retry_after", 3),
    ("bad_request", "message is too long"),
    ("forbidden", None),
    ("timeout", None),
    ("server_error", 500),
    ("server_error", 502),
    ("network", None),
]


@pytest.mark.parametrize(("kind", "value"), FAULTS, ids=[f"{k}-{v}" for k, v in FAULTS])
async def test_the_bot_keeps_serving_after_a_fault(bot, caplog, kind, value):
    caplog.set_level(logging.WARNING, logger="handlers.core.errors")
    bot.api.fail_next(kind, "sendMessage", value)
    first = await bot.say("/hulp")
    if kind in ("timeout", "server_error", "network"):
        # A short outage: the reply is tried again (bot.telegram_request) and arrives, once.
        [reply] = bot.replies(first)
        assert "Zo werkt Knooppunt" in reply.text
        assert not [record for record in caplog.records if record.getMessage().startswith("Error while handling update")]
        return
    if kind == "retry_after":
        # Telegram's 429 is no bug: one short warning line, no traceback, no admin notice, and no
        # apology into a chat Telegram just asked us to leave alone for a while.
        [warning] = [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING]
        assert warning.endswith(": Telegram did not take the reply (RetryAfter)")
        assert bot.replies(first) == []
        [reply] = bot.replies(await bot.say("/hulp"))
        assert "Zo werkt Knooppunt" in reply.text
        return
    # The error handler took it: logged once with the update id, and nothing escaped.
    errors = [record for record in caplog.records if record.getMessage().startswith("Error while handling update")]
    assert len(errors) == 1
    sent = [call for call in bot.replies(first) if call.chat_id == updates.RESIDENT["id"]]
    to_admins = [call for call in bot.replies(first) if call.chat_id != updates.RESIDENT["id"]]
    if kind == "forbidden":
        assert sent == [] and to_admins == []  # blocked: nobody to tell, nothing wrong
    else:
        assert [call.text for call in sent] == ["Sorry, er ging iets mis. Probeer het later nog eens."]
        assert len(to_admins) == 1 and "Er ging iets mis in de bot" in to_admins[0].text
    # The next update is answered normally, once.
    [reply] = bot.replies(await bot.say("/hulp"))
    assert "Zo werkt Knooppunt" in reply.text


async def test_fault_in_the_error_message_itself_is_swallowed(bot, caplog):
    bot.api.fail_next("bad_request", "sendMessage", "wrong", times=2)  # the reply and the apology both fail
    assert [c for c in bot.replies(await bot.say("/hulp")) if c.chat_id == updates.RESIDENT["id"]] == []
    assert "Could not tell chat" in caplog.text
    [reply] = bot.replies(await bot.say("/hulp"))
    assert "Zo werkt Knooppunt" in reply.text


async def test_fault_on_a_button_press_is_answered_and_survived(bot):
    bot.api.fail_next("server_error", "editMessageText", 500)
    calls = await bot.press("lang:en")
    assert any(call.method == "answerCallbackQuery" for call in calls)
    [reply] = bot.replies(await bot.say("/hulp"))
    assert "How Knooppunt works" in reply.text  # the language choice itself was stored


async def test_production_rate_limiter_retries_429_and_sends_exactly_once(settings):
    """With AIORateLimiter (as in production) a 429 waits retry_after and sends the message once."""
    api = FakeBotAPI()
    application = build_application(settings, request=api)  # rate limiter on, as `python -m bot` builds it
    await application.initialize()
    try:
        bot = BotHarness(application, api)
        api.fail_next("retry_after", "sendMessage", 1)
        replies = bot.replies(await bot.send(updates.command("hulp")))
        assert len(replies) == 1 and "Zo werkt Knooppunt" in replies[0].text
        assert len(api.of("sendMessage")) == 1  # the refused attempt is not recorded: sent once
    finally:
        await application.shutdown()
        await application.post_shutdown(application)


@pytest.mark.storage
async def test_reminder_survives_a_429_and_is_never_sent_twice(settings):
    """Production build (rate limiter on): Telegram says 'retry after 1 s'; the reminder still goes,
    exactly once, and running the job again (a restart, a second timer) sends nothing more."""
    from datetime import datetime, timedelta, timezone

    from handlers.activities.reminders import job_name, schedule_reminder
    from storage.models import Activity, Initiative
    from storage.tables_activities import ActivityRsvp

    api = FakeBotAPI()
    application = build_application(settings, request=api)
    await application.initialize()
    try:
        bot = BotHarness(application, api)
        await bot.send(updates.command("start"))
        now = datetime.now(timezone.utc)
        async with application.bot_data.session_factory.begin() as session:
            initiative = Initiative(name="Huiskamer", category="buurthuiskamer", status="active")
            session.add(initiative)
            await session.flush()
            activity = Activity(initiative_id=initiative.id, title="Soep koken", starts_at=now + timedelta(hours=20))
            session.add(activity)
            await session.flush()
            session.add(ActivityRsvp(activity_id=activity.id, user_id=updates.RESIDENT["id"], occurrence_at=activity.starts_at,
                                     created_at=now - timedelta(days=2)))
        schedule_reminder(application, activity, now)
        [job] = application.job_queue.get_jobs_by_name(job_name(activity.id))
        api.fail_next("retry_after", "sendMessage", 1)
        await job.run(application)
        await bot.drain()  # refused: back in the outbox with Telegram's wait
        assert [call for call in api.of("sendMessage") if "Herinnering" in call.text] == []
        await asyncio.sleep(1.1)
        await job.run(application)
        await bot.drain()
        await bot.drain()
        reminders = [call for call in api.of("sendMessage") if "Herinnering" in call.text]
        assert len(reminders) == 1 and reminders[0].chat_id == updates.RESIDENT["id"]
        assert "Soep koken" in reminders[0].text
    finally:
        await application.shutdown()
        await application.post_shutdown(application)


async def test_double_press_message_not_modified_gets_no_apology(bot):
    """A second press of the same button edits to the same text: Telegram answers "message is not
    modified". Nothing went wrong for the user, so no "Sorry, er ging iets mis"."""
    await bot.press("lang:en")
    bot.api.fail_next("bad_request", "editMessageText",
                      "message is not modified: specified new message content and reply markup are exactly the same "
                      "as a current content and reply markup of the message")
    calls = await bot.press("lang:en")
    assert any(call.method == "answerCallbackQuery" for call in calls)
    assert not any("Sorry" in (call.text or "") or "went wrong" in (call.text or "") for call in bot.replies(calls))
