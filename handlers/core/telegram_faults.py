"""Telegram errors sorted into what a sender should do about them (shared by digests,
reminders and announcements)."""

from __future__ import annotations

from telegram.error import BadRequest, ChatMigrated, Forbidden, NetworkError, RetryAfter, TelegramError

from bot.rate_limit import retry_after_seconds  # noqa: F401 - re-exported for the senders

TRANSIENT = "transient"  # timeouts, connection resets, 5xx, RetryAfter: try again later
BLOCKED = "blocked"  # Forbidden: kicked or blocked; stop sending there
MIGRATED = "migrated"  # ChatMigrated: the group lives on under a new id
REFUSED = "refused"  # BadRequest and anything else: retrying sends the same bad request


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
