"""`python -m bot export-ical [--network NETWORK] [FILE]`: an iCalendar feed of upcoming activities."""

from __future__ import annotations

import argparse
import asyncio
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path

from bot.cli_common import refusal, target_problem, write_atomically
from bot.config import Settings

FEED_DAYS = 365


async def export(settings: Settings, network: str | None, now: datetime) -> tuple[bytes, str | None] | None:
    """The feed as bytes and the network's name; None when no network has that id or name."""
    from domain.calendar_file import build_calendar
    from storage.activity_facts import calendar_event, upcoming
    from storage.db import create_engine, create_session_factory
    from storage.repositories import activities as repo
    from storage.repositories.networks import find_network

    engine = create_engine(settings.database_url)
    try:
        async with create_session_factory(engine)() as session:
            network_id = name = None
            if network is not None:
                found = await find_network(session, network)
                if found is None:
                    return None
                network_id, name = found.id, found.name
            activities = await repo.visible_activities(session, now + timedelta(days=FEED_DAYS), now, network_id=network_id)
    finally:
        await engine.dispose()
    events = [calendar_event(a) for a in activities if upcoming(a, now, settings.timezone, count=1)]
    feed = build_calendar(events, tz=settings.timezone, now=now, name="Knooppunt" + (f" – {name}" if name else ""))
    return feed, name


def cmd_export_ical(args: argparse.Namespace, settings: Settings) -> int:
    from bot.cli import migrate

    to_file = args.file not in (None, "-")
    if to_file:
        problem = target_problem(Path(args.file), args.force)
        if problem:
            print(refusal(problem), file=sys.stderr)
            return 1
    migrate(settings)
    result = asyncio.run(export(settings, args.network, datetime.now(timezone.utc)))
    if result is None:
        print(f"No network '{args.network}'. See the ids and names with: python -m bot network list", file=sys.stderr)
        return 1
    data, _name = result
    if not to_file:
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
        return 0
    try:
        write_atomically(Path(args.file), data)
    except OSError as exc:
        print(f"Cannot write {args.file}: {exc.strerror}", file=sys.stderr)
        return 1
    print(f"Wrote {data.count(b'BEGIN:VEVENT')} activities to {args.file}.")
    return 0


def add_commands(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("export-ical", help="write an iCalendar (.ics) feed of upcoming activities")
    parser.add_argument("--network", metavar="NETWORK", help="only activities of initiatives in this network (id or name)")
    parser.add_argument("file", nargs="?", metavar="FILE", help="where to write (default: standard output)")
    parser.add_argument("--force", action="store_true", help="replace FILE if it is an existing regular file")
    parser.set_defaults(func=cmd_export_ical, needs_token=False, read_only=True)
