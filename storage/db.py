"""Engine and session factory.

The caller owns the transaction: a handler or job opens one session with `async with
session_factory.begin() as session:` and everything it does commits or rolls back together.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, cast

from sqlalchemy import event
from sqlalchemy.engine import Connection, CursorResult, ExceptionContext, Result, make_url
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine
from sqlalchemy.pool import ConnectionPoolEntry

SQLITE_BUSY_TIMEOUT_MS = 10_000


def _prepare_sqlite(engine: AsyncEngine) -> None:
    @event.listens_for(engine.sync_engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: ConnectionPoolEntry) -> None:
        # dbapi_connection: the driver's own connection (aiosqlite's adapter), not typed by SQLAlchemy
        # Let SQLAlchemy (not the driver) decide when transactions begin, so BEGIN IMMEDIATE below
        # takes the write lock up front and waits on busy_timeout instead of failing mid-way.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine.sync_engine, "begin")
    def _on_begin(connection: Connection) -> None:
        # A read takes no write lock: it neither waits for writers nor makes them wait.
        read_only = connection.get_execution_options().get("postgresql_readonly", False)
        connection.exec_driver_sql("BEGIN" if read_only else "BEGIN IMMEDIATE")


# What SQLite and PostgreSQL say when the database cannot take writes: a read-only file or
# database, a full disk, a file that went away. Not a bug in the bot, and not fixed by retrying now.
UNAVAILABLE_SIGNS = (
    "readonly database", "read-only", "read only", "disk is full", "database or disk is full",
    "disk i/o error", "unable to open database file", "no space left", "diskfull", "readonlysqltransaction",
)
UNAVAILABLE_SQLSTATES = ("53100", "25006")  # PostgreSQL: disk_full, read_only_sql_transaction


def database_unavailable(error: BaseException | None) -> bool:
    """True when `error` means the database cannot store anything right now (see UNAVAILABLE_SIGNS)."""
    while error is not None:
        if isinstance(error, DBAPIError) or type(error).__module__.split(".")[0] in ("sqlite3", "asyncpg", "aiosqlite"):
            text = f"{type(getattr(error, 'orig', None) or error).__name__} {error}".lower()
            if any(sign in text for sign in UNAVAILABLE_SIGNS):
                return True
            if getattr(getattr(error, "orig", None), "sqlstate", None) in UNAVAILABLE_SQLSTATES:
                return True
        error = error.__cause__ or error.__context__
    return False


def _drop_connection_when_unavailable(engine: AsyncEngine) -> None:
    """A SQLite connection opened on a read-only file stays read-only; count such an error as a lost
    connection so the pool opens fresh ones, and the bot recovers once the file is writable again."""

    @event.listens_for(engine.sync_engine, "handle_error")
    def _on_error(context: ExceptionContext) -> None:
        if database_unavailable(context.original_exception) or database_unavailable(context.sqlalchemy_exception):
            context.is_disconnect = True


def create_engine(database_url: str, **kwargs: Any) -> AsyncEngine:
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite":
        if url.database and url.database != ":memory:":
            Path(url.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_async_engine(url, **kwargs)
        _prepare_sqlite(engine)
    else:
        engine = create_async_engine(url, pool_pre_ping=True, **kwargs)
    _drop_connection_when_unavailable(engine)
    return engine


def create_session_factory(engine: AsyncEngine, *, read_only: bool = False) -> async_sessionmaker[AsyncSession]:
    """Sessions for the caller's transactions; `read_only` ones for answers that only read (a plain
    BEGIN on SQLite instead of BEGIN IMMEDIATE, BEGIN READ ONLY on PostgreSQL)."""
    bind = engine.execution_options(postgresql_readonly=True) if read_only else engine
    return async_sessionmaker(bind, expire_on_commit=False)


def rowcount(result: Result[Any]) -> int:
    """The rows an UPDATE or DELETE matched. AsyncSession.execute() is typed as returning a Result;
    for these statements it is a CursorResult, which has the count."""
    return cast(CursorResult[Any], result).rowcount
