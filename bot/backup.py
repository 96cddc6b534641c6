"""`python -m bot backup PATH`: a consistent copy of the SQLite database, also while the bot runs.

SQLite's online backup API copies the database page by page under a read transaction; in WAL mode
that does not block the bot's writers, and the copy is one consistent snapshot. PostgreSQL has its
own tool for this (pg_dump), so the command says so instead of doing half a job.
"""

from __future__ import annotations

import argparse
import os
import sqlite3
from datetime import datetime
from pathlib import Path

from sqlalchemy.engine import make_url

from bot.config import Settings, sqlite_path

EXIT_BAD_INPUT = 1


def add_commands(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "backup",
        help="copy the SQLite database to PATH while the bot runs (PostgreSQL: use pg_dump)",
        description="Make a consistent copy of the SQLite database (SQLite online backup API). "
        "PATH is a file, or a directory to put a dated file in.",
    )
    parser.add_argument("path", metavar="PATH", help="file to write, or an existing directory")
    parser.add_argument("--force", action="store_true", help="overwrite PATH if it exists")
    parser.set_defaults(func=cmd_backup, needs_token=False)


def backup_sqlite(source: Path, target: Path) -> None:
    """Copy `source` to `target` atomically: a temporary file is renamed only when complete and sound."""
    partial = target.with_name(target.name + ".partial")
    partial.unlink(missing_ok=True)
    src = sqlite3.connect(source, timeout=30)  # the caller checked it exists, so nothing is created
    dst = sqlite3.connect(partial)
    try:
        src.backup(dst)  # all pages in one step: one consistent snapshot
        dst.execute("PRAGMA journal_mode=DELETE")  # the copy is one self-contained file
        verdict = dst.execute("PRAGMA integrity_check").fetchone()[0]
    finally:
        src.close()
        dst.close()
    if verdict != "ok":
        partial.unlink(missing_ok=True)
        raise sqlite3.DatabaseError(f"the copy failed its integrity check: {verdict}")
    os.replace(partial, target)


def cmd_backup(args: argparse.Namespace, settings: Settings) -> int:
    url = make_url(settings.database_url)
    if url.get_backend_name() != "sqlite":
        print(
            "This database is PostgreSQL; back it up with pg_dump, for example:\n"
            f"  pg_dump --format=custom --file=knooppunt.dump {url.database or 'knooppunt'}\n"
            "and restore with pg_restore. See docs/trust.md."
        )
        return EXIT_BAD_INPUT
    source = sqlite_path(settings.database_url)
    if source is None:
        print("DATABASE_URL points to an in-memory database; there is nothing to back up.")
        return EXIT_BAD_INPUT
    if not source.is_file():
        print(f"No database at {source}; check DATABASE_URL (run the bot or `python -m bot migrate` first).")
        return EXIT_BAD_INPUT
    target = Path(args.path)
    if target.is_dir():
        target = target / f"knooppunt-{datetime.now():%Y%m%d-%H%M%S}.db"
    if not target.parent.is_dir():
        print(f"The folder {target.parent} does not exist; create it first.")
        return EXIT_BAD_INPUT
    if target.exists() and not args.force:
        print(f"{target} already exists; choose another name or add --force to overwrite it.")
        return EXIT_BAD_INPUT
    if target.resolve() == source.resolve():
        print("PATH is the database itself; choose another file.")
        return EXIT_BAD_INPUT
    try:
        backup_sqlite(source, target)
    except sqlite3.Error as exc:
        print(f"Backup failed: {exc}")
        return EXIT_BAD_INPUT
    print(f"Backup written to {target} ({target.stat().st_size} bytes, integrity check ok).")
    return 0
