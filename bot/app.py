"""The Application factory: the composition root used by production and by every test."""

from __future__ import annotations

import gc
import logging

from telegram import BotCommand, BotCommandScopeAllGroupChats, BotCommandScopeAllPrivateChats, LinkPreviewOptions
from telegram.constants import ParseMode
from telegram.error import TelegramError
from telegram.ext import Application, ApplicationBuilder, ContextTypes, Defaults
from telegram.request import BaseRequest

import handlers
from handlers.core.outbox import drop_lock
from handlers.core.common import set_mini_app
from handlers.groups import digest_jobs
from bot.aiohttp_request import AiohttpRequest
from bot.config import Settings
from bot.context import KnooppuntContext, Services
from bot.rate_limit import SendingRateLimiter
from bot.update_order import PerChatUpdateProcessor
from bot.i18n import available_languages, get_translator
from bot.telegram_request import ReplyScope, RetryingRequest, SkippingBot, UpdatesRequest
from storage.db import create_engine, create_session_factory
from storage.persistence import DatabaseConversationPersistence

logger = logging.getLogger(__name__)


class KnooppuntApplication(Application):
    """PTB's Application; requests made while an update is handled count as replies (retried briefly)."""

    reply_request: RetryingRequest | None = None  # set by build_application

    async def process_update(self, update: object) -> None:
        await ReplyScope.run(super().process_update(update))

    async def stop(self) -> None:
        if self.reply_request is not None:  # replies still retried through an outage give up now
            self.reply_request.abandon()
        await super().stop()


def build_application(
    settings: Settings,
    *,
    request: BaseRequest | None = None,
    get_updates_request: BaseRequest | None = None,
    rate_limiter: bool = True,
) -> Application:
    """Build the bot with every handler registered. Tests pass a fake `request`."""
    persistence = DatabaseConversationPersistence()  # conversations resume after a restart
    # PTB's pool sizes (256 connections for sending, 1 for polling) on aiohttp instead of httpx
    # (bot/aiohttp_request.py says why), wrapped: see bot.telegram_request. RetryingRequest retries
    # only replies (ReplyScope); the outbox worker runs outside any reply scope.
    updates_request = UpdatesRequest(get_updates_request or request or AiohttpRequest(connection_pool_size=1))
    reply_request = RetryingRequest(request or AiohttpRequest(connection_pool_size=256))
    bot = SkippingBot(
        settings.token,
        updates_request,
        request=reply_request,
        defaults=Defaults(
            parse_mode=ParseMode.HTML,
            tzinfo=settings.timezone,
            link_preview_options=LinkPreviewOptions(is_disabled=True),
        ),
        # no retries for the outbox here: the outbox retries
        rate_limiter=SendingRateLimiter() if rate_limiter else None,
        **({"base_url": settings.api_base_url.rstrip("/")} if settings.api_base_url else {}),
    )
    builder = (
        ApplicationBuilder()
        .application_class(KnooppuntApplication)
        .bot(bot)  # PTB's ExtBot, reading a batch it cannot parse update by update (bot.telegram_request)
        .context_types(ContextTypes(context=KnooppuntContext, bot_data=Services))
        .persistence(persistence)
        .concurrent_updates(PerChatUpdateProcessor())  # in order per chat and per user, never all waiting
        .post_init(post_init)
        .post_shutdown(post_shutdown)
    )
    application = builder.build()
    if isinstance(application, KnooppuntApplication):
        application.reply_request = reply_request

    services: Services = application.bot_data
    services.settings = settings
    services.engine = create_engine(settings.database_url)
    services.session_factory = create_session_factory(services.engine)
    services.read_session_factory = create_session_factory(services.engine, read_only=True)
    persistence.session_factory = services.session_factory

    set_mini_app(settings.public_url)  # the 🗺️ Kaart button (web/, a Telegram Mini App)
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
    # Everything alive now lives as long as the process (modules, handlers, translations, caches):
    # the cyclic garbage collector need not walk it again on every full collection.
    gc.freeze()


async def send_weekly_overviews(application: Application) -> None:
    """The coordinators' weekly overview of the latest week, now (still once per week: a week sent
    is not sent again). At start-up the bot itself sends a missed one only within 12 hours of its
    time; the demo (bot/demo.py) shows it whatever the day."""
    await digest_jobs.run_coordinator_round(application)


async def post_shutdown(application: Application) -> None:
    await drop_lock(application)  # the outbox worker's liveness lock (PostgreSQL), if the worker never ran
    await application.bot_data.engine.dispose()
