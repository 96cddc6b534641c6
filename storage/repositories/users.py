"""Users: recorded on first contact, with their chosen language."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import User


async def record_contact(session: AsyncSession, user_id: int, first_name: str | None, now: datetime) -> User:
    """Create the user on first contact, else move last_seen forward."""
    user = await session.get(User, user_id)
    if user is None:
        user = User(id=user_id, first_name=first_name, first_seen_at=now, last_seen_at=now)
        session.add(user)
    else:
        user.last_seen_at = now
        if first_name and user.first_name != first_name:
            user.first_name = first_name
    await session.flush()
    return user


async def get_user(session: AsyncSession, user_id: int) -> User | None:
    return await session.get(User, user_id)


async def set_language(session: AsyncSession, user_id: int, language: str) -> None:
    user = await session.get(User, user_id)
    if user is None:
        raise LookupError(f"user {user_id} not recorded")
    user.language = language
