"""A button pressed under a message Telegram can no longer edit (deleted, or older than 48 hours).

The action is saved; the person gets its result as a new message, never an apology for an error.
"""

from __future__ import annotations

import pytest

from storage.models import User
from tests.fakes import updates
from tests.fakes.updates import RESIDENT

pytestmark = pytest.mark.storage

SORRY = "Sorry, er ging iets mis. Probeer het later nog eens."


def sent_texts(calls) -> list[str]:
    """What the presser saw (the admins' short error notice goes elsewhere)."""
    return [call.text for call in calls if call.method == "sendMessage" and call.chat_id == RESIDENT["id"]]


@pytest.mark.parametrize("reason", ["message to edit not found", "message can't be edited"])
async def test_language_choice_under_an_uneditable_message_is_saved_and_shown_anew(bot, reason):
    await bot.send(updates.command("start"))
    bot.api.fail_next("bad_request", "editMessageText", reason)
    calls = await bot.press("lang:en")
    assert sent_texts(calls) == ["The language is now: English.", "Choose below what you want to do."]
    assert any(call.method == "answerCallbackQuery" for call in calls)
    async with bot.session_factory() as session:
        assert (await session.get(User, RESIDENT["id"])).language == "en"


async def test_reminder_choice_under_a_deleted_message_is_saved_and_shown_anew(bot):
    await bot.send(updates.command("start"))
    bot.api.fail_next("bad_request", "editMessageText", "message to edit not found")
    calls = await bot.press("rm:off")
    assert sent_texts(calls) == ["Herinneringen staan uit. 🔕 Aanzetten? Typ /herinneringen."]
    async with bot.session_factory() as session:
        assert (await session.get(User, RESIDENT["id"])).reminders_enabled is False


async def test_a_redraw_that_cannot_be_edited_gets_a_pointer_not_an_apology(bot):
    await bot.send(updates.command("start"))
    bot.api.fail_next("bad_request", "editMessageText", "message can't be edited")
    calls = await bot.press("ag:m")
    texts = sent_texts(calls)
    assert SORRY not in texts
    assert texts == ["Dit bericht is te oud om aan te passen. Typ de opdracht opnieuw, bijvoorbeeld /agenda."]


async def test_other_bad_requests_still_get_the_apology(bot):
    await bot.send(updates.command("start"))
    bot.api.fail_next("bad_request", "editMessageText", "can't parse entities")
    assert sent_texts(await bot.press("ag:m")) == [SORRY]
