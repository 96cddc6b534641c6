"""The outbox through the real process (`python -m bot` against the Bot API stand-in):
a SIGKILL mid-round with 429s and 5xx injected loses and doubles nothing (SQLite and PostgreSQL),
and two processes on one PostgreSQL database send every digest, reminder and answer once.

PostgreSQL runs need E2E_DATABASE_URL (a database of its own: its schema is dropped), e.g.
postgresql+asyncpg://postgres@127.0.0.1:5432/kp_e2e
"""

from __future__ import annotations

import asyncio
import os
import signal
import threading
import time
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from storage.db import create_engine, create_session_factory
from storage.models import Activity, User
from storage.repositories import outbox
from storage.tables_activities import ActivityRsvp
from tests.fresh_database import fresh_database
from tests.fakes import updates
from tests.fakes.http_bot_api import BotApiStandIn
from tests.groups_seed import seed_initiative, seed_linked_group, seed_network
from tests.test_e2e_process import start_bot, stop_bot

pytestmark = pytest.mark.e2e
AMS = ZoneInfo("Europe/Amsterdam")
GROUP_IDS = [-2000 - index for index in range(20)]
RESIDENTS = [8000 + index for index in range(10)]
PG_URL = os.environ.get("E2E_DATABASE_URL")
BACKENDS = ["sqlite", pytest.param("postgresql", marks=pytest.mark.skipif(not PG_URL, reason="E2E_DATABASE_URL not set"))]


def _url(backend: str, tmp_path) -> str:  # noqa: ANN001
    return PG_URL if backend == "postgresql" else f"sqlite+aiosqlite:///{tmp_path / 'knooppunt.db'}"


async def _seed(url: str, reminders: bool = False) -> None:
    await fresh_database(url)
    engine = create_engine(url)
    try:
        async with create_session_factory(engine).begin() as session:
            network = await seed_network(session)
            at = (datetime.now(AMS) - timedelta(minutes=3)).strftime("%H:%M")  # due 3 minutes ago: caught up at start-up
            for chat_id in GROUP_IDS:
                await seed_linked_group(session, network, chat_id, f"Groep {chat_id}", weekday=None, at=at,
                                        linked_at=datetime.now(timezone.utc) - timedelta(days=30))
            if reminders:
                now = datetime.now(timezone.utc)
                initiative = await seed_initiative(session, network, "Huiskamer")
                activity = Activity(initiative_id=initiative.id, title="Soep koken", starts_at=now + timedelta(hours=20), status="published")
                session.add(activity)
                await session.flush()
                for user_id in RESIDENTS:
                    session.add(User(id=user_id, first_name="Buur"))
                    session.add(ActivityRsvp(activity_id=activity.id, user_id=user_id, occurrence_at=activity.starts_at,
                                             created_at=now - timedelta(days=2)))  # an RSVP is for one date
    finally:
        await engine.dispose()


async def _rows(url: str) -> list:
    engine = create_engine(url)
    try:
        async with create_session_factory(engine)() as session:
            return await outbox.rows(session)
    finally:
        await engine.dispose()


def _sends(api: BotApiStandIn, chat_ids: list[int], word: str | None = None) -> dict[int, int]:
    with api._changed:
        calls = list(api.calls)
    return {chat_id: sum(1 for c in calls if c.method == "sendMessage" and c.chat_id == chat_id and (word is None or word in (c.text or "")))
            for chat_id in chat_ids}


def _wait(predicate, timeout: float) -> bool:  # noqa: ANN001
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.1)
    return False


