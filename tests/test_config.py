"""Configuration: defaults, normalisation, one clear error per bad variable, token never logged."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from bot.config import ConfigError, TokenMaskingFormatter, load_settings

TOKEN = "123456:abc-DEF_ghi"


def test_defaults():
    settings = load_settings({"TELEGRAM_BOT_TOKEN": TOKEN})
    root = Path(__file__).resolve().parent.parent
    assert settings.database_url == f"sqlite+aiosqlite:///{root}/data/knooppunt.db"  # not relative to the current folder
    assert settings.data_dir == root / "data"
    assert settings.tz_name == "Europe/Amsterdam"
    assert (settings.default_language, settings.log_level, settings.admin_ids) == ("nl", "INFO", frozenset())
    assert settings.api_base_url is None
    assert TOKEN not in repr(settings)


def test_values_are_parsed():
    settings = load_settings(
        {
            "TELEGRAM_BOT_TOKEN": TOKEN,
            "DATABASE_URL": "postgresql://postgres@127.0.0.1:5432/test",
            "ADMIN_IDS": " 11, 22 ,",
            "TIMEZONE": "Europe/Brussels",
            "DEFAULT_LANGUAGE": "EN",
            "LOG_LEVEL": "debug",
            "TELEGRAM_API_BASE_URL": "http://127.0.0.1:8081/bot",
        }
    )
    assert settings.database_url == "postgresql+asyncpg://postgres@127.0.0.1:5432/test"
    assert settings.admin_ids == frozenset({11, 22})
    assert (settings.tz_name, settings.default_language, settings.log_level) == ("Europe/Brussels", "en", "DEBUG")
    assert settings.api_base_url == "http://127.0.0.1:8081/bot"


@pytest.mark.parametrize(
    ("env", "variable"),
    [
        ({}, "TELEGRAM_BOT_TOKEN"),
        ({"TELEGRAM_BOT_TOKEN": "no-colon"}, "TELEGRAM_BOT_TOKEN"),
        ({"DATABASE_URL": "mysql://x/y"}, "DATABASE_URL"),
        ({"DATABASE_URL": "::"}, "DATABASE_URL"),
        ({"ADMIN_IDS": "1,two"}, "ADMIN_IDS"),
        ({"TIMEZONE": "Nowhere/Town"}, "TIMEZONE"),
        ({"DEFAULT_LANGUAGE": "fr"}, "DEFAULT_LANGUAGE"),
        ({"LOG_LEVEL": "LOUD"}, "LOG_LEVEL"),
        ({"TELEGRAM_API_BASE_URL": "ftp://x"}, "TELEGRAM_API_BASE_URL"),
    ],
)
def test_bad_values_name_the_variable(env, variable):
    base = {"TELEGRAM_BOT_TOKEN": TOKEN} if variable != "TELEGRAM_BOT_TOKEN" else {}
    with pytest.raises(ConfigError) as error:
        load_settings({**base, **env})
    assert error.value.variable == variable
    assert str(error.value).startswith(f"{variable}: ")
    assert "\n" not in str(error.value)


def test_token_is_masked_in_logs():
    formatter = TokenMaskingFormatter(TOKEN, "%(message)s")
    record = logging.LogRecord("httpx", logging.INFO, __file__, 1, "HTTP Request: POST %s", (f"https://x/bot{TOKEN}/getMe",), None)
    assert formatter.format(record) == "HTTP Request: POST https://x/bot<token>/getMe"


@pytest.mark.parametrize("language", ["nl", "en", "tr", "ar", "pl", "pt"])
def test_default_language_accepts_each_of_the_six(language):
    assert load_settings({"TELEGRAM_BOT_TOKEN": TOKEN, "DEFAULT_LANGUAGE": language.upper()}).default_language == language
