"""Activities, RSVPs, sent reminders and announcements. Functions never commit."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, Select, delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload
from sqlalchemy.orm.interfaces import LoaderOption

from domain.agenda import Slot
from domain.recurrence import to_utc
from storage.activity_facts import next_slot
from storage.db import rowcount
from storage.repositories import together
from storage.models import Activity, GroupChat, Initiative, InitiativeMember, InitiativeNetwork, Location, Network, User
from storage.tables_activities import ActivityRsvp, Announcement, AnnouncementTarget, ReminderSent

GOING = "going"
WAITING = "waiting"


def _with_details() -> tuple[LoaderOption, ...]:
    return (selectinload(Activity.initiative).selectinload(Initiative.location), selectinload(Activity.location))


async def get_activity(session: AsyncSession, activity_id: int) -> Activity | None:
    return await session.scalar(select(Activity).where(Activity.id == activity_id).options(*_with_details()))


async def visible_activities(
    session: AsyncSession,
    until: datetime,
    since: datetime,
    *,
    network_id: int | None = None,
    category: str | None = None,
    buurt: str | None = None,
) -> list[Activity]:
    """Published activities of active initiatives that may have an occurrence between since and until."""
    from storage.models import Location

    query = (
        select(Activity)
        .join(Initiative, Initiative.id == Activity.initiative_id)
        .where(
            Activity.status == "published",
            Initiative.status == "active",
            Activity.starts_at < until,
            (Activity.rrule.is_not(None)) | (func.coalesce(Activity.ends_at, Activity.starts_at) >= since),
        )
        .options(*_with_details())
        .order_by(Activity.starts_at, Activity.id)
    )
    if network_id is not None:
        query = query.where(
            _in_initiatives(select(InitiativeNetwork.initiative_id).where(InitiativeNetwork.network_id == network_id))
        )
    if category is not None:
        query = query.where(Initiative.category == category)
    if buurt is not None:
        query = query.join(Location, Location.id == Activity.location_id).where(Location.buurt == buurt)
    return list(await session.scalars(query))


async def activities_of_initiatives(session: AsyncSession, initiative_ids: list[int]) -> list[Activity]:
    if not initiative_ids:
        return []
    query = (
        select(Activity)
        .where(_in_initiatives(initiative_ids), Activity.status != "cancelled")
        .options(*_with_details())
        .order_by(Activity.starts_at)
    )
    return list(await session.scalars(query))


async def networks_of_initiative(session: AsyncSession, initiative_id: int) -> list[Network]:
    query = (
        select(Network)
        .join(InitiativeNetwork, InitiativeNetwork.network_id == Network.id)
        .where(InitiativeNetwork.initiative_id == initiative_id)
        .order_by(Network.name)
    )
    return list(await session.scalars(query))


async def all_networks(session: AsyncSession) -> list[Network]:
    return list(await session.scalars(select(Network).order_by(Network.name)))


async def network_by_name(session: AsyncSession, name: str) -> Network | None:
    return await session.scalar(select(Network).where(func.lower(Network.name) == name.strip().lower()))


async def may_moderate(session: AsyncSession, admin_ids: frozenset[int], user_id: int, activity: Activity) -> bool:
    """Admins and coordinators of a network the activity's initiative belongs to."""
    from storage.repositories import roles

    return await roles.may_decide_on_initiative(session, admin_ids, user_id, activity.initiative_id)


# -- RSVPs --------------------------------------------------------------------------------------


async def rsvp_of(session: AsyncSession, activity_id: int, user_id: int, occurrence_at: datetime) -> ActivityRsvp | None:
    return await session.get(ActivityRsvp, (activity_id, user_id, occurrence_at))


async def going_count(session: AsyncSession, activity_id: int, occurrence_at: datetime) -> int:
    """How many come on that date."""
    return await session.scalar(
        select(func.count()).select_from(ActivityRsvp).where(
            ActivityRsvp.activity_id == activity_id, ActivityRsvp.occurrence_at == occurrence_at, ActivityRsvp.status == GOING
        )
    ) or 0


