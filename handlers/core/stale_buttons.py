"""Buttons nobody handles (old, forged or from a finished conversation) get a calm answer.

Without an answer Telegram shows a spinner on the button until it times out. PTB runs the first
matching handler of a group, so a catch-all CallbackQueryHandler registered last in group 0
(handlers/__init__.py lists this module last) answers exactly the presses no capability took.

A press without its message (only an `inline_message_id`) cannot come from this bot, which sends
no inline messages; the handlers read the pressed message, so such a press is answered in a group
before the capabilities and goes no further.
"""

from __future__ import annotations

from telegram import Update
from telegram.ext import Application, ApplicationHandlerStop, CallbackQueryHandler

from bot.context import KnooppuntContext

WITHOUT_MESSAGE_GROUP = -1


async def unclaimed_button(update: Update, context: KnooppuntContext) -> None:
    await update.callback_query.answer(context.gettext("Deze knop werkt niet meer. Begin opnieuw met /start."))


async def press_without_message(update: Update, context: KnooppuntContext) -> None:
    if update.callback_query.message is not None:
        return
    await unclaimed_button(update, context)
    raise ApplicationHandlerStop


def register(application: Application) -> None:
    application.add_handler(CallbackQueryHandler(press_without_message), group=WITHOUT_MESSAGE_GROUP)
    application.add_handler(CallbackQueryHandler(unclaimed_button))
