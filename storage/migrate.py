"""Apply Alembic migrations from code (used at start-up, by `python -m bot migrate` and by tests)."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from sqlalchemy.engine import Connection

from storage.db import create_engine

MIGRATIONS_DIR = Path(__file__).parent / "migrations"


def alembic_config(database_url: str | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    if database_url:
        config.set_main_option("sqlalchemy.url", database_url.replace("%", "%%"))
    return config


def _upgrade(connection: Connection, revision: str) -> tuple[str | None, str | None]:
    config = alembic_config()
    config.attributes["connection"] = connection
    before = MigrationContext.configure(connection).get_current_revision()
    command.upgrade(config, revision)
    return before, MigrationContext.configure(connection).get_current_revision()


async def upgrade_database(database_url: str, revision: str = "head") -> tuple[str | None, str | None]:
    """Bring the database to `revision`; running it again is a no-op. Returns (before, after) revisions."""
    engine = create_engine(database_url)
    try:
        async with engine.begin() as connection:
            return await connection.run_sync(_upgrade, revision)
    finally:
        await engine.dispose()
