"""The rate limiter: PTB's AIORateLimiter without retries (the outbox retries, in one place), and
a way to learn the moment a request is handed to Telegram (after any wait in the limiter)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Coroutine
from dataclasses import dataclass
from typing import Any

from telegram.ext import AIORateLimiter


@dataclass(frozen=True)
class Handed:
    """Pass as `rate_limit_args=Handed(hook)`: `hook` runs just before the HTTP request leaves."""

    hook: Callable[[], Awaitable[None]]


class SendingRateLimiter(AIORateLimiter):
    """30 messages/s overall, 20/min per group (PTB's defaults); `max_retries=0`: a 429 is raised
    at once and pauses nobody else; the outbox puts the row back with Telegram's wait."""

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
            return await super().process_request(callback, args, kwargs, endpoint, data, rate_limit_args)
        hook = rate_limit_args.hook

        async def handed_then_sent(*call_args: Any, **call_kwargs: Any) -> Any:
            await hook()
            return await callback(*call_args, **call_kwargs)

        return await super().process_request(handed_then_sent, args, kwargs, endpoint, data, None)
