"""Compute headroom (issue 13): answers per second of the bot against a minimal PTB echo bot on
the same local Bot API stand-in, interleaved A/B/A/B, medians of the rounds; SQLite and PostgreSQL.

    .venv/bin/python benchmarks/throughput.py [--quick] [--postgres postgresql+asyncpg://.../db_it_may_wipe]
        [--rounds 3] [--updates 300] [--scenarios start,postcode,question,location,agenda,postcode_100k[,week]]
        [--no-limiter-run] [--no-latency-run] [--profile DIR]

Per database: a seeded database (1,000 places and 5,000 activities; a second one with 100,000
places for `postcode_100k`), the bot as a real process (`benchmarks/bot_runner.py`, i.e.
`python -m bot` with the rate limiter switchable) and the echo floor (`benchmarks/echo_bot.py`),
each polling its own local stand-in (tests/fakes/http_bot_api.py). Each round pushes `--updates`
updates from new users at once to the echo bot, then the same to the bot, per scenario; it times
until every user got a first answer. Printed per scenario: median answers/s, bot ÷ echo, p95
latency (push to first answer), and CPU per update of each process (utime + stime from /proc:
this holds on a busy machine, where answers/s do not). Then:

  (a) near-me answers/s WITH the production rate limiter (cap 30 messages/s) and messages per answer;
  (b) p95 reply latency of a mixed load paced at 50 updates/s while a digest round for 100 groups
      runs in the same process (compute only: 50 replies/s is above Telegram's 30 messages/s).

The machine's load average is printed at the start and the end: other work on the machine skews
answers/s (not CPU per update). `--quick` = 3 rounds of 100 updates and shorter extra runs: both
databases in a few minutes. Targets (compute only, bot ÷ echo): /start ≥ 0.7, near-me 1k ≥ 0.5,
100k ≥ 0.4, question ≥ 0.4, /agenda ≥ 0.6; (a) = 30 answers/s, one message each; (b) < 300 ms.
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
from storage.models import Activity, GroupChat, InitiativeNetwork, Network  # noqa: E402
from tests.fakes import updates  # noqa: E402
from tests.fakes.http_bot_api import BotApiStandIn  # noqa: E402

TOKEN = "424242:BENCH-not-a-real-token"
ANSWERS = ("sendMessage", "sendVenue", "sendLocation", "sendPhoto", "sendDocument", "editMessageText")
QUESTIONS = [
    "is er een speeltuin in Spangen", "waar is een buurthuiskamer bij 3024", "taalcafe in de buurt van 3021",
    "repaircafe 3026", "huiswerkbegeleiding in het Nieuwe Westen", "voedselhulp bij 3023 open nu",
    "waar kan ik sporten in Bospolder", "kunstatelier in Delfshaven", "inloophuis met rolstoel 3024",
    "speeltuinen in Middelland", "taalcafé arabisch 3025", "groenplek in Oud-Mathenesse",
]
SCENARIOS = {
    "start": lambda user, rng: updates.command("start", sender=user),
    "postcode": lambda user, rng: updates.message(rng.choice(["3024", "3021", "3026 AB", "3023"]), sender=user),
    "question": lambda user, rng: updates.message(rng.choice(QUESTIONS), sender=user),
    "location": lambda user, rng: updates.location(*nearest.random_point(rng, 8000), sender=user),
    "agenda": lambda user, rng: updates.command("agenda", sender=user),
    "week": lambda user, rng: updates.callback("ag:w:week:0", sender=user),  # the agenda's "Deze week" over 5k activities
}
DEFAULT_SCENARIOS = ["start", "postcode", "question", "location", "agenda"]  # the targets
PLACES_LARGE = 100_000
LARGE = "postcode_100k"  # the postcode scenario on the database with PLACES_LARGE places
TARGETS = {"start": 0.7, "postcode": 0.5, LARGE: 0.4, "question": 0.4, "agenda": 0.6}
DIGEST_NETWORKS, DIGEST_GROUPS = 10, 100


class TimedStandIn(BotApiStandIn):
    """The stand-in, noting when each chat got its first answer and how many messages it got."""

    instances = 0

    def __init__(self) -> None:
        super().__init__()
        # Update ids never repeat across stand-ins: a bot on the same database skips ids handled before.
        TimedStandIn.instances += 1
        self._next_update_id = TimedStandIn.instances * 10_000_000
        self.first_answer: dict[int, float] = {}
        self.messages: dict[int, int] = {}

    def _answer(self, method, params, files):  # noqa: ANN001, ANN202
        result = super()._answer(method, params, files)
        if method in ANSWERS and "chat_id" in params:
            chat = int(params["chat_id"])
            self.first_answer.setdefault(chat, time.monotonic())
            if method.startswith("send"):
                self.messages[chat] = self.messages.get(chat, 0) + 1
        return result


def load_average() -> str:
    return " ".join(f"{value:.2f}" for value in os.getloadavg())


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def cpu_s(pid: int) -> float:
    """User + system CPU seconds of a process (all its threads)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def start(command: list[str], api: BotApiStandIn, env: dict[str, str]) -> subprocess.Popen:
    environment = {**{k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "DATABASE_URL", "BENCH_"))},
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


