"""Start-up that survives the network: wait for Telegram with backoff, reject a bad token in one line.

Before handing over to `run_polling`/`run_webhook`, the bot asks Telegram who it is (getMe).
Unreachable -> one log line per attempt and a new try after 1, 2, 4 … 60 seconds, so a short
outage at boot (or Telegram being down) no longer kills the service; a token Telegram rejects ->
a ConfigError naming TELEGRAM_BOT_TOKEN (exit 2), with the token itself never in the output.
"""

from __future__ import annotations

import asyncio
import logging
import signal
from collections.abc import Awaitable, Callable

from telegram import Bot
from telegram.error import BadRequest, InvalidToken, NetworkError

from bot.config import ConfigError

logger = logging.getLogger("bot.startup")

FIRST_DELAY = 1.0
MAX_DELAY = 60.0


def backoff(attempt: int, first: float = FIRST_DELAY, cap: float = MAX_DELAY) -> float:
    """Seconds to wait after failed attempt number `attempt` (0-based): doubling, capped."""
    return min(cap, first * 2**attempt)


def short_reason(exc: BaseException) -> str:
    """One line about a network failure (its first line; the log formatter masks the token)."""
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return text[:200]


async def wait_for_telegram(bot: Bot, stop: asyncio.Event, sleep: Callable[[float], Awaitable] | None = None) -> bool:
    """True once getMe answers; False when stopped (SIGTERM/Ctrl-C) while waiting.

    Raises ConfigError when Telegram rejects the token.
    """
    attempt = 0
    while not stop.is_set():
        try:
            await bot.initialize()  # getMe
            return True
        except InvalidToken:
            raise ConfigError(
                "TELEGRAM_BOT_TOKEN",
                "Telegram rejected this token (revoked or mistyped?); copy it again from @BotFather",
            ) from None
        except BadRequest:
            raise
        except NetworkError as exc:  # TimedOut is one too
            delay = backoff(attempt)
            logger.warning("Kan Telegram niet bereiken (%s); nieuwe poging over %d s", short_reason(exc), round(delay))
            logger.debug("getMe failed", exc_info=True)
            attempt += 1
            try:
                await asyncio.wait_for(stop.wait(), timeout=delay)
            except TimeoutError:
                pass
    return False


def telegram_reachable(bot: Bot) -> bool:
    """Run wait_for_telegram in its own event loop; SIGINT/SIGTERM end the wait cleanly."""

    async def main() -> bool:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stop.set)
        try:
            return await wait_for_telegram(bot, stop)
        finally:
            await bot.shutdown()  # run_polling starts its own event loop and connections
            for sig in (signal.SIGINT, signal.SIGTERM):
                loop.remove_signal_handler(sig)

    return asyncio.run(main())
