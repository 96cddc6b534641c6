"""handlers.core.conversation_state leans on PTB internals; these tests say so clearly when an upgrade breaks them."""

from __future__ import annotations

import pytest
from telegram import Chat, Message, Update, User
from telegram.ext import CommandHandler, ConversationHandler

from handlers.core import conversation_state


def test_ptb_still_has_the_private_members_we_rely_on():
    handler = ConversationHandler(entry_points=[CommandHandler("x", lambda u, c: None)], states={}, fallbacks=[])
    missing = [name for name in conversation_state.PRIVATE_MEMBERS if not hasattr(handler, name)]
    assert not missing, (
        f"python-telegram-bot no longer has ConversationHandler.{', '.join(missing)}: "
        "update handlers/core/conversation_state.py (step guard and /vergeetmij depend on it)"
    )
    assert isinstance(handler._conversations, dict), "ConversationHandler._conversations is no longer a dict"  # noqa: SLF001


def _update(user_id: int) -> Update:
    user = User(user_id, "Ans", is_bot=False)
    message = Message(1, None, Chat(user_id, Chat.PRIVATE), from_user=user, text="hoi")
    return Update(1, message=message)


@pytest.mark.parametrize("per_chat,per_user", [(True, True), (False, True), (True, False)])
def test_state_of_and_end_for_user_round_trip(per_chat, per_user):
    handler = ConversationHandler(entry_points=[CommandHandler("x", lambda u, c: None)], states={1: [], 2: []},
                                  fallbacks=[], per_chat=per_chat, per_user=per_user)
    mine, other = _update(501), _update(502)
    handler._update_state(2, handler._get_key(mine))  # noqa: SLF001 - setting up the state PTB would set
    handler._update_state(1, handler._get_key(other))  # noqa: SLF001
    assert conversation_state.state_of(handler, mine) == 2
    assert conversation_state.end_for_user(handler, 501) == 1
    assert conversation_state.state_of(handler, mine) is None
    assert conversation_state.state_of(handler, other) == 1
