"""Updates handled concurrently, each chat's and each user's in order (PTB's BaseUpdateProcessor).

One slow update (a long query, a reply waiting on Telegram) then stalls only its own chat and
user, never everyone; a conversation still sees its answers one after another.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from contextlib import AsyncExitStack
from typing import Any

from telegram import Update
from telegram.ext import BaseUpdateProcessor

MAX_CONCURRENT_UPDATES = 16


class PerChatUpdateProcessor(BaseUpdateProcessor):
    def __init__(self, max_concurrent_updates: int = MAX_CONCURRENT_UPDATES) -> None:
        super().__init__(max_concurrent_updates)
        self._locks: dict[tuple[str, int], asyncio.Lock] = {}
        self._users: dict[tuple[str, int], int] = {}

    @staticmethod
    def keys(update: object) -> list[tuple[str, int]]:
        """The chat and the user of an update, in a fixed order (so two locks never deadlock)."""
        if not isinstance(update, Update):
            return []
        found = set()
        if update.effective_chat is not None:
            found.add(("chat", update.effective_chat.id))
        if update.effective_user is not None:
            found.add(("user", update.effective_user.id))
        return sorted(found)

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        keys = self.keys(update)
        for key in keys:
            self._users[key] = self._users.get(key, 0) + 1
            self._locks.setdefault(key, asyncio.Lock())
        try:
            async with AsyncExitStack() as stack:
                for key in keys:
                    await stack.enter_async_context(self._locks[key])
                await coroutine
        finally:
            for key in keys:
                self._users[key] -= 1
                if not self._users[key]:  # nobody waits: forget the lock
                    del self._users[key]
                    del self._locks[key]

    async def initialize(self) -> None:
        pass

    async def shutdown(self) -> None:
        pass
