"""Flood control through the real application: one calm message, a minute of silence, others unaffected."""

from __future__ import annotations

import dataclasses

import pytest

from tests.fakes import updates
from tests.fakes.updates import RESIDENT, RESIDENT_EN

CALM = "Rustig aan 🙂 Je stuurt veel berichten kort na elkaar. Wacht een minuut, dan help ik je weer."


@pytest.fixture
def settings(settings):
    """Flood control on, as in production (the shared fixture turns it off)."""
    return dataclasses.replace(settings, flood_limit=20)


class Clock:
    def __init__(self) -> None:
        self.now = 5000.0

    def __call__(self) -> float:
        return self.now


def install_clock(bot) -> Clock:
    clock = Clock()
    bot.app.bot_data.flood.clock = clock
    return clock


async def test_flooding_user_gets_one_calm_message_then_silence_for_a_minute(bot):
    clock = install_clock(bot)
    answered = []
    for _ in range(20):
        answered.append(len(bot.replies(await bot.say("/hulp"))))
        clock.now += 0.2
    assert answered == [1] * 20

    [warning] = bot.replies(await bot.say("/hulp"))
    assert warning.text == CALM and warning.chat_id == RESIDENT["id"]
    for _ in range(10):  # silence: no answer, no second warning
        clock.now += 1
        assert bot.replies(await bot.say("/hulp")) == []

    # Someone else is served as usual meanwhile.
    [other] = bot.replies(await bot.say("/hulp", sender=RESIDENT_EN))
    assert "How Knooppunt works" in other.text

    clock.now += 60
    [back] = bot.replies(await bot.say("/hulp"))
    assert "Zo werkt Knooppunt" in back.text


async def test_muted_updates_do_not_reach_the_database(bot):
    clock = install_clock(bot)
    flooder = updates.user(4242, "Spam", "nl")
    for _ in range(21):
        await bot.say("/start", sender=flooder)
    calls = await bot.say("/taal", sender=flooder)
    assert calls == []  # not even bookkeeping calls: stopped before every other group
    clock.now += 61
    assert bot.replies(await bot.say("/taal", sender=flooder))


async def test_button_flood_is_answered_in_the_callback_then_ignored(bot):
    install_clock(bot)
    for _ in range(20):
        await bot.press("lang:nl")
    calls = await bot.press("lang:nl")
    [answer] = [call for call in calls if call.method == "answerCallbackQuery"]
    assert answer.params["text"] == CALM
    assert bot.replies(calls) == []
    assert await bot.press("lang:nl") == []


async def test_flood_in_a_group_stays_silent(bot):
    install_clock(bot)
    group = updates.group_chat()
    for _ in range(20):
        await bot.send(updates.command("hulp", chat=group, mention=True))
    assert await bot.send(updates.command("hulp", chat=group, mention=True)) == []
    # The user is muted in private too: a flood is per person, not per chat.
    assert await bot.say("/hulp") == []



async def test_flood_limit_zero_turns_flood_control_off(settings, api):
    from bot.app import build_application
    from tests.harness import BotHarness

    application = build_application(dataclasses.replace(settings, flood_limit=0), request=api, rate_limiter=False)
    await application.initialize()
    try:
        harness = BotHarness(application, api)
        answered = [len(harness.replies(await harness.say("/hulp"))) for _ in range(30)]
        assert answered == [1] * 30
        assert -20 not in application.handlers
    finally:
        await application.shutdown()
        await application.post_shutdown(application)
