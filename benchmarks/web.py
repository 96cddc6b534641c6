"""Benchmark of the public web pages: p50/p95 of `/` and `/data/places.json` at 100 and 10k places.

Fills a fresh SQLite database (places with opening hours, a language and a network), builds the
production Application and web app (web.app.create_app) and times requests in-process through
httpx's ASGI transport (no network, no uvicorn: the app's own work, database reads included).

Usage: python benchmarks/web.py [--sizes 100,10000] [--requests 30]
"""

from __future__ import annotations

import argparse
import asyncio
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

import httpx  # noqa: E402
from sqlalchemy import insert  # noqa: E402

from benchmarks.nearest import CATEGORIES, SPREAD_M, random_point  # noqa: E402
from bot.app import build_application  # noqa: E402
from bot.config import Settings  # noqa: E402
from storage.db import create_engine  # noqa: E402
from storage.migrate import upgrade_database  # noqa: E402
from storage.models import Initiative, InitiativeLanguage, InitiativeNetwork, Location, Network, Schedule  # noqa: E402
from web.app import create_app  # noqa: E402


async def fill(url: str, size: int, rng: random.Random) -> None:
    engine = create_engine(url)
    now = datetime.now(timezone.utc)
    async with engine.begin() as connection:
        await connection.execute(insert(Network), [{"id": 1, "name": "Netwerk Delfshaven", "created_at": now}])
        for start in range(0, size, 2000):
            ids = range(start + 1, min(start + 2000, size) + 1)
            await connection.execute(insert(Location), [
                {"id": i, "latitude": lat, "longitude": lon, "approximate": False, "address": f"Straat {i}",
                 "postcode": "3027 AB", "buurt": "Spangen"}
                for i, (lat, lon) in ((i, random_point(rng, SPREAD_M)) for i in ids)
            ])
            await connection.execute(insert(Initiative), [
                {"id": i, "name": f"Plek {i}", "category": rng.choice(CATEGORIES), "description": "Koffie en een praatje",
                 "status": "active", "wheelchair": rng.choice(["yes", "no", "unknown"]), "by_appointment": False,
                 "location_id": i, "created_at": now, "updated_at": now, "last_verified_at": now,
                 "search_text": f"plek {i} koffie en een praatje"}
                for i in ids
            ])
            await connection.execute(insert(Schedule), [
                {"initiative_id": i, "weekday": day, "opens_at": "10:00", "closes_at": "16:00"} for i in ids for day in range(5)
            ])
            await connection.execute(insert(InitiativeLanguage), [{"initiative_id": i, "language": "nl"} for i in ids])
            await connection.execute(insert(InitiativeNetwork), [{"initiative_id": i, "network_id": 1} for i in ids])
    await engine.dispose()


async def timed(client: httpx.AsyncClient, path: str, count: int) -> tuple[float, float, float, int]:
    """(first request, p50 and p95 of all requests, gzip bytes). The first builds a feed; later ones reuse it."""
    samples = []
    size = 0
    for _ in range(count):
        started = time.perf_counter()
        async with client.stream("GET", path, headers={"Accept-Encoding": "gzip"}) as response:
            await response.aread()
        samples.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, response.status_code
        size = response.num_bytes_downloaded
    first = samples[0]
    samples.sort()
    p95 = samples[min(len(samples) - 1, round(0.95 * (len(samples) - 1)))]
    return first, statistics.median(samples), p95, size


async def run(size: int, requests: int) -> None:
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite+aiosqlite:///{Path(folder) / 'bench.db'}"
        await upgrade_database(url)
        await fill(url, size, random.Random(size))
        settings = Settings(token="1:bench", database_url=url)
        application = build_application(settings, rate_limiter=False)
        app = create_app(application, settings)
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://bench") as client:
            for path, count in (("/", requests), ("/?cat=speeltuin", requests), ("/data/places.json", requests)):
                first, p50, p95, body = await timed(client, path, count)
                print(f"| {size:>6,} | `{path}` | {count} | {first:8.1f} | {p50:8.1f} | {p95:8.1f} | {body / 1024:8.0f} |")
        await application.bot_data.engine.dispose()


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="100,10000")
    parser.add_argument("--requests", type=int, default=30)
    args = parser.parse_args()
    print(f"Machine: {platform.processor() or platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}, "
          f"SQLite; {datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC")
    print("| places | path | requests | first ms | p50 ms | p95 ms | gzip KB |")
    print("|---:|---|---:|---:|---:|---:|---:|")
    for size in (int(s) for s in args.sizes.split(",")):
        await run(size, args.requests)


if __name__ == "__main__":
    asyncio.run(main())
