"""`python -m bot` for benchmarks/throughput.py, with the rate limiter switched by BENCH_RATE_LIMITER
(0 = compute only, as the issue measures it) and an optional cProfile dump (BENCH_PROFILE=path)."""

from __future__ import annotations

import cProfile
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from telegram import Update  # noqa: E402

from bot.app import build_application  # noqa: E402
from bot.cli import migrate  # noqa: E402
from bot.config import load_settings, setup_logging  # noqa: E402


def main() -> None:
    settings = load_settings()
    setup_logging(settings)
    migrate(settings)
    application = build_application(settings, rate_limiter=os.environ.get("BENCH_RATE_LIMITER", "1") != "0")
    profile_path = os.environ.get("BENCH_PROFILE")
    if profile_path:
        profiler = cProfile.Profile()
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
