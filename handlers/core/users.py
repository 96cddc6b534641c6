"""Bookkeeping before any handler runs: each update once, the person recorded, their language settled.

Every update records its update_id (a webhook Telegram delivers again, or an update a second
process got too, is not answered twice) and, at most once an hour per person, the person's contact.
Both are written in one transaction, shared by the updates that arrive at the same moment
(bot.batching): one BEGIN … COMMIT per moment instead of two per update.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta, timezone

from telegram import Update
from telegram.ext import Application, ApplicationHandlerStop, TypeHandler

from bot.batching import Coalescer
from bot.context import KnooppuntContext
from bot.i18n import resolve_language
from storage.repositories import outbox, users

logger = logging.getLogger(__name__)

ONCE_GROUP = -100  # before everything else
# last_seen is a coarse fact (AVG: no activity log); writing it once an hour keeps the hot path cheap.
LAST_SEEN_RESOLUTION = timedelta(hours=1)

Entry = tuple[int, datetime, users.Contact | None]  # update_id, when handled, the contact to record (if due)


def bookkeeping(application: Application) -> Coalescer[Entry, tuple[bool, str | None]]:
    """Per entry: (first time this update is seen, the person's chosen language if a contact was recorded)."""
    services = application.bot_data
    if services.bookkeeping is None:

        async def record(batch: list[Entry]) -> list[tuple[bool, str | None]]:
            async with services.session_factory.begin() as session:
                firsts = await outbox.first_times(session, [(update_id, at) for update_id, at, _contact in batch])
                due = [contact for first, (_id, _at, contact) in zip(firsts, batch, strict=True) if first and contact is not None]
                chosen = iter(await users.record_contacts(session, due) if due else [])
            return [(first, next(chosen) if first and contact is not None else None)
                    for first, (_id, _at, contact) in zip(firsts, batch, strict=True)]

        services.bookkeeping = Coalescer(record)
    return services.bookkeeping


async def once_per_update(update: Update, context: KnooppuntContext) -> None:
    user = update.effective_user
    tracked = user is not None and not user.is_bot and context.user_data is not None
    contact: users.Contact | None = None
    if tracked:
        now = datetime.now(timezone.utc)
        seen = context.user_data.get("last_recorded")
        if seen is None or now - seen >= LAST_SEEN_RESOLUTION:
            contact = (user.id, user.first_name, now, user.language_code)
    first, chosen = await bookkeeping(context.application)((update.update_id, context.now(), contact))
    if not first:
        logger.info("Update %s was handled before; skipped", update.update_id)
        raise ApplicationHandlerStop
    if not tracked:
        return
    if contact is not None:
        context.user_data["chosen_language"] = chosen
        context.user_data["last_recorded"] = contact[2]
    context.user_data["lang"] = resolve_language(
        context.user_data.get("chosen_language"), user.language_code, context.settings.default_language
    )


def register(application: Application) -> None:
    bookkeeping(application)
    application.add_handler(TypeHandler(Update, once_per_update), group=ONCE_GROUP)