def wait_answered(api: TimedStandIn, users: list[dict], label: str, limit_s: float = 120) -> None:
    deadline = time.monotonic() + limit_s
    while not all(user["id"] in api.first_answer for user in users):
        if time.monotonic() > deadline:
            raise SystemExit(f"{label}: only {sum(u['id'] in api.first_answer for u in users)} of {len(users)} answered")
        time.sleep(0.01)


def burst(api: TimedStandIn, pid: int, scenario: str, first_user: int, count: int, rng: random.Random) -> tuple[float, float, float]:
    """Push `count` updates from new users at once; (answers/s, p95 latency ms, CPU ms per update)."""
    users = [updates.user(first_user + index, f"Bewoner{index}", "nl") for index in range(count)]
    payloads = [SCENARIOS[scenario.removesuffix("_100k")](user, rng) for user in users]
    pushed: dict[int, float] = {}
    cpu_before = cpu_s(pid)
    began = time.monotonic()
    for user, payload in zip(users, payloads, strict=True):
        api.push_update(payload)
        pushed[user["id"]] = time.monotonic()
    wait_answered(api, users, scenario)
    cpu = cpu_s(pid) - cpu_before
    last = max(api.first_answer[user["id"]] for user in users)
    latencies = sorted((api.first_answer[user["id"]] - pushed[user["id"]]) * 1000 for user in users)
    return count / (last - began), latencies[int(0.95 * (len(latencies) - 1))], cpu * 1000 / count


# -- data ----------------------------------------------------------------------------------------------


async def seed(url: str, places: int, activities: int, rng: random.Random, groups: bool) -> None:
    """`places` places around Rotterdam, `activities` upcoming activities over 4 weeks and, with
    `groups`, 10 networks of 10 places each with 100 linked groups (for a digest round)."""
    await upgrade_database(url)
    await nearest.fill(url, places, rng)
    engine = create_engine(url)
    now = datetime.now(timezone.utc).replace(minute=0, second=0, microsecond=0)
    async with engine.begin() as connection:
        rows = []
        for index in range(activities):
            starts = now + timedelta(hours=rng.randrange(2, 24 * 28))
            rows.append({"id": index + 1, "initiative_id": rng.randrange(1, min(places, 1000) + 1), "title": f"Activiteit {index + 1}",
                         "starts_at": starts, "ends_at": starts + timedelta(hours=2), "status": "published",
                         "location_id": None, "created_at": now, "updated_at": now})
        for offset in range(0, len(rows), 5000):
            await connection.execute(insert(Activity), rows[offset:offset + 5000])
        if groups:
            await connection.execute(insert(Network), [{"id": n + 1, "name": f"Netwerk {n + 1}", "created_at": now}
                                                       for n in range(DIGEST_NETWORKS)])
            await connection.execute(insert(InitiativeNetwork), [{"initiative_id": i + 1, "network_id": i % DIGEST_NETWORKS + 1}
                                                                 for i in range(DIGEST_NETWORKS * 10)])
            await connection.execute(insert(GroupChat), [
                {"chat_id": -10_000 - g, "title": f"Groep {g}", "network_id": g % DIGEST_NETWORKS + 1, "language": "nl",
                 "active": True, "digest_weekday": None, "digest_time": "09:00", "digest_paused": False,
                 "digest_skip_empty": False, "linked_at": now, "linked_by": 1, "created_at": now}
                for g in range(DIGEST_GROUPS)
            ])
        if engine.dialect.name == "postgresql":
            await connection.execute(text("ANALYZE"))
    await engine.dispose()


