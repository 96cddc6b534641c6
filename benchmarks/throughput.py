"""Compute headroom (issue 13): answers per second of the bot against a minimal PTB echo bot on
the same local Bot API stand-in, interleaved A/B/A/B, medians of the rounds.

    .venv/bin/python benchmarks/throughput.py [--rounds 3] [--updates 300] [--places 1000]
        [--activities 5000] [--rate-limiter] [--postgres postgresql+asyncpg://.../db_it_may_wipe]
        [--scenarios start,postcode,question,location,agenda] [--profile DIR]

Each round pushes `--updates` updates from distinct new users at once into the echo bot's
stand-in, then the same into the bot's, per scenario; it times until every user got a first
answer. Compute only by default (the rate limiter off, as the issue measures it). Prints per
scenario the median answers/s, the ratio to the echo floor, p95 latency (push to first answer)
and the processes' RSS. Keep runs short: the machine is shared.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import random
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from sqlalchemy import insert, text  # noqa: E402

import nearest  # noqa: E402  (benchmarks/nearest.py: places around Rotterdam)
from storage.db import create_engine  # noqa: E402
from storage.migrate import upgrade_database  # noqa: E402
from storage.models import Activity  # noqa: E402
from tests.fakes import updates  # noqa: E402
from tests.fakes.http_bot_api import BotApiStandIn  # noqa: E402

TOKEN = "424242:BENCH-not-a-real-token"
ANSWERS = ("sendMessage", "sendVenue", "sendLocation", "sendPhoto", "sendDocument")
SCENARIOS = {
    "start": lambda user, rng: updates.command("start", sender=user),
    "postcode": lambda user, rng: updates.message(rng.choice(["3024", "3021", "3026 AB", "3023"]), sender=user),
    "question": lambda user, rng: updates.message(rng.choice(["is er een speeltuin in Spangen", "waar is een buurthuiskamer bij 3024",
                                                               "taalcafe in de buurt van 3021"]), sender=user),
    "location": lambda user, rng: updates.location(*nearest.random_point(rng, 8000), sender=user),
    "agenda": lambda user, rng: updates.command("agenda", sender=user),
}


class TimedStandIn(BotApiStandIn):
    """The stand-in, noting when each chat got its first answer."""

    def __init__(self) -> None:
        super().__init__()
        self.first_answer: dict[int, float] = {}

    def _answer(self, method, params, files):  # noqa: ANN001, ANN202
        result = super()._answer(method, params, files)
        if method in ANSWERS and "chat_id" in params:
            self.first_answer.setdefault(int(params["chat_id"]), time.monotonic())
        return result


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def start(command: list[str], api: BotApiStandIn, env: dict[str, str]) -> subprocess.Popen:
    environment = {**{k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "DATABASE_URL"))},
                   "TELEGRAM_BOT_TOKEN": TOKEN, "TELEGRAM_API_BASE_URL": api.base_url, "LOG_LEVEL": "WARNING",
                   "PYTHONPATH": str(ROOT), **env}
    began = time.monotonic()
    process = subprocess.Popen(command, env=environment, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    api.wait_for(lambda c: c.method == "getUpdates", timeout=120)
    process.startup_s = time.monotonic() - began  # type: ignore[attr-defined]
    return process


def stop(process: subprocess.Popen) -> str:
    process.terminate()
    try:
        _, errors = process.communicate(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        _, errors = process.communicate()
    return errors or ""


def burst(api: TimedStandIn, scenario: str, first_user: int, count: int, rng: random.Random) -> tuple[float, float]:
    """Push `count` updates from new users at once; (answers/s, p95 latency ms)."""
    users = [updates.user(first_user + index, f"Bewoner{index}", "nl") for index in range(count)]
    pushed: dict[int, float] = {}
    began = time.monotonic()
    for user in users:
        api.push_update(SCENARIOS[scenario](user, rng))
        pushed[user["id"]] = time.monotonic()
    deadline = began + 300
    while not all(user["id"] in api.first_answer for user in users):
        if time.monotonic() > deadline:
            raise SystemExit(f"{scenario}: only {sum(u['id'] in api.first_answer for u in users)} of {count} answered")
        time.sleep(0.02)
    last = max(api.first_answer[user["id"]] for user in users)
    latencies = sorted((api.first_answer[user["id"]] - pushed[user["id"]]) * 1000 for user in users)
    return count / (last - began), latencies[int(0.95 * (len(latencies) - 1))]


async def seed(url: str, places: int, activities: int, rng: random.Random) -> None:
    await upgrade_database(url)
    await nearest.fill(url, places, rng)
    engine = create_engine(url)
    now = datetime.now(timezone.utc).replace(minute=0, second=0, microsecond=0)
    async with engine.begin() as connection:
        rows = []
        for index in range(activities):
            starts = now + timedelta(hours=rng.randrange(2, 24 * 28))
            rows.append({"id": index + 1, "initiative_id": rng.randrange(1, places + 1), "title": f"Activiteit {index + 1}",
                         "starts_at": starts, "ends_at": starts + timedelta(hours=2), "status": "published",
                         "location_id": None, "created_at": now, "updated_at": now})
        for offset in range(0, len(rows), 5000):
            await connection.execute(insert(Activity), rows[offset:offset + 5000])
        if engine.dialect.name == "postgresql":
            await connection.execute(text("ANALYZE"))
    await engine.dispose()


def main() -> None:
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))  # stop the echo bot and the bot too
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--updates", type=int, default=300)
    parser.add_argument("--places", type=int, default=1000)
    parser.add_argument("--activities", type=int, default=5000)
    parser.add_argument("--rate-limiter", action="store_true", help="production setting (30 messages/s); default off = compute only")
    parser.add_argument("--postgres", help="a PostgreSQL URL this may wipe (default: a temporary SQLite file)")
    parser.add_argument("--scenarios", default=",".join(SCENARIOS))
    parser.add_argument("--profile", help="folder for a cProfile dump of the bot (one file per run)")
    args = parser.parse_args()
    scenarios = args.scenarios.split(",")
    rng = random.Random(13)

    with tempfile.TemporaryDirectory() as folder:
        if args.postgres:
            url = args.postgres
            asyncio.run(nearest.reset_postgres(url))
        else:
            url = f"sqlite+aiosqlite:///{folder}/bench.db"
        asyncio.run(seed(url, args.places, args.activities, rng))
        bot_env = {"DATABASE_URL": url, "BENCH_RATE_LIMITER": "1" if args.rate_limiter else "0", "FLOOD_LIMIT": "0"}
        if args.profile:
            Path(args.profile).mkdir(parents=True, exist_ok=True)
            bot_env["BENCH_PROFILE"] = str(Path(args.profile) / f"bot-{int(time.time())}.prof")
        with TimedStandIn() as echo_api, TimedStandIn() as bot_api:
            echo = start([sys.executable, str(ROOT / "benchmarks" / "echo_bot.py")], echo_api, {})
            bot = start([sys.executable, str(ROOT / "benchmarks" / "bot_runner.py")], bot_api, bot_env)
            idle = (rss_mb(echo.pid), rss_mb(bot.pid))
            results: dict[str, dict[str, list[float]]] = {s: {"echo": [], "bot": [], "p95": [], "echo_p95": []} for s in scenarios}
            user = 10_000_000
            try:
                # Warm up both (imports, first queries), not counted.
                for scenario in scenarios:
                    for api in (echo_api, bot_api):
                        burst(api, scenario, user, 20, rng)
                        user += 20
                for round_number in range(args.rounds):
                    for scenario in scenarios:
                        echo_rate, echo_p95 = burst(echo_api, scenario, user, args.updates, rng)
                        user += args.updates
                        bot_rate, bot_p95 = burst(bot_api, scenario, user, args.updates, rng)
                        user += args.updates
                        results[scenario]["echo"].append(echo_rate)
                        results[scenario]["echo_p95"].append(echo_p95)
                        results[scenario]["bot"].append(bot_rate)
                        results[scenario]["p95"].append(bot_p95)
                    print(f"round {round_number + 1} of {args.rounds} done", file=sys.stderr)
                busy = (rss_mb(echo.pid), rss_mb(bot.pid))
            finally:
                bot_errors = stop(bot)
                stop(echo)

    print(f"machine: {platform.machine()}, {os.cpu_count()} cores (shared), Python {platform.python_version()}, "
          f"{'PostgreSQL' if args.postgres else 'SQLite'}, rate limiter {'on' if args.rate_limiter else 'off'}, "
          f"{args.places} places, {args.activities} activities, {args.rounds} rounds x {args.updates} updates")
    print(f"start-up: echo {echo.startup_s:.2f} s, bot {bot.startup_s:.2f} s; "
          f"RSS idle: echo {idle[0]:.0f} MB, bot {idle[1]:.0f} MB; after the runs: echo {busy[0]:.0f} MB, bot {busy[1]:.0f} MB")
    print(f"{'scenario':<10} {'echo/s':>8} {'bot/s':>8} {'bot÷echo':>9} {'bot p95 ms':>11} {'echo p95 ms':>12}  rounds (bot/s)")
    for scenario in scenarios:
        r = results[scenario]
        echo_rate, bot_rate = statistics.median(r["echo"]), statistics.median(r["bot"])
        print(f"{scenario:<10} {echo_rate:8.0f} {bot_rate:8.0f} {bot_rate / echo_rate:9.2f} {statistics.median(r['p95']):11.0f} "
              f"{statistics.median(r['echo_p95']):12.0f}  {', '.join(f'{value:.0f}' for value in r['bot'])}")
    tracebacks = bot_errors.count("Traceback")
    if tracebacks:
        print(f"bot log: {tracebacks} tracebacks; last lines:\n" + "\n".join(bot_errors.splitlines()[-20:]))


if __name__ == "__main__":
    main()
