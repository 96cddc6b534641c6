"""The data model.

Names follow Open Referral HSDS where they fit: an *initiative* is an HSDS organization, a *location*
is a place with coordinates, *schedules* are weekly opening hours, categories are taxonomy terms
(their codes live in domain/taxonomy.py). Times are stored in UTC (see UTCDateTime).
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    SmallInteger,
    String,
    Text,
    TypeDecorator,
    Float,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


class UTCDateTime(TypeDecorator[datetime]):
    """Aware datetimes in, aware UTC datetimes out, on SQLite and PostgreSQL alike."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column; pass an aware datetime")
        value = value.astimezone(timezone.utc)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=timezone.utc) if value.tzinfo is None else value.astimezone(timezone.utc)


NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class User(Base):
    """Someone who talked to the bot. Kept minimal on purpose (AVG): id, language, first name, dates."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    language: Mapped[str | None] = mapped_column(String(8))  # chosen with /taal; None = follow Telegram
    # Telegram's app language at the last contact, so messages the bot sends unprompted (reminders,
    # approval cards, digests) use it too when the user never chose one with /taal.
    telegram_language: Mapped[str | None] = mapped_column(String(16))
    first_name: Mapped[str | None] = mapped_column(String(128))
    first_seen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    reminders_enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    # Telegram answered 403 (blocked) or chat-not-found: nothing unprompted until they write again.
    unreachable_since: Mapped[datetime | None] = mapped_column(UTCDateTime)


class Network(Base):
    """One of the coalition's networks (e.g. 'Buurthuiskamers Delfshaven')."""

    __tablename__ = "networks"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    announcements_need_approval: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class NetworkCoordinator(Base):
    """A coordinator of a network. The user may not have talked to the bot yet, so no FK to users."""

    __tablename__ = "network_coordinators"

    network_id: Mapped[int] = mapped_column(ForeignKey("networks.id", ondelete="CASCADE"), primary_key=True)
    user_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, index=True)
    added_by: Mapped[int | None] = mapped_column(BigInteger)
    added_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Location(Base):
    """A place on the map (HSDS location). `approximate` when the point is a postcode/buurt centroid."""

    __tablename__ = "locations"
    __table_args__ = (Index("ix_locations_lat_lon", "latitude", "longitude"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str | None] = mapped_column(String(120))
    address: Mapped[str | None] = mapped_column(String(200))
    postcode: Mapped[str | None] = mapped_column(String(7))
    city: Mapped[str | None] = mapped_column(String(80))
    latitude: Mapped[float] = mapped_column(Float)
    longitude: Mapped[float] = mapped_column(Float)
    approximate: Mapped[bool] = mapped_column(Boolean, default=False)
    buurt: Mapped[str | None] = mapped_column(String(60))


class Initiative(Base):
    """A local initiative (HSDS organization): a buurthuiskamer, speeltuin, sportclub..."""

    __tablename__ = "initiatives"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    external_id: Mapped[str | None] = mapped_column(String(100), unique=True)
    name: Mapped[str] = mapped_column(String(80))
    description: Mapped[str | None] = mapped_column(Text)
    category: Mapped[str] = mapped_column(String(40), index=True)  # taxonomy code
    phone: Mapped[str | None] = mapped_column(String(40))
    email: Mapped[str | None] = mapped_column(String(254))
    website: Mapped[str | None] = mapped_column(String(300))
    # pending (waiting for approval) / active / paused / closed / rejected
    status: Mapped[str] = mapped_column(String(16), default="pending", index=True)
    wheelchair: Mapped[str] = mapped_column(String(8), default="unknown")  # yes / limited / no / unknown
    by_appointment: Mapped[bool] = mapped_column(Boolean, default=False)
    hours_note: Mapped[str | None] = mapped_column(String(200))
    location_id: Mapped[int | None] = mapped_column(ForeignKey("locations.id", ondelete="SET NULL"), index=True)
    last_verified_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Lower-case, accent-free name + description for /zoek; kept in sync by storage.tables_directory.
    search_text: Mapped[str | None] = mapped_column(Text)
    created_by: Mapped[int | None] = mapped_column(BigInteger)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    location: Mapped[Location | None] = relationship(lazy="raise")
    schedules: Mapped[list[Schedule]] = relationship(
        lazy="raise", cascade="all, delete-orphan", order_by="(Schedule.weekday, Schedule.opens_at)"
    )
    languages: Mapped[list[InitiativeLanguage]] = relationship(lazy="raise", cascade="all, delete-orphan")
    networks: Mapped[list[InitiativeNetwork]] = relationship(lazy="raise", cascade="all, delete-orphan")
    members: Mapped[list[InitiativeMember]] = relationship(lazy="raise", cascade="all, delete-orphan")


class Schedule(Base):
    """One opening range on one weekday (0 = Monday). closes_at < opens_at means past midnight."""

    __tablename__ = "schedules"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    initiative_id: Mapped[int] = mapped_column(ForeignKey("initiatives.id", ondelete="CASCADE"), index=True)
    weekday: Mapped[int] = mapped_column(SmallInteger)
    opens_at: Mapped[str] = mapped_column(String(5))  # "HH:MM"
    closes_at: Mapped[str] = mapped_column(String(5))  # "HH:MM", "24:00" for end of day


class InitiativeLanguage(Base):
    __tablename__ = "initiative_languages"

    initiative_id: Mapped[int] = mapped_column(ForeignKey("initiatives.id", ondelete="CASCADE"), primary_key=True)
    language: Mapped[str] = mapped_column(String(2), primary_key=True, index=True)  # ISO 639-1


class InitiativeNetwork(Base):
    __tablename__ = "initiative_networks"

    initiative_id: Mapped[int] = mapped_column(ForeignKey("initiatives.id", ondelete="CASCADE"), primary_key=True)
    network_id: Mapped[int] = mapped_column(ForeignKey("networks.id", ondelete="CASCADE"), primary_key=True, index=True)


class InitiativeMember(Base):
    """A volunteer who may edit an initiative: role owner or editor."""

    __tablename__ = "initiative_members"

    initiative_id: Mapped[int] = mapped_column(ForeignKey("initiatives.id", ondelete="CASCADE"), primary_key=True)
    user_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, index=True)
    role: Mapped[str] = mapped_column(String(10), default="owner")
    added_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Activity(Base):
    """An activity of an initiative; recurring ones carry an RRULE and the first start."""

    __tablename__ = "activities"
    __table_args__ = (Index("ix_activities_status_starts_at", "status", "starts_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    initiative_id: Mapped[int] = mapped_column(ForeignKey("initiatives.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(120))
    description: Mapped[str | None] = mapped_column(Text)
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ends_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    rrule: Mapped[str | None] = mapped_column(String(200))
    location_id: Mapped[int | None] = mapped_column(ForeignKey("locations.id", ondelete="SET NULL"))
    photo_file_id: Mapped[str | None] = mapped_column(String(200))
    cost: Mapped[str | None] = mapped_column(String(100))  # None = free
    max_attendees: Mapped[int | None] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(16), default="published")  # published / hidden / cancelled
    hidden_reason: Mapped[str | None] = mapped_column(String(300))
    created_by: Mapped[int | None] = mapped_column(BigInteger)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    initiative: Mapped[Initiative] = relationship(lazy="raise")
    location: Mapped[Location | None] = relationship(lazy="raise")


