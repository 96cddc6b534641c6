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

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DATABASE_FILE = "knooppunt.db"


def default_data_dir() -> Path:
    """`data/` next to the project in a source checkout (an editable install included), so the
    database never depends on the current directory; the platform's user data folder when
    Knooppunt is installed as a package (e.g. ~/.local/share/knooppunt)."""
    if (PROJECT_ROOT / "pyproject.toml").is_file():
        return PROJECT_ROOT / "data"
    from platformdirs import user_data_path

    return user_data_path("knooppunt", appauthor=False)


def sqlite_url(path: Path) -> str:
    return f"sqlite+aiosqlite:///{path}"


DEFAULT_DATABASE_URL = sqlite_url(default_data_dir() / DATABASE_FILE)
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
    data_dir: Path = field(default_factory=default_data_dir)  # KNOOPPUNT_DATA_DIR: the default database (and backups) live here
    api_base_url: str | None = None
    admin_ids: frozenset[int] = frozenset()
    timezone: ZoneInfo = ZoneInfo("Europe/Amsterdam")  # noqa: RUF009 - a ZoneInfo is immutable (one per key)
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


class ConfigErrors(ConfigError):
    """Several variables are wrong; `errors` has one ConfigError per variable (all reported at once)."""

    def __init__(self, errors: list[ConfigError]) -> None:
        Exception.__init__(self, "\n".join(str(e) for e in errors))
        self.errors = errors
        self.variable = errors[0].variable


def load_settings(env: os._Environ[str] | dict[str, str] | None = None) -> Settings:
    """Build Settings from the environment (a dict in tests).

    Every variable is checked, so an operator fixes all mistakes in one go: one bad variable raises
    a ConfigError, several a ConfigErrors listing each.
    """
    env = os.environ if env is None else env
    errors: list[ConfigError] = []

    def get(name: str) -> str | None:
        value = env.get(name)
        return value.strip() if value and value.strip() else None

    def checked(read, fallback):  # noqa: ANN001, ANN202 - a reader of one variable, its stand-in value
        try:
            return read()
        except ConfigError as error:
            errors.append(error)
            return fallback

    token = checked(lambda: _token(get("TELEGRAM_BOT_TOKEN")), "0:invalid")
    base_url = checked(lambda: _http_url(get, "TELEGRAM_API_BASE_URL", "expected an http(s) URL such as http://127.0.0.1:8081/bot"), None)
    data_dir = checked(lambda: _data_dir(get("KNOOPPUNT_DATA_DIR")), default_data_dir())
    database_url = checked(
        lambda: normalise_database_url(get("DATABASE_URL") or sqlite_url(data_dir / DATABASE_FILE)), DEFAULT_DATABASE_URL
    )
    timezone = checked(lambda: _timezone(get("TIMEZONE") or "Europe/Amsterdam"), ZoneInfo("Europe/Amsterdam"))
    language = checked(lambda: _one_of("DEFAULT_LANGUAGE", (get("DEFAULT_LANGUAGE") or "nl").lower(), available_languages()), "nl")
    log_level = checked(lambda: _one_of("LOG_LEVEL", (get("LOG_LEVEL") or "INFO").upper(), _LOG_LEVELS), "INFO")
    geocoder = checked(lambda: _one_of("GEOCODER", (get("GEOCODER") or "none").lower(), GEOCODERS), "none")
    user_agent = checked(lambda: _user_agent(get("GEOCODER_USER_AGENT") or Settings.geocoder_user_agent, geocoder), "")
    geocoder_url = checked(lambda: _http_url(get, "GEOCODER_URL", "expected an http(s) URL of the geocoder's search endpoint"), None)
    bot_mode = checked(lambda: _one_of("BOT_MODE", (get("BOT_MODE") or "polling").lower(), _BOT_MODES), "polling")
    webhook = checked(lambda: _webhook_settings(get, bot_mode, errors), {})
    flood_limit = checked(lambda: _flood_limit(get("FLOOD_LIMIT") or "20"), 20)
    admin_ids = checked(lambda: _parse_admin_ids(get("ADMIN_IDS") or ""), frozenset())
    web = checked(lambda: _web_settings(get), {"web_enabled": True, "public_url": None, "data_license": "CC BY 4.0"})
    if len(errors) == 1:
        raise errors[0]
    if errors:
        raise ConfigErrors(errors)
    return Settings(
        token=token,
        database_url=database_url,
        data_dir=data_dir,
        api_base_url=base_url,
        admin_ids=admin_ids,
        timezone=timezone,
        default_language=language,
        log_level=log_level,
        geocoder=geocoder,
        geocoder_user_agent=user_agent,
        geocoder_url=geocoder_url,
        bot_mode=bot_mode,
        flood_limit=flood_limit,
        **webhook,
        **web,
    )


def _token(token: str | None) -> str:
    if token is None:
        raise ConfigError("TELEGRAM_BOT_TOKEN", "missing; get a token from @BotFather and put it in .env")
    if not _TOKEN_RE.match(token):
        raise ConfigError("TELEGRAM_BOT_TOKEN", "malformed; expected the form 123456789:ABC-def from @BotFather")
    return token


def _http_url(get, variable: str, problem: str) -> str | None:  # noqa: ANN001 - the getter of load_settings
    value = get(variable)
    if value is not None:
        parsed = urlparse(value)
        if parsed.scheme not in ("http", "https") or not parsed.netloc:
            raise ConfigError(variable, problem)
    return value


def _data_dir(text: str | None) -> Path:
    data_dir = Path(text).expanduser().resolve() if text else default_data_dir()
    if data_dir.exists() and not data_dir.is_dir():
        raise ConfigError("KNOOPPUNT_DATA_DIR", f"{data_dir} exists and is not a folder")
    return data_dir


