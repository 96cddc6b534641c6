"""Users: recorded on first contact, with their chosen language."""

from __future__ import annotations

from datetime import datetime, timezone

from sqlalchemy import func
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import User


async def record_contact(
    session: AsyncSession, user_id: int, first_name: str | None, now: datetime, telegram_language: str | None = None
) -> str | None:
    """Create the user on first contact, else move last_seen forward (and keep Telegram's language).

    One statement (an upsert returning the chosen language) instead of a read, then a write:
    this runs for every person at most once an hour, on the path of every answer.
    """
    telegram_language = telegram_language[:16] if telegram_language else None
    if now.tzinfo is not None:  # a naive time is refused by the column type, with a clear message
        now = now.astimezone(timezone.utc).replace(minute=0, second=0, microsecond=0)  # to the hour, as /privacy promises
    dialect = session.bind.dialect.name if session.bind is not None else "sqlite"
    insert = postgresql_insert if dialect == "postgresql" else sqlite_insert
    statement = insert(User).values(
        id=user_id, first_name=first_name, first_seen_at=now, last_seen_at=now, telegram_language=telegram_language
    )
    upsert = statement.on_conflict_do_update(
        index_elements=[User.id],
        set_={
            "last_seen_at": statement.excluded.last_seen_at,
            "unreachable_since": None,  # they wrote: reachable again (the outbox marks who blocked the bot)
            "first_name": func.coalesce(statement.excluded.first_name, User.first_name),
            "telegram_language": func.coalesce(statement.excluded.telegram_language, User.telegram_language),
        },
    ).returning(User.language)
    return await session.scalar(upsert, execution_options={"synchronize_session": False})


async def get_user(session: AsyncSession, user_id: int) -> User | None:
    return await session.get(User, user_id)


async def set_language(session: AsyncSession, user_id: int, language: str) -> None:
    user = await session.get(User, user_id)
    if user is None:
        raise LookupError(f"user {user_id} not recorded")
    user.language = language
