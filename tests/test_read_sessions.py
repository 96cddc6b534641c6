"""Answers that only read use read sessions: no write lock on SQLite, READ ONLY on PostgreSQL (issue 13)."""

from __future__ import annotations

import asyncio
import time
from datetime import datetime, timezone

import pytest
from sqlalchemy import func, select

from storage.db import create_engine, create_session_factory
from storage.models import User
from storage.repositories import users

pytestmark = pytest.mark.storage


async def test_a_read_does_not_wait_for_a_writer_and_cannot_write(database_url):
    engine = create_engine(database_url)
    writes, reads = create_session_factory(engine), create_session_factory(engine, read_only=True)
    try:
        async with writes.begin() as writing:
            await users.record_contact(writing, 1, "Ann", datetime.now(timezone.utc))  # holds the write lock
            began = time.monotonic()
            async with reads.begin() as reading:
                count = await reading.scalar(select(func.count()).select_from(User))
            assert count == 0 and time.monotonic() - began < 2  # not queued behind the writer (busy_timeout is 10 s)
        async with reads.begin() as reading:
            assert await reading.scalar(select(func.count()).select_from(User)) == 1
        if engine.dialect.name == "postgresql":
            with pytest.raises(Exception, match="read-only"):
                async with reads.begin() as reading:
                    await users.record_contact(reading, 2, "Bo", datetime.now(timezone.utc))
    finally:
        await asyncio.sleep(0)
        await engine.dispose()


async def test_a_long_read_does_not_make_a_concurrent_write_fail(database_url):
    """A read session stays open (a long answer) while a write session starts, writes and commits:
    the write neither fails with "database is locked" nor waits for the read to end (SQLite: the read
    begins deferred, WAL lets a writer commit next to it; PostgreSQL: readers never block writers)."""
    engine = create_engine(database_url)
    writes, reads = create_session_factory(engine), create_session_factory(engine, read_only=True)
    reading_started, write_done = asyncio.Event(), asyncio.Event()
    seen: list[int] = []

    async def long_read() -> None:
        async with reads.begin() as reading:
            seen.append(await reading.scalar(select(func.count()).select_from(User)))
            reading_started.set()
            await write_done.wait()  # the read transaction is still open while the write commits
            seen.append(await reading.scalar(select(func.count()).select_from(User)))

    async def write() -> None:
        await reading_started.wait()
        async with writes.begin() as writing:
            await users.record_contact(writing, 7, "Cas", datetime.now(timezone.utc))
        write_done.set()

    try:
        await asyncio.wait_for(asyncio.gather(long_read(), write()), timeout=60)
        assert write_done.is_set() and seen[0] == 0
        async with reads.begin() as reading:
            assert await reading.scalar(select(func.count()).select_from(User)) == 1
    finally:
        await asyncio.sleep(0)
        await engine.dispose()
