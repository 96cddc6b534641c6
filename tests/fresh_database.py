"""A freshly migrated database for tests and benchmarks: on PostgreSQL the schema is dropped first
(so give it a database of its own), on SQLite a new file simply starts empty."""

from __future__ import annotations

from sqlalchemy import text

from storage.db import create_engine
from storage.migrate import upgrade_database


async def fresh_database(url: str) -> None:
    if url.startswith("postgresql"):
        engine = create_engine(url)
        async with engine.begin() as connection:
            await connection.execute(text("DROP SCHEMA public CASCADE"))
            await connection.execute(text("CREATE SCHEMA public"))
        await engine.dispose()
    await upgrade_database(url)
