"""Tables of polls and meetings (migration: versions/0012_voice_polls.py). See docs/voice.md.

A poll is asked once and goes out as one native Telegram poll per group (`poll_messages`); each
group's copy keeps its own totals (`option_counts`), so results are per group and in total. Who
answered a non-anonymous poll is kept in `poll_answers` only to count changes of mind; it is
never shown, and /vergeetmij deletes it (user_id is a subject column).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, BigInteger, Boolean, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from storage.models import Base, UTCDateTime, utcnow


class Poll(Base):
    """One question with 2-10 answers, asked in one or more groups until `closes_at`."""

    __tablename__ = "polls"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    question: Mapped[str] = mapped_column(String(300))
    anonymous: Mapped[bool] = mapped_column(Boolean, default=True)
    multiple: Mapped[bool] = mapped_column(Boolean, default=False)  # several answers allowed
    closes_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    status: Mapped[str] = mapped_column(String(8), default="open", index=True)  # open / closed
    created_by: Mapped[int | None] = mapped_column(BigInteger)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class PollOption(Base):
    __tablename__ = "poll_options"

    poll_id: Mapped[int] = mapped_column(ForeignKey("polls.id", ondelete="CASCADE"), primary_key=True)
    position: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)  # 0-based, Telegram's order
    text: Mapped[str] = mapped_column(String(100))


class PollMessage(Base):
    """The poll as sent to one group: Telegram's poll id and message id, and that group's totals."""

    __tablename__ = "poll_messages"
    __table_args__ = (UniqueConstraint("poll_id", "chat_id", name="uq_poll_messages_poll_chat"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    poll_id: Mapped[int] = mapped_column(ForeignKey("polls.id", ondelete="CASCADE"), index=True)
    chat_id: Mapped[int] = mapped_column(BigInteger)  # the group
    network_id: Mapped[int | None] = mapped_column(ForeignKey("networks.id", ondelete="SET NULL"))
    group_title: Mapped[str | None] = mapped_column(String(255))
    telegram_poll_id: Mapped[str | None] = mapped_column(String(64), unique=True)
    message_id: Mapped[int | None] = mapped_column(Integer)
    option_counts: Mapped[list[int]] = mapped_column(JSON, default=list)  # votes per option, by position
    voters: Mapped[int] = mapped_column(Integer, default=0)  # people who answered in this group
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    stopped_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class PollAnswer(Base):
    """A non-anonymous poll's current answer of one person in one group (deleted when retracted)."""

    __tablename__ = "poll_answers"

    poll_message_id: Mapped[int] = mapped_column(ForeignKey("poll_messages.id", ondelete="CASCADE"), primary_key=True)
    user_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    options: Mapped[list[int]] = mapped_column(JSON, default=list)
    answered_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Meeting(Base):
    """An upcoming wijkraad, studieontbijt or werkgroep; two weeks before, the buurt's groups are asked for input."""

    __tablename__ = "meetings"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))  # wijkraad / studieontbijt / werkgroep
    buurt: Mapped[str] = mapped_column(String(60), index=True)
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    created_by: Mapped[int | None] = mapped_column(BigInteger)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    called_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # the call for input was queued
