"""Who may do what. Every command and button asks these on the server; callback data proves nothing."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Initiative, InitiativeMember, InitiativeNetwork, NetworkCoordinator


def is_admin(admin_ids: frozenset[int], user_id: int) -> bool:
    return user_id in admin_ids


async def coordinated_network_ids(session: AsyncSession, user_id: int) -> set[int]:
    rows = await session.scalars(select(NetworkCoordinator.network_id).where(NetworkCoordinator.user_id == user_id))
    return set(rows)


async def is_coordinator(session: AsyncSession, user_id: int, network_id: int | None = None) -> bool:
    networks = await coordinated_network_ids(session, user_id)
    return bool(networks) if network_id is None else network_id in networks


async def may_decide_on_initiative(session: AsyncSession, admin_ids: frozenset[int], user_id: int, initiative_id: int) -> bool:
    """Admins, and coordinators of a network the initiative (applied to) belong(s) to."""
    if is_admin(admin_ids, user_id):
        return True
    rows = await session.scalars(
        select(InitiativeNetwork.network_id).where(InitiativeNetwork.initiative_id == initiative_id)
    )
    return bool(set(rows) & await coordinated_network_ids(session, user_id))


async def member_role(session: AsyncSession, user_id: int, initiative_id: int) -> str | None:
    """'owner', 'editor' or None."""
    return await session.scalar(
        select(InitiativeMember.role).where(
            InitiativeMember.user_id == user_id, InitiativeMember.initiative_id == initiative_id
        )
    )


async def active_initiative_of_member(session: AsyncSession, user_id: int, raw_id: str) -> Initiative | None:
    """The active initiative named by `raw_id` (from callback data: untrusted) if `user_id` is its member."""
    initiative = await session.get(Initiative, int(raw_id)) if raw_id.isdigit() and len(raw_id) < 10 else None
    if initiative is None or initiative.status != "active":
        return None
    return initiative if await member_role(session, user_id, initiative.id) is not None else None


async def member_initiatives(session: AsyncSession, user_id: int, statuses: tuple[str, ...] | None = None) -> list[Initiative]:
    """Initiatives this user is owner or editor of (optionally only those in `statuses`)."""
    query = (
        select(Initiative)
        .join(InitiativeMember, InitiativeMember.initiative_id == Initiative.id)
        .where(InitiativeMember.user_id == user_id)
        .order_by(Initiative.name)
    )
    if statuses is not None:
        query = query.where(Initiative.status.in_(statuses))
    return list(await session.scalars(query))


# -- the policy: one place that says which role may do which privileged action ------------------

# Actions on the whole bot (admins only).
MANAGE_NETWORKS = "manage_networks"
MANAGE_COORDINATORS = "manage_coordinators"
# Actions on one initiative.
DECIDE = "decide"  # approve or reject a registration or a change request
EDIT = "edit"  # change a field (some changes still wait for a coordinator)
VERIFY = "verify"  # "Ja, klopt"
MANAGE_INITIATIVE = "manage_initiative"  # pause, resume, close, invite a co-owner

OWNER_ACTIONS = {EDIT, VERIFY, MANAGE_INITIATIVE}
EDITOR_ACTIONS = {EDIT, VERIFY}


async def may(session: AsyncSession, admin_ids: frozenset[int], user_id: int, action: str, initiative_id: int | None = None) -> bool:
    """The single authorisation question every command and button asks."""
    if action in (MANAGE_NETWORKS, MANAGE_COORDINATORS):
        return is_admin(admin_ids, user_id)
    if initiative_id is None:
        raise ValueError(f"action {action!r} needs an initiative")
    if action == DECIDE:
        return await may_decide_on_initiative(session, admin_ids, user_id, initiative_id)
    role = await member_role(session, user_id, initiative_id)
    if role == "owner":
        return action in OWNER_ACTIONS
    if role == "editor":
        return action in EDITOR_ACTIONS
    return False
