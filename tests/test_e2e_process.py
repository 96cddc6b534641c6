"""`python -m bot` as a real process against a local HTTP stand-in of the Bot API."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.fakes import updates
from tests.fakes.http_bot_api import BotApiStandIn

ROOT = Path(__file__).resolve().parent.parent
TOKEN = "424242:E2E-not-a-real-token"
pytestmark = pytest.mark.e2e


def start_bot(stand_in: BotApiStandIn, database: Path, **env: str) -> subprocess.Popen:
    environment = {
        **{key: value for key, value in os.environ.items() if not key.startswith(("TELEGRAM_", "DATABASE_URL"))},
        "TELEGRAM_BOT_TOKEN": TOKEN,
        "TELEGRAM_API_BASE_URL": stand_in.base_url,
        "DATABASE_URL": f"sqlite+aiosqlite:///{database}",
        "LOG_LEVEL": "INFO",
        "PYTHONPATH": str(ROOT),
        **({} if "WEBHOOK_PORT" in env else {"WEB_PORT": "0"}),  # the web server on any free port: runs never collide
        **env,
    }
    # Run from the database's folder so a developer's own .env is never picked up.
    return subprocess.Popen(
        [sys.executable, "-m", "bot"], cwd=database.parent, env=environment, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )


def stop_bot(process: subprocess.Popen) -> tuple[int, str]:
    process.send_signal(signal.SIGTERM)
    started = time.monotonic()
    output, _ = process.communicate(timeout=10)
    assert time.monotonic() - started < 10
    return process.returncode, output


def test_bot_answers_in_dutch_and_english_switches_language_and_stops_cleanly(tmp_path):
    database = tmp_path / "knooppunt.db"
    with BotApiStandIn() as api:
        process = start_bot(api, database)
        try:
            api.wait_for(lambda call: call.method == "getUpdates", timeout=60)  # a fresh database is migrated first; slow on a busy machine
            api.push_update(updates.command("start", sender=updates.RESIDENT))
            [greeting] = api.wait_for(lambda c: c.method == "sendMessage" and c.chat_id == updates.RESIDENT["id"])
            assert greeting.text.startswith("Hallo Fatima! 👋")

            api.push_update(updates.command("start", sender=updates.RESIDENT_EN))
            [hello] = api.wait_for(lambda c: c.method == "sendMessage" and c.chat_id == updates.RESIDENT_EN["id"])
            assert hello.text.startswith("Hello John! 👋")

            api.push_update(updates.command("taal", sender=updates.RESIDENT))
            offer = api.wait_for(lambda c: c.method == "sendMessage" and c.chat_id == updates.RESIDENT["id"], count=2)[-1]
            api.push_update(updates.callback(offer.callback_data("English"), sender=updates.RESIDENT))
            api.wait_for(lambda c: c.method == "editMessageText" and c.text == "The language is now: English.")
        finally:
            code, output = stop_bot(process)
        assert code == 0, output
        assert TOKEN not in output
        assert "Database created: schema empty -> " in output  # migrations ran on first start, in one line
        assert "alembic" not in output  # Alembic's own lines only at DEBUG

        # Restart on the same database: migrations are a no-op, the language choice is kept.
        process = start_bot(api, database)
        try:
            api.push_update(updates.command("start", sender=updates.RESIDENT))
            api.wait_for(lambda c: c.method == "sendMessage" and c.text.startswith("Hello Fatima!"))
        finally:
            code, output = stop_bot(process)
        assert code == 0, output
        assert "Database created" not in output and "Database upgraded" not in output


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({"TELEGRAM_BOT_TOKEN": ""}, "Configuration error: TELEGRAM_BOT_TOKEN: missing"),
        ({"DATABASE_URL": "mysql://localhost/x"}, "Configuration error: DATABASE_URL: unsupported database 'mysql'"),
        ({"DATABASE_URL": "not a url"}, "Configuration error: DATABASE_URL: not a database URL"),
        ({"DATABASE_URL": "postgresql+asyncpg://nobody@127.0.0.1:1/none"}, "Configuration error: DATABASE_URL: cannot open or migrate"),
        ({"TIMEZONE": "Mars/Olympus"}, "Configuration error: TIMEZONE: unknown time zone"),
        ({"ADMIN_IDS": "12,abc"}, "Configuration error: ADMIN_IDS: expected comma-separated numeric"),
    ],
)
def test_bad_configuration_gives_one_line_and_exit_code_2(tmp_path, env, expected):
    environment = {
        **{key: value for key, value in os.environ.items() if not key.startswith(("TELEGRAM_", "DATABASE_URL"))},
        "TELEGRAM_BOT_TOKEN": TOKEN,
        "DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path}/db.sqlite",
        **env,
    }
    result = subprocess.run(
        [sys.executable, "-m", "bot"], cwd=tmp_path, env={**environment, "PYTHONPATH": str(ROOT)},
        capture_output=True, text=True, timeout=60,
    )
    assert result.returncode == 2
    # One error line; besides it at most the INFO line naming the database in use.
    lines = [line for line in result.stderr.splitlines() if line.strip() and " INFO bot: Database: " not in line]
    assert len(lines) == 1 and lines[0].startswith(expected), result.stderr
    assert "Traceback" not in result.stderr + result.stdout


def test_help_lists_subcommands():
    result = subprocess.run([sys.executable, "-m", "bot", "--help"], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0
    assert "run" in result.stdout and "migrate" in result.stdout
