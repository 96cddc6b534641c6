"""CPU per Bot API request of python-telegram-bot's HTTP backends (issue 13): httpx (PTB's default)
against aiohttp (bot/aiohttp_request.py, what the bot uses), through PTB's own `Bot.send_message`
with a small inline keyboard, to the local Bot API stand-in.

    .venv/bin/python benchmarks/http_client.py [--requests 1600] [--rounds 3]

Printed per backend and concurrency (1 = one request after another, as the echo floor of
benchmarks/throughput.py sends; 16 = the bot's concurrent updates): CPU milliseconds per request
of this process's main thread (the stand-in answers from other threads) and requests per second.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup  # noqa: E402
from telegram.request import BaseRequest, HTTPXRequest  # noqa: E402

from bot.aiohttp_request import AiohttpRequest  # noqa: E402
from tests.fakes.http_bot_api import BotApiStandIn  # noqa: E402

TOKEN = "424242:BENCH-not-a-real-token"
KEYBOARD = InlineKeyboardMarkup([[InlineKeyboardButton(f"ℹ️ {i}. Buurthuiskamer", callback_data=f"dir:i:{i}")] for i in range(5)])


async def measure(api: BotApiStandIn, request: BaseRequest, count: int, at_once: int) -> tuple[float, float]:
    """(CPU ms per request, requests per second) for `count` sendMessage calls, `at_once` in flight."""
    bot = Bot(TOKEN, base_url=api.base_url, request=request)
    await bot.initialize()
    gate = asyncio.Semaphore(at_once)

    async def one(index: int) -> None:
        async with gate:
            await bot.send_message(1000 + index, f"Hallo {index}", reply_markup=KEYBOARD)

    try:
        await asyncio.gather(*(one(i) for i in range(100)))  # warm up: connections, caches
        cpu, wall = time.thread_time(), time.monotonic()
        await asyncio.gather(*(one(i) for i in range(count)))
        return (time.thread_time() - cpu) * 1000 / count, count / (time.monotonic() - wall)
    finally:
        await bot.shutdown()


async def run(args: argparse.Namespace) -> None:
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
          f"load average {' '.join(f'{v:.2f}' for v in os.getloadavg())}")
    backends = {"httpx (PTB default)": lambda: HTTPXRequest(connection_pool_size=256),
                "aiohttp (the bot)": lambda: AiohttpRequest(connection_pool_size=256)}
    results: dict[tuple[str, int], list[tuple[float, float]]] = {}
    with BotApiStandIn() as api:
        for _round in range(args.rounds):  # interleaved: a busy moment of the machine hits both
            for name, make in backends.items():
                for at_once in (1, 16):
                    results.setdefault((name, at_once), []).append(await measure(api, make(), args.requests, at_once))
    print(f"{'backend':<22} {'at once':>7} {'CPU ms/request':>15} {'requests/s':>11}")
    for (name, at_once), runs in results.items():
        cpu = sorted(r[0] for r in runs)[len(runs) // 2]
        rate = sorted(r[1] for r in runs)[len(runs) // 2]
        print(f"{name:<22} {at_once:>7} {cpu:>15.2f} {rate:>11.0f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=1600)
    parser.add_argument("--rounds", type=int, default=3)
    asyncio.run(run(parser.parse_args()))


if __name__ == "__main__":
    main()
