"""Tables owned by the activities capability: RSVPs, sent reminders, announcements."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from storage.models import Base, UTCDateTime, utcnow


class ActivityRsvp(Base):
    """Someone said "Ik kom" for one date: a one-off's start, or one occurrence of a series.

    status: going, or waiting (that date was full; moves up when someone cancels for that date).
    Counts, the waiting list and reminders are per (activity, occurrence_at).
    """

    __tablename__ = "activity_rsvps"

    activity_id: Mapped[int] = mapped_column(ForeignKey("activities.id", ondelete="CASCADE"), primary_key=True)
    user_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, index=True)
    occurrence_at: Mapped[datetime] = mapped_column(UTCDateTime, primary_key=True)  # UTC start of that date
    status: Mapped[str] = mapped_column(String(8), default="going")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ReminderSent(Base):
    """One reminder, for one person, for one occurrence, and how far its delivery got.

    status: sending (claimed; the message is on its way), sent, pending (Telegram was down or
    busy: tried again at next_try_at) or failed (blocked, refused, or too late to matter).
    The row is claimed in its own transaction before the message goes out, so a restart never
    sends it twice; a row still "sending" after a crash counts as delivered, like a digest part
    in flight (Telegram has no idempotency key; a rare lost reminder beats a duplicate).
    """

    __tablename__ = "activity_reminders_sent"
    __table_args__ = (UniqueConstraint("activity_id", "user_id", "occurrence_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    activity_id: Mapped[int] = mapped_column(ForeignKey("activities.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(BigInteger)
    occurrence_at: Mapped[datetime] = mapped_column(UTCDateTime)
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)  # claimed, then confirmed
    status: Mapped[str] = mapped_column(String(8), default="sent", server_default="sent")
    attempts: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    next_try_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    error: Mapped[str | None] = mapped_column(String(200))


class Announcement(Base):
    """A short message of an initiative for the groups of some of its networks."""

    __tablename__ = "announcements"
    __table_args__ = (Index("ix_announcements_initiative_created", "initiative_id", "created_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    initiative_id: Mapped[int] = mapped_column(ForeignKey("initiatives.id", ondelete="CASCADE"))
    text: Mapped[str] = mapped_column(Text)
    photo_file_id: Mapped[str | None] = mapped_column(String(200))
    created_by: Mapped[int] = mapped_column(BigInteger)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class AnnouncementTarget(Base):
    """One network an announcement is for. status: pending (waits for a coordinator), posted, rejected."""

    __tablename__ = "announcement_targets"
    __table_args__ = (UniqueConstraint("announcement_id", "network_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    announcement_id: Mapped[int] = mapped_column(ForeignKey("announcements.id", ondelete="CASCADE"), index=True)
    network_id: Mapped[int] = mapped_column(ForeignKey("networks.id", ondelete="CASCADE"), index=True)
    status: Mapped[str] = mapped_column(String(8), default="pending")
    decided_by: Mapped[int | None] = mapped_column(BigInteger)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