async def add_rsvp(session: AsyncSession, activity: Activity, user_id: int, now: datetime, occurrence_at: datetime) -> str:
    """'going', 'waiting' (that date is full: on its waiting list) or 'already' (asked before)."""
    existing = await rsvp_of(session, activity.id, user_id, occurrence_at)
    if existing is not None:
        return "already"
    status = GOING
    if activity.max_attendees is not None and await going_count(session, activity.id, occurrence_at) >= activity.max_attendees:
        status = WAITING
    session.add(ActivityRsvp(activity_id=activity.id, user_id=user_id, occurrence_at=occurrence_at, status=status, created_at=now))
    await session.flush()
    return status


async def remove_rsvp(session: AsyncSession, activity: Activity, user_id: int, occurrence_at: datetime) -> tuple[bool, int | None]:
    """(removed?, the user who moved up from that date's waiting list, if any)."""
    existing = await rsvp_of(session, activity.id, user_id, occurrence_at)
    if existing is None:
        return False, None
    was_going = existing.status == GOING
    await session.delete(existing)
    await session.flush()
    if not was_going:
        return True, None
    first_waiting = await session.scalar(
        select(ActivityRsvp)
        .where(ActivityRsvp.activity_id == activity.id, ActivityRsvp.occurrence_at == occurrence_at, ActivityRsvp.status == WAITING)
        .order_by(ActivityRsvp.created_at)
        .limit(1)
    )
    if first_waiting is None:
        return True, None
    first_waiting.status = GOING
    return True, first_waiting.user_id


async def attendee_ids(session: AsyncSession, activity_id: int, statuses: tuple[str, ...] = (GOING, WAITING)) -> list[int]:
    """Everyone who comes (or waits) on any date of the activity, each once, earliest first."""
    rows = await session.execute(
        select(ActivityRsvp.user_id, func.min(ActivityRsvp.created_at))
        .where(ActivityRsvp.activity_id == activity_id, ActivityRsvp.status.in_(statuses))
        .group_by(ActivityRsvp.user_id)
        .order_by(func.min(ActivityRsvp.created_at), ActivityRsvp.user_id)
    )
    return [user_id for user_id, _first in rows]


# -- reminders ----------------------------------------------------------------------------------


async def activities_with_rsvps(session: AsyncSession) -> list[Activity]:
    query = (
        select(Activity)
        .where(Activity.status == "published", Activity.id.in_(select(ActivityRsvp.activity_id).where(ActivityRsvp.status == GOING)))
        .options(*_with_details())
    )
    return list(await session.scalars(query))


REMINDER_SENDING = "sending"
REMINDER_QUEUED = "queued"  # in the outbox (handlers/core/outbox.py sends it)
REMINDER_SENT = "sent"
REMINDER_PENDING = "pending"
REMINDER_FAILED = "failed"


def _reminder_of(activity_id: int, occurrence_at: datetime) -> tuple[ColumnElement[bool], ColumnElement[bool]]:
    return (ReminderSent.activity_id == activity_id, ReminderSent.occurrence_at == occurrence_at)


async def reminder_candidates(session: AsyncSession, activity_id: int, occurrence_at: datetime, joined_before: datetime) -> list[int]:
    """Going on that date since before the reminder moment, reminders on, and not reminded yet (or waiting for a retry)."""
    settled = select(ReminderSent.user_id).where(*_reminder_of(activity_id, occurrence_at), ReminderSent.status != REMINDER_PENDING)
    rows = await session.scalars(
        select(ActivityRsvp.user_id)
        .join(User, User.id == ActivityRsvp.user_id, isouter=True)
        .where(
            ActivityRsvp.activity_id == activity_id,
            ActivityRsvp.occurrence_at == occurrence_at,
            ActivityRsvp.status == GOING,
            ActivityRsvp.created_at <= joined_before,
            func.coalesce(User.reminders_enabled, True).is_(True),
            ActivityRsvp.user_id.not_in(settled),
        )
        .order_by(ActivityRsvp.created_at)
    )
    return list(rows)


async def claim_reminder(session: AsyncSession, activity_id: int, user_id: int, occurrence_at: datetime, now: datetime) -> bool:
    """Take the reminder for sending: a new row, or a pending one; False when it is settled or taken.

    A competing insert raises IntegrityError at flush or commit (the unique constraint): the
    caller treats that as "taken".
    """
    claimed = await session.execute(
        update(ReminderSent)
        .where(*_reminder_of(activity_id, occurrence_at), ReminderSent.user_id == user_id, ReminderSent.status == REMINDER_PENDING)
        .values(status=REMINDER_SENDING, sent_at=now)
    )
    if rowcount(claimed):
        return True
    exists = await session.scalar(select(ReminderSent.id).where(*_reminder_of(activity_id, occurrence_at), ReminderSent.user_id == user_id))
    if exists is not None:
        return False
    session.add(ReminderSent(activity_id=activity_id, user_id=user_id, occurrence_at=occurrence_at, sent_at=now,
                             status=REMINDER_SENDING, attempts=0))
    await session.flush()
    return True


