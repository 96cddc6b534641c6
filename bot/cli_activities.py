"""`python -m bot export-ical [--network NAME] [FILE]`: an iCalendar feed of upcoming activities."""

from __future__ import annotations

import argparse
import asyncio
import sys
from datetime import datetime, timedelta, timezone

from bot.config import Settings
from domain.calendar_file import build_calendar
from handlers.activity_card import calendar_event, upcoming
from storage.db import create_engine, create_session_factory
from storage.repositories import activities as repo

FEED_DAYS = 365


async def export(settings: Settings, network: str | None, now: datetime) -> bytes | None:
    """The feed as bytes; None when the named network does not exist."""
    engine = create_engine(settings.database_url)
    try:
        async with create_session_factory(engine)() as session:
            network_id = None
            if network is not None:
                found = await repo.network_by_name(session, network)
                if found is None:
                    return None
                network_id = found.id
            activities = await repo.visible_activities(session, now + timedelta(days=FEED_DAYS), now, network_id=network_id)
    finally:
        await engine.dispose()
    events = [calendar_event(a) for a in activities if upcoming(a, now, settings.timezone, count=1)]
    return build_calendar(events, tz=settings.timezone, now=now, name="Knooppunt" + (f" – {network}" if network else ""))


def cmd_export_ical(args: argparse.Namespace, settings: Settings) -> int:
    from bot.cli import migrate

    migrate(settings)
    data = asyncio.run(export(settings, args.network, datetime.now(timezone.utc)))
    if data is None:
        print(f"No network named '{args.network}'. See the names with: python -m bot network list", file=sys.stderr)
        return 1
    if args.file in (None, "-"):
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
    else:
        try:
            with open(args.file, "wb") as handle:
                handle.write(data)
        except OSError as exc:
            print(f"Cannot write {args.file}: {exc.strerror}", file=sys.stderr)
            return 1
        print(f"Wrote {data.count(b'BEGIN:VEVENT')} activities to {args.file}.")
    return 0


def add_commands(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("export-ical", help="write an iCalendar (.ics) feed of upcoming activities")
    parser.add_argument("--network", metavar="NAME", help="only activities of initiatives in this network")
    parser.add_argument("file", nargs="?", metavar="FILE", help="where to write (default: standard output)")
    parser.set_defaults(func=cmd_export_ical, needs_token=False, read_only=True)
