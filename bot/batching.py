"""Bookkeeping writes of concurrent updates share one transaction (issue 13).

Every update records its update_id (a redelivered webhook is not answered twice) and, at most
once an hour per person, the person's contact. Each alone is a write transaction; with updates
handled concurrently, the ones that arrive in the same turn of the event loop are written
together: one BEGIN … COMMIT for all of them, each caller still getting its own answer, and every
caller getting the error when that transaction fails.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Generic, TypeVar

Item = TypeVar("Item")
Result = TypeVar("Result")

MAX_BATCH = 100


class Coalescer(Generic[Item, Result]):
    """`await coalescer(item)` runs `write(items)` for the items submitted meanwhile, in one call.

    `write` gets the items in submission order and returns one result per item, in that order.
    A batch is written as soon as the submitting tasks have had one turn of the loop to join;
    while it is written, newcomers wait for the next batch (one batch at a time).
    """

    def __init__(self, write: Callable[[list[Item]], Awaitable[list[Result]]], max_batch: int = MAX_BATCH) -> None:
        self._write = write
        self._max_batch = max_batch
        self._queue: list[tuple[Item, asyncio.Future[Result]]] = []
        self._runner: asyncio.Task[None] | None = None

    async def __call__(self, item: Item) -> Result:
        future: asyncio.Future[Result] = asyncio.get_running_loop().create_future()
        self._queue.append((item, future))
        if self._runner is None or self._runner.done():
            self._runner = asyncio.ensure_future(self._drain())
        return await future

    async def _drain(self) -> None:
        await asyncio.sleep(0)  # the other updates started in this turn submit theirs
        while self._queue:
            batch, self._queue = self._queue[: self._max_batch], self._queue[self._max_batch :]
            try:
                results = await self._write([item for item, _future in batch])
            except BaseException as exc:  # noqa: BLE001 - every caller gets the failure
                for _item, future in batch:
                    if not future.done():
                        future.set_exception(exc)
                if isinstance(exc, asyncio.CancelledError):
                    for _item, future in self._queue:
                        future.cancel()
                    self._queue = []
                    raise
                continue
            for (_item, future), result in zip(batch, results, strict=True):
                if not future.done():
                    future.set_result(result)
