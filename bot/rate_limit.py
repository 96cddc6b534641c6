"""The rate limiter: PTB's AIORateLimiter without retries (the outbox retries, in one place), and
a way to learn the moment a request is handed to Telegram (after any wait in the limiter)."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Coroutine
from dataclasses import dataclass
from typing import Any

from telegram.error import RetryAfter
from telegram.ext import AIORateLimiter

from domain.retry_policy import seconds_of

REPLY_RETRY_MAX_WAIT_S = 5.0  # a reply Telegram refuses with a short 429 is tried once more after it


def retry_after_seconds(exc: RetryAfter) -> float:
    """How long Telegram asked us to wait, without PTB's deprecation warning.

    From v22.2 the public ``retry_after`` warns (it is an int now and becomes a timedelta in a
    later major version). PTB itself keeps the value as a timedelta in ``_retry_after`` and its
    own AIORateLimiter reads it there; older versions only have the public int.
    """
    value = getattr(exc, "_retry_after", None)
    if value is None:
        value = exc.retry_after
    return seconds_of(value)


@dataclass(frozen=True)
class Handed:
    """Pass as `rate_limit_args=Handed(hook)`: `hook` runs just before the HTTP request leaves."""

    hook: Callable[[], Awaitable[None]]


def _not_ptbs_retry_report(record: logging.LogRecord) -> bool:
    """PTB logs every 429 with a traceback when it has no retries left (always, with max_retries=0);
    the caller (the reply's one retry here, the outbox) decides and logs in one short line."""
    return not record.getMessage().startswith("Rate limit hit after maximum of 0 retries")


logging.getLogger("telegram.ext.AIORateLimiter").addFilter(_not_ptbs_retry_report)


class SendingRateLimiter(AIORateLimiter):
    """30 messages/s overall, 20/min per group (PTB's defaults), and `max_retries=0`: PTB's own
    retry pauses *every* request while it waits, so one 429 would stall all residents.

    Retries live in one place per kind of message: an outbox row (`Handed`) gets none here — the
    worker puts it back with Telegram's wait; a reply gets one more try after a short 429,
    waiting in its own request only.
    """

    def __init__(self) -> None:
        super().__init__(max_retries=0)

    async def process_request(  # noqa: PLR0913 - PTB's signature
        self,
        callback: Callable[..., Coroutine[Any, Any, Any]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: Any,
    ) -> Any:
        if not isinstance(rate_limit_args, Handed):
            try:
                return await super().process_request(callback, args, kwargs, endpoint, data, None)
            except RetryAfter as exc:
                wait = retry_after_seconds(exc)
                if wait > REPLY_RETRY_MAX_WAIT_S:
                    raise
                await asyncio.sleep(wait)
                return await super().process_request(callback, args, kwargs, endpoint, data, None)
        hook = rate_limit_args.hook

        async def handed_then_sent(*call_args: Any, **call_kwargs: Any) -> Any:
            await hook()
            return await callback(*call_args, **call_kwargs)

        return await super().process_request(handed_then_sent, args, kwargs, endpoint, data, None)
