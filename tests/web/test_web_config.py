"""WEB_* settings: defaults, the older WEBHOOK_* names, and one clear line (exit 2) for a bad value."""

from __future__ import annotations

import socket
import subprocess
import sys

import pytest

from bot.config import ConfigError, load_settings
from tests.test_e2e_process import ROOT

BASE = {"TELEGRAM_BOT_TOKEN": "1:abc"}


def test_defaults():
    settings = load_settings(BASE)
    assert (settings.web_enabled, settings.web_listen, settings.web_port) == (True, "127.0.0.1", 8080)
    assert (settings.public_url, settings.data_license) == (None, "CC BY 4.0")


def test_values_and_older_names():
    settings = load_settings({**BASE, "WEB_ENABLED": "false", "WEB_LISTEN": "0.0.0.0", "WEB_PORT": "9000",
                              "PUBLIC_URL": "https://gids.example.nl/", "DATA_LICENSE": "ODbL 1.0"})
    assert (settings.web_enabled, settings.web_listen, settings.web_port) == (False, "0.0.0.0", 9000)
    assert (settings.public_url, settings.data_license) == ("https://gids.example.nl", "ODbL 1.0")
    assert load_settings({**BASE, "WEBHOOK_PORT": "8443"}).web_port == 8443
    assert load_settings({**BASE, "WEB_PORT": "0"}).web_port == 0


@pytest.mark.parametrize(("env", "variable"), [
    ({"WEB_ENABLED": "maybe"}, "WEB_ENABLED"),
    ({"WEB_PORT": "80a"}, "WEB_PORT"),
    ({"WEB_PORT": "70000"}, "WEB_PORT"),
    ({"PUBLIC_URL": "buurtgids.example.nl"}, "PUBLIC_URL"),
    ({"PUBLIC_URL": "ftp://buurtgids.example.nl"}, "PUBLIC_URL"),
    ({"DATA_LICENSE": "x" * 101}, "DATA_LICENSE"),
])
def test_bad_values_name_the_variable(env, variable):
    with pytest.raises(ConfigError) as error:
        load_settings({**BASE, **env})
    assert error.value.variable == variable


@pytest.mark.e2e
def test_a_bad_value_or_a_taken_port_is_one_line_and_exit_2(tmp_path):
    environment = {"TELEGRAM_BOT_TOKEN": "1:abc", "DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'k.db'}",
                   "PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"}
    done = subprocess.run([sys.executable, "-m", "bot"], cwd=tmp_path, env={**environment, "WEB_PORT": "x"},
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 2
    assert done.stderr.strip().splitlines() == ["Configuration error: WEB_PORT: expected a port number 1-65535 (0 = any free port), got 'x'"]
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        done = subprocess.run([sys.executable, "-m", "bot"], cwd=tmp_path, env={**environment, "WEB_PORT": str(port)},
                              capture_output=True, text=True, timeout=60)
    assert done.returncode == 2
    assert done.stderr.strip().splitlines()[-1].startswith(f"Configuration error: WEB_LISTEN: cannot listen on 127.0.0.1:{port}")
    assert "Traceback" not in done.stderr
