"""The HTTP layer between python-telegram-bot and the Bot API: where polling skips an update the
library cannot read, and where a reply to the person who wrote is tried again while Telegram has
a short outage (502s, timeouts). Both wrap PTB's own request object (`telegram.request.BaseRequest`).

Retries happen only for requests made while an update is being handled (`ReplyScope`): digests,
reminders and other messages the bot sends on its own have their own retry policy and must not
be retried twice. 429 (RetryAfter) is left to AIORateLimiter, which already retries it.
"""

from __future__ import annotations

import asyncio
import contextvars
import json
import logging
import time
from collections.abc import Awaitable, Callable
from typing import Any, ClassVar

from telegram import Update
from telegram.error import NetworkError, TelegramError, TimedOut
from telegram.ext import ExtBot
from telegram.request import BaseRequest, RequestData

logger = logging.getLogger(__name__)

TRANSIENT_STATUSES = frozenset({500, 502, 503, 504})
REPLY_RETRY_BUDGET = 60.0  # seconds a reply keeps being tried; Telegram's short outages last seconds to a minute
REPLY_BACKOFF = (0.5, 1.0, 2.0, 4.0, 8.0)  # seconds between attempts; the last one repeats


class ReplyScope:
    """Marks the requests made while one update is handled, so only those are retried.

    A context variable alone is not enough: a job scheduled from a handler inherits the handler's
    context, so it would count as a reply forever. The marker is therefore valid only while its
    update is being processed (see `KnooppuntApplication.process_update`).
    """

    _current: contextvars.ContextVar[object | None] = contextvars.ContextVar("knooppunt_reply_scope", default=None)
    _live: ClassVar[set[object]] = set()

    @classmethod
    def active(cls) -> bool:
        marker = cls._current.get()
        return marker is not None and marker in cls._live

    @classmethod
    def leave(cls) -> None:
        """This task makes no replies from here on: the outbox worker (a task that may have been
        started from an update's context) retries by its own policy, never twice."""
        cls._current.set(None)

    @classmethod
    async def run(cls, work: Awaitable[None]) -> None:
        marker = object()
        cls._live.add(marker)
        token = cls._current.set(marker)
        try:
            await work
        finally:
            cls._current.reset(token)
            cls._live.discard(marker)


class _Wrapper(BaseRequest):
    """Delegates everything to the wrapped request object (an AiohttpRequest in production)."""

    def __init__(self, inner: BaseRequest) -> None:
        self.inner = inner

    @property
    def read_timeout(self) -> float | None:
        return self.inner.read_timeout

    async def initialize(self) -> None:
        await self.inner.initialize()

    async def shutdown(self) -> None:
        await self.inner.shutdown()

    async def do_request(self, url: str, method: str, request_data: RequestData | None = None, **timeouts: object) -> tuple[int, bytes]:
        return await self.inner.do_request(url, method, request_data, **timeouts)