async def reminder_row(session: AsyncSession, activity_id: int, user_id: int, occurrence_at: datetime) -> ReminderSent | None:
    return await session.scalar(select(ReminderSent).where(*_reminder_of(activity_id, occurrence_at), ReminderSent.user_id == user_id))


async def get_user(session: AsyncSession, user_id: int) -> User | None:
    return await session.get(User, user_id)


async def users_by_id(session: AsyncSession, user_ids: list[int]) -> dict[int, User]:
    """The stored users among `user_ids` (for their language: bot.i18n.user_language)."""
    if not user_ids:
        return {}
    return {user.id: user for user in await session.scalars(select(User).where(User.id.in_(user_ids)))}


async def set_reminders(session: AsyncSession, user_id: int, enabled: bool) -> None:
    user = await session.get(User, user_id)
    if user is None:
        raise LookupError(f"user {user_id} not recorded")
    user.reminders_enabled = enabled


# -- announcements ------------------------------------------------------------------------------


async def announcements_since(session: AsyncSession, initiative_id: int, since: datetime) -> int:
    return await session.scalar(
        select(func.count()).select_from(Announcement).where(Announcement.initiative_id == initiative_id, Announcement.created_at >= since)
    ) or 0


async def active_groups(session: AsyncSession, network_id: int) -> list[GroupChat]:
    return list(await session.scalars(
        select(GroupChat).where(GroupChat.network_id == network_id, GroupChat.active.is_(True)).order_by(GroupChat.chat_id)
    ))


async def coordinator_ids(session: AsyncSession, network_id: int) -> list[int]:
    from storage.models import NetworkCoordinator

    return list(await session.scalars(select(NetworkCoordinator.user_id).where(NetworkCoordinator.network_id == network_id)))


async def get_target(session: AsyncSession, target_id: int) -> tuple[AnnouncementTarget, Announcement, Initiative, Network] | None:
    row = (await session.execute(
        select(AnnouncementTarget, Announcement, Initiative, Network)
        .join(Announcement, Announcement.id == AnnouncementTarget.announcement_id)
        .join(Initiative, Initiative.id == Announcement.initiative_id)
        .join(Network, Network.id == AnnouncementTarget.network_id)
        .where(AnnouncementTarget.id == target_id)
    )).first()
    return tuple(row) if row else None  # type: ignore[return-value]


async def is_member(session: AsyncSession, user_id: int, initiative_id: int) -> bool:
    return (await session.scalar(
        select(func.count()).select_from(InitiativeMember).where(
            InitiativeMember.user_id == user_id, InitiativeMember.initiative_id == initiative_id
        )
    ) or 0) > 0


async def may_edit_activity(session: AsyncSession, user_id: int, activity: Activity) -> bool:
    """Members of the posting initiative and of initiatives that organise it together (storage.repositories.together)."""
    return await together.may_edit_activity(session, user_id, activity)


async def coorganiser_names(session: AsyncSession, activity_id: int) -> list[str]:
    return await together.coorganiser_names(session, activity_id)


async def coorganising_initiative(session: AsyncSession, user_id: int, activity_id: int) -> int | None:
    """The initiative through which this person organises the activity together with the posting one."""
    return await together.coorganising_initiative(session, user_id, activity_id)


def _in_initiatives(initiative_ids: Select[Any] | Sequence[int]) -> ColumnElement[bool]:
    """Activities of these initiatives (ids or a select of ids), or organised together with one of them (accepted)."""
    return Activity.initiative_id.in_(initiative_ids) | Activity.id.in_(together.coorganised_by(initiative_ids))


async def delete_activity(session: AsyncSession, activity_id: int) -> None:
    """Used by tests and admins: the row and (by cascade) its RSVPs and reminders."""
    await session.execute(delete(Activity).where(Activity.id == activity_id))


# -- writing activities and announcements (the handlers call these; they never add rows themselves) --


async def get_initiative(session: AsyncSession, initiative_id: int) -> Initiative | None:
    return await session.get(Initiative, initiative_id)


