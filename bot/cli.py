"""`python -m bot [subcommand]`: run the bot (default) or do admin work from the command line.

Each capability adds its subcommands through a module in COMMAND_MODULES that has
`add_commands(subparsers)`; every subcommand sets `func(args, settings) -> int` (the exit code).
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import sys
from collections.abc import Callable, Sequence

from dotenv import find_dotenv, load_dotenv
from sqlalchemy.engine import make_url

from bot.config import ConfigError, Settings, describe_database, load_settings, setup_logging, sqlite_path

logger = logging.getLogger("bot")

EXIT_CONFIG = 2
EXIT_BAD_INPUT = 1

# Capability modules with admin subcommands, in the order --help lists them.
COMMAND_MODULES: list[str] = [
    # -- directory: import-places, export-places
    "bot.places_cli",
    # -- governance: network, coordinator, audit
    "bot.governance_cli",
    # -- activities: export-ical
    "bot.cli_activities",
    # -- voice: inbreng (the input document of a buurt for the wijkraad)
    "bot.cli_inbreng",
    # -- trust: backup
    "bot.backup",
    # -- operations: demo (try the bot in the terminal, no token), health (for containers and monitors)
    "bot.demo",
    "bot.health",
    # -- languages: translations export|import (volunteer translators, CSV)
    "bot.translations",
]


class DatabaseUnavailable(Exception):
    """The database could not be opened or migrated; str() is the one line for the operator."""


def migrate(settings: Settings) -> None:
    """Apply migrations; turn any failure into one clear line about DATABASE_URL."""
    from storage.migrate import upgrade_database

    try:
        before, after = asyncio.run(upgrade_database(settings.database_url))
    except Exception as exc:  # noqa: BLE001 - reported as one line, details at DEBUG
        logger.debug("Migration failed", exc_info=True)
        safe_url = make_url(settings.database_url).render_as_string(hide_password=True)
        reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise DatabaseUnavailable(f"DATABASE_URL: cannot open or migrate {safe_url} ({reason[:200]})") from None
    if before != after:
        logger.info("Database %s: schema %s -> %s", "created" if before is None else "upgraded", before or "empty", after)


def cmd_run(args: argparse.Namespace, settings: Settings) -> int:
    """Run the bot; on SQLite it holds the database's lock, so `restore` cannot pull it away."""
    from bot.backup import DatabaseInUse, exclusive_use

    database = sqlite_path(settings.database_url)
    if database is None:
        return run_bot(settings)
    try:
        with exclusive_use(database):
            return run_bot(settings)
    except DatabaseInUse:
        print(f"Another Knooppunt is already running on {database.resolve()}; stop it first.", file=sys.stderr)
        return EXIT_BAD_INPUT


def run_bot(settings: Settings) -> int:
    from telegram import Update

    from bot.app import build_application
    from bot.startup import telegram_reachable

    migrate(settings)
    application = build_application(settings)
    sock = None
    if settings.web_enabled or settings.bot_mode == "webhook":
        from web.server import bind

        sock = bind(settings)  # a taken port is said at once, not after waiting for Telegram
    if not telegram_reachable(application.bot):
        logger.info("Knooppunt stopped before Telegram could be reached")
        return 0
    if sock is not None:
        from web.server import run

        run(application, settings, sock)  # polling or the webhook, next to the web pages
    else:
        logger.info("Knooppunt starts polling (WEB_ENABLED=false: no web server)")
        application.run_polling(allowed_updates=Update.ALL_TYPES, bootstrap_retries=-1)
    logger.info("Knooppunt stopped")
    return 0


def cmd_migrate(_args: argparse.Namespace, settings: Settings) -> int:
    migrate(settings)
    print("Database is up to date.")
    return 0


def missing_database(settings: Settings) -> bool:
    """A read-only command on an SQLite file that does not exist says so instead of creating it empty."""
    path = sqlite_path(settings.database_url)
    if path is None or path.exists():
        return False
    print(
        f"No database at {path.resolve()}; nothing to read. Check KNOOPPUNT_DATA_DIR or DATABASE_URL, "
        "or create it by starting the bot or with: python -m bot migrate",
        file=sys.stderr,
    )
    return True


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m bot",
        description="Knooppunt, the Telegram bot of a neighbourhood's networks. Without a subcommand it runs the bot.",
    )
    subparsers = parser.add_subparsers(title="subcommands", metavar="SUBCOMMAND")
    run = subparsers.add_parser("run", help="run the bot (the default): long polling, or webhooks with BOT_MODE=webhook")
    run.set_defaults(func=cmd_run, needs_token=True)
    mig = subparsers.add_parser("migrate", help="create or upgrade the database, then exit")
    mig.set_defaults(func=cmd_migrate, needs_token=False)
    for module_name in COMMAND_MODULES:
        __import__(module_name, fromlist=["add_commands"]).add_commands(subparsers)
    parser.set_defaults(func=cmd_run, needs_token=True)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    load_dotenv(find_dotenv(usecwd=True))  # the .env of the directory the bot is started from
    args = build_parser().parse_args(argv)
    func: Callable[[argparse.Namespace, Settings], int] = args.func
    try:
        env = dict(os.environ)
        if not args.needs_token and not env.get("TELEGRAM_BOT_TOKEN", "").strip():
            env["TELEGRAM_BOT_TOKEN"] = "0:offline"  # admin subcommands never talk to Telegram
        settings = load_settings(env)
        setup_logging(settings)
        if not getattr(args, "demo", False):  # the demo uses a temporary database of its own
            logger.info("Database: %s", describe_database(settings.database_url))
        if getattr(args, "read_only", False) and missing_database(settings):
            return EXIT_BAD_INPUT
        return func(args, settings)
    except (ConfigError, DatabaseUnavailable) as exc:
        for error in getattr(exc, "errors", [exc]):
            print(f"Configuration error: {error}", file=sys.stderr)
        return EXIT_CONFIG
