"""storage.persistence: PTB's persistence for the registration conversation, backed by its drafts table."""

from __future__ import annotations

import pytest

from storage.tables_governance import RegistrationDraft
from storage.persistence import CONVERSATION_STORES
from tests.fakes import updates
from tests.test_journeys import Person

pytestmark = pytest.mark.storage

NOOR = updates.user(6201, "Noor", "nl")


async def test_ptb_flushes_states_into_the_drafts_and_an_ended_conversation_leaves_no_draft(bot):
    person = Person(bot, NOOR)
    await person.say("/aanmelden")
    await person.say("Buurtmoestuin")  # now asked for the category
    await bot.app.update_persistence()  # what PTB does every update_interval and at shutdown
    async with bot.session_factory() as session:
        draft = await session.get(RegistrationDraft, NOOR["id"])
        assert draft is not None and draft.step == "category" and draft.data["name"] == "Buurtmoestuin"
    assert await bot.app.persistence.get_conversations("aanmelden") == {(NOOR["id"], NOOR["id"]): "category"}

    await person.say("/stop")
    await bot.app.update_persistence()
    async with bot.session_factory() as session:
        assert await session.get(RegistrationDraft, NOOR["id"]) is None
    assert await bot.app.persistence.get_conversations("aanmelden") == {}


async def test_a_state_handed_over_is_written_and_an_end_removes_the_draft(bot):
    person = Person(bot, NOOR)
    await person.say("/aanmelden")
    await person.say("Buurtmoestuin")
    persistence = bot.app.persistence
    await persistence.update_conversation("aanmelden", (NOOR["id"], NOOR["id"]), "description")
    async with bot.session_factory() as session:
        assert (await session.get(RegistrationDraft, NOOR["id"])).step == "description"
    await persistence.update_conversation("aanmelden", (NOOR["id"], NOOR["id"]), None)
    async with bot.session_factory() as session:
        assert await session.get(RegistrationDraft, NOOR["id"]) is None


async def test_only_conversations_are_persisted_and_every_persistent_one_has_a_store(bot):
    persistence = bot.app.persistence
    assert not any(persistence.store_data)  # user, chat, bot and callback data stay in memory
    for call in (persistence.get_user_data(), persistence.get_chat_data(), persistence.get_bot_data()):
        with pytest.raises(NotImplementedError):
            await call
    from telegram.ext import ConversationHandler

    persistent = [h.name for hs in bot.app.handlers.values() for h in hs if isinstance(h, ConversationHandler) and h.persistent]
    assert persistent == ["aanmelden"] and all(name in CONVERSATION_STORES for name in persistent)
    with pytest.raises(ValueError):
        await persistence.update_conversation("unknown", (1, 1), "x")
