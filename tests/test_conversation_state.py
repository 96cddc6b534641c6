"""Where a conversation is, and how it ends from outside, without ConversationHandler internals.

Every conversation's callbacks note the step they return in user_data (handlers.core.common
.add_conversation); the step guard and /terug read that note, and a conversation whose note is
gone (/vergeetmij clears user_data) or whose draft expired ends without taking the message: the
rest of the bot answers it as usual. The registration, persistent, picks up its step from its
draft after a restart (tests/test_governance_flow.py restarts in the middle).
"""

from __future__ import annotations

import pytest
from telegram.ext import ConversationHandler

from handlers.core.common import CONVERSATION_GROUP, STEPS_KEY
from tests.fakes import updates
from tests.test_journeys import SPANGEN, Person, seed_network

pytestmark = pytest.mark.storage

NOOR = updates.user(6101, "Noor", "nl")


def test_conversations_come_before_the_rest_of_the_bot(bot):
    conversations = [h for group, hs in bot.app.handlers.items() for h in hs if isinstance(h, ConversationHandler)]
    assert conversations and all(h in bot.app.handlers[CONVERSATION_GROUP] for h in conversations)
    assert CONVERSATION_GROUP < 0 and not any(isinstance(h, ConversationHandler) for h in bot.app.handlers.get(0, []))


async def test_the_step_is_noted_where_the_guard_and_back_read_it(bot):
    person = Person(bot, NOOR)
    await person.say("/aanmelden")
    assert bot.app.user_data[NOOR["id"]][STEPS_KEY]["aanmelden"] == {NOOR["id"]: "name"}
    texts = bot.reply_texts(await person.say("Buurtmoestuin"))
    assert texts[-1].startswith("Wat voor soort initiatief")
    assert bot.app.user_data[NOOR["id"]][STEPS_KEY]["aanmelden"] == {NOOR["id"]: "category"}
    texts = bot.reply_texts(await person.say("📅 Agenda"))  # the guard re-asks the noted step
    assert texts[0].startswith("Je bent nog bezig met je aanmelding") and texts[-1].startswith("Wat voor soort initiatief")
    texts = bot.reply_texts(await person.say("/terug"))
    assert texts[-1].startswith("Hoe heet je initiatief?")
    texts = bot.reply_texts(await person.say("/stop"))
    assert texts[0].startswith("Gestopt.")
    assert bot.app.user_data[NOOR["id"]][STEPS_KEY]["aanmelden"] == {}
    texts = bot.reply_texts(await person.say("📅 Agenda"))  # the button does its usual work again
    assert not any(text.startswith("Je bent nog bezig") for text in texts)


async def test_forgetting_ends_the_conversation_and_the_next_message_gets_its_usual_answer(bot):
    await seed_network(bot)
    person = Person(bot, NOOR)
    await person.say("/aanmelden")
    await person.say("Buurtmoestuin")  # now asked for the category
    [question] = bot.replies(await bot.send(updates.command("vergeetmij", sender=NOOR)))
    await bot.press(question.callback_data("verwijder"), sender=NOOR)
    assert STEPS_KEY not in bot.app.user_data[NOOR["id"]]
    texts = bot.reply_texts(await person.say("3027"))  # not a category: a postcode question for the directory
    assert texts and not any("soort initiatief" in text for text in texts)
    assert any("Spangen" in text for text in texts), texts
    texts = bot.reply_texts(await person.share_location(*SPANGEN))
    assert not any(text.startswith("Je bent nog bezig") for text in texts)
    # and it can start again from the beginning
    texts = bot.reply_texts(await person.say("/aanmelden"))
    assert texts[-1].startswith("Hoe heet je initiatief?")


async def test_after_a_restart_the_guard_finds_the_registration_step_in_its_draft(bot, settings):
    """user_data is not persisted; the registration's step is (its draft), so the guard still knows it."""
    from bot.app import build_application
    from tests.fakes.bot_api import FakeBotAPI
    from tests.harness import BotHarness

    person = Person(bot, NOOR)
    await person.say("/aanmelden")
    await person.say("Buurtmoestuin")  # now asked for the category
    await bot.app.shutdown()

    api = FakeBotAPI()
    second = build_application(settings, request=api, rate_limiter=False)
    await second.initialize()
    await second.post_init(second)
    try:
        harness = BotHarness(second, api)
        again = Person(harness, NOOR)
        assert STEPS_KEY not in second.user_data.get(NOOR["id"], {})
        texts = harness.reply_texts(await again.say("📅 Agenda"))
        assert texts[0].startswith("Je bent nog bezig met je aanmelding") and texts[-1].startswith("Wat voor soort initiatief")
        texts = harness.reply_texts(await again.say("/terug"))
        assert texts[-1].startswith("Hoe heet je initiatief?")
    finally:
        await second.shutdown()
    await bot.app.initialize()  # the fixture shuts it down again
