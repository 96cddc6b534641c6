"""Digest benchmark: compose 100 group digests over 2,000 upcoming activities, and send a round
to 100 groups through a local Bot API stand-in with the production AIORateLimiter.

Run: python benchmarks/digest.py   (prints the figures and the machine they were measured on)
"""

from __future__ import annotations

import asyncio
import os
import platform
import statistics
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.app import build_application  # noqa: E402
from bot.config import Settings  # noqa: E402
from handlers.groups import digest_jobs  # noqa: E402
from handlers.core.outbox import drain_once  # noqa: E402
from storage.migrate import upgrade_database  # noqa: E402
from storage.repositories import groups as groups_repo  # noqa: E402
from tests.fakes.http_bot_api import BotApiStandIn  # noqa: E402
from tests.groups_seed import seed_activity, seed_initiative, seed_linked_group, seed_network  # noqa: E402

AMS = ZoneInfo("Europe/Amsterdam")
GROUPS, NETWORKS, ACTIVITIES, TELEGRAM_RATE = 100, 10, 2000, 30.0


async def seed(application, now: datetime) -> list[int]:  # noqa: ANN001
    chat_ids = []
    async with application.bot_data.session_factory.begin() as session:
        for n in range(NETWORKS):
            network = await seed_network(session, f"Netwerk {n}", coordinator_id=5000 + n)
            initiatives = [await seed_initiative(session, network, f"Initiatief {n}-{i}") for i in range(10)]
            for a in range(ACTIVITIES // NETWORKS):
                start = now + timedelta(minutes=37 * a % (7 * 24 * 60 - 60))
                await seed_activity(session, initiatives[a % 10], f"Activiteit {n}-{a} <met> & tekens", start)
            for g in range(GROUPS // NETWORKS):
                chat_id = -10_000 - n * 100 - g
                await seed_linked_group(session, network, chat_id, f"Groep {n}-{g}", weekday=None, at=now.astimezone(AMS).strftime("%H:%M"))
                chat_ids.append(chat_id)
    return chat_ids


async def main() -> None:
    folder = Path(tempfile.mkdtemp())
    url = f"sqlite+aiosqlite:///{folder / 'bench.db'}"
    await upgrade_database(url)
    with BotApiStandIn() as api:
        settings = Settings(token="123456:BENCH-not-a-real-token", database_url=url, api_base_url=api.base_url)
        application = build_application(settings)  # production AIORateLimiter
        await application.initialize()
        now = datetime.now(timezone.utc).replace(second=0, microsecond=0)
        chat_ids = await seed(application, now)

        times, sizes = [], []
        async with application.bot_data.session_factory() as session:
            for chat_id in chat_ids:
                group = await groups_repo.get_group(session, chat_id)
                started = time.perf_counter()
                parts = await digest_jobs.compose_group(session, application, group, now, since=now - timedelta(days=7))
                times.append(time.perf_counter() - started)
                sizes.append(len(parts))
        print(f"compose: {GROUPS} digests over {ACTIVITIES} upcoming activities ({ACTIVITIES // NETWORKS} per network, "
              f"{statistics.mean(sizes):.1f} messages each): mean {statistics.mean(times) * 1000:.1f} ms, "
              f"p95 {sorted(times)[int(0.95 * len(times))] * 1000:.1f} ms, max {max(times) * 1000:.1f} ms per digest")

        # A round of short digests (one message per group): what the send path and the rate limiter cost.
        application.bot_data.clock = lambda: datetime.now(timezone.utc) + timedelta(days=8)  # an empty week: one line each
        before = len(api.calls)
        started = time.perf_counter()
        results = await digest_jobs.run_groups_round(application, chat_ids)  # queued in the outbox
        while await drain_once(application):  # what the outbox worker does
            pass
        elapsed = time.perf_counter() - started
        messages = sum(1 for call in api.calls[before:] if call.method == "sendMessage")
        allowed = messages / TELEGRAM_RATE
        print(f"send round: {messages} messages to {GROUPS} groups in {elapsed:.2f} s "
              f"(Telegram's 30 msg/s allows {allowed:.2f} s; bound 1.2x = {1.2 * allowed:.2f} s) "
              f"-> {'OK' if elapsed <= 1.2 * allowed else 'TOO SLOW'}; statuses {sorted(set(results.values()))}")
        await application.shutdown()
        await application.bot_data.engine.dispose()
    print(f"machine: {platform.platform()}, Python {platform.python_version()}, {os.cpu_count()} CPUs, {platform.processor() or platform.machine()}")


if __name__ == "__main__":
    asyncio.run(main())
