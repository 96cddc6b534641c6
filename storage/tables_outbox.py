"""Tables of the outbox: every message the bot sends on its own, and handled update ids
(migration: versions/0009_outbox.py). See docs/architecture.md."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from storage.models import Base, UTCDateTime, utcnow


class OutboxMessage(Base):
    """One message to one chat, written in the same transaction as the change that caused it.

    Status: pending -> claimed (a worker took it) -> sending (handed to Telegram) -> sent; or back
    to pending with a later `next_attempt_at` (timeouts, 5xx, 429), or failed (refused, blocked).
    Rows of one chat go out in id order, one at a time (see repositories.outbox.claim_due).
    """

    __tablename__ = "outbox"
    __table_args__ = (
        Index("ix_outbox_due", "status", "next_attempt_at"),
        Index("ix_outbox_chat_order", "chat_id", "status", "id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    chat_id: Mapped[int] = mapped_column(BigInteger)  # user id (> 0) or group chat id (< 0)
    kind: Mapped[str] = mapped_column(String(24))  # digest / reminder / announcement / notice / ...
    method: Mapped[str] = mapped_column(String(12), default="message")  # message / photo
    text: Mapped[str] = mapped_column(Text)  # HTML text, or the photo's caption
    photo: Mapped[str | None] = mapped_column(String(255))  # Telegram file_id
    reply_markup: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    thread_id: Mapped[int | None] = mapped_column(BigInteger)  # forum topic of a group
    idempotency_key: Mapped[str] = mapped_column(String(200), unique=True)
    status: Mapped[str] = mapped_column(String(10), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # no use after this (a reminder's start)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    claimed_by: Mapped[str | None] = mapped_column(String(40))  # the worker (process) that claimed it
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    message_id: Mapped[int | None] = mapped_column(BigInteger)  # Telegram's id of the sent message
    last_error: Mapped[str | None] = mapped_column(String(200))


class HandledUpdate(Base):
    """update_ids already handled, kept a day, so a redelivered webhook is not answered twice."""

    __tablename__ = "handled_updates"

    update_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    handled_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
