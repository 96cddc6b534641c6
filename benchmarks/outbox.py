"""Outbox benchmark: one round of 1,000 rows (100 groups, 900 users) through the production rate
limiter to a local Bot API stand-in. Telegram's floor is 30 messages/s (1,000 rows: 33.3 s); the
round must stay within 1.2x of it and never send more than 20 messages per minute to one group.

Run: python benchmarks/outbox.py [ROWS]   (default 1000; prints the figures and the machine)
"""

from __future__ import annotations

import asyncio
import os
import platform
import sys
import tempfile
import time
from collections import defaultdict
from datetime import datetime, timedelta, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.app import build_application  # noqa: E402
from bot.config import Settings  # noqa: E402
from handlers.core.outbox import drain_once  # noqa: E402
from storage.migrate import upgrade_database  # noqa: E402
from storage.repositories import outbox  # noqa: E402
from tests.fakes.http_bot_api import BotApiStandIn  # noqa: E402

TELEGRAM_RATE, GROUP_PER_MINUTE = 30.0, 20


async def main(rows: int) -> None:
    groups = rows // 10
    folder = Path(tempfile.mkdtemp())
    url = f"sqlite+aiosqlite:///{folder / 'bench.db'}"
    await upgrade_database(url)
    with BotApiStandIn() as api:
        settings = Settings(token="123456:BENCH-not-a-real-token", database_url=url, api_base_url=api.base_url)
        application = build_application(settings)  # production rate limiter
        await application.initialize()
        now = datetime.now(timezone.utc)
        async with application.bot_data.session_factory.begin() as session:
            for n in range(rows):
                chat_id = -20_000 - n if n < groups else 700_000 + n
                await outbox.enqueue(session, chat_id, "bench", f"Bericht {n} <b>vet</b> &amp; meer", f"bench:{n}", now)
        started = time.perf_counter()
        while await drain_once(application):
            pass
        elapsed = time.perf_counter() - started
        async with application.bot_data.session_factory() as session:
            settled = await outbox.rows(session)
        await application.shutdown()
        await application.bot_data.engine.dispose()
    sent = [row for row in settled if row.status == "sent"]
    per_group: dict[int, list[datetime]] = defaultdict(list)
    for row in sent:
        if row.chat_id < 0:
            per_group[row.chat_id].append(row.sent_at)
    worst = max((sum(1 for t in times if start <= t < start + timedelta(minutes=1)) for times in per_group.values() for start in times), default=0)
    received = sum(1 for call in api.calls if call.method == "sendMessage")
    floor = rows / TELEGRAM_RATE
    print(f"outbox round: {len(sent)}/{rows} rows sent ({received} received by the stand-in) to {groups} groups and "
          f"{rows - groups} users in {elapsed:.2f} s = {len(sent) / elapsed:.1f} msg/s; Telegram's floor {floor:.2f} s, "
          f"bound 1.2x = {1.2 * floor:.2f} s -> {'OK' if elapsed <= 1.2 * floor else 'TOO SLOW'}; "
          f"most to one group in a minute: {worst} (limit {GROUP_PER_MINUTE}) -> {'OK' if worst <= GROUP_PER_MINUTE else 'TOO MANY'}")
    print(f"machine: {platform.platform()}, Python {platform.python_version()}, {os.cpu_count()} CPUs "
          f"(shared with other work while measured), {platform.processor() or platform.machine()}")


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1]) if len(sys.argv) > 1 else 1000))
