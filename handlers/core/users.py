"""Bookkeeping before any handler runs: record the user and settle their language."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from telegram import Update
from telegram.ext import Application, TypeHandler

from bot.batching import Coalescer
from bot.context import KnooppuntContext
from bot.i18n import resolve_language
from storage.repositories import users

# last_seen is a coarse fact (AVG: no activity log); writing it once an hour keeps the hot path cheap.
LAST_SEEN_RESOLUTION = timedelta(hours=1)


def contacts(application: Application) -> Coalescer[users.Contact, str | None]:
    """Contacts of people who write at the same moment are recorded in one transaction."""
    services = application.bot_data
    if services.contacts is None:

        async def record(batch: list[users.Contact]) -> list[str | None]:
            async with services.session_factory.begin() as session:
                return await users.record_contacts(session, batch)

        services.contacts = Coalescer(record)
    return services.contacts


async def track_user(update: Update, context: KnooppuntContext) -> None:
    user = update.effective_user
    if user is None or user.is_bot or context.user_data is None:
        return
    now = datetime.now(timezone.utc)
    seen = context.user_data.get("last_recorded")
    if seen is None or now - seen >= LAST_SEEN_RESOLUTION:
        contact = (user.id, user.first_name, now, user.language_code)
        context.user_data["chosen_language"] = await contacts(context.application)(contact)
        context.user_data["last_recorded"] = now
    context.user_data["lang"] = resolve_language(
        context.user_data.get("chosen_language"), user.language_code, context.settings.default_language
    )


def register(application: Application) -> None:
    contacts(application)
    application.add_handler(TypeHandler(Update, track_user), group=-10)
