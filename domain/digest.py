"""Compose the weekly digests as Telegram HTML, from plain data (no database, no Telegram).

The group digest tells a neighbourhood network what happens this week; the coordinator digest
gives the people who run the network the picture of what needs their attention. Both come back
as a list of messages, already split to Telegram's size.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from itertools import groupby
from zoneinfo import ZoneInfo

from domain import together as together_rules
from domain.datefmt import format_day, format_time
from domain.htmltext import TELEGRAM_LIMIT, escape, escape_attr, split_message, truncate
from domain.i18n_markers import Translator
from domain.recurrence import TZ, localize, to_utc
from domain.voice_digest import DigestSignal

ANNOUNCEMENT_LIMIT = 280  # characters of an announcement shown in the digest; the rest is one tap away


@dataclass(frozen=True)
class DigestActivity:
    title: str
    start: datetime
    end: datetime | None
    place: str | None
    url: str  # deep link to the activity in the bot


@dataclass(frozen=True)
class DigestInitiative:
    name: str
    category: str


@dataclass(frozen=True)
class DigestAnnouncement:
    initiative: str
    text: str


AnnouncementItem = DigestAnnouncement  # as storage.repositories.digest_data reads it: the same thing


# -- what storage.repositories.digest_data reads for a digest (plain values, no ORM objects) ----------


@dataclass(frozen=True)
class ActivityItem:
    activity_id: int
    starts_at: datetime  # aware, UTC
    ends_at: datetime | None
    title: str
    place: str | None
    initiative: str


@dataclass(frozen=True)
class InitiativeItem:
    initiative_id: int
    name: str
    category: str = ""


@dataclass(frozen=True)
class NetworkWeek:
    """Everything a group digest shows for one network."""

    network_id: int
    network_name: str
    activities: list[ActivityItem]
    new_initiatives: list[InitiativeItem]
    announcements: list[AnnouncementItem]
    # "Wat de buurt vraagt": signals of the network's buurten published since the last digest, and
    # those with a progress step in the past week.
    signals_new: list[DigestSignal] = field(default_factory=list)
    signals_changed: list[DigestSignal] = field(default_factory=list)
    exchange: list[together_rules.ListedItem] = field(default_factory=list)  # open vraag & aanbod


@dataclass(frozen=True)
class CoordinatorFacts:
    """One network's line in a coordinator digest."""

    network_id: int
    network_name: str
    pending: list[InitiativeItem]
    new_initiatives: list[InitiativeItem]
    upcoming_activities: int
    unverified: list[InitiativeItem]
    unreachable_groups: list[str]
    signal_counts: dict[str, int] = field(default_factory=dict)  # signals of the network's buurten per status
    exchange: together_rules.ExchangeFacts | None = None  # vraag & aanbod: matched this week, open longest


def _bold(text: str) -> str:
    return f"<b>{escape(text)}</b>"


def _activity_line(activity: DigestActivity, tz: ZoneInfo) -> str:
    times = format_time(activity.start, tz)
    if activity.end is not None:
        times += f" – {format_time(activity.end, tz)}"
    line = f'{times}  <a href="{escape_attr(activity.url)}">{escape(activity.title)}</a>'
    if activity.place:
        line += f" · {escape(activity.place)}"
    return line


def compose_group_digest(
    network: str,
    week_start: date,
    activities: Sequence[DigestActivity],
    initiatives: Sequence[DigestInitiative],
    announcements: Sequence[DigestAnnouncement],
    *,
    translator: Translator,
    locale: str,
    tz: ZoneInfo = TZ,
    skip_empty: bool = False,
    limit: int = TELEGRAM_LIMIT,
    extra_blocks: Sequence[str] = (),
) -> list[str] | None:
    """The digest for the week starting on ``week_start`` (local dates), as Telegram messages.

    ``extra_blocks`` are ready Telegram HTML sections added at the end (vraag & aanbod, domain.together).
    Activities outside that week are left out. An empty week gives one short line that invites
    initiatives to post, or None when ``skip_empty`` (the caller then sends nothing).
    """
    _ = translator.gettext
    week_end = week_start + timedelta(days=7)
    lo, hi = (to_utc(localize(datetime.combine(d, time()), tz)) for d in (week_start, week_end))
    in_week = sorted((a for a in activities if lo <= to_utc(a.start) < hi), key=lambda a: to_utc(a.start))
    if not (in_week or initiatives or announcements or extra_blocks):
        if skip_empty:
            return None
        invite = _("Deze week staat er nog niets op de agenda van {network}. Organiseer je iets? Zet het erin met /activiteit, dan ziet de buurt het.")
        return [escape(invite.format(network=network))]

    blocks = [_bold(_("Deze week in {network}").format(network=network))]
    if in_week:
        for day, day_activities in groupby(in_week, key=lambda a: a.start.astimezone(tz).date()):
            lines = [_bold(format_day(day, locale=locale))]
            lines += [_activity_line(a, tz) for a in day_activities]
            blocks.append("\n".join(lines))
    else:
        blocks.append(escape(_("Er staan deze week geen activiteiten op de agenda.")))
    if initiatives:
        lines = [_bold(_("Nieuw in de buurt"))]
        lines += [f"• {escape(i.name)} ({escape(i.category)})" for i in initiatives]
        blocks.append("\n".join(lines))
    if announcements:
        lines = [_bold(_("Berichten"))]
        for a in announcements:
            text = truncate(" ".join(a.text.split()), ANNOUNCEMENT_LIMIT)
            lines.append(f"• <i>{escape(a.initiative)}</i>: {escape(text)}")
        blocks.append("\n".join(lines))
    blocks += list(extra_blocks)
    return split_message("\n\n".join(blocks), limit)
