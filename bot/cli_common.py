"""Rules every admin command shares: what may be overwritten, and numbers within bounds.

One rule in one place: `export-places`, `export-ical` and `backup` refuse an existing file unless
`--force`, and even `--force` only ever replaces a regular file (never a folder, a device, a pipe
or a symbolic link). Files are written to a temporary name first and renamed when complete.
"""

from __future__ import annotations

import argparse
import os
import stat
from pathlib import Path


def target_problem(path: Path, force: bool) -> str | None:
    """None when `path` may be written; otherwise the one line saying why not."""
    try:
        mode = path.lstat().st_mode
    except FileNotFoundError:
        mode = None
    if mode is not None:
        if stat.S_ISDIR(mode):
            return f"{path} is a folder; give a file name"
        if not stat.S_ISREG(mode):
            return f"{path} exists and is not a regular file (a device, pipe or link); choose another name"
        if not force:
            return f"{path} already exists; choose another name or add --force to replace it"
    if not path.parent.is_dir():
        return f"the folder {path.parent} does not exist; create it first"
    return None


def refusal(problem: str) -> str:
    """The one line a writing command prints when target_problem() said no."""
    return f"Not written: {problem}."


def partial_name(path: Path) -> Path:
    return path.with_name(path.name + ".partial")


def write_atomically(path: Path, data: bytes) -> None:
    """Write to PATH.partial, then rename: a reader never sees half a file, a failure leaves none."""
    partial = partial_name(path)
    try:
        with open(partial, "wb") as handle:
            handle.write(data)
        os.replace(partial, path)
    finally:
        partial.unlink(missing_ok=True)


def bounded_int(low: int, high: int):  # noqa: ANN201 - an argparse type
    """An argparse `type` for a whole number in [low, high]: a clear usage error, never a traceback."""

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected a whole number, got '{text}'") from None
        if not low <= value <= high:
            raise argparse.ArgumentTypeError(f"expected a number from {low} to {high}, got {text}")
        return value

    parse.__name__ = "number"
    return parse
