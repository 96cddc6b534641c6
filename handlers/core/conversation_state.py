"""The one place that reads and ends ConversationHandler state from outside the handler.

python-telegram-bot 22 has no public API to ask "which step is this chat at?" (needed to re-ask the
current question when a main-keyboard button is pressed halfway) or to end another handler's
conversation (needed when /vergeetmij erases a person mid-conversation). Both use the private
`_conversations`, `_get_key` and `_update_state` of ConversationHandler. Keeping every such use here
means a PTB upgrade that renames them breaks one module, and tests/test_conversation_state.py says
so clearly instead of a conversation silently misbehaving.
"""

from __future__ import annotations

from telegram import Update
from telegram.ext import ConversationHandler

# The private members this module relies on; the test checks that PTB still has them.
PRIVATE_MEMBERS = ("_conversations", "_get_key", "_update_state")


def state_of(handler: ConversationHandler, update: Update) -> object | None:
    """The step the chat/user of `update` is at in `handler` (None: not in it)."""
    return handler._conversations.get(handler._get_key(update))  # noqa: SLF001 - no public getter in PTB 22


def end_for_user(handler: ConversationHandler, user_id: int) -> int:
    """End every conversation of `handler` that belongs to `user_id`; how many ended.

    The key starts with the chat id (per_chat), then the user id (per_user); a private chat's id
    equals the user's id, so both positions are checked.
    """
    positions = int(handler.per_chat) + int(handler.per_user)
    keys = [key for key in list(handler._conversations) if user_id in key[:positions]]  # noqa: SLF001
    for key in keys:
        handler._update_state(ConversationHandler.END, key)  # noqa: SLF001 - PTB's own END transition
        job = handler.timeout_jobs.pop(key, None)
        if job is not None:
            job.schedule_removal()
    return len(keys)
