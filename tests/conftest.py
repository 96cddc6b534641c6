"""Shared fixtures: a migrated database per test and the production Application on a fake Bot API.

Set TEST_DATABASE_URL (e.g. postgresql+asyncpg://postgres@127.0.0.1:5432/test) to run the
database-backed tests against PostgreSQL instead of a temporary SQLite file.
"""

from __future__ import annotations

import asyncio
import os
import shutil
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy import text

from bot.app import build_application
from bot.config import Settings, normalise_database_url
from storage.db import create_engine
from storage.migrate import upgrade_database
from storage.models import Base
from tests.fresh_database import fresh_database
from tests.fakes.bot_api import FakeBotAPI
from tests.harness import BotHarness

TEST_TOKEN = "123456:TEST-not-a-real-token"
ADMIN_ID = 9001
PG_URL = os.environ.get("TEST_DATABASE_URL")


def _reset_postgres(url: str) -> None:
    asyncio.run(fresh_database(url))


@pytest.fixture(scope="session")
def template_database(tmp_path_factory: pytest.TempPathFactory) -> str:
    """Migrate once per run; each test gets a copy (SQLite) or truncated tables (PostgreSQL)."""
    if PG_URL:
        url = normalise_database_url(PG_URL)
        _reset_postgres(url)
        return url
    path = tmp_path_factory.mktemp("template") / "template.db"
    asyncio.run(upgrade_database(f"sqlite+aiosqlite:///{path}"))
    return str(path)


@pytest.fixture
async def database_url(template_database: str, tmp_path: Path) -> AsyncIterator[str]:
    if PG_URL:
        engine = create_engine(template_database)
        tables = ", ".join(f'"{table.name}"' for table in Base.metadata.sorted_tables)
        async with engine.begin() as connection:
            await connection.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
        await engine.dispose()
        yield template_database
        return
    path = tmp_path / "knooppunt.db"
    shutil.copyfile(template_database, path)
    yield f"sqlite+aiosqlite:///{path}"


@pytest.fixture
def settings(database_url: str) -> Settings:
    # Flood control off: tests drive conversations far faster than people can; tests/trust/test_flood.py turns it on.
    return Settings(token=TEST_TOKEN, database_url=database_url, admin_ids=frozenset({ADMIN_ID}), flood_limit=0)


@pytest.fixture
def api() -> FakeBotAPI:
    return FakeBotAPI()


@pytest.fixture
async def bot(settings: Settings, api: FakeBotAPI) -> AsyncIterator[BotHarness]:
    """The production Application (all handlers), initialised as `python -m bot` would."""
    application = build_application(settings, request=api, rate_limiter=False)
    await application.initialize()
    await application.post_init(application)
    try:
        yield BotHarness(application, api)
    finally:
        await application.shutdown()
        await application.post_shutdown(application)


@pytest.fixture(autouse=True)
def _keep_logging():
    """A test that runs bot.cli.main() sets up logging as `python -m bot` does; give later tests their logging back."""
    import logging

    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    levels = {name: logging.getLogger(name).level for name in list(logging.root.manager.loggerDict)}
    yield
    root.handlers[:] = handlers
    root.setLevel(level)
    for name, old in levels.items():
        logging.getLogger(name).setLevel(old)
    logging.captureWarnings(False)

