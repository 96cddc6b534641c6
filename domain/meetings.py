"""Meetings where the neighbourhood's input is brought: kinds, and when the groups are asked for input."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from domain.i18n_markers import N_

CALL_BEFORE = timedelta(days=14)  # the groups are asked for input two weeks before the meeting


@dataclass(frozen=True)
class MeetingKind:
    code: str
    name: str  # Dutch msgid: "Wijkraad"


MEETING_KINDS: tuple[MeetingKind, ...] = (
    MeetingKind("wijkraad", N_("Wijkraad")),
    MeetingKind("studieontbijt", N_("Studieontbijt")),
    MeetingKind("werkgroep", N_("Werkgroep")),
)


def get_kind(code: str | None) -> MeetingKind | None:
    return next((kind for kind in MEETING_KINDS if kind.code == code), None)


def call_at(starts_at: datetime, now: datetime) -> datetime:
    """When the call for input goes out: two weeks before, or now when that has passed already."""
    return max(starts_at - CALL_BEFORE, now)


def call_due(starts_at: datetime, now: datetime) -> bool:
    """The call goes out from two weeks before until the meeting starts (never after it)."""
    return starts_at - CALL_BEFORE <= now < starts_at
