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
