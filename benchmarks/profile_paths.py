"""Where the time of an answer goes (issue 13): CPU per update of each resident path, in process.

    .venv/bin/python benchmarks/profile_paths.py [--updates 300] [--places 1000] [--activities 5000]
        [--scenarios start,postcode,question,location,agenda] [--postgres URL_IT_MAY_WIPE]
        [--profile DIR] [--top 25] [--returning]

The production Application (bot.app.build_application, every handler) with the tests' fake Bot API
as its HTTP layer, fed one update after another through `process_update`; and the same for a
minimal PTB echo bot. It prints the CPU time per update (time.process_time: every thread of this
process, so SQLite's driver threads count too) and the ratio echo ÷ bot, which is what the
throughput benchmark's "bot ÷ echo" tends to when the machine is the limit. CPU time is the
process's own, so the figures hold on a busy machine; with --profile it writes a cProfile dump per
scenario and prints the functions with the most own time. Users are new by default (as in
benchmarks/throughput.py); --returning sends every update from users seen a moment ago.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import pstats
import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from telegram import Update  # noqa: E402
from telegram.ext import Application, MessageHandler, filters  # noqa: E402

import nearest  # noqa: E402
import throughput  # noqa: E402  (the scenarios and the seed)
from bot.app import build_application  # noqa: E402
from bot.config import Settings  # noqa: E402
from tests.fakes import updates  # noqa: E402
from tests.fakes.bot_api import FakeBotAPI  # noqa: E402

TOKEN = "424242:BENCH-not-a-real-token"


async def _echo(update: Update, context) -> None:  # noqa: ANN001
    await update.effective_message.reply_text(update.effective_message.text or "📍")


def echo_application(api: FakeBotAPI) -> Application:
    application = Application.builder().token(TOKEN).request(api).get_updates_request(api).build()
    application.add_handler(MessageHandler(filters.ALL, _echo))
    return application


async def feed(application: Application, scenario: str, first_user: int, count: int, rng: random.Random, returning: bool) -> float:
    """CPU seconds per update for `count` updates of `scenario`, one after another."""
    users = [updates.user(first_user + (index % 50 if returning else index), f"Bewoner{index}", "nl") for index in range(count)]
    payloads = [throughput.SCENARIOS[scenario](user, rng) for user in users]
    began = time.process_time()
    for payload in payloads:
        await application.process_update(Update.de_json(payload, application.bot))
    return (time.process_time() - began) / count


async def run(args: argparse.Namespace) -> None:
    rng = random.Random(13)
    scenarios = args.scenarios.split(",")
    with tempfile.TemporaryDirectory() as folder:
        if args.postgres:
            url = args.postgres
            await nearest.reset_postgres(url)
        else:
            url = f"sqlite+aiosqlite:///{folder}/bench.db"
        await throughput.seed(url, args.places, args.activities, rng, groups=False)
        echo_api, bot_api = FakeBotAPI(), FakeBotAPI()
        echo = echo_application(echo_api)
        bot = build_application(Settings(token=TOKEN, database_url=url, flood_limit=0), request=bot_api, rate_limiter=False)
        async with echo:
            await bot.initialize()
            await bot.post_init(bot)
            try:
                user = 20_000_000
                print(f"{'SQLite' if not args.postgres else 'PostgreSQL'}, {args.places} places, {args.activities} activities, "
                      f"{args.updates} updates per scenario, {'returning' if args.returning else 'new'} users")
                print(f"{'scenario':<10} {'echo ms':>8} {'bot ms':>8} {'echo÷bot':>9}")
                for scenario in scenarios:
                    for application in (echo, bot):  # warm up: imports, caches, prepared statements
                        await feed(application, scenario, user, 20, rng, args.returning)
                        user += 1000
                    echo_cpu = await feed(echo, scenario, user, args.updates, rng, args.returning)
                    user += args.updates + 1000
                    profiler = cProfile.Profile(time.thread_time) if args.profile else None  # CPU of this thread: waits do not count
                    if profiler:
                        profiler.enable()
                    bot_cpu = await feed(bot, scenario, user, args.updates, rng, args.returning)
                    user += args.updates + 1000
                    if profiler:
                        profiler.disable()
                        dump = Path(args.profile) / f"{scenario}.prof"
                        profiler.dump_stats(dump)
                    print(f"{scenario:<10} {echo_cpu * 1000:8.2f} {bot_cpu * 1000:8.2f} {echo_cpu / bot_cpu:9.2f}", flush=True)
                    if profiler and args.top:
                        pstats.Stats(str(dump)).sort_stats("tottime").print_stats(args.top)
            finally:
                await bot.shutdown()
                await bot.post_shutdown(bot)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--updates", type=int, default=300)
    parser.add_argument("--places", type=int, default=1000)
    parser.add_argument("--activities", type=int, default=5000)
    parser.add_argument("--scenarios", default="start,postcode,question,location,agenda")
    parser.add_argument("--postgres", help="a PostgreSQL URL this may wipe (default: a temporary SQLite file)")
    parser.add_argument("--profile", help="folder for one cProfile dump per scenario")
    parser.add_argument("--top", type=int, default=0, help="print the N functions with the most own time per scenario")
    parser.add_argument("--returning", action="store_true", help="updates from users seen a moment ago (default: new users)")
    args = parser.parse_args()
    if args.profile:
        Path(args.profile).mkdir(parents=True, exist_ok=True)
    asyncio.run(run(args))


if __name__ == "__main__":
    main()
