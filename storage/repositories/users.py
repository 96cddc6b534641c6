"""Users: recorded on first contact, with their chosen language."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timezone
from functools import cache

from sqlalchemy import Insert, Table, bindparam, func, select
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
    dialect = session.bind.dialect.name if session.bind is not None else "sqlite"
    language: str | None = await session.scalar(_record_contact(dialect), _contact_values(user_id, first_name, now, telegram_language))
    return language


Contact = tuple[int, str | None, datetime, str | None]  # user id, first name, when, Telegram's language


async def record_contacts(session: AsyncSession, contacts: Sequence[Contact]) -> list[str | None]:
    """record_contact for many people at once; their chosen languages, in order.

    SQLite: one read of the chosen languages and one executemany upsert (the upsert never changes
    the chosen language, and the transaction's BEGIN IMMEDIATE keeps other writers out between the
    two). PostgreSQL: one upsert each, returning the language (another process may write meanwhile).
    """
    dialect = session.bind.dialect.name if session.bind is not None else "sqlite"
    if dialect == "postgresql" or len(contacts) == 1:
        return [await record_contact(session, *contact) for contact in contacts]
    ids = sorted({contact[0] for contact in contacts})
    chosen = dict((await session.execute(select(User.id, User.language).where(User.id.in_(ids)))).all())
    rows = [_contact_values(*contact) for contact in contacts]
    await session.execute(_record_contact(dialect, returning=False), rows)
    return [chosen.get(contact[0]) for contact in contacts]


def _contact_values(user_id: int, first_name: str | None, now: datetime, telegram_language: str | None) -> dict[str, object]:
    telegram_language = telegram_language[:16] if telegram_language else None
    if now.tzinfo is not None:  # a naive time is refused by the column type, with a clear message
        now = now.astimezone(timezone.utc).replace(minute=0, second=0, microsecond=0)  # to the hour, as /privacy promises
    return {"user_id": user_id, "first_name": first_name, "now": now, "telegram_language": telegram_language}


@cache
def _record_contact(dialect: str, returning: bool = True) -> Insert:
    """The upsert, built once: it runs for every person once an hour, on the path of an answer."""
    insert = postgresql_insert if dialect == "postgresql" else sqlite_insert
    table: Table = User.__table__  # type: ignore[assignment]  # declarative: always a Table
    columns = table.c
    statement = insert(table).values(  # Core: an ORM insert with parameters would be a bulk insert
        id=bindparam("user_id", type_=columns.id.type),
        first_name=bindparam("first_name", type_=columns.first_name.type),
        first_seen_at=bindparam("now", type_=columns.first_seen_at.type),
        last_seen_at=bindparam("now", type_=columns.last_seen_at.type),
        telegram_language=bindparam("telegram_language", type_=columns.telegram_language.type),
    )
    upsert = statement.on_conflict_do_update(
        index_elements=[columns.id],
        set_={
            "last_seen_at": statement.excluded.last_seen_at,
            "unreachable_since": None,  # they wrote: reachable again (the outbox marks who blocked the bot)
            "first_name": func.coalesce(statement.excluded.first_name, columns.first_name),
            "telegram_language": func.coalesce(statement.excluded.telegram_language, columns.telegram_language),
        },
    )
    return upsert.returning(columns.language) if returning else upsert


async def get_user(session: AsyncSession, user_id: int) -> User | None:
    return await session.get(User, user_id)


async def set_language(session: AsyncSession, user_id: int, language: str) -> None:
    user = await session.get(User, user_id)
    if user is None:
        raise LookupError(f"user {user_id} not recorded")
    user.language = language
