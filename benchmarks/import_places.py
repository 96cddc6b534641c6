"""Benchmark of `python -m bot import-places`: rows per second, reading and checking included.

Generates CSV files of 1k and 20k places around Rotterdam (postcodes 30xx, each point within
1 km of its postcode's centre; ~40 distinct opening hours, 8 networks, as a real directory looks),
then times, in a fresh migrated database:
  1. the first import (everything added),
  2. the same file again (everything unchanged),
  3. the file with every description changed (everything updated).
Each time covers what the command does after reading the file: checking every row
(domain.places_csv.read_places) and storing it in one transaction (bot.places_cli.import_records).
SQLite always; PostgreSQL too when BENCH_DATABASE_URL points at a database it may wipe, e.g.
    BENCH_DATABASE_URL=postgresql+asyncpg://postgres@127.0.0.1:5432/kp_bench python benchmarks/import_places.py

Usage: python benchmarks/import_places.py [--sizes 1000,20000]
"""

from __future__ import annotations

import argparse
import asyncio
import math
import os
import platform
import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


from bot.places_cli import import_records, paused_garbage_collection  # noqa: E402
from domain.gazetteer import pc4_index  # noqa: E402
from domain.places_csv import COLUMNS, read_places  # noqa: E402
from tests.fresh_database import fresh_database  # noqa: E402

CATEGORIES = ["buurthuiskamer", "inloophuis", "speeltuin", "groenplek", "kunstatelier", "sportclub", "voedselhulp", "taalcafe"]
NETWORKS = [f"Netwerk {name}" for name in ("Spangen", "Bospolder", "Tussendijken", "Middelland", "Oud-Mathenesse", "Schiemond", "Nieuwe Westen", "Delfshaven")]
DAYS = ["Mo", "Tu", "We", "Th", "Fr", "Sa", "Su"]


def opening_hours(rng: random.Random) -> str:
    first = rng.randrange(5)
    return f"{DAYS[first]}-{DAYS[first + 2]} {rng.choice(('09:00', '10:00'))}-{rng.choice(('12:00', '16:00'))}; Sa 12:00-17:00"


def make_csv(size: int, rng: random.Random, description: str = "Koffie en een praatje") -> bytes:
    postcodes = [p for code, p in pc4_index().items() if code.startswith("30")]
    hours = [opening_hours(rng) for _ in range(40)]
    lines = [",".join(COLUMNS)]
    for n in range(size):
        pc = rng.choice(postcodes)
        distance, angle = 1000 * math.sqrt(rng.random()), rng.random() * 2 * math.pi
        lat = pc.lat + distance * math.cos(angle) / 111_320
        lon = pc.lon + distance * math.sin(angle) / (111_320 * math.cos(math.radians(pc.lat)))
        networks = ";".join(rng.sample(NETWORKS, rng.choice((1, 1, 2))))
        lines.append(
            f"bench-{n},Plek {n},{rng.choice(CATEGORIES)},{description} {n},Straat {n % 300 + 1},{pc.pc4} {chr(65 + n % 26)}{chr(65 + n // 26 % 26)},"
            f"{lat:.6f},{lon:.6f},010-{1000000 + n},plek{n}@example.org,https://plek{n}.example.org,{networks},"
            f"{rng.choice(hours)},{rng.choice(('nl', 'nl;en', 'nl;ar;tr', ''))},{rng.choice(('yes', 'no', 'limited', ''))}"
        )
    return ("\n".join(lines) + "\n").encode()


async def reset(url: str) -> None:
    await fresh_database(url)


def timed_import(url: str, data: bytes) -> tuple[float, float, object]:
    """Wall-clock and CPU seconds (this process; the database server's work on PostgreSQL not included)."""
    started, cpu = time.perf_counter(), time.process_time()
    with paused_garbage_collection():
        records = read_places(data)
        outcome = asyncio.run(import_records(url, records))
    return time.perf_counter() - started, time.process_time() - cpu, outcome


def run(label: str, url_for, sizes: list[int]) -> None:  # noqa: ANN001 - size -> a database URL
    for size in sizes:
        url = url_for(size)
        rng = random.Random(size)
        data = make_csv(size, rng)
        changed = make_csv(size, random.Random(size), description="Thee en een praatje")
        asyncio.run(reset(url))
        for step, content in (("first import (added)", data), ("same file again (unchanged)", data), ("every row changed (updated)", changed)):
            seconds, cpu, outcome = timed_import(url, content)
            print(
                f"{label:10} {size:>7,} rows  {step:28} {seconds:6.2f} s  {size / seconds:>8,.0f} rows/s"
                f"  (CPU {cpu:5.2f} s: {size / cpu:>7,.0f} rows per CPU-second)"
                f"  ({outcome.added} added, {outcome.updated} updated, {outcome.unchanged} unchanged)",
                flush=True,
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,20000")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    print(f"Python {platform.python_version()} on {platform.machine()}, {os.cpu_count()} CPUs; load average {os.getloadavg()[0]:.1f}")
    with tempfile.TemporaryDirectory() as folder:
        run("SQLite", lambda size: f"sqlite+aiosqlite:///{folder}/bench-{size}.db", sizes)
    if os.environ.get("BENCH_DATABASE_URL"):
        run("PostgreSQL", lambda _size: os.environ["BENCH_DATABASE_URL"], sizes)


if __name__ == "__main__":
    main()
