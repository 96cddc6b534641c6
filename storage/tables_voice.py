"""Tables owned by the voice capability (migration: versions/0011_voice_signals.py).

- voice_signals: an idea or need a resident sent with /idee. The author is `created_by` (an actor
  column: /vergeetmij blanks it, the text stays, anonymous). Status: submitted -> published /
  declined / merged (into `merged_into_id`).
- voice_supports: one "👍 Ik steun dit" per person per signal (a subject row: /vergeetmij deletes it).
  Only counts are ever shown, never who.
- voice_progress: what came of a signal ("wat is ermee gedaan"): ingebracht (at a meeting, on a
  date), toegezegd, wijkakkoord, gerealiseerd, niet_gelukt; each with a short text.

Buurten are stored by name as in `locations.buurt` (domain/gazetteer.py: "Spangen", "Bospolder").
Theme codes live in domain/voice.py.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import BigInteger, Boolean, Date, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from storage.models import Base, UTCDateTime, utcnow


class VoiceSignal(Base):
    """One signal (idea or need) of a resident about a buurt."""

    __tablename__ = "voice_signals"
    __table_args__ = (
        Index("ix_voice_signals_status_buurt", "status", "buurt"),
        Index("ix_voice_signals_created_by_created_at", "created_by", "created_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    text: Mapped[str] = mapped_column(String(500))
    theme: Mapped[str] = mapped_column(String(30), index=True)  # a code of domain.voice.THEMES
    buurt: Mapped[str] = mapped_column(String(60))  # a buurt name as in locations.buurt
    # Lower-case, accent-free text for the merge search (domain.gazetteer.normalize_text).
    search_text: Mapped[str] = mapped_column(Text, default="")
    # The author; NULL after /vergeetmij (or for a signal entered by the command line).
    created_by: Mapped[int | None] = mapped_column(BigInteger)
    show_first_name: Mapped[bool] = mapped_column(Boolean, default=False)
    author_first_name: Mapped[str | None] = mapped_column(String(128))  # only kept when show_first_name
    language: Mapped[str | None] = mapped_column(String(8))  # the language it was written in
    # submitted / published / declined / merged
    status: Mapped[str] = mapped_column(String(12), default="submitted")
    merged_into_id: Mapped[int | None] = mapped_column(ForeignKey("voice_signals.id", ondelete="SET NULL"))
    decline_reason: Mapped[str | None] = mapped_column(String(300))
    decided_by: Mapped[int | None] = mapped_column(BigInteger)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)


class VoiceSupport(Base):
    """One person supports one signal. Withdrawn = deleted."""

    __tablename__ = "voice_supports"

    signal_id: Mapped[int] = mapped_column(ForeignKey("voice_signals.id", ondelete="CASCADE"), primary_key=True)
    user_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class VoiceProgress(Base):
    """One step on the way back: what a coordinator recorded about a signal."""

    __tablename__ = "voice_progress"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    signal_id: Mapped[int] = mapped_column(ForeignKey("voice_signals.id", ondelete="CASCADE"), index=True)
    # ingebracht / toegezegd / wijkakkoord / gerealiseerd / niet_gelukt
    status: Mapped[str] = mapped_column(String(16))
    text: Mapped[str] = mapped_column(String(500))
    meeting_name: Mapped[str | None] = mapped_column(String(120))  # for ingebracht: which meeting
    meeting_date: Mapped[date | None] = mapped_column(Date)  # for ingebracht: the meeting's date
    created_by: Mapped[int | None] = mapped_column(BigInteger)  # the coordinator; NULL after /vergeetmij
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