async def get_location(session: AsyncSession, location_id: int) -> Location | None:
    return await session.get(Location, location_id)


def location_from_place(place: dict[str, Any]) -> Location:
    """A place as the conversations keep it in their draft (a typed address or a shared location)."""
    return Location(name=place["name"], address=place["address"], postcode=place["postcode"], latitude=place["lat"],
                    longitude=place["lon"], buurt=place["buurt"], approximate=place["approximate"], city="Rotterdam")


async def add_place(session: AsyncSession, place: dict[str, Any]) -> int:
    """Store a draft's place as a new location; its id."""
    location = location_from_place(place)
    session.add(location)
    await session.flush()
    return location.id


async def create_activity(session: AsyncSession, *, initiative_id: int, draft: dict[str, Any], location_id: int | None,
                          created_by: int) -> Activity:
    """A published activity from the posting conversation's draft (title, when, description, photo, cost)."""
    when = draft["when"]
    activity = Activity(
        initiative_id=initiative_id, title=draft["title"], description=draft.get("description"),
        starts_at=datetime.fromisoformat(when["start"]), ends_at=datetime.fromisoformat(when["end"]) if when["end"] else None,
        rrule=when["rrule"], location_id=location_id, photo_file_id=draft.get("photo"), cost=draft.get("cost"),
        status="published", created_by=created_by,
    )
    session.add(activity)
    await session.flush()
    return activity


async def apply_changes(session: AsyncSession, activity: Activity, changes: dict[str, Any]) -> None:
    """An edit of title, description, cost, when ({start, end, rrule}) or place (a draft place)."""
    for field in ("title", "description", "cost"):
        if field in changes:
            setattr(activity, field, changes[field])
    if "when" in changes:
        when = changes["when"]
        activity.starts_at = datetime.fromisoformat(when["start"])
        activity.ends_at = datetime.fromisoformat(when["end"]) if when["end"] else None
        activity.rrule = when["rrule"]
    if "place" in changes:
        activity.location_id = await add_place(session, changes["place"])


async def cancel_activity(session: AsyncSession, activity_id: int) -> bool:
    """Mark it cancelled; False when it already was (or is gone)."""
    activity = await session.get(Activity, activity_id)
    if activity is None or activity.status == "cancelled":
        return False
    activity.status = "cancelled"
    return True


def hide_activity(activity: Activity, reason: str) -> None:
    """A coordinator hides it from the agenda, with the reason its poster is told."""
    activity.status = "hidden"
    activity.hidden_reason = reason


def decide_target(target: AnnouncementTarget, *, approve: bool, decided_by: int, now: datetime) -> None:
    """A coordinator's decision on an announcement for one network."""
    target.status = "posted" if approve else "rejected"
    target.decided_by = decided_by
    target.decided_at = now


async def create_announcement(session: AsyncSession, *, initiative_id: int, text: str, photo_file_id: str | None,
                              created_by: int, now: datetime,
                              targets: list[tuple[int, str]]) -> tuple[Announcement, list[AnnouncementTarget]]:
    """The announcement and one target per (network id, status: "pending" or "posted")."""
    announcement = Announcement(initiative_id=initiative_id, text=text, photo_file_id=photo_file_id, created_by=created_by, created_at=now)
    session.add(announcement)
    await session.flush()
    rows = [AnnouncementTarget(announcement_id=announcement.id, network_id=network_id, status=status) for network_id, status in targets]
    session.add_all(rows)
    await session.flush()
    return announcement, rows


async def try_rsvp(session: AsyncSession, activity_id: int | None, user_id: int, now: datetime,
                   tz: ZoneInfo) -> tuple[Activity | None, str, Slot | None]:
    """(activity, outcome, slot) of "Ik kom": gone / cancelled / over, or add_rsvp's going / waiting / already.

    One rule for the bot's button and the Mini App: the RSVP is for the next (or current) date of the
    activity, `slot`; the caller schedules the reminder when 'going'.
    """
    activity = await get_activity(session, activity_id) if activity_id else None
    if activity is None or activity.status == "hidden" or activity.initiative.status != "active":
        return activity, "gone", None
    if activity.status == "cancelled":
        return activity, "cancelled", None
    slot = next_slot(activity, now, tz)
    if slot is None:
        return activity, "over", None
    return activity, await add_rsvp(session, activity, user_id, now, to_utc(slot.start)), slot
