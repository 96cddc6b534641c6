"""One error handler: log with the update id, tell the user calmly, never show internals."""

from __future__ import annotations

import logging

from telegram import Update
from telegram.error import Forbidden, TelegramError

from bot.context import KnooppuntContext

logger = logging.getLogger(__name__)


async def on_error(update: object, context: KnooppuntContext) -> None:
    update_id = update.update_id if isinstance(update, Update) else None
    logger.error("Error while handling update %s", update_id, exc_info=context.error)
    if not isinstance(update, Update) or update.effective_chat is None:
        return
    if isinstance(context.error, Forbidden):
        return  # the user blocked us; nobody to tell
    try:
        if update.callback_query is not None:
            await update.callback_query.answer()
        await context.bot.send_message(
            update.effective_chat.id,
            context.gettext("Sorry, er ging iets mis. Probeer het later nog eens."),
        )
    except TelegramError:
        logger.warning("Could not tell chat of update %s about the error", update_id)
