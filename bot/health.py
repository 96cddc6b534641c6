"""`python -m bot health`: the container's (or a monitor's) health check, in one line and an exit code.

Healthy = the database answers and its schema is the one this version migrates to, and, on
SQLite, a bot process holds the database's run lock (bot/backup.py). Read-only: it creates nothing.
"""

from __future__ import annotations

import argparse
import asyncio

from bot.config import Settings, sqlite_path

EXIT_UNHEALTHY = 1


def add_commands(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "health", help="exit 0 when the database is current (and, on SQLite, the bot runs); for health checks",
    )
    parser.set_defaults(func=cmd_health, needs_token=False, read_only=True)


async def schema_revisions(database_url: str) -> tuple[str | None, str]:
    """(the database's revision, the newest this version knows)."""
    from alembic.runtime.migration import MigrationContext
    from alembic.script import ScriptDirectory

    from storage.db import create_engine
    from storage.migrate import alembic_config

    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    engine = create_engine(database_url)
    try:
        async with engine.connect() as connection:
            current = await connection.run_sync(lambda sync: MigrationContext.configure(sync).get_current_revision())
    finally:
        await engine.dispose()
    return current, head


def cmd_health(_args: argparse.Namespace, settings: Settings) -> int:
    from bot.backup import DatabaseInUse, exclusive_use

    try:
        current, head = asyncio.run(schema_revisions(settings.database_url))
    except Exception as exc:  # noqa: BLE001 - any failure is "unhealthy", in one line
        print(f"unhealthy: the database does not answer ({str(exc).splitlines()[0][:200] if str(exc) else type(exc).__name__})")
        return EXIT_UNHEALTHY
    if current != head:
        print(f"unhealthy: database schema {current or 'empty'}, this version needs {head}")
        return EXIT_UNHEALTHY
    database = sqlite_path(settings.database_url)
    if database is not None:
        try:
            with exclusive_use(database):
                print("unhealthy: no bot is running on this database")
                return EXIT_UNHEALTHY
        except DatabaseInUse:
            pass
    print(f"healthy: database schema {head}" + (", the bot is running" if database is not None else ""))
    return 0
