"""Users: recorded on first contact, with their chosen language."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import User


async def record_contact(
    session: AsyncSession, user_id: int, first_name: str | None, now: datetime, telegram_language: str | None = None
) -> User:
    """Create the user on first contact, else move last_seen forward (and keep Telegram's language)."""
    telegram_language = telegram_language[:16] if telegram_language else None
    user = await session.get(User, user_id)
    if user is None:
        user = User(id=user_id, first_name=first_name, first_seen_at=now, last_seen_at=now, telegram_language=telegram_language)
        session.add(user)
    else:
        user.last_seen_at = now
        user.unreachable_since = None  # they wrote: reachable again
        if first_name and user.first_name != first_name:
            user.first_name = first_name
        if telegram_language and user.telegram_language != telegram_language:
            user.telegram_language = telegram_language
    await session.flush()
    return user


async def get_user(session: AsyncSession, user_id: int) -> User | None:
    return await session.get(User, user_id)


async def set_language(session: AsyncSession, user_id: int, language: str) -> None:
    user = await session.get(User, user_id)
    if user is None:
        raise LookupError(f"user {user_id} not recorded")
    user.language = language
