"""PTB persistence for the conversations that survive a restart, backed by our database.

Only conversation states are persisted: `store_data` says no to user_data, chat_data, bot_data and
callback_data, so PTB never asks for them (they stay in memory on purpose: nothing in them must
outlive a restart). Those methods raise if PTB ever calls them, instead of pretending.

A persistent conversation (`persistent=True, name=…`) registers a ConversationStore for its name:
`load` gives the states still going on at start-up, `save` writes a state PTB hands over. The
store is the capability's own table (the registration's drafts: storage/repositories/registrations.py),
so a handler stores the step in the same transaction as the answer and a crash loses nothing;
PTB's flush (every `update_interval` seconds and at shutdown) then only confirms what is there,
and removes the rows of conversations that ended.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, NoReturn

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from telegram.ext import BasePersistence, PersistenceInput

logger = logging.getLogger(__name__)

ConversationKey = tuple[int | str, ...]
ConversationDict = dict[ConversationKey, object]


@dataclass(frozen=True)
class ConversationStore:
    """Where one persistent conversation keeps its states."""

    load: Callable[[AsyncSession], Awaitable[ConversationDict]]  # {(chat_id, user_id): state} still going on
    save: Callable[[AsyncSession, ConversationKey, object | None], Awaitable[None]]  # None: it ended


CONVERSATION_STORES: dict[str, ConversationStore] = {}


def register_conversation_store(name: str, store: ConversationStore) -> None:
    if CONVERSATION_STORES.get(name, store) is not store:
        raise ValueError(f"conversation name {name!r} is taken")
    CONVERSATION_STORES[name] = store


def _not_stored(what: str) -> NoReturn:
    raise NotImplementedError(f"{what} is not persisted (store_data is False); PTB should not ask for it")


class DatabaseConversationPersistence(BasePersistence[dict[Any, Any], dict[Any, Any], dict[Any, Any]]):
    def __init__(self, update_interval: float = 60) -> None:
        super().__init__(
            store_data=PersistenceInput(bot_data=False, chat_data=False, user_data=False, callback_data=False),
            update_interval=update_interval,
        )
        self.session_factory: async_sessionmaker[AsyncSession] | None = None  # set by bot.app

    async def get_conversations(self, name: str) -> ConversationDict:
        store = CONVERSATION_STORES.get(name)
        if store is None or self.session_factory is None:
            return {}
        async with self.session_factory() as session:
            return await store.load(session)

    async def update_conversation(self, name: str, key: ConversationKey, new_state: object | None) -> None:
        store = CONVERSATION_STORES.get(name)
        if store is None:
            raise ValueError(f"persistent conversation {name!r} has no ConversationStore")
        if self.session_factory is None:
            return
        async with self.session_factory.begin() as session:
            await store.save(session, key, new_state)

    async def flush(self) -> None:
        """Nothing is buffered: every update_conversation is its own transaction."""

    # -- not persisted (store_data is False): PTB never calls these -----------------------------------

    async def get_user_data(self) -> dict[int, dict[Any, Any]]:
        _not_stored("user_data")

    async def get_chat_data(self) -> dict[int, dict[Any, Any]]:
        _not_stored("chat_data")

    async def get_bot_data(self) -> dict[Any, Any]:
        _not_stored("bot_data")

    async def get_callback_data(self) -> None:
        _not_stored("callback_data")

    async def update_user_data(self, user_id: int, data: dict[Any, Any]) -> None:
        _not_stored("user_data")

    async def update_chat_data(self, chat_id: int, data: dict[Any, Any]) -> None:
        _not_stored("chat_data")

    async def update_bot_data(self, data: dict[Any, Any]) -> None:
        _not_stored("bot_data")

    async def update_callback_data(self, data: Any) -> None:
        _not_stored("callback_data")

    async def drop_user_data(self, user_id: int) -> None:
        _not_stored("user_data")

    async def drop_chat_data(self, chat_id: int) -> None:
        _not_stored("chat_data")

    async def refresh_user_data(self, user_id: int, user_data: dict[Any, Any]) -> None:
        _not_stored("user_data")

    async def refresh_chat_data(self, chat_id: int, chat_data: dict[Any, Any]) -> None:
        _not_stored("chat_data")

    async def refresh_bot_data(self, bot_data: dict[Any, Any]) -> None:
        _not_stored("bot_data")
