"""Networks and their coordinators (managed by admins in /beheer and on the command line)."""

from __future__ import annotations

from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.db import rowcount
from storage.models import Network, NetworkCoordinator

NETWORK_NAME_MAX = 100


class NetworkNameError(ValueError):
    """Empty, too long, or already used."""


def clean_network_name(name: str) -> str:
    cleaned = " ".join(name.split())
    if not cleaned:
        raise NetworkNameError("empty")
    if len(cleaned) > NETWORK_NAME_MAX:
        raise NetworkNameError("too long")
    return cleaned


async def list_networks(session: AsyncSession) -> list[Network]:
    return list(await session.scalars(select(Network).order_by(Network.name)))


async def get_network(session: AsyncSession, network_id: int) -> Network | None:
    return await session.get(Network, network_id)


async def find_network(session: AsyncSession, name_or_id: str) -> Network | None:
    """By numeric id, else by name (case-insensitive)."""
    text = name_or_id.strip()
    if text.isdigit() and int(text) < 2**31:  # larger never is an id (and would overflow the database)
        found = await session.get(Network, int(text))
        if found is not None:
            return found
    return await session.scalar(select(Network).where(func.lower(Network.name) == text.lower()))


async def _name_taken(session: AsyncSession, name: str, except_id: int | None = None) -> bool:
    query = select(Network.id).where(func.lower(Network.name) == name.lower())
    if except_id is not None:
        query = query.where(Network.id != except_id)
    return await session.scalar(query) is not None


async def add_network(session: AsyncSession, name: str) -> Network:
    cleaned = clean_network_name(name)
    if await _name_taken(session, cleaned):
        raise NetworkNameError("taken")
    network = Network(name=cleaned)
    session.add(network)
    await session.flush()
    return network


async def rename_network(session: AsyncSession, network: Network, name: str) -> str:
    """Returns the old name."""
    cleaned = clean_network_name(name)
    if await _name_taken(session, cleaned, except_id=network.id):
        raise NetworkNameError("taken")
    old, network.name = network.name, cleaned
    await session.flush()
    return old


async def coordinator_ids(session: AsyncSession, network_ids: list[int] | set[int]) -> list[int]:
    """Distinct coordinators of any of these networks, in a stable order."""
    if not network_ids:
        return []
    rows = await session.scalars(
        select(NetworkCoordinator.user_id)
        .where(NetworkCoordinator.network_id.in_(list(network_ids)))
        .distinct()
        .order_by(NetworkCoordinator.user_id)
    )
    return list(rows)


async def coordinators_by_network(session: AsyncSession) -> dict[int, list[int]]:
    result: dict[int, list[int]] = {}
    rows = await session.execute(select(NetworkCoordinator.network_id, NetworkCoordinator.user_id).order_by(NetworkCoordinator.user_id))
    for network_id, user_id in rows:
        result.setdefault(network_id, []).append(user_id)
    return result


async def add_coordinator(session: AsyncSession, network_id: int, user_id: int, added_by: int | None) -> bool:
    """False when they already were a coordinator of this network."""
    if await session.get(NetworkCoordinator, (network_id, user_id)) is not None:
        return False
    session.add(NetworkCoordinator(network_id=network_id, user_id=user_id, added_by=added_by))
    await session.flush()
    return True


async def remove_coordinator(session: AsyncSession, network_id: int, user_id: int) -> bool:
    """False when they were not a coordinator of this network."""
    result = await session.execute(
        delete(NetworkCoordinator).where(NetworkCoordinator.network_id == network_id, NetworkCoordinator.user_id == user_id)
    )
    return bool(rowcount(result))
