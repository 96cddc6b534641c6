"""Benchmark of the nearest-5 query (storage.repositories.directory.nearest).

Generates 1k / 10k / 100k active places around Rotterdam in a fresh, migrated database and
prints p50 and p95 of the nearest-5 query from random points, without and with a category.
SQLite always; PostgreSQL too when BENCH_DATABASE_URL points at a database it may wipe, e.g.
    BENCH_DATABASE_URL=postgresql+asyncpg://postgres@127.0.0.1:5432/kp_bench python benchmarks/nearest.py

Usage: python benchmarks/nearest.py [--sizes 1000,10000,100000] [--queries 300]
"""

from __future__ import annotations

import argparse
import asyncio
import math
import os
import platform
import random
import statistics
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import insert, text  # noqa: E402

from storage.db import create_engine, create_session_factory  # noqa: E402
from storage.migrate import upgrade_database  # noqa: E402
from storage.models import Base, Initiative, Location  # noqa: E402
from storage.repositories.directory import PlaceFilter, nearest  # noqa: E402

ROTTERDAM = (51.9225, 4.4792)
SPREAD_M = 12_000  # places within 12 km of the centre
CATEGORIES = [
    "buurthuiskamer", "inloophuis", "speeltuin", "groenplek", "kunstatelier", "sportclub",
    "zelforganisatie", "straatvereniging", "voedselhulp", "taalcafe", "huiswerkbegeleiding", "repaircafe",
]


def random_point(rng: random.Random, radius_m: float) -> tuple[float, float]:
    distance = radius_m * math.sqrt(rng.random())
    angle = rng.random() * 2 * math.pi
    dlat = distance * math.cos(angle) / 111_320
    dlon = distance * math.sin(angle) / (111_320 * math.cos(math.radians(ROTTERDAM[0])))
    return ROTTERDAM[0] + dlat, ROTTERDAM[1] + dlon


async def fill(url: str, size: int, rng: random.Random) -> None:
    engine = create_engine(url)
    now = datetime.now(timezone.utc)
    async with engine.begin() as connection:
        batch = 5000
        for start in range(0, size, batch):
            count = min(batch, size - start)
            points = [random_point(rng, SPREAD_M) for _ in range(count)]
            await connection.execute(
                insert(Location),
                [{"id": start + i + 1, "latitude": lat, "longitude": lon, "approximate": False} for i, (lat, lon) in enumerate(points)],
            )
            await connection.execute(
                insert(Initiative),
                [
                    {
                        "id": start + i + 1, "name": f"Plek {start + i + 1}", "category": rng.choice(CATEGORIES),
                        "status": "active", "wheelchair": "unknown", "by_appointment": False,
                        "location_id": start + i + 1, "created_at": now, "updated_at": now, "last_verified_at": now,
                    }
                    for i in range(count)
                ],
            )
        if engine.dialect.name == "postgresql":
            await connection.execute(text("ANALYZE"))
    await engine.dispose()


async def measure(url: str, queries: int, rng: random.Random) -> dict[str, tuple[float, float]]:
    engine = create_engine(url)
    factory = create_session_factory(engine)
    now = datetime.now(timezone.utc)
    results = {}
    for label, place_filter in (("all categories", PlaceFilter()), ("one category", PlaceFilter(category="buurthuiskamer"))):
        timings = []
        async with factory() as session:
            for _ in range(20):  # warm up caches and prepared statements
                await nearest(session, *random_point(rng, SPREAD_M), now=now, limit=5, place_filter=place_filter)
            for _ in range(queries):
                lat, lon = random_point(rng, SPREAD_M)
                began = time.perf_counter()
                result = await nearest(session, lat, lon, now=now, limit=5, place_filter=place_filter)
                timings.append((time.perf_counter() - began) * 1000)
                assert len(result.places) == 5
        timings.sort()
        results[label] = (statistics.median(timings), timings[int(len(timings) * 0.95) - 1])
    await engine.dispose()
    return results


async def reset_postgres(url: str) -> None:
    engine = create_engine(url)
    async with engine.begin() as connection:
        tables = ", ".join(f'"{t.name}"' for t in Base.metadata.sorted_tables)
        await connection.execute(text(f"DROP TABLE IF EXISTS {tables}, alembic_version CASCADE"))
    await engine.dispose()


async def run(sizes: list[int], queries: int) -> None:
    print(f"Machine: {platform.processor() or platform.machine()}, {os.cpu_count()} CPUs, "
          f"Python {platform.python_version()}, {platform.system()} {platform.release()}")
    _cpu_model()
    targets = [("SQLite", None)]
    if os.environ.get("BENCH_DATABASE_URL"):
        targets.append(("PostgreSQL", os.environ["BENCH_DATABASE_URL"]))
    for backend, pg_url in targets:
        print(f"\n{backend}: nearest-5, {queries} queries per size (ms)")
        print(f"{'places':>8}  {'filter':<15} {'p50':>7} {'p95':>7}")
        for size in sizes:
            rng = random.Random(size)
            with tempfile.TemporaryDirectory() as folder:
                url = pg_url or f"sqlite+aiosqlite:///{folder}/bench.db"
                if pg_url:
                    await reset_postgres(url)
                await upgrade_database(url)
                await fill(url, size, rng)
                for label, (p50, p95) in (await measure(url, queries, rng)).items():
                    print(f"{size:>8}  {label:<15} {p50:>7.2f} {p95:>7.2f}")
            if pg_url:
                await reset_postgres(pg_url)


def _cpu_model() -> None:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                print("CPU:", line.split(":", 1)[1].strip())
                return
    except OSError:
        pass


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument("--queries", type=int, default=300)
    args = parser.parse_args()
    asyncio.run(run([int(s) for s in args.sizes.split(",")], args.queries))


if __name__ == "__main__":
    main()
