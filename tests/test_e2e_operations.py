"""Issue 16, as an operator meets it: each numbered problem, shown fixed with `python -m bot` as a process."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.fakes import updates
from tests.fakes.http_bot_api import BotApiStandIn

ROOT = Path(__file__).resolve().parent.parent
TOKEN = "424242:E2E-secret-part-not-real"
pytestmark = pytest.mark.e2e


def environment(**env: str) -> dict[str, str]:
    base = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "DATABASE_URL", "KNOOPPUNT_", "LOG_LEVEL"))}
    return {**base, "TELEGRAM_BOT_TOKEN": TOKEN, "PYTHONPATH": str(ROOT), **env}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def run(args: list[str], cwd: Path, timeout: float = 60, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "bot", *args], cwd=cwd, env=environment(**env), capture_output=True, text=True, timeout=timeout
    )


class Output:
    """Collects a process's merged output in the background, so a test can wait for a line."""

    def __init__(self, process: subprocess.Popen) -> None:
        import threading

        self.process = process
        self.lines: list[str] = []
        self._thread = threading.Thread(target=self._read, daemon=True)
        self._thread.start()

    def _read(self) -> None:
        for line in self.process.stdout:
            self.lines.append(line)

    def wait_for(self, text: str, count: int = 1, timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        while sum(text in line for line in self.lines) < count:
            assert time.monotonic() < deadline, f"no {count}x {text!r} in:\n{''.join(self.lines)}"
            assert self.process.poll() is None or self._thread.is_alive(), "".join(self.lines)
            time.sleep(0.1)

    def stop(self) -> tuple[int, str]:
        self.process.send_signal(signal.SIGTERM)
        code = self.process.wait(timeout=15)
        self._thread.join(timeout=5)
        return code, "".join(self.lines)


def start(cwd: Path, *args: str, **env: str) -> Output:
    process = subprocess.Popen(
        [sys.executable, "-m", "bot", *args], cwd=cwd, env=environment(**env),
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    return Output(process)


# -- 1 and 2: start-up that survives the network; the token never printed ----------------------------


def test_unreachable_telegram_gives_one_line_per_retry_then_the_bot_starts_when_it_is_back(tmp_path):
    port = free_port()
    bot = start(
        tmp_path, TELEGRAM_API_BASE_URL=f"http://127.0.0.1:{port}/bot",
        DATABASE_URL=f"sqlite+aiosqlite:///{tmp_path}/kp.db", LOG_LEVEL="INFO",
    )
    try:
        bot.wait_for("Kan Telegram niet bereiken (", count=2)
        with BotApiStandIn(port=port) as api:  # Telegram is back
            api.wait_for(lambda c: c.method == "getUpdates", timeout=30)
            api.push_update(updates.command("start", sender=updates.RESIDENT))
            [greeting] = api.wait_for(lambda c: c.method == "sendMessage")
            assert greeting.text.startswith("Hallo Fatima!")
            code, output = bot.stop()
    finally:
        if bot.process.poll() is None:
            bot.process.kill()
    assert code == 0, output
    assert "Traceback" not in output
    retries = [line for line in output.splitlines() if "Kan Telegram niet bereiken" in line]
    assert "nieuwe poging over 1 s" in retries[0] and "nieuwe poging over 2 s" in retries[1], retries
    assert TOKEN not in output and TOKEN.partition(":")[2] not in output


def test_stopping_while_telegram_is_unreachable_is_clean(tmp_path):
    bot = start(
        tmp_path, TELEGRAM_API_BASE_URL=f"http://127.0.0.1:{free_port()}/bot",
        DATABASE_URL=f"sqlite+aiosqlite:///{tmp_path}/kp.db",
    )
    bot.wait_for("Kan Telegram niet bereiken (")
    code, output = bot.stop()
    assert code == 0, output
    assert "Traceback" not in output


@pytest.mark.parametrize("level", ["DEBUG", "INFO"])
def test_rejected_token_is_one_line_naming_the_variable_exit_2_and_never_printed(tmp_path, level):
    with BotApiStandIn(reject_token=True) as api:
        result = run(
            [], tmp_path, TELEGRAM_API_BASE_URL=api.base_url,
            DATABASE_URL=f"sqlite+aiosqlite:///{tmp_path}/kp.db", LOG_LEVEL=level,
        )
    output = result.stdout + result.stderr
    assert result.returncode == 2, output
    assert TOKEN not in output and TOKEN.partition(":")[2] not in output
    assert "Configuration error: TELEGRAM_BOT_TOKEN: Telegram rejected this token" in result.stderr
    if level == "INFO":
        assert "Traceback" not in output
        assert [line for line in result.stderr.splitlines() if "TELEGRAM_BOT_TOKEN" in line] == [
            line for line in result.stderr.splitlines() if line.startswith("Configuration error")
        ]


# -- 5: data in one known place ---------------------------------------------------------------------


def test_the_database_does_not_depend_on_the_current_folder(tmp_path):
    data, elsewhere = tmp_path / "data", tmp_path / "elsewhere"
    elsewhere.mkdir()
    # Read-only commands refuse to create an empty database, and say where they looked.
    for args in (["network", "list"], ["audit"], ["export-places"], ["export-ical"]):
        result = run(args, elsewhere, KNOOPPUNT_DATA_DIR=str(data))
        assert result.returncode == 1, result.stderr
        assert f"No database at {data}/knooppunt.db" in result.stderr
        assert "Traceback" not in result.stderr
    assert not data.exists() and list(elsewhere.iterdir()) == []

    added = run(["network", "add", "Netwerk Spangen"], tmp_path, KNOOPPUNT_DATA_DIR=str(data))
    assert added.returncode == 0, added.stderr
    assert f"INFO bot: Database: SQLite {data}/knooppunt.db" in added.stderr
    listed = run(["network", "list"], elsewhere, KNOOPPUNT_DATA_DIR=str(data))
    assert "Netwerk Spangen" in listed.stdout
    assert f"Database: SQLite {data}/knooppunt.db" in listed.stderr
    assert list(elsewhere.iterdir()) == []


def test_the_default_data_folder_is_next_to_the_project_not_the_current_folder(tmp_path):
    result = subprocess.run(
        [sys.executable, "-c", "from bot.config import default_data_dir; print(default_data_dir())"],
        cwd=tmp_path, env=environment(), capture_output=True, text=True, timeout=60,
    )
    assert result.stdout.strip() == str(ROOT / "data")


# -- 4: backups that do what they say; restore with a check --------------------------------------------
# (the finer rules are in tests/trust/test_backup.py, in-process)


def test_backup_into_a_new_folder_keeps_n_and_force_never_replaces_a_device(tmp_path):
    env = {"KNOOPPUNT_DATA_DIR": str(tmp_path / "data")}
    assert run(["network", "add", "Netwerk Spangen"], tmp_path, **env).returncode == 0
    first = run(["backup", "backups/"], tmp_path, **env)  # the folder does not exist yet
    assert first.returncode == 0, first.stdout + first.stderr
    backups = tmp_path / "backups"
    assert backups.is_dir() and len(list(backups.glob("knooppunt-*.db"))) == 1
    (backups / "notes.txt").write_text("mine")
    kept = run(["backup", "backups", "--keep", "1"], tmp_path, **env)  # an existing folder, no slash
    assert kept.returncode == 0 and "Removed 1 older backup," in kept.stdout, kept.stdout
    assert len(list(backups.glob("knooppunt-*.db"))) == 1 and (backups / "notes.txt").read_text() == "mine"
    refused = run(["backup", "/dev/null", "--force"], tmp_path, **env)
    assert refused.returncode == 1 and "is not a regular file" in refused.stdout, refused.stdout


def test_restore_refuses_while_the_bot_runs_then_restores_and_keeps_the_old_database(tmp_path):
    env = {"KNOOPPUNT_DATA_DIR": str(tmp_path / "data")}
    assert run(["network", "add", "Netwerk Spangen"], tmp_path, **env).returncode == 0
    assert run(["backup", "saved.db"], tmp_path, **env).returncode == 0
    assert run(["network", "add", "Later toegevoegd"], tmp_path, **env).returncode == 0

    with BotApiStandIn() as api:
        bot = start(tmp_path, TELEGRAM_API_BASE_URL=api.base_url, **env)
        try:
            api.wait_for(lambda c: c.method == "getUpdates", timeout=60)
            busy = run(["restore", "saved.db"], tmp_path, **env)
            assert busy.returncode == 1 and "the bot is running" in busy.stdout, busy.stdout
            health = run(["health"], tmp_path, **env)  # the container's health check
            assert health.returncode == 0 and "healthy: database schema" in health.stdout, health.stdout
        finally:
            code, output = bot.stop()
        assert code == 0, output

    stopped = run(["health"], tmp_path, **env)
    assert stopped.returncode == 1 and "unhealthy: no bot is running" in stopped.stdout
    restored = run(["restore", "saved.db"], tmp_path, **env)
    assert restored.returncode == 0, restored.stdout + restored.stderr
    assert "previous database is kept as" in restored.stdout
    listing = run(["network", "list"], tmp_path, **env).stdout
    assert "Netwerk Spangen" in listing and "Later toegevoegd" not in listing
    [before] = list((tmp_path / "data").glob("knooppunt.db.before-restore-*"))
    assert before.stat().st_size > 0


# -- 6: imports fast, sane and visible ------------------------------------------------------------------


def places_file(path: Path, rows: list[str]) -> Path:
    from domain.places_csv import COLUMNS

    path.write_text(",".join(COLUMNS) + "\n" + "\n".join(rows) + "\n", encoding="utf-8")
    return path


def test_import_rejects_far_and_swapped_coordinates_and_unknown_networks_then_shows_progress(tmp_path):
    import pty

    env = {"KNOOPPUNT_DATA_DIR": str(tmp_path / "data")}
    assert run(["network", "add", "Netwerk Delfshaven"], tmp_path, **env).returncode == 0
    bad = places_file(tmp_path / "bad.csv", [
        "ny,Huiskamer New York,buurthuiskamer,,,3024,40.7128,-74.0060,,,,Netwerk Delfshaven,,,",
        "swap,Huiskamer Omgedraaid,buurthuiskamer,,,3024,4.4570,51.9054,,,,Netwerk Delfshaven,,,",
    ])
    result = run(["import-places", str(bad)], tmp_path, **env)
    assert result.returncode == 1
    assert "row 2, column latitude: 40.7128, -74.006 is 5," in result.stderr  # thousands of km away
    assert "row 3, column latitude: latitude and longitude are swapped" in result.stderr

    typo = places_file(tmp_path / "typo.csv", [
        f"p{n},Plek {n},buurthuiskamer,,,3024,51.9054,4.4570,,,,Netwerk Delfshavn,,," for n in range(3)
    ])
    result = run(["import-places", str(typo)], tmp_path, **env)
    assert result.returncode == 1
    assert "row 2, column networks: unknown network 'Netwerk Delfshavn' (and 2 more rows); did you mean 'Netwerk Delfshaven'?" in result.stderr
    assert "Netwerk Delfshaven" in run(["network", "list"], tmp_path, **env).stdout

    many = places_file(tmp_path / "many.csv", [
        f"m{n},Plek {n},speeltuin,,,3027,{51.9170 + n * 1e-6:.6f},4.4365,,,,Netwerk Delfshaven;Speeltuinen West,Mo-Fr 10:00-16:00,," for n in range(2000)
    ])
    controller, terminal = pty.openpty()  # a person watching: standard error is a terminal
    process = subprocess.Popen(
        [sys.executable, "-m", "bot", "import-places", str(many), "--create-networks"], cwd=tmp_path,
        env=environment(**env), stdout=subprocess.PIPE, stderr=terminal, text=True,
    )
    os.close(terminal)
    shown = b""
    while True:
        try:
            chunk = os.read(controller, 4096)
        except OSError:
            break
        if not chunk:
            break
        shown += chunk
    out, _ = process.communicate(timeout=120)
    os.close(controller)
    assert process.returncode == 0, shown.decode(errors="replace")
    assert "many.csv: 2000 added, 0 updated, 0 unchanged (2000 rows in" in out
    assert "Created 1 network: Speeltuinen West" in out
    screen = shown.decode(errors="replace")
    assert "Checking" in screen and "Storing" in screen and "rows" in screen  # the tqdm bars
    quiet = run(["import-places", str(many)], tmp_path, **env)  # not a terminal: no bar
    assert "0 added, 0 updated, 2000 unchanged" in quiet.stdout
    assert "Checking" not in quiet.stderr and "Storing" not in quiet.stderr


# -- 7: the smaller things -------------------------------------------------------------------------------


def test_all_bad_variables_at_once_one_line_each_exit_2(tmp_path):
    result = run(
        [], tmp_path, TELEGRAM_BOT_TOKEN="not-a-token", TIMEZONE="Mars/Olympus", ADMIN_IDS="12,abc",
        LOG_LEVEL="LOUD", WEBHOOK_PORT="99999", DATABASE_URL="mysql://localhost/x",
    )
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    variables = [line.split(":")[1].strip() for line in lines]
    assert all(line.startswith("Configuration error: ") for line in lines), result.stderr
    assert sorted(variables) == sorted(["TELEGRAM_BOT_TOKEN", "TIMEZONE", "ADMIN_IDS", "LOG_LEVEL", "WEBHOOK_PORT", "DATABASE_URL"])
    assert "Traceback" not in result.stderr + result.stdout


def test_cli_is_quiet_bounded_consistent_and_labels_times(tmp_path):
    env = {"KNOOPPUNT_DATA_DIR": str(tmp_path / "data")}
    added = run(["network", "add", "Netwerk Spangen"], tmp_path, **env)
    assert "Database created: schema empty -> " in added.stderr and "alembic" not in added.stderr

    audit = run(["audit", "--limit", "99999999999999999999"], tmp_path, **env)
    assert audit.returncode == 2 and "Traceback" not in audit.stderr
    assert "argument --limit: expected a number from 1 to 100000, got 99999999999999999999" in audit.stderr
    audit = run(["audit"], tmp_path, **env)
    [line] = audit.stdout.splitlines()
    assert "network_add" in line and (" CET " in line or " CEST " in line)  # the time says its zone
    assert "alembic" not in audit.stderr

    ical = run(["export-ical", "--network", "1", "agenda.ics"], tmp_path, **env)  # by id, like the others
    assert ical.returncode == 0, ical.stderr
    assert "X-WR-CALNAME:Knooppunt – Netwerk Spangen" in (tmp_path / "agenda.ics").read_text()
    again = run(["export-places", "agenda.ics"], tmp_path, **env)  # the same overwrite rule everywhere
    assert again.returncode == 1 and "agenda.ics already exists; choose another name or add --force" in again.stderr
    debug = run(["network", "list"], tmp_path, LOG_LEVEL="DEBUG", **env)
    assert "alembic" in debug.stderr  # Alembic speaks at DEBUG
