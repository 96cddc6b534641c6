"""Conversation states that survive a restart, read from the database.

PTB's persistence writes states on a timer (and at a clean shutdown), so a crash could lose a step.
Here the capability's own table is the source of truth instead: its handlers store the step in the
same transaction as the answer, and at start-up `get_conversations(name)` asks the loader that the
capability registered for that conversation name. user/chat/bot/callback data are not persisted.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from telegram.ext import BasePersistence, PersistenceInput

ConversationDict = dict[tuple[int | str, ...], object]  # PTB's ConversationKey: (chat id, user id)
UserOrChatData = dict[Any, Any]  # never stored here (store_data is all False)
ConversationLoader = Callable[[AsyncSession], Awaitable[ConversationDict]]

CONVERSATION_LOADERS: dict[str, ConversationLoader] = {}


def register_conversation_loader(name: str, loader: ConversationLoader) -> None:
    """`loader(session)` returns {(chat_id, user_id): state} of the conversations still going on."""
    if name in CONVERSATION_LOADERS and CONVERSATION_LOADERS[name] is not loader:
        raise ValueError(f"conversation name {name!r} is taken")
    CONVERSATION_LOADERS[name] = loader


class DatabaseConversationPersistence(BasePersistence[UserOrChatData, UserOrChatData, Any]):
    def __init__(self) -> None:
        super().__init__(store_data=PersistenceInput(bot_data=False, chat_data=False, user_data=False, callback_data=False), update_interval=60)
        self.session_factory: async_sessionmaker[AsyncSession] | None = None  # set by bot.app

    async def get_conversations(self, name: str) -> ConversationDict:
        loader = CONVERSATION_LOADERS.get(name)
        if loader is None or self.session_factory is None:
            return {}
        async with self.session_factory() as session:
            return await loader(session)

    async def update_conversation(self, name: str, key: tuple[int | str, ...], new_state: object | None) -> None:
        """Nothing to do: the handlers wrote the state with their answer."""

    # Nothing else is persisted (store_data is all False), so these are never asked for anything.
    async def get_user_data(self) -> dict[int, UserOrChatData]:
        return {}

    async def get_chat_data(self) -> dict[int, UserOrChatData]:
        return {}

    async def get_bot_data(self) -> Any:
        return None

    async def get_callback_data(self) -> None:
        return None

    async def update_user_data(self, user_id: int, data: UserOrChatData) -> None:
        pass

    async def update_chat_data(self, chat_id: int, data: UserOrChatData) -> None:
        pass

    async def update_bot_data(self, data: Any) -> None:
        pass

    async def update_callback_data(self, data: Any) -> None:
        pass

    async def drop_user_data(self, user_id: int) -> None:
        pass

    async def drop_chat_data(self, chat_id: int) -> None:
        pass

    async def refresh_user_data(self, user_id: int, user_data: UserOrChatData) -> None:
        pass

    async def refresh_chat_data(self, chat_id: int, chat_data: UserOrChatData) -> None:
        pass

    async def refresh_bot_data(self, bot_data: Any) -> None:
        pass

    async def flush(self) -> None:
        pass
