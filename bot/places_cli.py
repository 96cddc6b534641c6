"""`python -m bot import-places FILE.csv` and `python -m bot export-places [FILE]`.

The format is described in docs/directory.md and checked by domain.places_csv. An import runs in
one transaction: a file with any problem, or a database error half-way, stores nothing.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from datetime import datetime, timezone
from pathlib import Path

from bot.config import Settings
from domain.places_csv import CsvRejected, PlaceRow, read_places, write_places
from storage.db import create_engine, create_session_factory
from storage.models import Initiative
from storage.repositories import directory

EXIT_BAD_INPUT = 1


def add_commands(subparsers: argparse._SubParsersAction) -> None:
    importer = subparsers.add_parser(
        "import-places",
        help="add or update places from a CSV file (all or nothing)",
        description="Import the place directory from a UTF-8 CSV file; see docs/directory.md for the columns.",
    )
    importer.add_argument("file", type=Path, help="the CSV file")
    importer.set_defaults(func=cmd_import, needs_token=False)
    exporter = subparsers.add_parser(
        "export-places",
        help="write the active places as CSV (to FILE or standard output)",
        description="Export the active places in the import format, so export then import changes nothing.",
    )
    exporter.add_argument("file", type=Path, nargs="?", help="where to write (default: standard output)")
    exporter.set_defaults(func=cmd_export, needs_token=False, read_only=True)


def cmd_import(args: argparse.Namespace, settings: Settings) -> int:
    try:
        data = args.file.read_bytes()
    except OSError as exc:
        print(f"Cannot read {args.file}: {exc.strerror or exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    try:
        records = read_places(data)
    except CsvRejected as rejected:
        print(f"{args.file}: nothing imported, {len(rejected.problems)} problem(s):", file=sys.stderr)
        for problem in rejected.problems:
            print(f"  {problem}", file=sys.stderr)
        return EXIT_BAD_INPUT
    from bot.cli import migrate

    migrate(settings)
    counts = asyncio.run(import_records(settings.database_url, records))
    print(
        f"{args.file}: {counts['added']} added, {counts['updated']} updated, {counts['unchanged']} unchanged."
    )
    return 0


async def import_records(database_url: str, records: list, now: datetime | None = None) -> dict[str, int]:
    """Upsert every record in one transaction; returns how many were added/updated/unchanged."""
    now = now or datetime.now(timezone.utc)
    counts = {"added": 0, "updated": 0, "unchanged": 0}
    engine = create_engine(database_url)
    try:
        async with create_session_factory(engine).begin() as session:
            network_ids = await directory.ensure_networks(session, (n for r in records for n in r.networks))
            for record in records:
                counts[await directory.upsert_place(session, record, network_ids, now)] += 1
    finally:
        await engine.dispose()
    return counts


def cmd_export(args: argparse.Namespace, settings: Settings) -> int:
    from bot.cli import migrate

    migrate(settings)
    text, count = asyncio.run(export_text(settings.database_url))
    if args.file is None:
        sys.stdout.write(text)
        return 0
    try:
        args.file.write_text(text, encoding="utf-8", newline="")
    except OSError as exc:
        print(f"Cannot write {args.file}: {exc.strerror or exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    print(f"{count} place(s) written to {args.file}.", file=sys.stderr)
    return 0


async def export_text(database_url: str) -> tuple[str, int]:
    engine = create_engine(database_url)
    try:
        async with create_session_factory(engine)() as session:
            initiatives = await directory.all_places(session)
            names = await directory.network_names(session)
    finally:
        await engine.dispose()
    rows = [place_row(i, names) for i in initiatives if i.status == "active" and i.location is not None]
    return write_places(rows), len(rows)


def place_row(initiative: Initiative, network_names: dict[int, str]) -> PlaceRow:
    location = initiative.location
    schedule = directory.weekly_schedule(initiative)
    # A postcode centroid is written as the postcode alone, so the import derives the same point.
    exact = location is not None and not (location.approximate and location.postcode)
    return PlaceRow(
        external_id=initiative.external_id,
        name=initiative.name,
        category=initiative.category,
        description=initiative.description,
        address=location.address if location else None,
        postcode=location.postcode if location else None,
        latitude=location.latitude if exact else None,
        longitude=location.longitude if exact else None,
        phone=initiative.phone,
        email=initiative.email,
        website=initiative.website,
        networks=tuple(sorted(network_names[n.network_id] for n in initiative.networks)),
        opening_hours=schedule.to_osm() if schedule else None,
        languages=tuple(sorted(lang.language for lang in initiative.languages)),
        wheelchair=initiative.wheelchair,
    )
