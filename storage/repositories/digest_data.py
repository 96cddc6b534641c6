"""What goes into a digest: read from the database for one network and one week.

Returns plain values (no ORM objects): the data classes of domain.digest, so composing a digest is
pure and needs no session.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import Select, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from domain import together as together_rules
from domain.digest import ActivityItem, AnnouncementItem, CoordinatorFacts, InitiativeItem, NetworkWeek
from domain.recurrence import Recurrence, to_utc
from storage.models import Activity, GroupChat, Initiative, InitiativeNetwork
from storage.repositories import together, voice
from storage.tables_activities import Announcement, AnnouncementTarget

UNVERIFIED_AFTER = timedelta(days=90)


def _network_initiatives(network_id: int) -> Select[int]:
    return select(InitiativeNetwork.initiative_id).where(InitiativeNetwork.network_id == network_id)


async def upcoming_activities(session: AsyncSession, network_id: int, start: datetime, end: datetime, tz: ZoneInfo) -> list[ActivityItem]:
    """Published activities of the network's active initiatives starting in [start, end), recurring ones expanded."""
    rows = await session.scalars(
        select(Activity)
        .join(Initiative, Initiative.id == Activity.initiative_id)
        .where(
            Activity.status == "published",
            Initiative.status == "active",
            Activity.initiative_id.in_(_network_initiatives(network_id))
            | Activity.id.in_(together.coorganised_by(_network_initiatives(network_id))),
            Activity.starts_at < end,
            or_(Activity.rrule.is_not(None), Activity.starts_at >= start),
        )
        .options(
            selectinload(Activity.initiative).selectinload(Initiative.location),
            selectinload(Activity.location),
        )
    )
    items: list[ActivityItem] = []
    for activity in rows:
        location = activity.location or activity.initiative.location
        place = (location.name or location.address) if location is not None else None
        if activity.rrule:
            first_end = activity.ends_at.astimezone(tz) if activity.ends_at else None
            recurrence = Recurrence(activity.starts_at.astimezone(tz), activity.rrule, first_end)
            times = [(occurrence.start, occurrence.end) for occurrence in recurrence.between(start, end)]
        else:
            times = [(activity.starts_at, activity.ends_at)]
        for begins, ends in times:
            items.append(ActivityItem(activity.id, to_utc(begins), to_utc(ends) if ends else None, activity.title, place, activity.initiative.name))
    items.sort(key=lambda item: (item.starts_at, item.title, item.activity_id))
    return items


async def new_initiatives(session: AsyncSession, network_id: int, since: datetime, until: datetime) -> list[InitiativeItem]:
    rows = await session.execute(
        select(Initiative.id, Initiative.name, Initiative.category)
        .where(
            Initiative.id.in_(_network_initiatives(network_id)),
            Initiative.status == "active",
            Initiative.created_at >= since,
            Initiative.created_at < until,
        )
        .order_by(Initiative.name)
    )
    return [InitiativeItem(row.id, row.name, row.category) for row in rows]


async def announcements(session: AsyncSession, network_id: int, start: datetime, end: datetime) -> list[AnnouncementItem]:
    """Announcements posted to this network (approved where needed) in [start, end), oldest first."""
    rows = await session.execute(
        select(Initiative.name, Announcement.text)
        .join(Announcement, Announcement.initiative_id == Initiative.id)
        .join(AnnouncementTarget, AnnouncementTarget.announcement_id == Announcement.id)
        .where(
            AnnouncementTarget.network_id == network_id,
            AnnouncementTarget.status == "posted",
            Announcement.created_at >= start,
            Announcement.created_at < end,
        )
        .order_by(Announcement.created_at)
    )
    return [AnnouncementItem(initiative=name, text=text) for name, text in rows]


async def network_week(session: AsyncSession, network_id: int, network_name: str, now: datetime, since: datetime, tz: ZoneInfo) -> NetworkWeek:
    """The next 7 days of activities, initiatives and signals new since `since`, announcements and
    signal progress of the past week."""
    buurten = await voice.buurten_of_networks(session, [network_id])
    return NetworkWeek(
        network_id=network_id,
        network_name=network_name,
        activities=await upcoming_activities(session, network_id, now, now + timedelta(days=7), tz),
        new_initiatives=await new_initiatives(session, network_id, since, now),
        announcements=await announcements(session, network_id, now - timedelta(days=7), now),
        signals_new=await voice.new_published_since(session, since, now, buurten) if buurten else [],
        signals_changed=await voice.progress_since(session, now - timedelta(days=7), now, buurten) if buurten else [],
        exchange=await together.listed_items(session, now, network_id=network_id),
    )


async def coordinator_facts(session: AsyncSession, network_id: int, network_name: str, now: datetime, tz: ZoneInfo) -> CoordinatorFacts:
    in_network = Initiative.id.in_(_network_initiatives(network_id))
    pending = await session.execute(
        select(Initiative.id, Initiative.name).where(in_network, Initiative.status == "pending").order_by(Initiative.created_at)
    )
    cutoff = now - UNVERIFIED_AFTER
    unverified = await session.execute(
        select(Initiative.id, Initiative.name)
        .where(
            in_network,
            Initiative.status == "active",
            func.coalesce(Initiative.last_verified_at, Initiative.created_at) < cutoff,
        )
        .order_by(Initiative.name)
    )
    unreachable = await session.scalars(
        select(GroupChat.title).where(GroupChat.network_id == network_id, GroupChat.active.is_(False)).order_by(GroupChat.title)
    )
    buurten = await voice.buurten_of_networks(session, [network_id])
    return CoordinatorFacts(
        network_id=network_id,
        network_name=network_name,
        pending=[InitiativeItem(row.id, row.name) for row in pending],
        new_initiatives=await new_initiatives(session, network_id, now - timedelta(days=7), now),
        upcoming_activities=len(await upcoming_activities(session, network_id, now, now + timedelta(days=7), tz)),
        unverified=[InitiativeItem(row.id, row.name) for row in unverified],
        unreachable_groups=[title or "?" for title in unreachable],
        signal_counts=await voice.status_counts(session, buurten) if buurten else {},
        exchange=await _exchange_facts(session, network_id, now),
    )


async def _exchange_facts(session: AsyncSession, network_id: int, now: datetime) -> together_rules.ExchangeFacts:
    listed = await together.listed_items(session, now, network_id=network_id)
    matched = await together.matched_count(session, network_id, now - timedelta(days=7), now)
    return together_rules.ExchangeFacts(matched=matched, open_count=len(listed), open_longest=together_rules.longest_open(listed, now))
