"""Buttons nobody handles (old, forged or from a finished conversation) get a calm answer.

Without an answer Telegram shows a spinner on the button until it times out. PTB runs the first
matching handler of a group, so a catch-all CallbackQueryHandler registered last in group 0
(handlers/__init__.py lists this module last) answers exactly the presses no capability took.
"""

from __future__ import annotations

from telegram import Update
from telegram.ext import Application, CallbackQueryHandler

from bot.context import KnooppuntContext


async def unclaimed_button(update: Update, context: KnooppuntContext) -> None:
    await update.callback_query.answer(context.gettext("Deze knop werkt niet meer. Begin opnieuw met /start."))


def register(application: Application) -> None:
    application.add_handler(CallbackQueryHandler(unclaimed_button))
