"""BOT_MODE=webhook: the real process behind PTB's webhook server, and its configuration."""

from __future__ import annotations

import json
import socket
import time
import urllib.error
import urllib.request

import pytest

from bot.config import ConfigError, load_settings
from tests.fakes import updates
from tests.fakes.http_bot_api import BotApiStandIn
from tests.test_e2e_process import TOKEN, start_bot, stop_bot

SECRET = "s3cret_value-for-tests"
HOOK_PATH = "telegram-hook"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def post_update(port: int, update: dict, secret: str | None) -> int:
    """POST like Telegram does; returns the HTTP status (retrying while the server starts)."""
    headers = {"Content-Type": "application/json"}
    if secret is not None:
        headers["X-Telegram-Bot-Api-Secret-Token"] = secret
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/{HOOK_PATH}", data=json.dumps(update).encode(), headers=headers, method="POST"
    )
    deadline = time.monotonic() + 15
    while True:
        try:
            with urllib.request.urlopen(request, timeout=5) as response:
                return response.status
        except urllib.error.HTTPError as error:
            return error.code
        except (ConnectionError, urllib.error.URLError):
            if time.monotonic() > deadline:
                raise
            time.sleep(0.1)


def start_webhook_bot(api: BotApiStandIn, tmp_path, port: int):  # noqa: ANN001
    """The bot as a process in webhook mode (with the older WEBHOOK_LISTEN/PORT names, which still work)."""
    return start_bot(
        api, tmp_path / "knooppunt.db",
        BOT_MODE="webhook", WEBHOOK_URL=f"https://bot.example.invalid/{HOOK_PATH}",
        WEBHOOK_SECRET=SECRET, WEBHOOK_LISTEN="127.0.0.1", WEBHOOK_PORT=str(port),
    )


@pytest.mark.e2e
def test_webhook_mode_accepts_only_the_secret_token_and_stops_cleanly(tmp_path):
    port = free_port()
    with BotApiStandIn() as api:
        process = start_webhook_bot(api, tmp_path, port)
        try:
            [registration] = api.wait_for(lambda call: call.method == "setWebhook")
            assert registration.params["url"] == f"https://bot.example.invalid/{HOOK_PATH}"
            assert registration.params["secret_token"] == SECRET

            assert post_update(port, updates.command("start", sender=updates.RESIDENT), SECRET) == 200
            [greeting] = api.wait_for(lambda c: c.method == "sendMessage" and c.chat_id == updates.RESIDENT["id"])
            assert greeting.text.startswith("Hallo Fatima! 👋")

            # Forged posts: no token, a wrong token. Refused, and never processed.
            assert post_update(port, updates.command("start", sender=updates.RESIDENT_EN), None) == 403
            assert post_update(port, updates.command("start", sender=updates.RESIDENT_EN), "wrong") == 403
            assert post_update(port, updates.command("start", sender=updates.RESIDENT_EN), SECRET + "x") == 403
            # A real update after the forged ones is answered; the forged ones still are not.
            assert post_update(port, updates.command("hulp", sender=updates.RESIDENT), SECRET) == 200
            api.wait_for(lambda c: c.method == "sendMessage" and "Zo werkt Knooppunt" in c.text)
            assert api.sent_texts(updates.RESIDENT_EN["id"]) == []
            assert not any(call.method == "getUpdates" for call in api.calls), "webhook mode never polls"
        finally:
            code, output = stop_bot(process)
        assert code == 0, output
        assert TOKEN not in output and SECRET not in output


BASE = {"TELEGRAM_BOT_TOKEN": "1:abc"}
WEBHOOK = {**BASE, "BOT_MODE": "webhook", "WEBHOOK_URL": "https://bot.example.nl/tg", "WEBHOOK_SECRET": "abc_DEF-123"}


def test_polling_is_the_default_and_needs_no_webhook_settings():
    settings = load_settings(BASE)
    assert settings.bot_mode == "polling"
    assert settings.webhook_url is None and settings.webhook_secret is None


def test_webhook_settings_and_defaults():
    settings = load_settings(WEBHOOK)
    assert (settings.bot_mode, settings.webhook_url, settings.webhook_secret) == ("webhook", "https://bot.example.nl/tg", "abc_DEF-123")
    assert (settings.web_listen, settings.web_port) == ("127.0.0.1", 8080)
    assert "abc_DEF-123" not in repr(settings)
    assert load_settings({**WEBHOOK, "WEBHOOK_LISTEN": "0.0.0.0", "WEBHOOK_PORT": "8443"}).web_port == 8443
    assert load_settings({**WEBHOOK, "WEBHOOK_SECRET": "x" * 256}).webhook_secret == "x" * 256


@pytest.mark.parametrize(
    ("env", "variable", "words"),
    [
        ({**BASE, "BOT_MODE": "push"}, "BOT_MODE", "expected polling or webhook"),
        ({**WEBHOOK, "WEBHOOK_URL": ""}, "WEBHOOK_URL", "required when BOT_MODE=webhook"),
        ({**WEBHOOK, "WEBHOOK_URL": "http://bot.example.nl/tg"}, "WEBHOOK_URL", "https"),
        ({**WEBHOOK, "WEBHOOK_SECRET": ""}, "WEBHOOK_SECRET", "required when BOT_MODE=webhook"),
        ({**WEBHOOK, "WEBHOOK_SECRET": "has space"}, "WEBHOOK_SECRET", "1-256 characters"),
        ({**WEBHOOK, "WEBHOOK_SECRET": "é"}, "WEBHOOK_SECRET", "1-256 characters"),
        ({**WEBHOOK, "WEBHOOK_SECRET": "x" * 257}, "WEBHOOK_SECRET", "1-256 characters"),
        ({**WEBHOOK, "WEBHOOK_PORT": "80a"}, "WEBHOOK_PORT", "port number"),
        ({**WEBHOOK, "WEBHOOK_PORT": "70000"}, "WEBHOOK_PORT", "port number"),
    ],
)
def test_bad_webhook_settings_name_the_variable(env, variable, words):
    with pytest.raises(ConfigError) as error:
        load_settings(env)
    assert error.value.variable == variable
    assert words in str(error.value)
