"""Ids out of range in deep links and callback data are "not found", never a crash (issue 12.4).

Marked `storage`: run with TEST_DATABASE_URL=postgresql+asyncpg://... for PostgreSQL's int32 ids.
"""

from __future__ import annotations

import logging

import pytest

from tests.conftest import ADMIN_ID
from tests.fakes import updates

pytestmark = pytest.mark.storage

ADMIN = updates.user(ADMIN_ID, "Ada", "nl")
EDGES = ["2147483648", "99999999999999999999", "0", "²", "-1", ""]
CALLBACKS = ["ac:o:{}", "ac:r:{}", "ac:x:{}", "ac:i:{}", "ac:p:{}", "ac:e:{}", "ac:k:{}", "ac:K:{}", "ac:h:{}",
             "lnk:{}", "ag:N:{}:0", "ag:w:week:{}", "ag:B:{}:0", "an:ok:{}", "an:no:{}", "adm:n:{}", "adm:ren:{}",
             "adm:ca:{}", "adm:cr:1:{}", "adm:cr:{}:1", "adm:list:{}", "own:v:{}", "own:l:{}", "own:ok:{}", "own:e:{}",
             "apr:ok:{}", "chg:no:{}"]


def no_errors(caplog: pytest.LogCaptureFixture) -> None:
    problems = [r for r in caplog.records if r.levelno >= logging.ERROR or r.exc_info]
    assert not problems, [r.getMessage() for r in problems]


@pytest.mark.parametrize("edge", EDGES)
async def test_deep_link_with_an_impossible_activity_id_is_not_found(bot, caplog, edge):
    reply = bot.reply_texts(await bot.say(f"/start act-{edge}"))
    no_errors(caplog)
    assert reply and "Sorry" not in reply[0]


@pytest.mark.parametrize("edge", EDGES)
@pytest.mark.parametrize("sender", [updates.RESIDENT, ADMIN], ids=["resident", "admin"])
async def test_buttons_with_impossible_ids_are_answered_without_a_crash(bot, caplog, edge, sender):
    for pattern in CALLBACKS:
        calls = await bot.press(pattern.format(edge), sender=sender)
        assert calls, pattern  # answered (at least the spinner), never silent
        assert not any("Sorry, er ging iets mis" in text for text in bot.reply_texts(calls)), pattern
    no_errors(caplog)


async def test_group_link_button_with_an_impossible_network_id(bot, caplog):
    group = updates.group_chat()
    for edge in EDGES:
        calls = await bot.press(f"lnk:{edge}", sender=ADMIN, chat=group)
        assert calls
    no_errors(caplog)


async def test_a_press_without_its_message_is_answered_and_goes_no_further(bot, caplog):
    for data in ("ac:o:1", "ac:r:1", "lang:en", "adm:n:1", "lnk:1", "an:ok:1", "own:v:1", "ag:w:week:0"):
        press = updates.callback(data)
        del press["callback_query"]["message"]
        press["callback_query"]["inline_message_id"] = "AAA-inline"
        calls = await bot.send(press)
        [answer] = [call for call in calls if call.method == "answerCallbackQuery"]
        assert answer.params.get("text") == "Deze knop werkt niet meer. Begin opnieuw met /start."
        assert [call.method for call in calls] == ["answerCallbackQuery"]
    no_errors(caplog)
