"""Configuration from the environment.

Every variable is read and checked here, once, so that a mistake gives one clear line naming the
variable instead of a traceback somewhere deep in the bot.
"""

from __future__ import annotations

import logging
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from bot.i18n import available_languages

DEFAULT_DATABASE_URL = "sqlite+aiosqlite:///data/knooppunt.db"
_TOKEN_RE = re.compile(r"^\d+:[A-Za-z0-9_-]+$")
_LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")
GEOCODERS = ("none", "pdok", "nominatim")
_BOT_MODES = ("polling", "webhook")
# Telegram's rule for setWebhook's secret_token: 1-256 characters A-Z, a-z, 0-9, _ and -.
_WEBHOOK_SECRET_RE = re.compile(r"^[A-Za-z0-9_-]{1,256}$")


class ConfigError(Exception):
    """A variable is missing or malformed; str() is the one line shown to the operator."""

    def __init__(self, variable: str, problem: str) -> None:
        super().__init__(f"{variable}: {problem}")
        self.variable = variable


@dataclass(frozen=True)
class Settings:
    token: str = field(repr=False)
    database_url: str = DEFAULT_DATABASE_URL
    api_base_url: str | None = None
    admin_ids: frozenset[int] = frozenset()
    timezone: ZoneInfo = ZoneInfo("Europe/Amsterdam")
    default_language: str = "nl"
    log_level: str = "INFO"
    geocoder: str = "none"  # none / pdok / nominatim: street addresses (postcodes and buurten work offline)
    geocoder_user_agent: str = "Knooppunt/0.1 (Delfshaven neighbourhood bot)"
    geocoder_url: str | None = None
    bot_mode: str = "polling"
    webhook_url: str | None = None
    webhook_secret: str | None = field(default=None, repr=False)
    web_listen: str = "127.0.0.1"  # the one web server: webhook, pages, Mini App, open data
    web_port: int = 8080
    flood_limit: int = 20  # updates per user per 10 seconds before a minute of silence; 0 = off
    web_enabled: bool = True  # the public buurtgids, Mini App and open data next to polling
    public_url: str | None = None  # where the public reaches the web server (links, Mini App button)
    data_license: str = "CC BY 4.0"

    @property
    def tz_name(self) -> str:
        return self.timezone.key


def normalise_database_url(value: str) -> str:
    """Accept the usual URL spellings and pick the async driver we ship with."""
    try:
        url = make_url(value)
    except ArgumentError as exc:
        raise ConfigError("DATABASE_URL", f"not a database URL ({exc})") from None
    backend = url.get_backend_name()
    if backend == "sqlite":
        url = url.set(drivername="sqlite+aiosqlite")
    elif backend in ("postgresql", "postgres"):
        url = url.set(drivername="postgresql+asyncpg")
    else:
        raise ConfigError(
            "DATABASE_URL",
            f"unsupported database '{backend}'; use sqlite+aiosqlite:///path.db or "
            "postgresql+asyncpg://user@host/db",
        )
    return url.render_as_string(hide_password=False)


def _parse_admin_ids(value: str) -> frozenset[int]:
    ids = set()
    for part in value.split(","):
        part = part.strip()
        if not part:
            continue
        if not part.lstrip("-").isdigit():
            raise ConfigError("ADMIN_IDS", f"expected comma-separated numeric Telegram user ids, got '{part}'")
        ids.add(int(part))
    return frozenset(ids)


