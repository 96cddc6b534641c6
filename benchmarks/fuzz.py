"""Fuzz the real process (issue 12): 2,000 updates with odd text, edge ids, forged buttons and updates
python-telegram-bot cannot read, through `python -m bot` on the local Bot API stand-in.

    .venv/bin/python benchmarks/fuzz.py [COUNT]

Prints tracebacks, lines holding message text, skipped updates, ERROR lines and how fast a /start
is answered afterwards. Figures are recorded in docs/trust.md.
"""

from __future__ import annotations

import os
import platform
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.fakes.fuzz import run_fuzz  # noqa: E402


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 2000
    with tempfile.TemporaryDirectory() as folder:
        result = run_fuzz(count, Path(folder), timeout=1800)
    output = result.pop("output")
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}")
    for key, value in result.items():
        print(f"{key}: {value}")
    for line in output.splitlines():
        if " ERROR " in line or "Traceback" in line or "CRITICAL" in line:
            print("  " + line[:200])


if __name__ == "__main__":
    main()
