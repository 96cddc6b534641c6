"""When the database cannot take writes (a read-only file, a full disk): say so once, answer calmly,
and notice by itself when it works again.

Called from the one error handler (handlers.core.errors). The first failure logs one line (no
traceback) and tells the admins; later failures only answer the person. A job then tries a
harmless write every PROBE_SECONDS; when it succeeds the outage is over (one log line), so the
next failure is news again. No restart is needed: the engine drops connections that hit such an
error (storage.db), so a file made writable again is opened afresh.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timezone

from sqlalchemy import text
from telegram import Update
from telegram.error import TelegramError
from telegram.ext import Application, ApplicationHandlerStop

from bot.context import KnooppuntContext
from bot.i18n import N_, get_translator
from storage.db import database_unavailable

logger = logging.getLogger(__name__)

PROBE_SECONDS = 15
PROBE_JOB = "database-outage-probe"
CALM = N_("Het lukt even niet. Probeer het over een paar minuten opnieuw.")
ADMIN_NOTE = N_("⚠️ De database kan nu niets opslaan (alleen-lezen of de schijf is vol). Bewoners krijgen: "
                "'Het lukt even niet.' De bot herstelt zelf zodra opslaan weer kan.")


@dataclass
class Outage:
    since: datetime
    answered: int = 0  # updates answered with CALM during this outage


def _outage(application: Application) -> Outage | None:
    return application.bot_data.database_outage


async def handle(update: object, context: KnooppuntContext) -> bool:
    """True when the error was the database being unavailable (then it is fully dealt with)."""
    if not database_unavailable(context.error):
        return False
    application = context.application
    outage = _outage(application)
    if outage is None:
        outage = application.bot_data.database_outage = Outage(application.bot_data.now())
        logger.error("The database cannot store anything (%s); answering 'try again later' until it can",
                     type(getattr(context.error, "orig", None) or context.error).__name__)
        await _tell_admins(context)
        application.job_queue.run_repeating(_probe, PROBE_SECONDS, first=PROBE_SECONDS, name=PROBE_JOB,
                                            job_kwargs={"id": PROBE_JOB, "replace_existing": True})
    if isinstance(update, Update) and update.effective_chat is not None:
        outage.answered += 1
        try:
            if update.callback_query is not None:
                await update.callback_query.answer()
            await context.bot.send_message(update.effective_chat.id, context.gettext(CALM))
        except TelegramError:
            logger.warning("Could not tell chat of update %s that the database is unavailable", update.update_id)
        raise ApplicationHandlerStop  # one calm answer; no other handler tries the database for this update
    return True


async def _tell_admins(context: KnooppuntContext) -> None:
    settings = context.settings
    note = get_translator(settings.default_language).gettext(ADMIN_NOTE)
    for admin_id in sorted(settings.admin_ids):
        try:
            await context.bot.send_message(admin_id, note)
        except TelegramError:
            logger.warning("Could not tell admin %s about the database", admin_id)


async def _probe(context: KnooppuntContext) -> None:
    """A write that changes nothing: succeeds only when the database takes writes again."""
    try:
        async with context.bot_data.session_factory.begin() as session:
            await session.execute(text("UPDATE users SET id = id WHERE id = -1"))
    except Exception as exc:  # noqa: BLE001 - any failure means: still unavailable
        if not database_unavailable(exc):
            logger.warning("Database probe failed: %s", type(exc).__name__)
        return
    outage = _outage(context.application)
    context.application.bot_data.database_outage = None
    if context.job is not None:
        context.job.schedule_removal()
    if outage is not None:
        logger.warning("The database takes writes again (after %s; %d updates answered 'try again later')",
                       str(datetime.now(timezone.utc) - outage.since).split(".")[0], outage.answered)