def load_settings(env: os._Environ[str] | dict[str, str] | None = None) -> Settings:
    """Build Settings from the environment (a dict in tests); raises ConfigError on the first bad value."""
    env = os.environ if env is None else env

    def get(name: str) -> str | None:
        value = env.get(name)
        return value.strip() if value and value.strip() else None

    token = get("TELEGRAM_BOT_TOKEN")
    if token is None:
        raise ConfigError("TELEGRAM_BOT_TOKEN", "missing; get a token from @BotFather and put it in .env")
    if not _TOKEN_RE.match(token):
        raise ConfigError("TELEGRAM_BOT_TOKEN", "malformed; expected the form 123456789:ABC-def from @BotFather")

    base_url = get("TELEGRAM_API_BASE_URL")
    if base_url is not None:
        parsed = urlparse(base_url)
        if parsed.scheme not in ("http", "https") or not parsed.netloc:
            raise ConfigError("TELEGRAM_API_BASE_URL", "expected an http(s) URL such as http://127.0.0.1:8081/bot")

    database_url = normalise_database_url(get("DATABASE_URL") or DEFAULT_DATABASE_URL)

    tz_name = get("TIMEZONE") or "Europe/Amsterdam"
    try:
        timezone = ZoneInfo(tz_name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ConfigError("TIMEZONE", f"unknown time zone '{tz_name}'; expected e.g. Europe/Amsterdam") from None

    language = (get("DEFAULT_LANGUAGE") or "nl").lower()
    if language not in available_languages():
        raise ConfigError("DEFAULT_LANGUAGE", f"expected one of {', '.join(available_languages())}, got '{language}'")

    log_level = (get("LOG_LEVEL") or "INFO").upper()
    if log_level not in _LOG_LEVELS:
        raise ConfigError("LOG_LEVEL", f"expected one of {', '.join(_LOG_LEVELS)}, got '{log_level}'")

    geocoder = (get("GEOCODER") or "none").lower()
    if geocoder not in GEOCODERS:
        raise ConfigError("GEOCODER", f"expected one of {', '.join(GEOCODERS)}, got '{geocoder}'")
    user_agent = get("GEOCODER_USER_AGENT") or Settings.geocoder_user_agent
    if geocoder == "nominatim" and "@" not in user_agent and "http" not in user_agent:
        raise ConfigError(
            "GEOCODER_USER_AGENT", "Nominatim needs a User-Agent with a contact, e.g. 'Knooppunt/1.0 (you@example.org)'"
        )
    geocoder_url = get("GEOCODER_URL")
    if geocoder_url is not None:
        parsed = urlparse(geocoder_url)
        if parsed.scheme not in ("http", "https") or not parsed.netloc:
            raise ConfigError("GEOCODER_URL", "expected an http(s) URL of the geocoder's search endpoint")
    bot_mode = (get("BOT_MODE") or "polling").lower()
    if bot_mode not in _BOT_MODES:
        raise ConfigError("BOT_MODE", f"expected polling or webhook, got '{bot_mode}'")
    webhook = _webhook_settings(get, bot_mode)

    flood_text = get("FLOOD_LIMIT") or "20"
    if not flood_text.isdigit():
        raise ConfigError("FLOOD_LIMIT", f"expected a whole number of updates per 10 seconds (0 = off), got '{flood_text}'")

    web = _web_settings(get)

    return Settings(
        token=token,
        database_url=database_url,
        api_base_url=base_url,
        admin_ids=_parse_admin_ids(get("ADMIN_IDS") or ""),
        timezone=timezone,
        default_language=language,
        log_level=log_level,
        geocoder=geocoder,
        geocoder_user_agent=user_agent,
        geocoder_url=geocoder_url,
        bot_mode=bot_mode,
        flood_limit=int(flood_text),
        **webhook,
        **web,
    )


def _webhook_settings(get, bot_mode: str) -> dict:  # noqa: ANN001 - the getter of load_settings
    """WEBHOOK_* are checked whenever set; URL and secret are required in webhook mode only."""
    url = get("WEBHOOK_URL")
    if url is not None:
        parsed = urlparse(url)
        if parsed.scheme != "https" or not parsed.netloc:
            raise ConfigError("WEBHOOK_URL", "expected the public https URL Telegram posts to, e.g. https://bot.example.nl/telegram")
    elif bot_mode == "webhook":
        raise ConfigError("WEBHOOK_URL", "required when BOT_MODE=webhook (the public https URL Telegram posts to)")
    secret = get("WEBHOOK_SECRET")
    if secret is not None and not _WEBHOOK_SECRET_RE.match(secret):
        raise ConfigError("WEBHOOK_SECRET", "expected 1-256 characters of A-Z, a-z, 0-9, _ and - (Telegram's rule)")
    if secret is None and bot_mode == "webhook":
        raise ConfigError("WEBHOOK_SECRET", "required when BOT_MODE=webhook; e.g. the output of: openssl rand -hex 32")
    # WEB_LISTEN / WEB_PORT name the one web server; WEBHOOK_LISTEN / WEBHOOK_PORT are the older names.
    port_name = "WEB_PORT" if get("WEB_PORT") else "WEBHOOK_PORT"
    port_text = get(port_name) or "8080"
    if not port_text.isdigit() or not 0 <= int(port_text) <= 65535:
        raise ConfigError(port_name, f"expected a port number 1-65535 (0 = any free port), got '{port_text}'")
    return {
        "webhook_url": url,
        "webhook_secret": secret,
        "web_listen": get("WEB_LISTEN") or get("WEBHOOK_LISTEN") or "127.0.0.1",
        "web_port": int(port_text),
    }


def _web_settings(get) -> dict:  # noqa: ANN001 - the getter of load_settings
    """WEB_ENABLED, PUBLIC_URL and DATA_LICENSE: the public web pages and open data."""
    enabled_text = (get("WEB_ENABLED") or "true").lower()
    if enabled_text not in ("true", "false", "1", "0", "yes", "no"):
        raise ConfigError("WEB_ENABLED", f"expected true or false, got '{enabled_text}'")
    public_url = get("PUBLIC_URL")
    if public_url is not None:
        parsed = urlparse(public_url)
        if parsed.scheme not in ("http", "https") or not parsed.netloc or parsed.query or parsed.fragment:
            raise ConfigError("PUBLIC_URL", "expected the http(s) address the public uses, e.g. https://buurtgids.example.nl")
        public_url = public_url.rstrip("/")
    data_license = get("DATA_LICENSE") or "CC BY 4.0"
    if len(data_license) > 100:
        raise ConfigError("DATA_LICENSE", "expected a short licence name such as 'CC BY 4.0' (at most 100 characters)")
    return {"web_enabled": enabled_text in ("true", "1", "yes"), "public_url": public_url, "data_license": data_license}


def sqlite_path(database_url: str) -> Path | None:
    """The file behind an SQLite URL (None for PostgreSQL or in-memory)."""
    url = make_url(database_url)
    if url.get_backend_name() != "sqlite" or not url.database or url.database == ":memory:":
        return None
    return Path(url.database)


class TokenMaskingFormatter(logging.Formatter):
    """Formats as usual, then hides the bot token wherever it appears (httpx logs full URLs)."""

    def __init__(self, token: str, fmt: str) -> None:
        super().__init__(fmt)
        self._token = token

    def format(self, record: logging.LogRecord) -> str:
        text = super().format(record)
        return text.replace(self._token, "<token>") if self._token else text


def setup_logging(settings: Settings) -> None:
    handler = logging.StreamHandler()
    handler.setFormatter(TokenMaskingFormatter(settings.token, "%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(settings.log_level)
    # httpx logs every request URL (which contains the token) at INFO; keep it quiet.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    logging.getLogger("apscheduler").setLevel(logging.WARNING)
    logging.getLogger("alembic.runtime.plugins").setLevel(logging.WARNING)
