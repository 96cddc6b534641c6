"""How long to wait before trying a Telegram send again: pure arithmetic, no telegram import."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta

# A reminder that could not be sent is tried again after 1, 5, 15 minutes, then every 30 minutes.
REMINDER_BACKOFF: tuple[timedelta, ...] = (
    timedelta(minutes=1), timedelta(minutes=5), timedelta(minutes=15), timedelta(minutes=30),
)

# An outbox row that met timeouts, 5xx or 429 is tried again after 10 s, 1, 5, 15, then every 30 minutes,
# for at most a day (a digest or notice older than that is stale news).
OUTBOX_BACKOFF: tuple[timedelta, ...] = (
    timedelta(seconds=10), timedelta(minutes=1), timedelta(minutes=5), timedelta(minutes=15), timedelta(minutes=30),
)
OUTBOX_GIVE_UP_AFTER = timedelta(days=1)


def seconds_of(value: int | float | timedelta) -> float:
    """Seconds in a Telegram time period: python-telegram-bot gives an int today, a timedelta later."""
    if isinstance(value, timedelta):
        return value.total_seconds()
    return float(value)


def backoff_delay(failures: int, steps: Sequence[timedelta] = REMINDER_BACKOFF,
                  at_least: int | float | timedelta = 0) -> timedelta:
    """The wait after the n-th failure in a row (1-based); the last step repeats.

    ``at_least`` is what Telegram asked for (RetryAfter): never try sooner than that.
    """
    if failures < 1:
        raise ValueError("failures counts from 1")
    step = steps[min(failures, len(steps)) - 1]
    return max(step, timedelta(seconds=seconds_of(at_least)))
