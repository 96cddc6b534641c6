"""SQLite under stress: no "database is locked" under concurrent writers; SIGKILL mid-write is harmless."""

from __future__ import annotations

import asyncio
from datetime import datetime, timezone
import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.pool import NullPool

from storage.db import create_engine, create_session_factory
from storage.migrate import upgrade_database
from storage.models import AuditEntry, Initiative, InitiativeMember, Schedule
from storage.repositories import users

ROOT = Path(__file__).resolve().parents[2]
WRITERS, TRANSACTIONS = 40, 5


def sqlite_only(database_url: str) -> None:
    if not database_url.startswith("sqlite"):
        pytest.skip("locking and crash recovery of the SQLite file")


@pytest.mark.parametrize("pooled", [True, False], ids=["default-pool", "one-connection-each"])
async def test_many_concurrent_writers_never_see_database_is_locked(database_url, pooled):
    """Each transaction reads, then writes what it read: the pattern that fails with SQLITE_BUSY
    when transactions start deferred. BEGIN IMMEDIATE + busy_timeout make them queue instead."""
    sqlite_only(database_url)
    engine = create_engine(database_url) if pooled else create_engine(database_url, poolclass=NullPool)
    factory = create_session_factory(engine)

    async def writer(number: int) -> None:
        for _step in range(TRANSACTIONS):
            async with factory.begin() as session:
                seen = await session.scalar(select(func.count()).select_from(AuditEntry))
                session.add(AuditEntry(action="load", detail={"seen": seen, "writer": number}))
                await users.record_contact(session, 10_000 + number, f"w{number}", datetime.now(timezone.utc))
                await asyncio.sleep(0)  # let the others pile up on the lock

    try:
        results = await asyncio.gather(*(writer(n) for n in range(WRITERS)), return_exceptions=True)
        errors = [result for result in results if isinstance(result, BaseException)]
        assert errors == [], errors[:3]
        async with factory() as session:
            seen = sorted(entry.detail["seen"] for entry in await session.scalars(select(AuditEntry)))
        # Serialised, none lost: every transaction saw all earlier ones.
        assert seen == list(range(WRITERS * TRANSACTIONS))
    finally:
        await engine.dispose()


CHILD = textwrap.dedent(
    """
    import asyncio, sys
    from storage.db import create_engine, create_session_factory
    from storage.models import Initiative, InitiativeMember, Location, Schedule

    async def main(url):
        engine = create_engine(url)
        factory = create_session_factory(engine)
        number = 0
        while True:
            number += 1
            async with factory.begin() as session:
                location = Location(name=f"plek {number}", latitude=51.9, longitude=4.45)
                session.add(location)
                await session.flush()
                initiative = Initiative(name=f"initiatief {number}", category="buurthuiskamer", location_id=location.id)
                session.add(initiative)
                await session.flush()
                for weekday in range(4):
                    session.add(Schedule(initiative_id=initiative.id, weekday=weekday, opens_at="09:00", closes_at="17:00"))
                await session.flush()
                print("half", number, flush=True)  # the parent may kill us right here
                for weekday in range(4, 7):
                    session.add(Schedule(initiative_id=initiative.id, weekday=weekday, opens_at="09:00", closes_at="17:00"))
                session.add(InitiativeMember(initiative_id=initiative.id, user_id=number, role="owner"))
            print("committed", number, flush=True)

    asyncio.run(main(sys.argv[1]))
    """
)


@pytest.mark.parametrize("kill_at", [1, 5, 23])
def test_sigkill_in_the_middle_of_a_registration_leaves_no_half_initiative(database_url, tmp_path, kill_at):
    sqlite_only(database_url)
    script = tmp_path / "writer.py"
    script.write_text(CHILD)
    child = subprocess.Popen(
        [sys.executable, str(script), database_url], cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)},
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    try:
        committed = 0
        for line in child.stdout:
            word, number = line.split()
            if word == "committed":
                committed = int(number)
            elif word == "half" and int(number) == kill_at:
                os.kill(child.pid, signal.SIGKILL)  # inside the transaction, after rows were flushed
                break
        assert child.wait(timeout=30) == -signal.SIGKILL, child.stderr.read()
    finally:
        if child.poll() is None:
            child.kill()
        child.stdout.close()
        child.stderr.close()
    assert committed == kill_at - 1

    path = database_url.split("///", 1)[1]
    with sqlite3.connect(path) as connection:  # a plain reader, as the restarted bot would be
        assert connection.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert connection.execute("PRAGMA foreign_key_check").fetchall() == []

    async def restart_and_check() -> None:
        await upgrade_database(database_url)  # what `python -m bot` does first on restart
        engine = create_engine(database_url)
        try:
            async with create_session_factory(engine).begin() as session:
                initiatives = list(await session.scalars(select(Initiative)))
                assert [i.name for i in initiatives] == [f"initiatief {n}" for n in range(1, kill_at)]
                for initiative in initiatives:
                    schedules = await session.scalar(select(func.count()).where(Schedule.initiative_id == initiative.id))
                    members = await session.scalar(select(func.count()).where(InitiativeMember.initiative_id == initiative.id))
                    assert (schedules, members) == (7, 1), "half-registered initiative"
                assert await session.scalar(select(func.count()).select_from(Schedule)) == 7 * (kill_at - 1)
                session.add(Initiative(name="na herstart", category="buurthuiskamer"))  # and it takes writes again
        finally:
            await engine.dispose()

    asyncio.run(restart_and_check())
