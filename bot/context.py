"""The custom context type: hands every callback its dependencies and the user's language."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker
from telegram.ext import Application, CallbackContext, ExtBot

from bot.i18n import get_translator

if TYPE_CHECKING:
    from contextlib import AbstractAsyncContextManager

    from bot.config import Settings


def utc_now() -> datetime:
    return datetime.now(timezone.utc)


class Services:
    """Application-wide dependencies, kept in bot_data (see contexttypesbot in PTB's examples).

    `clock` and `sleep` are the one clock and the one sleep of the bot: tests replace them here.
    """

    settings: Settings
    engine: AsyncEngine
    session_factory: async_sessionmaker[AsyncSession]
    read_session_factory: async_sessionmaker[AsyncSession]  # transactions that only read

    def __init__(self) -> None:
        self.clock: Callable[[], datetime] = utc_now
        self.sleep: Callable[[float], Awaitable[None]] = asyncio.sleep
        self.geocoder: Any = None  # bot.geocoder: PDOK, Nominatim or None (set by handlers.directory.search)
        self.flood: Any = None  # handlers.privacy.flood.FloodControl (set by handlers.privacy.flood)
        self.outbox: Any = None  # handlers.core.outbox.OutboxWorker (set by handlers.core.outbox)
        self.bookkeeping: Any = None  # bot.batching.Coalescer of update ids and first contacts (handlers.core.users)
        self.database_outage: Any = None  # handlers.core.database_outage.Outage while the database is away
        self.digest_busy: set[tuple[str, int, str]] = set()  # digests being composed in this process

    def now(self) -> datetime:
        """The current instant, aware (UTC)."""
        return self.clock()


class KnooppuntContext(CallbackContext[ExtBot, dict, dict, Services]):
    """CallbackContext with `session()`, `now()`, `settings`, `language` and `gettext`."""

    def __init__(self, application: Application, chat_id: int | None = None, user_id: int | None = None) -> None:
        super().__init__(application=application, chat_id=chat_id, user_id=user_id)

    @property
    def services(self) -> Services:
        return self.bot_data

    @property
    def settings(self) -> Settings:
        return self.bot_data.settings

    def now(self) -> datetime:
        """The one clock (Services.clock): tests replace it in one place."""
        return self.bot_data.now()

    def session(self) -> AbstractAsyncContextManager[AsyncSession]:
        """One transaction: commits when the block ends, rolls back on an exception."""
        return self.bot_data.session_factory.begin()

    def read_session(self) -> AbstractAsyncContextManager[AsyncSession]:
        """A transaction that only reads (an answer from the directory or agenda): takes no write lock."""
        return self.bot_data.read_session_factory.begin()

    @property
    def language(self) -> str:
        """Set for every update with a user by handlers.core.users (group -100); the default otherwise."""
        if self.user_data is not None and self.user_data.get("lang"):
            return self.user_data["lang"]
        return self.bot_data.settings.default_language

    @property
    def translator(self):  # noqa: ANN201 - gettext translations object
        return get_translator(self.language)

    def gettext(self, message: str) -> str:
        return self.translator.gettext(message)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return self.translator.ngettext(singular, plural, n)
