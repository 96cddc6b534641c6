"""Every multi-step conversation: the same hint, /stop /terug /overslaan (and aliases) everywhere, and a
main-keyboard button pressed halfway keeps the conversation and asks the question again."""

from __future__ import annotations

import pytest
from telegram.ext import ConversationHandler

from handlers.core.common import STEP_GUIDES
from tests.conftest import ADMIN_ID
from tests.fakes import updates
from tests.test_journeys import SPANGEN, VOLUNTEER, Person, seed_initiative, seed_network

pytestmark = pytest.mark.storage

HINT_FIRST = "<i>Stoppen: /stop</i>"
HINT = "<i>Terug: /terug · Stoppen: /stop</i>"
BUSY = "Je bent nog bezig met {topic}. Beantwoord eerst de vraag hieronder, of typ /stop om te stoppen."


def test_every_conversation_has_a_step_guide(bot):
    names = [h.name for group in bot.app.handlers.values() for h in group if isinstance(h, ConversationHandler)]
    assert names and all(name in STEP_GUIDES for name in names), names


async def test_registration_hint_keyboard_buttons_and_commands(bot):
    person = Person(bot, updates.user(6001, "Noor", "nl"))
    texts = bot.reply_texts(await person.say("/aanmelden"))
    assert texts[-1].startswith("Hoe heet je initiatief?") and texts[-1].endswith("\n\n" + HINT_FIRST)
    for label in ("📅 Agenda", "🔎 Zoeken", "❓ Hulp", "➕ Initiatief aanmelden"):
        texts = bot.reply_texts(await person.say(label))
        assert texts[0] == BUSY.format(topic="je aanmelding"), (label, texts)
        assert texts[-1].startswith("Hoe heet je initiatief?")
    texts = bot.reply_texts(await person.share_location(*SPANGEN))
    assert texts[0] == BUSY.format(topic="je aanmelding") and texts[-1].startswith("Hoe heet je initiatief?")
    texts = bot.reply_texts(await person.say("/overslaan"))
    assert texts[0] == "Deze vraag kun je niet overslaan." and texts[-1].startswith("Hoe heet je initiatief?")
    texts = bot.reply_texts(await person.say("/back"))
    assert texts[0] == "Dit is de eerste vraag. Stoppen? Typ /stop."
    texts = bot.reply_texts(await person.say("Buurtmoestuin"))
    assert texts[-1].startswith("Wat voor soort initiatief") and texts[-1].endswith(HINT)
    await person.say("Moestuin")
    await person.say("We tuinieren samen.")
    texts = bot.reply_texts(await person.say("📅 Agenda"))
    assert texts[0] == BUSY.format(topic="je aanmelding")
    # the place step: a shared location is the answer
    texts = bot.reply_texts(await person.share_location(*SPANGEN))
    assert not any(text.startswith("Je bent nog bezig") for text in texts)
    texts = bot.reply_texts(await person.press("reg:place:ok"))
    assert texts[-1].startswith("Op welk telefoonnummer") and texts[-1].endswith("<i>Overslaan: /overslaan · Terug: /terug · Stoppen: /stop</i>")
    texts = bot.reply_texts(await person.say("/skip"))
    assert texts[-1].startswith("Wat is jullie e-mailadres?")
    texts = bot.reply_texts(await person.say("/cancel"))
    assert texts == ["Gestopt. Je aanmelding is niet bewaard. Opnieuw beginnen? Typ /aanmelden."]
    # after stopping, the buttons do their usual work again
    texts = bot.reply_texts(await person.say("🔎 Zoeken"))
    assert not any(text.startswith("Je bent nog bezig") for text in texts)


async def test_activity_post_keeps_its_question_and_takes_a_place(bot):
    await seed_initiative(bot, await seed_network(bot))
    member = Person(bot, VOLUNTEER)
    texts = bot.reply_texts(await member.say("/activiteit"))
    # one initiative: nothing to choose, so the title is the first question (no /terug)
    assert texts[-1].startswith("Hoe heet de activiteit?") and texts[-1].endswith(HINT_FIRST)
    texts = bot.reply_texts(await member.say("📅 Agenda"))
    assert texts[0] == BUSY.format(topic="een nieuwe activiteit") and texts[-1].startswith("Hoe heet de activiteit?")
    texts = bot.reply_texts(await member.share_location(*SPANGEN))
    assert texts[0] == BUSY.format(topic="een nieuwe activiteit")
    await member.say("Koffie-ochtend")
    await member.say("elke dinsdag 10:00-12:00")
    calls = await member.press("pw:ok")
    assert bot.reply_texts(calls)[-1].startswith("Waar is het?")
    texts = bot.reply_texts(await member.share_location(*SPANGEN))
    assert texts[-1].startswith("Vertel kort wat er gebeurt.")
    assert texts[-1].endswith("<i>Overslaan: /overslaan · Terug: /terug · Stoppen: /stop</i>")
    texts = bot.reply_texts(await member.say("/skip"))
    assert texts[-1].startswith("Wil je er een foto bij?")
    texts = bot.reply_texts(await member.say("❓ Hulp"))
    assert texts[0] == BUSY.format(topic="een nieuwe activiteit") and texts[-1].startswith("Wil je er een foto bij?")
    texts = bot.reply_texts(await member.say("/annuleren"))
    assert texts == ["Gestopt. Er is niets geplaatst."]


async def test_announcement_and_admin_and_english(bot):
    await seed_initiative(bot, await seed_network(bot))
    member = Person(bot, VOLUNTEER)
    texts = bot.reply_texts(await member.say("/bericht"))
    assert texts[-1].startswith("Typ je bericht.") and texts[-1].endswith(HINT)
    texts = bot.reply_texts(await member.say("🔎 Zoeken"))
    assert texts[0] == BUSY.format(topic="je bericht") and texts[-1].startswith("Typ je bericht.")
    texts = bot.reply_texts(await member.say("/overslaan"))
    assert texts[0] == "Deze vraag kun je niet overslaan."
    await member.say("/stop")

    admin = Person(bot, updates.user(ADMIN_ID, "Ad", "nl"))
    await admin.say("/beheer")
    texts = bot.reply_texts(await admin.press("adm:add"))
    assert texts[-1] == "Hoe heet het nieuwe netwerk?\n\n" + HINT_FIRST
    texts = bot.reply_texts(await admin.say("📅 Agenda"))
    assert texts[0] == BUSY.format(topic="het beheer van een netwerk") and texts[-1].startswith("Hoe heet het nieuwe netwerk?")
    texts = bot.reply_texts(await admin.say("/terug"))
    assert texts[0] == "Dit is de eerste vraag. Stoppen? Typ /stop."
    assert bot.reply_texts(await admin.say("/cancel")) == ["Gestopt. Er is niets veranderd."]

    english = Person(bot, updates.user(6002, "John", "en"))
    texts = bot.reply_texts(await english.say("/register"))
    assert texts[-1].endswith("<i>Stop: /stop</i>")
    await english.say("Community garden")
    texts = bot.reply_texts(await english.say("📅 Events"))
    assert texts[0] == "You are still busy with your registration. First answer the question below, or type /stop to stop."
    assert texts[-1].endswith("<i>Back: /back · Stop: /stop</i>")
