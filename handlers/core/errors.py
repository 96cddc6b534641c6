"""One error handler: log with the update id, tell the user calmly, never show internals, and
tell the admins briefly (like PTB's errorhandlerbot, but without the update: no personal data)."""

from __future__ import annotations

import logging

from telegram import Update
from telegram.error import Forbidden, RetryAfter, TelegramError

from bot.context import KnooppuntContext
from bot.i18n import N_, get_translator, user_language
from handlers.core import database_outage
from handlers.core.common import edit_impossible, not_modified
from handlers.core.telegram_faults import TRANSIENT, classify
from storage.repositories import outbox, users

ADMIN_NOTICE_EVERY_S = 600  # one notice per kind of error and kind of update per 10 minutes
ADMIN_NOTICE = N_("⚠️ Er ging iets mis in de bot: {kind} bij {update}. De details staan in het logboek. "
                  "Ik meld dit soort fout hooguit één keer per 10 minuten.")

logger = logging.getLogger(__name__)


def _telegram_busy(error: object) -> bool:
    return isinstance(error, TelegramError) and classify(error) == TRANSIENT


async def on_error(update: object, context: KnooppuntContext) -> None:
    update_id = update.update_id if isinstance(update, Update) else None
    if await database_outage.handle(update, context):
        return
    if not_modified(context.error):  # a double press: harmless, nothing to apologise for
        logger.debug("Update %s: message not modified (a double press)", update_id)
        return
    if edit_impossible(context.error):
        logger.warning("Update %s: the pressed message could not be edited (%s)", update_id, context.error)
    elif _telegram_busy(context.error):
        # Telegram's own trouble (429 after the short wait, 5xx or timeouts after the reply's retries):
        # no bug to report with a traceback, and a 429'd chat takes no apology now either.
        logger.warning("Update %s: Telegram did not take the reply (%s)", update_id, type(context.error).__name__)
        if isinstance(context.error, RetryAfter):
            return
    else:
        logger.error("Error while handling update %s", update_id, exc_info=context.error)
        if not isinstance(context.error, Forbidden):  # a resident who blocked the bot is no fault
            await tell_admins(update, context)
    if not isinstance(update, Update) or update.effective_chat is None:
        return
    if isinstance(context.error, Forbidden):
        return  # the user blocked us; nobody to tell
    if edit_impossible(context.error):
        # The pressed message was deleted or is too old to edit. Handlers that save something show
        # their result as a new message (handlers.core.common.show_result); what reaches here is a
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


def update_kind(update: object) -> str:
    """'message', 'callback_query', 'job'…: the kind of update, never its content."""
    if isinstance(update, Update):
        for name in ("message", "edited_message", "callback_query", "my_chat_member", "chat_member", "inline_query"):
            if getattr(update, name, None) is not None:
                return name
        return "update"
    return "job" if update is None else type(update).__name__


async def tell_admins(update: object, context: KnooppuntContext) -> None:
    """Queue a short notice for each admin; the idempotency key (kind, update kind, 10-minute
    window) rate-limits it, also across processes. A failing database must not hide the error."""
    kind, where = type(context.error).__name__, update_kind(update)
    window = int(context.now().timestamp()) // ADMIN_NOTICE_EVERY_S
    try:
        async with context.session() as session:
            for admin_id in sorted(context.settings.admin_ids):
                language = user_language(await users.get_user(session, admin_id), context.settings.default_language)
                text = get_translator(language).gettext(ADMIN_NOTICE).format(kind=kind, update=where)
                await outbox.enqueue(session, admin_id, "error_notice", text, f"error:{kind}:{where}:{window}:{admin_id}", context.now())
        if context.bot_data.outbox is not None:
            context.bot_data.outbox.wake()
    except Exception:  # noqa: BLE001 - telling the admins is a nicety on top of the log
        logger.warning("Could not queue the error notice for the admins", exc_info=True)
