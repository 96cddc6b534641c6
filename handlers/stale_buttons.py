"""Buttons nobody handles (old, forged or from a finished conversation) get a calm answer.

A press without its message (only an `inline_message_id`) cannot come from this bot, which sends
no inline messages; the handlers read the pressed message, so such a press is answered here and
goes no further.

Without an answer Telegram shows a spinner on the button until it times out. The check runs in
its own group just before the capabilities (group 0), so it sees the handlers as they are when the
press arrives: a press that ends a conversation is not mistaken afterwards for a stale one and
answered twice (Telegram refuses a second answer).
"""

from __future__ import annotations

from telegram import Update
from telegram.ext import Application, ApplicationHandlerStop, CallbackQueryHandler

from bot.context import KnooppuntContext

STALE_GROUP = -1


def _claimed(application: Application, update: Update) -> bool:
    for group, group_handlers in application.handlers.items():
        if group <= STALE_GROUP:
            continue
        for handler in group_handlers:
            result = handler.check_update(update)
            if result is not None and result is not False:
                return True
    return False


async def unclaimed_button(update: Update, context: KnooppuntContext) -> None:
    without_message = update.callback_query.message is None
    if not without_message and _claimed(context.application, update):
        return
    await update.callback_query.answer(context.gettext("Deze knop werkt niet meer. Begin opnieuw met /start."))
    if without_message:
        raise ApplicationHandlerStop


def register(application: Application) -> None:
    application.add_handler(CallbackQueryHandler(unclaimed_button), group=STALE_GROUP)