def prepare(url: str, postgres: bool, places: int, activities: int, groups: bool) -> None:
    if postgres:
        asyncio.run(nearest.reset_postgres(url))
    asyncio.run(seed(url, places, activities, random.Random(13), groups))


# -- runs ---------------------------------------------------------------------------------------------


class Run:
    def __init__(self, args: argparse.Namespace, echo_api: TimedStandIn, echo: subprocess.Popen) -> None:
        self.args = args
        self.echo_api = echo_api
        self.echo = echo
        self.rng = random.Random(13)
        self.user = 10_000_000

    def users(self, count: int) -> int:
        first = self.user
        self.user += count
        return first

    def bot(self, api: TimedStandIn, url: str, *, limiter: bool, label: str) -> subprocess.Popen:
        env = {"DATABASE_URL": url, "BENCH_RATE_LIMITER": "1" if limiter else "0", "FLOOD_LIMIT": "0"}
        if self.args.profile:
            Path(self.args.profile).mkdir(parents=True, exist_ok=True)
            env["BENCH_PROFILE"] = str(Path(self.args.profile) / f"bot-{label}.prof")
        return start([sys.executable, str(ROOT / "benchmarks" / "bot_runner.py")], api, env)

    def compare(self, bot_api: TimedStandIn, bot: subprocess.Popen, scenarios: list[str]) -> dict[str, dict[str, list[float]]]:
        """Interleaved rounds: per scenario the echo bot, then the bot."""
        results = {s: {k: [] for k in ("echo", "bot", "p95", "echo_p95", "cpu", "echo_cpu")} for s in scenarios}
        for scenario in scenarios:  # warm up both (imports, first queries), not counted
            for api, pid in ((self.echo_api, self.echo.pid), (bot_api, bot.pid)):
                burst(api, pid, scenario, self.users(20), 20, self.rng)
        for round_number in range(self.args.rounds):
            for scenario in scenarios:
                echo_rate, echo_p95, echo_cpu = burst(self.echo_api, self.echo.pid, scenario, self.users(self.args.updates),
                                                      self.args.updates, self.rng)
                bot_rate, bot_p95, bot_cpu = burst(bot_api, bot.pid, scenario, self.users(self.args.updates), self.args.updates, self.rng)
                for key, value in (("echo", echo_rate), ("bot", bot_rate), ("p95", bot_p95), ("echo_p95", echo_p95),
                                   ("cpu", bot_cpu), ("echo_cpu", echo_cpu)):
                    results[scenario][key].append(value)
            print(f"  round {round_number + 1} of {self.args.rounds} done (load {load_average()})", file=sys.stderr, flush=True)
        return results

    def limited(self, url: str) -> tuple[float, float]:
        """(a) near-me answers/s with the production rate limiter, and messages per answer."""
        with TimedStandIn() as api:
            bot = self.bot(api, url, limiter=True, label="limiter")
            try:
                burst(api, bot.pid, "postcode", self.users(10), 10, self.rng)  # warm up
                time.sleep(1.5)  # the limiter's bucket refills
                count = self.args.limited_updates
                first = self.users(count)
                rate, _p95, _cpu = burst(api, bot.pid, "postcode", first, count, self.rng)
                time.sleep(0.5)  # a second message (a pin) would have come by now
                per_answer = statistics.mean(api.messages.get(first + i, 0) for i in range(count))
            finally:
                stop(bot)
        return rate, per_answer

    def latency(self, url: str) -> tuple[float, float, int, float]:
        """(b) p50 and p95 latency (ms) of a mixed load paced at `--paced-rate` updates/s while a
        digest round for 100 groups runs; the number of digest messages sent meanwhile; seconds."""
        mix = DEFAULT_SCENARIOS
        with TimedStandIn() as api:
            bot = self.bot(api, url, limiter=False, label="latency")
            try:
                for scenario in mix:  # warm up
                    burst(api, bot.pid, scenario, self.users(5), 5, self.rng)
                count = int(self.args.paced_rate * self.args.paced_s)
                users = [updates.user(self.users(1), f"Bewoner{i}", "nl") for i in range(count)]
                pushed: dict[int, float] = {}
                began = time.monotonic()
                os.kill(bot.pid, signal.SIGUSR1)  # bot_runner starts a digest round for every linked group
                for index, user in enumerate(users):
                    wait = began + index / self.args.paced_rate - time.monotonic()
                    if wait > 0:
                        time.sleep(wait)
                    api.push_update(SCENARIOS[mix[index % len(mix)]](user, self.rng))
                    pushed[user["id"]] = time.monotonic()
                wait_answered(api, users, "paced load")
                elapsed = time.monotonic() - began
                digests = sum(n for chat, n in api.messages.items() if chat < 0)
                latencies = sorted((api.first_answer[u["id"]] - pushed[u["id"]]) * 1000 for u in users)
            finally:
                stop(bot)
        return latencies[len(latencies) // 2], latencies[int(0.95 * (len(latencies) - 1))], digests, elapsed


def report(label: str, results: dict[str, dict[str, list[float]]]) -> list[tuple[str, float]]:
    print(f"{'scenario':<14} {'echo/s':>7} {'bot/s':>7} {'bot÷echo':>9} {'target':>7} {'p95 ms':>7} {'echo p95':>9} "
          f"{'CPU ms/upd':>11} {'echo CPU':>9} {'CPU echo÷bot':>13}  rounds bot/s")
    ratios = []
    for scenario, r in results.items():
        echo_rate, bot_rate = statistics.median(r["echo"]), statistics.median(r["bot"])
        cpu, echo_cpu = statistics.median(r["cpu"]), statistics.median(r["echo_cpu"])
        ratio = bot_rate / echo_rate
        target = TARGETS.get(scenario)
        verdict = f"{target:.1f} {'ok' if ratio >= target else 'NO'}" if target else "-"
        print(f"{scenario:<14} {echo_rate:7.0f} {bot_rate:7.0f} {ratio:9.2f} {verdict:>7} {statistics.median(r['p95']):7.0f} "
              f"{statistics.median(r['echo_p95']):9.0f} {cpu:11.2f} {echo_cpu:9.2f} {echo_cpu / cpu if cpu else 0:13.2f}  "
              f"{', '.join(f'{value:.0f}' for value in r['bot'])}")
        ratios.append((scenario, ratio))
    return ratios


def run_database(args: argparse.Namespace, name: str, url: str, postgres: bool, folder: str, run: Run) -> None:
    scenarios = [s for s in args.scenarios.split(",") if s and s != LARGE]
    print(f"\n== {name}: {args.places} places, {args.activities} activities, {args.rounds} rounds x {args.updates} updates "
          f"(load {load_average()})", flush=True)
    prepare(url, postgres, args.places, args.activities, groups=True)
    errors = []
    with TimedStandIn() as bot_api:
        bot = run.bot(bot_api, url, limiter=False, label=f"{name}-1k")
        idle = rss_mb(bot.pid)
        try:
            results = run.compare(bot_api, bot, scenarios) if scenarios else {}
            busy = rss_mb(bot.pid)
        finally:
            errors.append(stop(bot))
    print(f"start-up: echo {run.echo.startup_s:.2f} s, bot {bot.startup_s:.2f} s; RSS: echo {rss_mb(run.echo.pid):.0f} MB, "
          f"bot idle {idle:.0f} MB, after the runs {busy:.0f} MB")
    if results:
        report(name, results)
    if not args.no_limiter_run:
        rate, per_answer = run.limited(url)
        print(f"(a) near-me with the production rate limiter: {rate:.1f} answers/s (target = the cap, 30/s), "
              f"{per_answer:.2f} messages per answer")
    if not args.no_latency_run:
        p50, p95, digests, elapsed = run.latency(url)
        print(f"(b) mixed load at {args.paced_rate:.0f} updates/s for {elapsed:.1f} s with a digest round ({digests} digest messages "
              f"meanwhile), limiter off: p50 {p50:.0f} ms, p95 {p95:.0f} ms (target < 300 ms) -> {'ok' if p95 < 300 else 'NO'}")
    if LARGE in args.scenarios.split(","):
        print(f"-- {name}: {PLACES_LARGE} places (load {load_average()})", flush=True)
        large_url = url if postgres else f"sqlite+aiosqlite:///{folder}/large.db"
        prepare(large_url, postgres, PLACES_LARGE, 0, groups=False)
        with TimedStandIn() as bot_api:
            bot = run.bot(bot_api, large_url, limiter=False, label=f"{name}-100k")
            try:
                results = run.compare(bot_api, bot, [LARGE])
                busy = rss_mb(bot.pid)
            finally:
                errors.append(stop(bot))
        print(f"RSS after the runs: bot {busy:.0f} MB")
        report(name, results)
    tracebacks = sum(e.count("Traceback") for e in errors)
    if tracebacks:
        print(f"bot log: {tracebacks} tracebacks; last lines:\n" + "\n".join("\n".join(errors).splitlines()[-20:]))


def main() -> None:
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))  # stop the echo bot and the bots too
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="3 rounds of 100 updates, shorter extra runs")
    parser.add_argument("--rounds", type=int, default=None)
    parser.add_argument("--updates", type=int, default=None)
    parser.add_argument("--places", type=int, default=1000)
    parser.add_argument("--activities", type=int, default=5000)
    parser.add_argument("--postgres", default=os.environ.get("BENCH_DATABASE_URL"),
                        help="also run on this PostgreSQL database, which it WIPES (default: $BENCH_DATABASE_URL; SQLite only without)")
    parser.add_argument("--sqlite", action=argparse.BooleanOptionalAction, default=True, help="run on SQLite (default yes)")
    parser.add_argument("--scenarios", default=",".join([*DEFAULT_SCENARIOS, LARGE]),
                        help=f"some of {', '.join([*SCENARIOS, LARGE])} (week is slow: about 0.1 s of CPU per press)")
    parser.add_argument("--no-limiter-run", action="store_true", help="skip (a)")
    parser.add_argument("--no-latency-run", action="store_true", help="skip (b)")
    parser.add_argument("--paced-rate", type=float, default=50.0)
    parser.add_argument("--profile", help="folder for cProfile dumps of the bots (one file per bot)")
    args = parser.parse_args()
    args.rounds = args.rounds or 3
    args.updates = args.updates or (100 if args.quick else 300)
    args.limited_updates = 150 if args.quick else 450
    args.paced_s = 10.0 if args.quick else 30.0

    began = time.monotonic()
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores (shared), Python {platform.python_version()}, "
          f"{platform.system()} {platform.release()}; load average at start: {load_average()}", flush=True)
    with tempfile.TemporaryDirectory() as folder, TimedStandIn() as echo_api:
        echo = start([sys.executable, str(ROOT / "benchmarks" / "echo_bot.py")], echo_api, {})
        run = Run(args, echo_api, echo)
        try:
            if args.sqlite:
                run_database(args, "SQLite", f"sqlite+aiosqlite:///{folder}/bench.db", False, folder, run)
            if args.postgres:
                run_database(args, "PostgreSQL", args.postgres, True, folder, run)
        finally:
            stop(echo)
    print(f"\nload average at the end: {load_average()}; {time.monotonic() - began:.0f} s in all")


if __name__ == "__main__":
    main()
