"""`python -m bot backup PATH`: a consistent SQLite copy while another connection keeps writing."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from bot.cli import build_parser
from bot.config import Settings
from tests.conftest import TEST_TOKEN

ROOT = Path(__file__).resolve().parents[2]
BATCH = 25


def run_backup(database_url: str, *argv: str) -> int:
    args = build_parser().parse_args(["backup", *argv])
    return args.func(args, Settings(token=TEST_TOKEN, database_url=database_url))


def make_database(path: Path) -> None:
    with sqlite3.connect(path) as connection:
        connection.execute("PRAGMA journal_mode=WAL")
        connection.execute("CREATE TABLE rows (id INTEGER PRIMARY KEY, batch INTEGER, payload TEXT)")


def keep_writing(path: Path, stop: threading.Event, written: list[int]) -> None:
    """Write batches of BATCH rows, each batch in one transaction, until told to stop."""
    connection = sqlite3.connect(path, timeout=30, isolation_level=None)
    connection.execute("PRAGMA busy_timeout=30000")
    batch = 0
    while not stop.is_set() or batch < 40:
        batch += 1
        connection.execute("BEGIN IMMEDIATE")
        connection.executemany(
            "INSERT INTO rows (batch, payload) VALUES (?, ?)", [(batch, "x" * 500) for _ in range(BATCH)]
        )
        connection.execute("COMMIT")
        written.append(batch)
    connection.close()


def test_backup_while_another_connection_writes(tmp_path):
    source = tmp_path / "live.db"
    make_database(source)
    stop, written = threading.Event(), []
    writer = threading.Thread(target=keep_writing, args=(source, stop, written))
    writer.start()
    try:
        while len(written) < 20:  # the writer is busy before the backup starts
            threading.Event().wait(0.01)
        copies = [tmp_path / f"copy{n}.db" for n in range(3)]
        for copy in copies:
            assert run_backup(f"sqlite+aiosqlite:///{source}", str(copy)) == 0
    finally:
        stop.set()
        writer.join()
    for copy in copies:
        with sqlite3.connect(copy) as connection:
            assert connection.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
            sizes = connection.execute("SELECT batch, count(*) FROM rows GROUP BY batch").fetchall()
        assert sizes, "the copy holds the rows written before it started"
        assert {count for _batch, count in sizes} == {BATCH}, "a snapshot never holds half a transaction"
        assert not copy.with_name(copy.name + ".partial").exists()
    with sqlite3.connect(copies[0]) as connection:  # one self-contained file, no -wal beside it
        assert connection.execute("PRAGMA journal_mode").fetchone()[0] == "delete"


def test_backup_of_the_migrated_knooppunt_database(database_url, tmp_path, capsys):
    if not database_url.startswith("sqlite"):
        pytest.skip("SQLite only; PostgreSQL is backed up with pg_dump")
    target = tmp_path / "backups"
    target.mkdir()
    assert run_backup(database_url, str(target)) == 0
    [copy] = list(target.glob("knooppunt-*.db"))
    assert "integrity check ok" in capsys.readouterr().out
    with sqlite3.connect(copy) as connection:
        tables = {row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert {"users", "initiatives", "alembic_version"} <= tables


def test_backup_refuses_to_overwrite_without_force(tmp_path, capsys):
    source = tmp_path / "live.db"
    make_database(source)
    target = tmp_path / "copy.db"
    target.write_text("precious")
    assert run_backup(f"sqlite:///{source}", str(target)) == 1
    assert "--force" in capsys.readouterr().out
    assert target.read_text() == "precious"
    assert run_backup(f"sqlite:///{source}", str(target), "--force") == 0
    with sqlite3.connect(target) as connection:
        assert connection.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_backup_of_a_missing_database_says_so(tmp_path, capsys):
    assert run_backup(f"sqlite:///{tmp_path / 'nothing.db'}", str(tmp_path / "copy.db")) == 1
    assert "No database at" in capsys.readouterr().out
    assert not (tmp_path / "nothing.db").exists()


def test_backup_on_postgresql_points_to_pg_dump():
    """The real command line, as an operator runs it: exit 1 and the pg_dump recipe."""
    env = {"PATH": "/usr/bin:/bin", "DATABASE_URL": "postgresql://kp@db.example/knooppunt"}
    result = subprocess.run(
        [sys.executable, "-m", "bot", "backup", "/tmp/never-written.db"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=60,
    )
    assert result.returncode == 1
    assert "pg_dump --format=custom" in result.stdout
    assert "knooppunt" in result.stdout
    assert not Path("/tmp/never-written.db").exists()


def run_restore(database_url: str, *argv: str) -> int:
    args = build_parser().parse_args(["restore", *argv])
    return args.func(args, Settings(token=TEST_TOKEN, database_url=database_url))


def test_a_path_ending_in_slash_is_a_folder_created_when_missing(tmp_path):
    source = tmp_path / "live.db"
    make_database(source)
    assert run_backup(f"sqlite:///{source}", f"{tmp_path}/new/deeper/") == 0
    assert len(list((tmp_path / "new" / "deeper").glob("knooppunt-*.db"))) == 1
    assert run_backup(f"sqlite:///{source}", f"{tmp_path}/new/deeper/") == 0  # same second: a second name
    assert len(list((tmp_path / "new" / "deeper").glob("knooppunt-*.db"))) == 2


def test_keep_prunes_only_dated_backups_and_needs_a_folder(tmp_path, capsys):
    source = tmp_path / "live.db"
    make_database(source)
    folder = tmp_path / "backups"
    folder.mkdir()
    (folder / "knooppunt-important.db").write_text("not dated: never pruned")
    for _ in range(3):
        assert run_backup(f"sqlite:///{source}", str(folder), "--keep", "2") == 0
    assert len(list(folder.glob("knooppunt-2*.db"))) == 2
    assert (folder / "knooppunt-important.db").exists()
    assert run_backup(f"sqlite:///{source}", str(tmp_path / "one.db"), "--keep", "2") == 1
    assert "--keep needs a folder" in capsys.readouterr().out


def test_force_only_replaces_regular_files(tmp_path, capsys):
    source = tmp_path / "live.db"
    make_database(source)
    (tmp_path / "link.db").symlink_to(source)
    (tmp_path / "afolder.db").mkdir()
    for target in ("/dev/null", str(tmp_path / "link.db")):
        assert run_backup(f"sqlite:///{source}", target, "--force") == 1
        assert "is not a regular file" in capsys.readouterr().out
    assert (tmp_path / "link.db").is_symlink()
    with pytest.raises(SystemExit):  # argparse: exit 2 with a usage line
        build_parser().parse_args(["backup", str(tmp_path), "--keep", "99999999999999999999"])
    assert "expected a number from 1" in capsys.readouterr().err


def test_restore_refuses_files_that_are_not_a_sound_knooppunt_database(database_url, tmp_path, capsys):
    if not database_url.startswith("sqlite"):
        pytest.skip("SQLite only; PostgreSQL is restored with pg_restore")
    live = Path(database_url.split("///", 1)[1])
    other = tmp_path / "other.db"
    make_database(other)
    (tmp_path / "broken.db").write_bytes(b"SQLite format 3\x00" + b"\x00" * 200)
    (tmp_path / "notes.txt").write_text("not a database")
    before = live.read_bytes()
    for bad, reason in (
        ("broken.db", "cannot be used"), ("notes.txt", "not an SQLite database"),
        ("other.db", "not one of Knooppunt"), ("missing.db", "No file"),
    ):
        assert run_restore(database_url, str(tmp_path / bad)) == 1
        assert reason in capsys.readouterr().out
    assert live.read_bytes() == before
