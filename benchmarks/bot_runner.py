"""`python -m bot` for benchmarks/throughput.py, with the rate limiter switched by BENCH_RATE_LIMITER
(0 = compute only, as the issue measures it), an optional cProfile dump (BENCH_PROFILE=path), and
SIGUSR1 starting a digest round for every linked group (the latency run's background work)."""

from __future__ import annotations

import asyncio
import cProfile
import os
import signal
import time
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import select  # noqa: E402
from telegram import Update  # noqa: E402
from telegram.ext import Application  # noqa: E402

from bot.app import build_application  # noqa: E402
from bot.cli import migrate  # noqa: E402
from bot.config import load_settings, setup_logging  # noqa: E402
from handlers.groups import digest_jobs  # noqa: E402
from storage.models import GroupChat  # noqa: E402


async def digest_round(application: Application) -> None:
    async with application.bot_data.read_session_factory.begin() as session:
        chat_ids = list(await session.scalars(select(GroupChat.chat_id).where(GroupChat.network_id.is_not(None))))
    await digest_jobs.run_groups_round(application, chat_ids)


def with_digest_signal(application: Application) -> None:
    post_init = application.post_init

    async def then_listen(app: Application) -> None:
        if post_init is not None:
            await post_init(app)
        asyncio.get_running_loop().add_signal_handler(signal.SIGUSR1, lambda: app.create_task(digest_round(app)))

    application.post_init = then_listen


def main() -> None:
    settings = load_settings()
    setup_logging(settings)
    migrate(settings)
    application = build_application(settings, rate_limiter=os.environ.get("BENCH_RATE_LIMITER", "1") != "0")
    with_digest_signal(application)
    profile_path = os.environ.get("BENCH_PROFILE")
    if profile_path:
        profiler = cProfile.Profile(time.thread_time)  # CPU of the event loop thread: waits do not count
        profiler.enable()
        try:
            application.run_polling(allowed_updates=Update.ALL_TYPES)
        finally:
            profiler.disable()
            profiler.dump_stats(profile_path)
    else:
        application.run_polling(allowed_updates=Update.ALL_TYPES)


if __name__ == "__main__":
    main()
