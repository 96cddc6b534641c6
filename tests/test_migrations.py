"""Migrations and models agree, upgrade is idempotent, and downgrade works (SQLite and PostgreSQL)."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

from storage.db import create_engine
from storage.migrate import upgrade_database
from storage.models import Base

pytestmark = pytest.mark.storage


def _diff(connection) -> list:
    context = MigrationContext.configure(connection, opts={"compare_type": True})
    return compare_metadata(context, Base.metadata)


async def test_migrations_match_models(database_url):
    engine = create_engine(database_url)
    try:
        async with engine.connect() as connection:
            differences = await connection.run_sync(_diff)
    finally:
        await engine.dispose()
    assert differences == []


async def test_upgrade_twice_is_a_no_op(database_url):
    await upgrade_database(database_url)
    engine = create_engine(database_url)
    try:
        async with engine.connect() as connection:
            tables = await connection.run_sync(lambda c: set(inspect(c).get_table_names()))
    finally:
        await engine.dispose()
    assert set(Base.metadata.tables) <= tables
    assert "alembic_version" in tables


async def test_downgrade_to_base_and_up_again(tmp_path):
    from alembic import command

    from storage.migrate import alembic_config

    url = f"sqlite+aiosqlite:///{tmp_path}/down.db"
    await upgrade_database(url)
    engine = create_engine(url)

    def down_and_up(connection):
        config = alembic_config()
        config.attributes["connection"] = connection
        command.downgrade(config, "base")
        assert set(inspect(connection).get_table_names()) <= {"alembic_version"}
        command.upgrade(config, "head")

    try:
        async with engine.begin() as connection:
            await connection.run_sync(down_and_up)
        async with engine.connect() as connection:
            assert await connection.run_sync(_diff) == []
    finally:
        await engine.dispose()
