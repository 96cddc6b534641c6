"""One error handler: log with the update id, tell the user calmly, never show internals."""

from __future__ import annotations

import logging

from telegram import Update
from telegram.error import BadRequest, Forbidden, TelegramError

from bot.context import KnooppuntContext
from handlers import database_outage
from handlers.common import edit_impossible

logger = logging.getLogger(__name__)


def _not_modified(error: object) -> bool:
    """A double press edits a message to what it already says: harmless, nothing to apologise for."""
    return isinstance(error, BadRequest) and "message is not modified" in str(error).lower()


async def on_error(update: object, context: KnooppuntContext) -> None:
    update_id = update.update_id if isinstance(update, Update) else None
    if await database_outage.handle(update, context):
        return
    if _not_modified(context.error):
        logger.debug("Update %s: message not modified (a double press)", update_id)
        return
    if edit_impossible(context.error):
        logger.warning("Update %s: the pressed message could not be edited (%s)", update_id, context.error)
    else:
        logger.error("Error while handling update %s", update_id, exc_info=context.error)
    if not isinstance(update, Update) or update.effective_chat is None:
        return
    if isinstance(context.error, Forbidden):
        return  # the user blocked us; nobody to tell
    if edit_impossible(context.error):
        # The pressed message was deleted or is too old to edit. Handlers that save something show
        # their result as a new message (handlers.common.show_result); what reaches here is a
        # redraw (a list, a menu) that failed: no apology, just how to get a fresh one.
        text = context.gettext("Dit bericht is te oud om aan te passen. Typ de opdracht opnieuw, bijvoorbeeld /agenda.")
    else:
        text = context.gettext("Sorry, er ging iets mis. Probeer het later nog eens.")
    try:
        if update.callback_query is not None:
            await update.callback_query.answer()
        await context.bot.send_message(update.effective_chat.id, text)
    except TelegramError:
        logger.warning("Could not tell chat of update %s about the error", update_id)
