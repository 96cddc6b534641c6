"""Tables owned by the directory capability (migration: versions/0002_directory.py).

Also keeps `initiatives.search_text` in step with name and description, whoever writes them
(the directory import, registration by volunteers, edits), so /zoek never misses an initiative.
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

from sqlalchemy import Float, String, event
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Mapped, Mapper, mapped_column

from domain.gazetteer import normalize_text
from storage.models import Base, Initiative, UTCDateTime, utcnow


class GeocodeCache(Base):
    """Answers of the online geocoder, so each address is asked at most once (Nominatim's rules).

    Holds only the typed text and the answer: no user id. A miss is cached too (latitude NULL).
    """

    __tablename__ = "geocode_cache"

    provider: Mapped[str] = mapped_column(String(16), primary_key=True)
    query: Mapped[str] = mapped_column(String(200), primary_key=True)  # normalised text
    latitude: Mapped[float | None] = mapped_column(Float)
    longitude: Mapped[float | None] = mapped_column(Float)
    label: Mapped[str | None] = mapped_column(String(200))
    fetched_at: Mapped[datetime] = mapped_column(UTCDateTime, default=lambda: fetched_day(utcnow()))


def fetched_day(now: datetime) -> datetime:
    """When a geocode answer was fetched, to the day (UTC midnight): exact enough for expiry (months
    for a hit, a week for a miss; an entry may expire up to a day early), while a time to the second
    would let someone holding both the logs and the database tie a typed address to who typed it."""
    return now.astimezone(timezone.utc).replace(hour=0, minute=0, second=0, microsecond=0)


def search_text_for(name: str | None, description: str | None) -> str:
    """What /zoek matches against: both fields, lower case, without accents or punctuation."""
    return normalize_text(f"{name or ''} {description or ''}")


@event.listens_for(Initiative, "before_insert")
@event.listens_for(Initiative, "before_update")
def _refresh_search_text(_mapper: Mapper[Any], _connection: Connection, target: Initiative) -> None:
    target.search_text = search_text_for(target.name, target.description)
