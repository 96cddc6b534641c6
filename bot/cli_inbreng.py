"""`python -m bot inbreng --buurt NAME [--since DATE] [--taal LANG] FILE`: the input document of a
buurt for the wijkraad, as Markdown (.md), CSV (.csv) or a printable PDF (.pdf) by FILE's extension.

The period runs from --since (default: three months ago) through today. Dutch unless --taal says
otherwise. Wrong arguments are a usage error (exit code 2); an unknown buurt or a file that may
not be written is exit code 1, with one clear line.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from datetime import date, datetime, timezone
from pathlib import Path

from dateutil.relativedelta import relativedelta

from bot.cli_common import refusal, target_problem, write_atomically
from bot.config import Settings

FORMATS = (".md", ".csv", ".pdf")
DEFAULT_MONTHS = 3


def iso_date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a date as YYYY-MM-DD, got '{text}'") from None


def output_file(text: str) -> Path:
    path = Path(text)
    if path.suffix.lower() not in FORMATS:
        raise argparse.ArgumentTypeError(f"FILE must end in .md, .csv or .pdf, got '{text}'")
    return path


def language(text: str) -> str:
    from bot.i18n import available_languages

    if text not in available_languages():
        raise argparse.ArgumentTypeError(f"expected one of {', '.join(available_languages())}, got '{text}'")
    return text


def find_buurt(name: str) -> str | None:
    from domain import gazetteer

    found = gazetteer.lookup_buurt(name)
    return found.buurt if found is not None and found.buurt else None


def render(data, path: Path, lang: str) -> bytes:  # noqa: ANN001 - a domain.inbreng.Inbreng
    from bot.i18n import get_translator
    from domain.inbreng import csv_text, markdown
    from domain.inbreng_pdf import render_pdf

    translator = get_translator(lang)
    suffix = path.suffix.lower()
    if suffix == ".pdf":
        return render_pdf(data, translator)
    if suffix == ".csv":
        return csv_text(data, translator).encode("utf-8")
    return markdown(data, translator).encode("utf-8")


async def gather(settings: Settings, buurt: str, since: date, now: datetime):  # noqa: ANN201 - an Inbreng
    from storage.db import create_engine, create_session_factory
    from storage.repositories import inbreng

    tz = settings.timezone
    engine = create_engine(settings.database_url)
    try:
        async with create_session_factory(engine)() as session:
            return await inbreng.gather(session, buurt, since, now.astimezone(tz).date(), now, tz)
    finally:
        await engine.dispose()


def cmd_inbreng(args: argparse.Namespace, settings: Settings) -> int:
    from bot.cli import migrate
    from domain import gazetteer

    buurt = find_buurt(args.buurt)
    if buurt is None:
        names = ", ".join(sorted({b.name for b in gazetteer.buurten()}))
        print(f"No buurt '{args.buurt}'. Known buurten: {names}", file=sys.stderr)
        return 1
    problem = target_problem(args.file, args.force)
    if problem:
        print(refusal(problem), file=sys.stderr)
        return 1
    now = datetime.now(timezone.utc)
    today = now.astimezone(settings.timezone).date()
    since = args.since or today - relativedelta(months=DEFAULT_MONTHS)
    if since > today:
        print(f"--since {since.isoformat()} is after today; give an earlier date", file=sys.stderr)
        return 1
    migrate(settings)
    data = asyncio.run(gather(settings, buurt, since, now))
    try:
        write_atomically(args.file, render(data, args.file, args.taal))
    except OSError as exc:
        print(f"Cannot write {args.file}: {exc.strerror}", file=sys.stderr)
        return 1
    print(f"Wrote the input document of {buurt} ({since.isoformat()} to {today.isoformat()}, {args.taal}) to {args.file}: "
          f"{len(data.signals)} signals, {len(data.polls)} polls.")
    return 0


def add_commands(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("inbreng", help="write a buurt's input document for the wijkraad (.md, .csv or .pdf)")
    parser.add_argument("--buurt", required=True, metavar="NAME", help="the buurt, e.g. Spangen")
    parser.add_argument("--since", type=iso_date, metavar="DATE", help="first day, YYYY-MM-DD (default: three months ago)")
    parser.add_argument("--taal", type=language, default="nl", metavar="LANG", help="nl (default), en, tr, ar, pl or pt")
    parser.add_argument("file", type=output_file, metavar="FILE", help="where to write; .md, .csv or .pdf")
    parser.add_argument("--force", action="store_true", help="replace FILE if it is an existing regular file")
    parser.set_defaults(func=cmd_inbreng, needs_token=False, read_only=True)
