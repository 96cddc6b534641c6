"""The Application factory: the composition root used by production and by every test."""

from __future__ import annotations

import logging

from telegram import BotCommand, BotCommandScopeAllGroupChats, BotCommandScopeAllPrivateChats, LinkPreviewOptions
from telegram.constants import ParseMode
from telegram.error import TelegramError
from telegram.ext import Application, ApplicationBuilder, ContextTypes, Defaults
from telegram.request import BaseRequest

import handlers
from bot.config import Settings
from bot.context import KnooppuntContext, Services
from bot.rate_limit import SendingRateLimiter
from bot.update_order import PerChatUpdateProcessor
from bot.i18n import available_languages, get_translator
from storage.db import create_engine, create_session_factory
from storage.persistence import DatabaseConversationPersistence

logger = logging.getLogger(__name__)


def build_application(
    settings: Settings,
    *,
    request: BaseRequest | None = None,
    get_updates_request: BaseRequest | None = None,
    rate_limiter: bool = True,
) -> Application:
    """Build the bot with every handler registered. Tests pass a fake `request`."""
    persistence = DatabaseConversationPersistence()  # conversations resume after a restart
    builder = (
        ApplicationBuilder()
        .token(settings.token)
        .context_types(ContextTypes(context=KnooppuntContext, bot_data=Services))
        .defaults(
            Defaults(
                parse_mode=ParseMode.HTML,
                tzinfo=settings.timezone,
                link_preview_options=LinkPreviewOptions(is_disabled=True),
            )
        )
        .persistence(persistence)
        .concurrent_updates(PerChatUpdateProcessor())  # in order per chat and per user, never all waiting
        .post_init(post_init)
        .post_shutdown(post_shutdown)
    )
    if settings.api_base_url:
        builder = builder.base_url(settings.api_base_url.rstrip("/"))
    if rate_limiter:
        builder = builder.rate_limiter(SendingRateLimiter())  # no retries here: the outbox retries
    if request is not None:
        builder = builder.request(request).get_updates_request(get_updates_request or request)
    application = builder.build()

    services: Services = application.bot_data
    services.settings = settings
    services.engine = create_engine(settings.database_url)
    services.session_factory = create_session_factory(services.engine)
    persistence.session_factory = services.session_factory

    handlers.register_handlers(application)
    return application


def menu_commands(language: str, private: bool) -> list[BotCommand]:
    _ = get_translator(language).gettext
    return [
        BotCommand(item.name(language), _(item.description)[:256])
        for item in handlers.all_commands()
        if (item.private if private else item.group)
    ]


async def set_command_menus(application: Application) -> None:
    """The command menu per language, for private chats and groups; default = DEFAULT_LANGUAGE."""
    default = application.bot_data.settings.default_language
    for scope, private in ((BotCommandScopeAllPrivateChats(), True), (BotCommandScopeAllGroupChats(), False)):
        await application.bot.set_my_commands(menu_commands(default, private), scope=scope)
        for language in available_languages():
            await application.bot.set_my_commands(menu_commands(language, private), scope=scope, language_code=language)


async def post_init(application: Application) -> None:
    try:
        await set_command_menus(application)
    except TelegramError as exc:  # the menu is a nicety; the bot works without it
        logger.warning("Could not set the command menu: %s", exc)
    await handlers.on_startup(application)


async def post_shutdown(application: Application) -> None:
    await application.bot_data.engine.dispose()
