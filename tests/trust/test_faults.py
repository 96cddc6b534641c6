"""Bot API faults injected through the fake Bot API: the bot keeps serving, nothing is sent twice."""

from __future__ import annotations

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
    caplog.set_level(logging.ERROR, logger="handlers.errors")
    bot.api.fail_next(kind, "sendMessage", value)
    first = await bot.say("/hulp")
    # The error handler took it: logged once with the update id, and nothing escaped.
    errors = [record for record in caplog.records if record.getMessage().startswith("Error while handling update")]
    assert len(errors) == 1
    sent = bot.replies(first)
    if kind == "forbidden":
        assert sent == []  # blocked: nobody to tell
    else:
        assert [call.text for call in sent] == ["Sorry, er ging iets mis. Probeer het later nog eens."]
    # The next update is answered normally, once.
    [reply] = bot.replies(await bot.say("/hulp"))
    assert "Zo werkt Knooppunt" in reply.text


async def test_fault_in_the_error_message_itself_is_swallowed(bot, caplog):
    bot.api.fail_next("server_error", "sendMessage", 502, times=2)  # the reply and the apology both fail
    assert bot.replies(await bot.say("/hulp")) == []
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
