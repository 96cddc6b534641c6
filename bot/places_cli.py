"""`python -m bot import-places FILE.csv` and `python -m bot export-places [FILE]`.

The format is described in docs/directory.md and checked by domain.places_csv. An import runs in
one transaction: a file with any problem, or a database error half-way, stores nothing.
"""

from __future__ import annotations

import argparse
import asyncio
import difflib
import gc
import shutil
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path

from bot.cli_common import refusal, target_problem, write_atomically
from bot.config import Settings
from domain.counting import counted
from domain.places_csv import CsvRejected, PlaceRecord, PlaceRow, Problem, read_places, write_places
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
    importer.add_argument(
        "--create-networks", action="store_true",
        help="create the networks the file names that do not exist yet (default: such a name is an error)",
    )
    importer.set_defaults(func=cmd_import, needs_token=False)
    exporter = subparsers.add_parser(
        "export-places",
        help="write the active places as CSV (to FILE or standard output)",
        description="Export the active places in the import format, so export then import changes nothing.",
    )
    exporter.add_argument("file", type=Path, nargs="?", help="where to write (default: standard output)")
    exporter.add_argument("--force", action="store_true", help="replace FILE if it is an existing regular file")
    exporter.set_defaults(func=cmd_export, needs_token=False, read_only=True)


def cmd_import(args: argparse.Namespace, settings: Settings) -> int:
    started = time.perf_counter()
    try:
        data = args.file.read_bytes()
    except OSError as exc:
        print(f"Cannot read {args.file}: {exc.strerror or exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    with paused_garbage_collection(), progress_bar(max(data.count(b"\n") - 1, 0), "Checking") as advance:
        try:
            records = read_places(data, progress=advance)
        except CsvRejected as rejected:
            problems = rejected.problems
            records = None
    if records is None:
        return _rejected(args.file, problems)
    from bot.cli import migrate

    migrate(settings)
    try:
        with paused_garbage_collection():
            outcome = asyncio.run(
                import_records(settings.database_url, records, create_networks=args.create_networks, show_progress=True)
            )
    except UnknownNetworks as unknown:
        return _rejected(args.file, unknown.problems, hint="Add them first (python -m bot network add NAME) or import with --create-networks.")
    seconds = time.perf_counter() - started
    print(
        f"{args.file}: {outcome.added} added, {outcome.updated} updated, {outcome.unchanged} unchanged "
        f"({len(records)} rows in {seconds:.1f} s)."
    )
    if outcome.created_networks:
        print(f"Created {counted(len(outcome.created_networks), 'network', 'networks')}: " + ", ".join(outcome.created_networks))
    return 0


def _rejected(path: Path, problems: list[Problem], hint: str | None = None) -> int:
    print(f"{path}: nothing imported, {counted(len(problems), 'problem', 'problems')}:", file=sys.stderr)
    for problem in problems:
        print(f"  {problem}", file=sys.stderr)
    if hint:
        print(hint, file=sys.stderr)
    return EXIT_BAD_INPUT


@contextmanager
def paused_garbage_collection() -> Iterator[None]:
    """Tens of thousands of new objects trigger Python's cycle collector over and over; the import
    creates no cycles worth collecting, so it runs without it (about a third faster)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


@contextmanager
def progress_bar(total: int, label: str, show: bool = True) -> Iterator[Callable[[int], None]]:
    """A tqdm bar on standard error when a person watches (a terminal); silent in cron and pipes."""
    from tqdm import tqdm

    size = shutil.get_terminal_size()  # 80x24 when the terminal reports no size (tqdm would then draw nothing)
    with tqdm(
        total=total, desc=label, unit=" rows", disable=not (show and sys.stderr.isatty()), leave=False,
        ncols=size.columns, nrows=size.lines,
    ) as bar:
        yield bar.update


class UnknownNetworks(Exception):
    """Rows name networks that do not exist (and --create-networks was not given)."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__(counted(len(problems), "unknown network", "unknown networks"))
        self.problems = problems


def unknown_network_problems(records: list[PlaceRecord], missing: list[str], existing: list[str]) -> list[Problem]:
    """One problem per unknown name, at its first row, with the closest existing name as a hint."""
    first_rows: dict[str, list[int]] = {}
    for record in records:
        for name in record.networks:
            if name in missing:
                first_rows.setdefault(name, []).append(record.row)
    problems = []
    for name in missing:
        rows = first_rows[name]
        more = f" (and {counted(len(rows) - 1, 'more row', 'more rows')})" if len(rows) > 1 else ""
        close = difflib.get_close_matches(name, existing, n=1, cutoff=0.6)
        if not close:
            folded = {n.casefold(): n for n in existing}
            close = [folded[name.casefold()]] if name.casefold() in folded else []
        hint = f"; did you mean '{close[0]}'?" if close else ""
        problems.append(Problem(rows[0], "networks", f"unknown network '{name}'{more}{hint}"))
    return problems


async def import_records(
    database_url: str, records: list, now: datetime | None = None, *, create_networks: bool = True, show_progress: bool = False
) -> directory.ImportOutcome:
    """Store every record in one transaction (a few bulk statements, no query per row)."""
    now = now or datetime.now(timezone.utc)
    engine = create_engine(database_url)
    try:
        async with create_session_factory(engine).begin() as session:
            wanted = {n for r in records for n in r.networks}
            missing = await directory.missing_networks(session, wanted)
            if missing and not create_networks:
                existing = sorted((await directory.network_names(session)).values())
                raise UnknownNetworks(unknown_network_problems(records, missing, existing))
            with progress_bar(len(records), "Storing", show=show_progress) as advance:
                return await directory.import_places(session, records, now, progress=advance)
    finally:
        await engine.dispose()


def cmd_export(args: argparse.Namespace, settings: Settings) -> int:
    from bot.cli import migrate

    if args.file is not None:
        problem = target_problem(args.file, args.force)
        if problem:
            print(refusal(problem), file=sys.stderr)
            return EXIT_BAD_INPUT
    migrate(settings)
    text, count = asyncio.run(export_text(settings.database_url))
    if args.file is None:
        sys.stdout.write(text)
        return 0
    try:
        write_atomically(args.file, text.encode("utf-8"))
    except OSError as exc:
        print(f"Cannot write {args.file}: {exc.strerror or exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    print(f"{counted(count, 'place', 'places')} written to {args.file}.", file=sys.stderr)
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
