"""`python -m bot backup PATH` and `python -m bot restore FILE` for the SQLite database.

SQLite's online backup API copies the database page by page under a read transaction; in WAL mode
that does not block the bot's writers, and the copy is one consistent snapshot. PostgreSQL has its
own tools for this (pg_dump / pg_restore), so the commands say so instead of doing half a job.

Restore refuses while the bot runs: `python -m bot run` holds an exclusive lock on
`<database>.lock` (fcntl) for as long as it runs, and restore must take that lock first. The
database being replaced is kept next to it as `<database>.before-restore-<time>`.
"""

from __future__ import annotations

import argparse
import contextlib
import fcntl
import os
import re
import sqlite3
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

from sqlalchemy.engine import make_url

from bot.cli_common import bounded_int, partial_name, refusal, target_problem
from domain.counting import counted
from bot.config import Settings, describe_database, sqlite_path

EXIT_BAD_INPUT = 1
DATED = re.compile(r"knooppunt-\d{8}-\d{6}(-\d+)?\.db")


def add_commands(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "backup",
        help="copy the SQLite database to PATH while the bot runs (PostgreSQL: use pg_dump)",
        description="Make a consistent copy of the SQLite database (SQLite online backup API). "
        "PATH is a file, or a folder (an existing one, or a path ending in /) to put a dated file in.",
    )
    parser.add_argument("path", metavar="PATH", help="file to write, or a folder (ends in / or exists)")
    parser.add_argument("--force", action="store_true", help="replace PATH if it is an existing regular file")
    parser.add_argument(
        "--keep", type=bounded_int(1, 100_000), metavar="N",
        help="with a folder: keep only the N newest dated backups in it (the new one included)",
    )
    parser.set_defaults(func=cmd_backup, needs_token=False)
    restore = subparsers.add_parser(
        "restore",
        help="replace the SQLite database with a backup (the bot must be stopped)",
        description="Check FILE (integrity, a Knooppunt database this version can read) and put it in "
        "place of the database; the old one is kept as <database>.before-restore-<time>. Refused while "
        "the bot runs. PostgreSQL: use pg_restore.",
    )
    restore.add_argument("file", type=Path, metavar="FILE", help="a file written by `python -m bot backup`")
    restore.set_defaults(func=cmd_restore, needs_token=False)


# -- the lock the running bot holds -------------------------------------------------------------------


class DatabaseInUse(Exception):
    """Another process (the running bot) holds the database's lock."""


@contextlib.contextmanager
def exclusive_use(database: Path) -> Iterator[None]:
    """Hold `<database>.lock` for as long as the block runs; DatabaseInUse when someone else has it."""
    lock_path = database.with_name(database.name + ".lock")
    lock_path.parent.mkdir(parents=True, exist_ok=True)
    handle = open(lock_path, "a+")  # noqa: SIM115 - held open for the lock's lifetime
    try:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise DatabaseInUse(str(database)) from None
        handle.seek(0)
        handle.truncate()
        handle.write(f"{os.getpid()}\n")
        handle.flush()
        yield
    finally:
        handle.close()  # closing releases the lock


# -- backup ---------------------------------------------------------------------------------------------


def backup_sqlite(source: Path, target: Path) -> None:
    """Copy `source` to `target` atomically: a temporary file is renamed only when complete and sound."""
    partial = partial_name(target)
    partial.unlink(missing_ok=True)
    src = sqlite3.connect(f"file:{source}?mode=ro", uri=True, timeout=30)  # never creates a file
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


def dated_file(folder: Path, now: datetime) -> Path:
    """knooppunt-YYYYmmdd-HHMMSS.db in `folder`; -2, -3 … when two backups share a second."""
    stem = f"knooppunt-{now:%Y%m%d-%H%M%S}"
    candidate, number = folder / f"{stem}.db", 1
    while candidate.exists() or candidate.is_symlink():
        number += 1
        candidate = folder / f"{stem}-{number}.db"
    return candidate


def prune(folder: Path, keep: int) -> list[Path]:
    """Delete all but the `keep` newest dated backups (regular files only) in `folder`; returns the deleted."""
    dated = [p for p in folder.iterdir() if DATED.fullmatch(p.name) and p.is_file() and not p.is_symlink()]
    dated.sort(key=lambda p: (p.stat().st_mtime_ns, p.name), reverse=True)
    for old in dated[keep:]:
        old.unlink()
    return dated[keep:]


def _sqlite_or_explain(settings: Settings, tool: str) -> Path | None:
    """The database file, or None after printing why these commands cannot handle this database."""
    url = make_url(settings.database_url)
    if url.get_backend_name() != "sqlite":
        name = url.database or "knooppunt"
        print(
            "This database is PostgreSQL; use its own tools, for example:\n"
            f"  pg_dump --format=custom --file=knooppunt.dump {name}\n"
            f"  pg_restore --clean --dbname={name} knooppunt.dump\n"
            f"({tool} works on SQLite only.) See docs/operations.md."
        )
        return None
    path = sqlite_path(settings.database_url)
    if path is None:
        print("DATABASE_URL points to an in-memory database; there is nothing to back up or restore.")
    return path


