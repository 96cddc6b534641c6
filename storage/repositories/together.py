"""Vraag & aanbod and co-organisers: queries and changes. Functions never commit.

Every status change is a conditional UPDATE (`… WHERE status = <expected>`): two presses, two
processes or a forged button can never move an item or a response twice.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Select, delete, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from domain import together as rules
from domain.together import ListedItem
from storage.db import rowcount
from storage.models import Activity, Initiative, InitiativeMember, InitiativeNetwork, Network
from storage.tables_together import ActivityCoorganiser, TogetherGroupMessage, TogetherItem, TogetherItemNetwork, TogetherResponse


# -- membership ----------------------------------------------------------------------------------


async def active_initiatives_of(session: AsyncSession, user_id: int) -> list[Initiative]:
    """The active initiatives this person is a member (owner or editor) of, by name."""
    rows = await session.scalars(
        select(Initiative)
        .join(InitiativeMember, InitiativeMember.initiative_id == Initiative.id)
        .where(InitiativeMember.user_id == user_id, Initiative.status == "active")
        .order_by(Initiative.name, Initiative.id)
    )
    return list(rows)


async def is_active_member(session: AsyncSession, user_id: int, initiative_id: int) -> bool:
    found = await session.scalar(
        select(func.count())
        .select_from(InitiativeMember)
        .join(Initiative, Initiative.id == InitiativeMember.initiative_id)
        .where(InitiativeMember.user_id == user_id, InitiativeMember.initiative_id == initiative_id, Initiative.status == "active")
    )
    return bool(found)


async def member_ids(session: AsyncSession, initiative_id: int) -> list[int]:
    rows = await session.scalars(
        select(InitiativeMember.user_id).where(InitiativeMember.initiative_id == initiative_id).order_by(InitiativeMember.user_id)
    )
    return list(rows)


async def initiative_name(session: AsyncSession, initiative_id: int) -> str:
    return await session.scalar(select(Initiative.name).where(Initiative.id == initiative_id)) or "?"


async def initiative_network_ids(session: AsyncSession, initiative_id: int) -> list[int]:
    rows = await session.scalars(
        select(InitiativeNetwork.network_id).where(InitiativeNetwork.initiative_id == initiative_id).order_by(InitiativeNetwork.network_id)
    )
    return list(rows)


async def networks(session: AsyncSession) -> list[Network]:
    return list(await session.scalars(select(Network).order_by(Network.name)))


async def network_names(session: AsyncSession, network_ids: Sequence[int]) -> list[str]:
    if not network_ids:
        return []
    return list(await session.scalars(select(Network.name).where(Network.id.in_(network_ids)).order_by(Network.name)))


# -- items ----------------------------------------------------------------------------------------


async def open_count(session: AsyncSession, initiative_id: int, now: datetime) -> int:
    found = await session.scalar(
        select(func.count()).select_from(TogetherItem).where(
            TogetherItem.initiative_id == initiative_id, TogetherItem.status == rules.OPEN, TogetherItem.expires_at > now
        )
    )
    return int(found or 0)


async def create_item(session: AsyncSession, *, initiative_id: int, direction: str, kind: str, text: str, expires_at: datetime,
                      network_ids: Sequence[int], created_by: int, now: datetime) -> TogetherItem:
    item = TogetherItem(initiative_id=initiative_id, direction=direction, kind=kind, text=text, status=rules.OPEN,
                        expires_at=expires_at, extended=False, created_by=created_by, created_at=now)
    session.add(item)
    await session.flush()
    session.add_all([TogetherItemNetwork(item_id=item.id, network_id=network_id) for network_id in sorted(set(network_ids))])
    await session.flush()
    return item


async def get_item(session: AsyncSession, item_id: int) -> TogetherItem | None:
    return await session.get(TogetherItem, item_id, populate_existing=True)


async def item_network_ids(session: AsyncSession, item_id: int) -> list[int]:
    rows = await session.scalars(
        select(TogetherItemNetwork.network_id).where(TogetherItemNetwork.item_id == item_id).order_by(TogetherItemNetwork.network_id)
    )
    return list(rows)


def _listed(item: TogetherItem, name: str) -> ListedItem:
    return ListedItem(item_id=item.id, direction=item.direction, kind=item.kind, initiative=name, text=item.text,
                      created_at=item.created_at, expires_at=item.expires_at)


async def listed_items(session: AsyncSession, now: datetime, *, network_id: int | None = None,
                       initiative_id: int | None = None) -> list[ListedItem]:
    """Open items whose last day has not passed, of active initiatives (optionally one network's)."""
    query = (
        select(TogetherItem, Initiative.name)
        .join(Initiative, Initiative.id == TogetherItem.initiative_id)
        .where(TogetherItem.status == rules.OPEN, TogetherItem.expires_at > now, Initiative.status == "active")
    )
    if network_id is not None:
        query = query.where(TogetherItem.id.in_(select(TogetherItemNetwork.item_id).where(TogetherItemNetwork.network_id == network_id)))
    if initiative_id is not None:
        query = query.where(TogetherItem.initiative_id == initiative_id)
    rows = await session.execute(query)
    return rules.ordered([_listed(item, name) for item, name in rows])


async def settle(session: AsyncSession, item_id: int, user_id: int, now: datetime) -> bool:
    """open -> settled; False when it was not open any more."""
    result = await session.execute(
        update(TogetherItem)
        .where(TogetherItem.id == item_id, TogetherItem.status == rules.OPEN)
        .values(status=rules.next_status(rules.ITEM_STEPS, rules.OPEN, "settle"), decided_by=user_id, closed_at=now)
        .execution_options(synchronize_session=False)
    )
    return rowcount(result) > 0


async def extend(session: AsyncSession, item_id: int, now: datetime) -> datetime | None:
    """Once, while open and not yet expired: the new expiry, or None."""
    item = await get_item(session, item_id)
    if item is None or not rules.may_extend(item.status, item.extended, item.expires_at, now):
        return None
    new_expiry = rules.extended_expiry(item.expires_at)
    result = await session.execute(
        update(TogetherItem)
        .where(TogetherItem.id == item_id, TogetherItem.status == rules.OPEN, TogetherItem.extended.is_(False))
        .values(expires_at=new_expiry, extended=True)
        .execution_options(synchronize_session=False)
    )
    return new_expiry if rowcount(result) else None


async def expire_due(session: AsyncSession, now: datetime) -> list[int]:
    """Open items past their last day become expired; their ids."""
    due = list(await session.scalars(
        select(TogetherItem.id).where(TogetherItem.status == rules.OPEN, TogetherItem.expires_at <= now).order_by(TogetherItem.id)
    ))
    if due:
        await session.execute(
            update(TogetherItem)
            .where(TogetherItem.id.in_(due), TogetherItem.status == rules.OPEN)
            .values(status=rules.EXPIRED, closed_at=now)
            .execution_options(synchronize_session=False)
        )
    return due


async def due_for_reminder(session: AsyncSession, now: datetime) -> list[TogetherItem]:
    """Open, never extended items whose last day is tomorrow (remind_at has come, expiry has not)."""
    rows = await session.scalars(
        select(TogetherItem)
        .join(Initiative, Initiative.id == TogetherItem.initiative_id)
        .where(TogetherItem.status == rules.OPEN, TogetherItem.extended.is_(False), TogetherItem.expires_at > now,
               TogetherItem.expires_at <= now + rules.REMIND_BEFORE, Initiative.status == "active")
        .order_by(TogetherItem.id)
    )
    return list(rows)


async def purge_closed(session: AsyncSession, now: datetime) -> int:
    """Settled and expired items older than KEEP_AFTER_CLOSED go (their responses with them)."""
    cutoff = now - rules.KEEP_AFTER_CLOSED
    result = await session.execute(
        delete(TogetherItem).where(
            TogetherItem.status != rules.OPEN, func.coalesce(TogetherItem.closed_at, TogetherItem.expires_at) <= cutoff
        )
    )
    return rowcount(result)


# -- the items' group messages ------------------------------------------------------------------


async def record_group_message(session: AsyncSession, item_id: int, chat_id: int, message_id: int) -> bool:
    """Where an item's group message landed (the outbox reports it sent); False when the item is gone."""
    if await session.get(TogetherItem, item_id) is None:
        return False
    known = await session.get(TogetherGroupMessage, (item_id, chat_id))
    if known is None:
        session.add(TogetherGroupMessage(item_id=item_id, chat_id=chat_id, message_id=message_id))
    else:
        known.message_id = message_id
    await session.flush()
    return True


async def group_messages(session: AsyncSession, item_id: int) -> list[tuple[int, int]]:
    """(chat id, message id) of every group message of this item, at any age."""
    rows = await session.execute(
        select(TogetherGroupMessage.chat_id, TogetherGroupMessage.message_id)
        .where(TogetherGroupMessage.item_id == item_id)
        .order_by(TogetherGroupMessage.chat_id)
    )
    return [(chat_id, message_id) for chat_id, message_id in rows]


# -- responses --------------------------------------------------------------------------------------


async def add_response(session: AsyncSession, item_id: int, initiative_id: int, user_id: int, username: str | None,
                       now: datetime) -> tuple[TogetherResponse, bool]:
    """(response, True) when new; the existing one and False when this person responded before."""
    existing = await session.scalar(
        select(TogetherResponse).where(TogetherResponse.item_id == item_id, TogetherResponse.user_id == user_id)
    )
    if existing is not None:
        return existing, False
    response = TogetherResponse(item_id=item_id, initiative_id=initiative_id, user_id=user_id, username=username,
                                status=rules.PENDING, created_at=now)
    session.add(response)
    await session.flush()
    return response, True


async def get_response(session: AsyncSession, response_id: int) -> TogetherResponse | None:
    return await session.get(TogetherResponse, response_id, populate_existing=True)


async def decide_response(session: AsyncSession, response_id: int, action: str, user_id: int, now: datetime) -> bool:
    """pending -> accepted / declined; False when already decided."""
    result = await session.execute(
        update(TogetherResponse)
        .where(TogetherResponse.id == response_id, TogetherResponse.status == rules.PENDING)
        .values(status=rules.next_status(rules.RESPONSE_STEPS, rules.PENDING, action), decided_by=user_id, decided_at=now)
        .execution_options(synchronize_session=False)
    )
    return rowcount(result) > 0


async def matched_count(session: AsyncSession, network_id: int, since: datetime, until: datetime) -> int:
    """Responses accepted in [since, until] on items shown in this network."""
    found = await session.scalar(
        select(func.count()).select_from(TogetherResponse).where(
            TogetherResponse.status == rules.ACCEPTED,
            TogetherResponse.decided_at >= since,
            TogetherResponse.decided_at <= until,
            TogetherResponse.item_id.in_(select(TogetherItemNetwork.item_id).where(TogetherItemNetwork.network_id == network_id)),
        )
    )
    return int(found or 0)


@dataclass(frozen=True)
class ExchangeSummary:
    """A person's part in vraag & aanbod, for /mijngegevens."""

    responses: int
    items_posted: int


async def person_summary(session: AsyncSession, user_id: int) -> ExchangeSummary:
    responses = await session.scalar(select(func.count()).select_from(TogetherResponse).where(TogetherResponse.user_id == user_id))
    posted = await session.scalar(select(func.count()).select_from(TogetherItem).where(TogetherItem.created_by == user_id))
    return ExchangeSummary(int(responses or 0), int(posted or 0))


# -- co-organisers ------------------------------------------------------------------------------------


async def coorganiser_candidates(session: AsyncSession, activity: Activity, search: str | None = None, limit: int = 20) -> list[Initiative]:
    """Active initiatives the posting one may invite: those sharing a network with it (or, with a
    search, any active one whose name matches), not itself and not invited before."""
    asked = select(ActivityCoorganiser.initiative_id).where(ActivityCoorganiser.activity_id == activity.id)
    query = select(Initiative).where(Initiative.status == "active", Initiative.id != activity.initiative_id, Initiative.id.not_in(asked))
    if search:
        query = query.where(func.lower(Initiative.name).contains(search.strip().lower(), autoescape=True))
    else:
        shared = select(InitiativeNetwork.network_id).where(InitiativeNetwork.initiative_id == activity.initiative_id)
        query = query.where(Initiative.id.in_(select(InitiativeNetwork.initiative_id).where(InitiativeNetwork.network_id.in_(shared))))
    return list(await session.scalars(query.order_by(Initiative.name).limit(limit)))


async def invite_coorganiser(session: AsyncSession, activity_id: int, initiative_id: int, user_id: int, now: datetime) -> bool:
    """An invitation; False when this initiative was invited before (whatever it answered)."""
    if await session.get(ActivityCoorganiser, (activity_id, initiative_id)) is not None:
        return False
    session.add(ActivityCoorganiser(activity_id=activity_id, initiative_id=initiative_id, status=rules.INVITED,
                                    created_by=user_id, created_at=now))
    await session.flush()
    return True


async def coorganiser(session: AsyncSession, activity_id: int, initiative_id: int) -> ActivityCoorganiser | None:
    return await session.get(ActivityCoorganiser, (activity_id, initiative_id), populate_existing=True)


async def decide_invitation(session: AsyncSession, activity_id: int, initiative_id: int, action: str, user_id: int, now: datetime) -> bool:
    """One step of an invitation (accept, decline, withdraw, leave), only from the status it starts
    from; False when the invitation is not there any more (answered, withdrawn, left)."""
    current = rules.step_from(rules.COORGANISER_STEPS, action)
    result = await session.execute(
        update(ActivityCoorganiser)
        .where(ActivityCoorganiser.activity_id == activity_id, ActivityCoorganiser.initiative_id == initiative_id,
               ActivityCoorganiser.status == current)
        .values(status=rules.next_status(rules.COORGANISER_STEPS, current, action), decided_by=user_id, decided_at=now)
        .execution_options(synchronize_session=False)
    )
    return rowcount(result) > 0


async def open_invitations(session: AsyncSession, activity_id: int) -> list[tuple[int, str]]:
    """(initiative id, name) of the invitations for this activity not answered yet."""
    rows = await session.execute(
        select(Initiative.id, Initiative.name)
        .join(ActivityCoorganiser, ActivityCoorganiser.initiative_id == Initiative.id)
        .where(ActivityCoorganiser.activity_id == activity_id, ActivityCoorganiser.status == rules.INVITED)
        .order_by(Initiative.name)
    )
    return [(initiative_id, name) for initiative_id, name in rows]


async def coorganising_initiative(session: AsyncSession, user_id: int, activity_id: int) -> int | None:
    """The initiative through which this person co-organises the activity (accepted, active, a member)."""
    found = await session.scalar(
        select(ActivityCoorganiser.initiative_id)
        .join(InitiativeMember, InitiativeMember.initiative_id == ActivityCoorganiser.initiative_id)
        .join(Initiative, Initiative.id == ActivityCoorganiser.initiative_id)
        .where(ActivityCoorganiser.activity_id == activity_id, ActivityCoorganiser.status == rules.ACCEPTED,
               InitiativeMember.user_id == user_id, Initiative.status == "active")
        .order_by(ActivityCoorganiser.initiative_id)
        .limit(1)
    )
    return int(found) if found is not None else None


async def coorganiser_names(session: AsyncSession, activity_id: int) -> list[str]:
    """Names of the initiatives that accepted to organise this activity together."""
    rows = await session.scalars(
        select(Initiative.name)
        .join(ActivityCoorganiser, ActivityCoorganiser.initiative_id == Initiative.id)
        .where(ActivityCoorganiser.activity_id == activity_id, ActivityCoorganiser.status == rules.ACCEPTED)
        .order_by(Initiative.name)
    )
    return list(rows)


def coorganised_by(initiative_ids: Select[Any] | Sequence[int]) -> Select[Any]:
    """A select of activity ids that these initiatives (a select or a list of ids) co-organise."""
    return select(ActivityCoorganiser.activity_id).where(
        ActivityCoorganiser.initiative_id.in_(initiative_ids), ActivityCoorganiser.status == rules.ACCEPTED)


async def coorganised_activities(session: AsyncSession, initiative_id: int, now: datetime) -> list[Activity]:
    """Activities this initiative organises together with another (accepted), not cancelled, not over."""
    own_or_invited = or_(
        Activity.id.in_(select(ActivityCoorganiser.activity_id).where(
            ActivityCoorganiser.initiative_id == initiative_id, ActivityCoorganiser.status == rules.ACCEPTED)),
        (Activity.initiative_id == initiative_id) & Activity.id.in_(
            select(ActivityCoorganiser.activity_id).where(ActivityCoorganiser.status == rules.ACCEPTED)),
    )
    rows = await session.scalars(
        select(Activity).where(own_or_invited, Activity.status != "cancelled",
                               (Activity.rrule.is_not(None)) | (func.coalesce(Activity.ends_at, Activity.starts_at) >= now))
        .order_by(Activity.starts_at)
    )
    return list(rows)


async def may_edit_activity(session: AsyncSession, user_id: int, activity: Activity) -> bool:
    """Members of the posting initiative, and of an initiative that accepted to organise it together."""
    found = await session.scalar(
        select(func.count()).select_from(InitiativeMember).where(
            InitiativeMember.user_id == user_id,
            or_(InitiativeMember.initiative_id == activity.initiative_id,
                InitiativeMember.initiative_id.in_(select(ActivityCoorganiser.initiative_id).where(
                    ActivityCoorganiser.activity_id == activity.id, ActivityCoorganiser.status == rules.ACCEPTED))),
        )
    )
    return bool(found)
