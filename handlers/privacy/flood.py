"""Flood control before anything else (group -20): one calm message, then a minute of silence.

The check is a few dictionary operations in memory, so people who are not flooding are not slowed
down, and a flooding user's updates stop here before they touch the database.
"""

from __future__ import annotations

import logging

from telegram import Update
from telegram.constants import ChatType
from telegram.error import TelegramError
from telegram.ext import Application, ApplicationHandlerStop, TypeHandler

from bot.context import KnooppuntContext
from domain.flood import FloodControl, Verdict

logger = logging.getLogger(__name__)
FLOOD_GROUP = -20


def flood_control(application: Application) -> FloodControl:
    """Kept in bot_data so tests can swap its clock."""
    return application.bot_data.flood


async def guard(update: Update, context: KnooppuntContext) -> None:
    user = update.effective_user
    if user is None or user.is_bot:
        return
    verdict = flood_control(context.application).check(user.id)
    if verdict is Verdict.OK:
        return
    if verdict is Verdict.WARN:
        logger.info("Flood control: user %s sent too many updates; muted for a minute", user.id)
        await _calm_down(update, context)
    raise ApplicationHandlerStop


async def _calm_down(update: Update, context: KnooppuntContext) -> None:
    _ = context.gettext
    text = _("Rustig aan 🙂 Je stuurt veel berichten kort na elkaar. Wacht een minuut, dan help ik je weer.")
    try:
        if update.callback_query is not None:
            await update.callback_query.answer(text)
        elif update.effective_chat is not None and update.effective_chat.type == ChatType.PRIVATE:
            await context.bot.send_message(update.effective_chat.id, text)
        # In groups: silence, so the warning does not add to the noise.
    except TelegramError:
        logger.info("Could not send the flood warning to user %s", update.effective_user.id)


def register(application: Application) -> None:
    limit = application.bot_data.settings.flood_limit
    application.bot_data.flood = FloodControl(limit=limit)
    if limit:
        application.add_handler(TypeHandler(Update, guard), group=FLOOD_GROUP)