def _timezone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ConfigError("TIMEZONE", f"unknown time zone '{name}'; expected e.g. Europe/Amsterdam") from None


def _one_of(variable: str, value: str, allowed) -> str:  # noqa: ANN001 - a sequence of strings
    if value not in allowed:
        choices = "polling or webhook" if variable == "BOT_MODE" else "one of " + ", ".join(allowed)
        raise ConfigError(variable, f"expected {choices}, got '{value}'")
    return value


def _user_agent(user_agent: str, geocoder: str) -> str:
    if geocoder == "nominatim" and "@" not in user_agent and "http" not in user_agent:
        raise ConfigError(
            "GEOCODER_USER_AGENT", "Nominatim needs a User-Agent with a contact, e.g. 'Knooppunt/1.0 (you@example.org)'"
        )
    return user_agent


def _flood_limit(text: str) -> int:
    if not text.isdigit():
        raise ConfigError("FLOOD_LIMIT", f"expected a whole number of updates per 10 seconds (0 = off), got '{text}'")
    return int(text)


def _webhook_settings(get, bot_mode: str, errors: list[ConfigError]) -> dict:  # noqa: ANN001 - the getter of load_settings
    """WEBHOOK_* are checked whenever set; URL and secret are required in webhook mode only.
    Each bad one is added to `errors`."""
    url = get("WEBHOOK_URL")
    if url is not None:
        parsed = urlparse(url)
        if parsed.scheme != "https" or not parsed.netloc:
            errors.append(ConfigError("WEBHOOK_URL", "expected the public https URL Telegram posts to, e.g. https://bot.example.nl/telegram"))
    elif bot_mode == "webhook":
        errors.append(ConfigError("WEBHOOK_URL", "required when BOT_MODE=webhook (the public https URL Telegram posts to)"))
    secret = get("WEBHOOK_SECRET")
    if secret is not None and not _WEBHOOK_SECRET_RE.match(secret):
        errors.append(ConfigError("WEBHOOK_SECRET", "expected 1-256 characters of A-Z, a-z, 0-9, _ and - (Telegram's rule)"))
    if secret is None and bot_mode == "webhook":
        errors.append(ConfigError("WEBHOOK_SECRET", "required when BOT_MODE=webhook; e.g. the output of: openssl rand -hex 32"))
    # WEB_LISTEN / WEB_PORT name the one web server; WEBHOOK_LISTEN / WEBHOOK_PORT are the older names.
    port_name = "WEB_PORT" if get("WEB_PORT") else "WEBHOOK_PORT"
    port_text = get(port_name) or "8080"
    if not port_text.isdigit() or not 0 <= int(port_text) <= 65535:
        errors.append(ConfigError(port_name, f"expected a port number 1-65535 (0 = any free port), got '{port_text}'"))
        port_text = "8080"
    return {
        "webhook_url": url,
        "webhook_secret": secret,
        "web_listen": get("WEB_LISTEN") or get("WEBHOOK_LISTEN") or "127.0.0.1",
        "web_port": int(port_text),
    }


def describe_database(database_url: str) -> str:
    """What `database_url` points to, for the operator: an absolute file, or the URL without password."""
    path = sqlite_path(database_url)
    if path is not None:
        return f"SQLite {path.resolve()}"
    return make_url(database_url).render_as_string(hide_password=True)


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
    """Formats as usual, then hides the bot token wherever it appears (httpx logs full URLs,
    PTB's InvalidToken quotes it); the secret half alone is hidden too (e.g. URL-encoded ':')."""

    def __init__(self, token: str, fmt: str) -> None:
        super().__init__(fmt)
        secret = token.partition(":")[2]
        self._secrets = [s for s in (token, secret) if len(s) >= 4]

    def format(self, record: logging.LogRecord) -> str:
        text = super().format(record)
        for secret in self._secrets:
            text = text.replace(secret, "<token>")
        return text


class QuietNetworkErrors(logging.Filter):
    """PTB logs a lost connection while polling as a full traceback; above DEBUG, one line is enough."""

    def filter(self, record: logging.LogRecord) -> bool:
        from telegram.error import BadRequest, NetworkError

        error = record.exc_info[1] if record.exc_info else None
        if (
            record.name.startswith("telegram.ext.Updater")  # the polling loop only; handler errors keep their traceback
            and isinstance(error, NetworkError)
            and not isinstance(error, BadRequest)
            and logging.getLogger().level > logging.DEBUG
        ):
            reason = str(error).strip().splitlines()[0] if str(error).strip() else ""
            record.msg = f"Kan Telegram niet bereiken ({reason[:200]}); PTB probeert het opnieuw"
            record.args = ()
            record.levelno, record.levelname = logging.WARNING, "WARNING"
            record.exc_info, record.exc_text = None, None
        return True


def setup_logging(settings: Settings) -> None:
    handler = logging.StreamHandler()
    handler.setFormatter(TokenMaskingFormatter(settings.token, "%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.addFilter(QuietNetworkErrors())
    logging.captureWarnings(True)  # warnings go through the masking formatter too
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(settings.log_level)
    # httpx logs every request URL (which contains the token) at INFO; keep it quiet.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    logging.getLogger("apscheduler").setLevel(logging.WARNING)
    # Alembic's INFO lines (two on every command, one per migration) only at DEBUG; the CLI logs
    # one line of its own when the schema changes.
    logging.getLogger("alembic").setLevel(logging.DEBUG if settings.log_level == "DEBUG" else logging.WARNING)