@pytest.mark.parametrize("backend", BACKENDS)
def test_sigkill_during_an_outbox_round_with_429_and_5xx_loses_and_doubles_nothing(tmp_path, backend):
    url = _url(backend, tmp_path)
    asyncio.run(_seed(url))
    stalled = threading.Event()
    seen = {"count": 0}

    def stall_after_five(call) -> bool:  # noqa: ANN001
        if call.method != "sendMessage" or (call.chat_id or 0) not in GROUP_IDS:
            return False
        seen["count"] += 1
        if seen["count"] > 8:  # the faults take three, five get through, then the network hangs
            stalled.set()
            return True
        return False

    with BotApiStandIn() as api:
        api.fake.fail_next("retry_after", "sendMessage", 1)
        api.fake.fail_next("server_error", "sendMessage", 502)
        api.fake.fail_next("retry_after", "sendMessage", 1)
        api.stall = stall_after_five
        first = start_bot(api, tmp_path / "knooppunt.db", DATABASE_URL=url)
        try:
            if not stalled.wait(40):
                first.kill()
                pytest.fail("the round never stalled:\n" + first.communicate(timeout=10)[0])
            time.sleep(0.5)
        finally:
            first.send_signal(signal.SIGKILL)
            first.wait(10)
        statuses = [row.status for row in asyncio.run(_rows(url)) if row.chat_id in GROUP_IDS]
        assert statuses.count("sent") < len(GROUP_IDS)  # killed mid-round (maybe mid-queueing too)
        with api._changed:  # the hung requests reach "Telegram" after all
            api.stall = None
            api._changed.notify_all()
        time.sleep(1.0)
        second = start_bot(api, tmp_path / "knooppunt.db", DATABASE_URL=url)
        try:
            # A row that met a fault twice waits its backoff (10 s, then 1 minute): allow for it.
            if not _wait(lambda: all(_sends(api, GROUP_IDS).values()), 150):
                rows = [(r.chat_id, r.status, r.attempts, r.last_error, r.next_attempt_at) for r in asyncio.run(_rows(url)) if r.chat_id in GROUP_IDS]
                pytest.fail(f"not all groups got it: {_sends(api, GROUP_IDS)} {rows}")
            time.sleep(2.0)  # anything sent twice would show up by now
        finally:
            code, output = stop_bot(second)
        assert code == 0, output
        assert _sends(api, GROUP_IDS) == {chat_id: 1 for chat_id in GROUP_IDS}


@pytest.mark.skipif(not PG_URL, reason="E2E_DATABASE_URL not set")
def test_two_processes_on_one_postgres_send_every_digest_reminder_and_answer_once(tmp_path):
    """Two bots on one database: both catch up the same digest round and reminder round, and both
    receive every one of 200 updates (as when Telegram delivers a webhook again, or a proxy sends
    it to both): every message goes out exactly once."""
    asyncio.run(_seed(PG_URL, reminders=True))
    people = [updates.user(9100 + n, f"Buur{n}", "nl") for n in range(100)]
    ids = [p["id"] for p in people]
    with BotApiStandIn() as api:
        api.redeliver = True  # each process gets each update
        one = start_bot(api, tmp_path / "a.db", DATABASE_URL=PG_URL)
        two = start_bot(api, tmp_path / "b.db", DATABASE_URL=PG_URL)
        try:
            for person in people:  # 200 updates: /start and /help from 100 people
                api.push_update(updates.command("start", sender=person))
                api.push_update(updates.command("help", sender=person))
            done = _wait(lambda: all(_sends(api, GROUP_IDS).values()) and all(_sends(api, RESIDENTS, "Soep koken").values())
                         and all(n >= 2 for n in _sends(api, ids).values()), 90)
            time.sleep(2.0)  # anything sent twice would show up by now
        finally:
            results = [stop_bot(process) for process in (one, two)]
        assert done, (_sends(api, GROUP_IDS), _sends(api, RESIDENTS, "Soep koken"), _sends(api, ids))
        assert all(code == 0 for code, _output in results), results
        assert _sends(api, GROUP_IDS) == {chat_id: 1 for chat_id in GROUP_IDS}
        assert _sends(api, RESIDENTS, "Soep koken") == {user_id: 1 for user_id in RESIDENTS}
        # /start answers a newcomer with one greeting (keyboard and language links), /help with one message.
        assert _sends(api, ids, "Hallo Buur") == {user_id: 1 for user_id in ids}
        assert _sends(api, ids) == {user_id: 2 for user_id in ids}
        # Both processes did receive every update; each was handled by one and skipped by the other.
        skipped = [output.count("was handled before; skipped") for _code, output in results]
        assert sum(skipped) == 200, skipped
