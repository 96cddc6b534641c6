"""Telegram errors sorted into what a sender should do about them (shared by digests,
reminders and announcements)."""

from __future__ import annotations

from telegram.error import BadRequest, ChatMigrated, Forbidden, NetworkError, RetryAfter, TelegramError

from domain.retry_policy import seconds_of

TRANSIENT = "transient"  # timeouts, connection resets, 5xx, RetryAfter: try again later
BLOCKED = "blocked"  # Forbidden: kicked or blocked; stop sending there
MIGRATED = "migrated"  # ChatMigrated: the group lives on under a new id
REFUSED = "refused"  # BadRequest and anything else: retrying sends the same bad request


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


def classify(exc: TelegramError) -> str:
    # ChatMigrated and BadRequest come before NetworkError: BadRequest subclasses NetworkError.
    if isinstance(exc, Forbidden):
        return BLOCKED
    if isinstance(exc, ChatMigrated):
        return MIGRATED
    if isinstance(exc, BadRequest):
        return REFUSED
    if isinstance(exc, (RetryAfter, NetworkError)):
        return TRANSIENT
    return REFUSED
