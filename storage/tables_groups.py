"""Tables owned by the groups capability (migration: versions/0005_groups.py)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, BigInteger, Boolean, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from storage.models import Base, UTCDateTime, utcnow


class DigestDelivery(Base):
    """One digest for one recipient and one period, recorded before and after every message.

    The composed messages are stored before the first one is sent, so a restart after a crash
    sends exactly the remaining parts of the same text. `in_flight` is set just before a part
    goes out and cleared when Telegram confirms it; a part still in flight after a crash is
    counted as delivered (Telegram has no idempotency key; a duplicate is worse than a gap
    of one part, and the request almost always reached Telegram).
    """

    __tablename__ = "digest_deliveries"
    __table_args__ = (UniqueConstraint("kind", "target_id", "period", name="uq_digest_deliveries_target_period"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(12))  # group / coordinator
    target_id: Mapped[int] = mapped_column(BigInteger, index=True)  # group chat id or coordinator user id
    period: Mapped[str] = mapped_column(String(16))  # "2026-W50" (weekly) or "2026-12-07" (daily)
    scheduled_for: Mapped[datetime] = mapped_column(UTCDateTime)
    status: Mapped[str] = mapped_column(String(10), default="sending")  # sending / sent / failed / skipped
    parts: Mapped[list[str] | None] = mapped_column(JSON)
    parts_sent: Mapped[int] = mapped_column(Integer, default=0)
    in_flight: Mapped[bool] = mapped_column(Boolean, default=False)
    error: Mapped[str | None] = mapped_column(String(200))
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