def cmd_backup(args: argparse.Namespace, settings: Settings) -> int:
    source = _sqlite_or_explain(settings, "backup")
    if source is None:
        return EXIT_BAD_INPUT
    if not source.is_file():
        print(f"No database at {source.resolve()}; check KNOOPPUNT_DATA_DIR or DATABASE_URL (run the bot or `python -m bot migrate` first).")
        return EXIT_BAD_INPUT
    target = Path(args.path)
    folder: Path | None = None
    if args.path.endswith(("/", os.sep)) or target.is_dir():
        if target.exists() and not target.is_dir():
            print(f"{target} is not a folder.")
            return EXIT_BAD_INPUT
        target.mkdir(parents=True, exist_ok=True)
        folder, target = target, dated_file(target, datetime.now())
    elif args.keep:
        print("--keep needs a folder as PATH (ending in /), where the dated backups are kept.")
        return EXIT_BAD_INPUT
    problem = target_problem(target, args.force)
    if problem:
        print(refusal(problem))
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
    if folder is not None and args.keep:
        removed = prune(folder, args.keep)
        if removed:
            print(f"Removed {counted(len(removed), 'older backup', 'older backups')}, kept the {args.keep} newest: " + ", ".join(p.name for p in removed))
    return 0


# -- restore -------------------------------------------------------------------------------------------


def check_backup(path: Path) -> str | None:
    """None when `path` is a sound Knooppunt database this version can migrate; else why not."""
    from alembic.script import ScriptDirectory

    from storage.migrate import alembic_config

    try:
        with contextlib.closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as connection:
            verdict = connection.execute("PRAGMA integrity_check").fetchone()[0]
            if verdict != "ok":
                return f"it failed SQLite's integrity check ({verdict[:200]})"
            tables = {row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type='table'")}
            if not {"alembic_version", "users", "initiatives"} <= tables:
                return "it is an SQLite database, but not one of Knooppunt"
            revision = connection.execute("SELECT version_num FROM alembic_version").fetchone()
    except sqlite3.DatabaseError as exc:
        return f"it is not an SQLite database ({exc})"
    known = {script.revision for script in ScriptDirectory.from_config(alembic_config()).walk_revisions()}
    if revision is None or revision[0] not in known:
        return f"it was made by another (newer?) version of Knooppunt (schema {revision[0] if revision else 'none'}); upgrade Knooppunt first"
    return None


def cmd_restore(args: argparse.Namespace, settings: Settings) -> int:
    database = _sqlite_or_explain(settings, "restore")
    if database is None:
        return EXIT_BAD_INPUT
    backup: Path = args.file
    if not backup.is_file():
        print(f"No file {backup}.")
        return EXIT_BAD_INPUT
    if database.exists() and backup.resolve() == database.resolve():
        print("FILE is the database itself; give a backup.")
        return EXIT_BAD_INPUT
    problem = check_backup(backup)
    if problem:
        print(f"Not restored: {backup} cannot be used, {problem}. The database is unchanged.")
        return EXIT_BAD_INPUT
    try:
        with exclusive_use(database):
            kept = _swap_in(backup, database)
    except DatabaseInUse:
        print(f"Not restored: the bot is running on {database.resolve()}. Stop it first (e.g. systemctl stop knooppunt), then restore.")
        return EXIT_BAD_INPUT
    except sqlite3.Error as exc:
        print(f"Restore failed: {exc}. The database is unchanged.")
        return EXIT_BAD_INPUT
    print(f"Restored {backup} as {describe_database(settings.database_url)}.")
    if kept:
        print(f"The previous database is kept as {kept}.")
    print("Start the bot as usual; it applies any newer migrations first.")
    return 0


def _swap_in(backup: Path, database: Path) -> Path | None:
    """Copy `backup` next to the database, then move the old database aside and the copy in place."""
    incoming = database.with_name(database.name + ".restoring")
    incoming.unlink(missing_ok=True)
    backup_sqlite(backup, incoming)  # a checked, self-contained copy; the backup file stays as it was
    kept = None
    if database.exists():
        kept = database.with_name(f"{database.name}.before-restore-{datetime.now():%Y%m%d-%H%M%S}")
        with contextlib.closing(sqlite3.connect(database)) as connection:
            connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")  # the old file alone is complete
        os.replace(database, kept)
    for suffix in ("-wal", "-shm"):
        database.with_name(database.name + suffix).unlink(missing_ok=True)
    os.replace(incoming, database)
    return kept
