"""Exactly once across a crash: `python -m bot` is SIGKILLed in the middle of a digest round and restarted."""

from __future__ import annotations

import asyncio
import signal
import threading
import time
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from storage.db import create_engine, create_session_factory
from storage.migrate import upgrade_database
from storage.repositories import groups as groups_repo
from storage.repositories import outbox
from tests.fakes.http_bot_api import BotApiStandIn
from tests.groups_seed import seed_linked_group, seed_network
from tests.test_e2e_process import start_bot, stop_bot

pytestmark = pytest.mark.e2e
AMS = ZoneInfo("Europe/Amsterdam")
GROUP_IDS = [-1000 - index for index in range(20)]
SENT_BEFORE_STALL = 5


async def _seed(url: str) -> None:
    await upgrade_database(url)
    engine = create_engine(url)
    try:
        async with create_session_factory(engine).begin() as session:
            network = await seed_network(session)
            # Daily, three minutes ago: the bot starts after its time, so it catches up at start-up.
            at = (datetime.now(AMS) - timedelta(minutes=3)).strftime("%H:%M")
            for chat_id in GROUP_IDS:
                await seed_linked_group(session, network, chat_id, f"Groep {chat_id}", weekday=None, at=at,
                                        linked_at=datetime.now(timezone.utc) - timedelta(days=30))
    finally:
        await engine.dispose()


async def _deliveries(url: str) -> list:
    engine = create_engine(url)
    try:
        async with create_session_factory(engine)() as session:
            return await groups_repo.deliveries(session, "group")
    finally:
        await engine.dispose()


async def _outbox_rows(url: str) -> list:
    engine = create_engine(url)
    try:
        async with create_session_factory(engine)() as session:
            return await outbox.rows(session)
    finally:
        await engine.dispose()


def _group_sends(api: BotApiStandIn) -> list:
    return [call for call in api.calls if call.method == "sendMessage" and (call.chat_id or 0) in GROUP_IDS]


def test_sigkill_mid_round_then_restart_sends_every_group_exactly_once(tmp_path):
    database = tmp_path / "knooppunt.db"
    url = f"sqlite+aiosqlite:///{database}"
    asyncio.run(_seed(url))
    stalled = threading.Event()
    seen = {"count": 0}

    def stall_after_n(call) -> bool:  # noqa: ANN001
        if call.method != "sendMessage" or (call.chat_id or 0) not in GROUP_IDS:
            return False
        seen["count"] += 1
        if seen["count"] > SENT_BEFORE_STALL:
            stalled.set()
            return True
        return False

    with BotApiStandIn() as api:
        api.stall = stall_after_n
        first = start_bot(api, database)
        try:
            if not stalled.wait(30):
                first.kill()
                pytest.fail("the round never started:\n" + first.communicate(timeout=10)[0])
            api.wait_for(lambda c: c in _group_sends(api), count=SENT_BEFORE_STALL)
            time.sleep(0.5)  # let the other in-progress groups reach the stalled network too
        finally:
            first.send_signal(signal.SIGKILL)
            first.wait(10)
        assert len(_group_sends(api)) == SENT_BEFORE_STALL
        statuses = [row.status for row in asyncio.run(_outbox_rows(url)) if row.chat_id in GROUP_IDS]
        # mid-round: the five that got through are handed over ("sending": a round marks its successes
        # together) or already "sent"; the rest waits
        assert SENT_BEFORE_STALL <= statuses.count("sent") + statuses.count("sending") < len(GROUP_IDS)

        # The stalled requests did reach "Telegram" (the stand-in records them when let go).
        with api._changed:
            api.stall = None
            api._changed.notify_all()
        time.sleep(1.0)
        reached_before_restart = len(_group_sends(api))

        second = start_bot(api, database)
        try:
            api.wait_for(lambda c: c in _group_sends(api), count=len(GROUP_IDS), timeout=30)
            time.sleep(1.5)  # anything sent twice would show up by now
        finally:
            code, output = stop_bot(second)
        assert code == 0, output
        sends = _group_sends(api)
        per_group = {chat_id: sum(1 for call in sends if call.chat_id == chat_id) for chat_id in GROUP_IDS}
        assert per_group == {chat_id: 1 for chat_id in GROUP_IDS}, per_group
        assert reached_before_restart < len(GROUP_IDS)  # the restart really had work left
        deliveries = asyncio.run(_deliveries(url))
        assert sorted(d.target_id for d in deliveries) == sorted(GROUP_IDS)
        assert {d.status for d in deliveries} == {"queued"}
        assert {row.status for row in asyncio.run(_outbox_rows(url)) if row.chat_id in GROUP_IDS} == {"sent"}
        assert len({d.period for d in deliveries}) == 1