class GroupChat(Base):
    """A Telegram group the bot is in; linked to a network it receives that network's digest."""

    __tablename__ = "group_chats"

    chat_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    title: Mapped[str | None] = mapped_column(String(255))
    network_id: Mapped[int | None] = mapped_column(ForeignKey("networks.id", ondelete="SET NULL"), index=True)
    message_thread_id: Mapped[int | None] = mapped_column(Integer)  # forum topic the link was made in
    language: Mapped[str] = mapped_column(String(8), default="nl")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    inactive_reason: Mapped[str | None] = mapped_column(String(200))
    linked_by: Mapped[int | None] = mapped_column(BigInteger)
    linked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    digest_weekday: Mapped[int | None] = mapped_column(SmallInteger, default=0)  # 0 = Monday; None = daily
    digest_time: Mapped[str] = mapped_column(String(5), default="09:00")
    digest_paused: Mapped[bool] = mapped_column(Boolean, default=False)
    digest_skip_empty: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class AuditEntry(Base):
    """Who did what, when: registrations, decisions, edits, role changes and refused attempts."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    actor_id: Mapped[int | None] = mapped_column(BigInteger)  # None: the system or the command line
    action: Mapped[str] = mapped_column(String(40))
    subject_type: Mapped[str | None] = mapped_column(String(30))
    subject_id: Mapped[str | None] = mapped_column(String(40))
    detail: Mapped[dict[str, Any] | None] = mapped_column(JSON)


# Tables that belong to one capability live beside it; importing them here makes Base.metadata
# (and so Alembic) know every table.
from storage import (  # noqa: E402
    tables_activities,
    tables_directory,
    tables_governance,
    tables_groups,
    tables_outbox,  # the outbox: every message the bot sends on its own
    tables_together,  # vraag & aanbod between initiatives, activities organised together
    tables_trust,
    tables_voice,  # signals, supports and progress of /idee and /stem
)