class RetryingRequest(_Wrapper):
    """Tries a reply again on 5xx, timeouts and dropped connections, for at most `budget` seconds."""

    def __init__(self, inner: BaseRequest, budget: float = REPLY_RETRY_BUDGET, backoff: tuple[float, ...] = REPLY_BACKOFF,
                 sleep: Callable[[float], Awaitable[None]] = asyncio.sleep) -> None:
        super().__init__(inner)
        self.budget, self.backoff, self.sleep = budget, backoff, sleep
        self.stopping = False
        self._stopped = asyncio.Event()

    def abandon(self) -> None:
        """The bot is stopping: no new attempts, so a stop during an outage does not wait a minute."""
        self.stopping = True
        self._stopped.set()

    async def _pause(self, delay: float) -> None:
        """`sleep(delay)`, cut short when the bot stops."""
        sleeper = asyncio.ensure_future(self.sleep(delay))
        stopper = asyncio.ensure_future(self._stopped.wait())
        try:
            await asyncio.wait({sleeper, stopper}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            sleeper.cancel()
            stopper.cancel()

    async def do_request(self, url: str, method: str, request_data: RequestData | None = None, **timeouts: object) -> tuple[int, bytes]:
        if not ReplyScope.active():
            return await self.inner.do_request(url, method, request_data, **timeouts)
        deadline = time.monotonic() + self.budget
        attempt = 0
        while True:
            try:
                status, payload = await self.inner.do_request(url, method, request_data, **timeouts)
                if status not in TRANSIENT_STATUSES:
                    return status, payload
                failure: str | Exception = f"HTTP {status}"
            except (TimedOut, NetworkError) as exc:  # NetworkError from the request layer: the connection failed
                status, payload, failure = None, b"", exc
            delay = self.backoff[min(attempt, len(self.backoff) - 1)]
            attempt += 1
            if self.stopping or time.monotonic() + delay > deadline:
                return _given_up(status, payload, failure)
            logger.info("Telegram %s failed (%s); trying again in %.1f s (attempt %d)", _method_of(url), type(failure).__name__ if isinstance(failure, Exception) else failure, delay, attempt + 1)
            await self._pause(delay)
            if self.stopping:
                return _given_up(status, payload, failure)


def _given_up(status: int | None, payload: bytes, failure: str | Exception) -> tuple[int, bytes]:
    """The last answer of a reply that is tried no more: Telegram's 5xx, or the connection's error."""
    if status is None:
        raise failure if isinstance(failure, Exception) else NetworkError(failure)
    return status, payload


class UpdatesRequest(_Wrapper):
    """For getUpdates: keeps the raw bytes of the last answer, for `SkippingBot` when PTB cannot read it."""

    def __init__(self, inner: BaseRequest) -> None:
        super().__init__(inner)
        self.last_answer = b""

    async def do_request(self, url: str, method: str, request_data: RequestData | None = None, **timeouts: object) -> tuple[int, bytes]:
        status, payload = await self.inner.do_request(url, method, request_data, **timeouts)
        if status == 200 and _method_of(url) == "getUpdates":
            self.last_answer = payload
        return status, payload


class _HideUnreadableBatch(logging.Filter):
    """PTB logs a batch it cannot parse whole (residents' messages) before raising: not here."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not str(record.msg).startswith("Error while parsing updates!")


class SkippingBot(ExtBot):
    """PTB's ExtBot; a getUpdates batch it cannot read is read again update by update.

    PTB parses the whole batch at once: one bad update would fail the batch, the offset would never
    move on and every retry would log the raw batch. Here the batch is parsed once, as PTB does;
    only when that fails are its updates checked one by one (`skip_unreadable`), each one PTB cannot
    read replaced by an empty update with its update_id: polling confirms it and goes on; nothing
    handles it. (Checking every update before PTB parsed it cost a second parse of every update.)
    """

    def __init__(self, token: str, updates_request: UpdatesRequest, **kwargs: Any) -> None:
        super().__init__(token, get_updates_request=updates_request, **kwargs)
        self._updates_answer = updates_request
        hide = _HideUnreadableBatch()
        for name in ("telegram.Bot", "telegram.ext.ExtBot"):
            if not any(isinstance(f, _HideUnreadableBatch) for f in logging.getLogger(name).filters):
                logging.getLogger(name).addFilter(hide)

    async def get_updates(self, *args: Any, **kwargs: Any) -> tuple[Update, ...]:
        try:
            return await super().get_updates(*args, **kwargs)
        except TelegramError:
            raise
        except Exception:  # noqa: BLE001 - anything PTB raises while parsing means "cannot read"
            body = json.loads(skip_unreadable(self._updates_answer.last_answer))
            return Update.de_list(body["result"], self)


def skip_unreadable(payload: bytes) -> bytes:
    """The getUpdates answer with every update PTB cannot read replaced by `{"update_id": N}`."""
    try:
        body = json.loads(payload)
        results = body["result"]
        if not isinstance(results, list):
            return payload
    except (ValueError, KeyError, TypeError):
        return payload  # not an answer we understand: let PTB report it
    kept: list[object] = []
    for data in results:
        try:
            Update.de_json(data, None)
            kept.append(data)
            continue
        except Exception:  # noqa: BLE001 - anything PTB raises while parsing means "cannot read"
            pass
        update_id = data.get("update_id") if isinstance(data, dict) else None
        if isinstance(update_id, int) and not isinstance(update_id, bool):
            logger.warning("Skipped update %s: python-telegram-bot cannot read it", update_id)
            kept.append({"update_id": update_id})
        else:
            logger.warning("Skipped an update without a usable update_id")
    if kept == results:
        return payload
    body["result"] = kept
    return json.dumps(body).encode()


def _method_of(url: str) -> str:
    return url.rstrip("/").rsplit("/", 1)[-1]
