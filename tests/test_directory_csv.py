"""import-places / export-places: all or nothing, every problem reported, round trip."""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import func, select

from bot.cli import main as cli_main
from bot.places_cli import export_text
from storage.models import Initiative, InitiativeLanguage, Network, Schedule
from tests.directory_data import HEADER, PLACES_CSV

pytestmark = pytest.mark.storage
ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def cli(database_url, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.setenv("LOG_LEVEL", "WARNING")
    return lambda *argv: cli_main(list(argv))


async def count(database_url, model) -> int:
    from storage.db import create_engine

    engine = create_engine(database_url)
    async with engine.connect() as connection:
        total = await connection.scalar(select(func.count()).select_from(model))
    await engine.dispose()
    return total


def write(tmp_path: Path, text: str | bytes, name: str = "places.csv") -> Path:
    path = tmp_path / name
    path.write_bytes(text if isinstance(text, bytes) else text.encode())
    return path


async def test_import_twice_then_round_trip(cli, tmp_path, database_url, capsys):
    path = write(tmp_path, PLACES_CSV)
    assert await _run(cli, "import-places", str(path), "--create-networks") == 0
    out = capsys.readouterr().out
    assert "10 added, 0 updated, 0 unchanged" in out
    assert "Created 2 networks: Buurthuiskamers Delfshaven, Netwerk Speeltuinen" in out
    assert await count(database_url, Initiative) == 10
    assert await count(database_url, Network) == 2  # created from the file
    assert await count(database_url, InitiativeLanguage) == 3
    assert await _run(cli, "import-places", str(path)) == 0
    assert "0 added, 0 updated, 10 unchanged" in capsys.readouterr().out

    exported = tmp_path / "export.csv"
    assert await _run(cli, "export-places", str(exported)) == 0
    text = exported.read_text(encoding="utf-8")
    assert text.splitlines()[0] == HEADER
    assert "Mo-Fr 10:00-16:00" in text and "24/7" in text and "ar;nl" in text
    assert await _run(cli, "import-places", str(exported)) == 0
    assert "0 added, 0 updated, 10 unchanged" in capsys.readouterr().out


async def test_changed_row_is_updated_by_external_id_or_name_and_postcode(cli, tmp_path, database_url, capsys):
    await _run(cli, "import-places", str(write(tmp_path, PLACES_CSV)), "--create-networks")
    changed = PLACES_CSV.replace("Mo-Fr 10:00-16:00", "Mo-Fr 09:00-17:00").replace(
        "Koffie, thee en gezelligheid", "Koffie en thee"
    )
    capsys.readouterr()
    assert await _run(cli, "import-places", str(write(tmp_path, changed, "v2.csv"))) == 0
    assert "0 added, 2 updated, 8 unchanged" in capsys.readouterr().out
    text, _count = await export_text(database_url)
    assert "Mo-Fr 09:00-17:00" in text and "Koffie en thee" in text


async def test_bom_is_accepted(cli, tmp_path, database_url, capsys):
    assert await _run(cli, "import-places", str(write(tmp_path, b"\xef\xbb\xbf" + PLACES_CSV.encode())), "--create-networks") == 0
    assert await count(database_url, Initiative) == 10


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (PLACES_CSV.replace(",", ";"), "row 1: the columns are separated by semicolons"),
        (PLACES_CSV.replace(",wheelchair", "", 1), "row 1: missing column: wheelchair"),
        (PLACES_CSV.replace("Th 10:00-16:00", "Th 10:00-25:00"), "row 3, column opening_hours: impossible time: '10:00-25:00'"),
        (PLACES_CSV.replace("Sa 12:00-17:00", "zaterdag middag"), "row 4, column opening_hours"),
        (PLACES_CSV.replace("51.9128", "191.9128"), "row 3, column latitude"),
        (PLACES_CSV.replace(",buurthuiskamer,Koffie", ",buurthuis,Koffie"), "did you mean 'buurthuiskamer'?"),
        (PLACES_CSV + ",Nergens,speeltuin,,,,,,,,,,,,\n", "row 12, column latitude: empty, and there is no postcode either"),
        (PLACES_CSV.replace("nl;ar", "nl;xx"), "row 2, column languages: 'xx'"),
        (PLACES_CSV.replace("51.9128,4.4427", "40.7128,-74.0060"), "row 3, column latitude: 40.7128, -74.006 is 5,"),
        (PLACES_CSV.replace("51.9128,4.4427", "4.4427,51.9128"), "row 3, column latitude: latitude and longitude are swapped"),
        ("", "the file is empty"),
        ("\xff\xfe".encode("latin-1") + b"abc", "not UTF-8"),
    ],
)
async def test_bad_files_store_nothing_and_say_where(cli, tmp_path, database_url, capsys, content, expected):
    assert await _run(cli, "import-places", str(write(tmp_path, content))) == 1
    err = capsys.readouterr().err
    assert "nothing imported" in err
    assert expected in err
    assert await count(database_url, Initiative) == 0
    assert await count(database_url, Network) == 0


async def test_every_problem_is_reported(cli, tmp_path, capsys):
    broken = PLACES_CSV.replace("Th 10:00-16:00", "Th 10-16").replace(",speeltuin,", ",glijbaan,").replace(",limited", ",maybe")
    assert await _run(cli, "import-places", str(write(tmp_path, broken))) == 1
    err = capsys.readouterr().err
    assert "3 problems" in err
    assert "row 3, column opening_hours" in err
    assert "row 4, column wheelchair" in err
    assert "row 10, column category" in err


async def test_an_unknown_network_is_an_error_with_the_closest_name(cli, tmp_path, database_url, capsys):
    assert await _run(cli, "network", "add", "Buurthuiskamers Delfshaven") == 0
    assert await _run(cli, "network", "add", "Netwerk Speeltuinen") == 0
    typo = PLACES_CSV.replace("Netwerk Speeltuinen", "Netwerk Speeltuin")
    capsys.readouterr()
    assert await _run(cli, "import-places", str(write(tmp_path, typo))) == 1
    err = capsys.readouterr().err
    assert "row 10, column networks: unknown network 'Netwerk Speeltuin'; did you mean 'Netwerk Speeltuinen'?" in err
    assert "--create-networks" in err
    assert await count(database_url, Initiative) == 0 and await count(database_url, Network) == 2
    assert await _run(cli, "import-places", str(write(tmp_path, PLACES_CSV))) == 0  # existing names: no flag needed
    assert "Created" not in capsys.readouterr().out
    assert await count(database_url, Initiative) == 10


async def test_missing_file(cli, tmp_path, capsys):
    assert await _run(cli, "import-places", str(tmp_path / "nope.csv")) == 1
    assert "Cannot read" in capsys.readouterr().err


async def test_schedule_rows_stored(cli, tmp_path, database_url):
    await _run(cli, "import-places", str(write(tmp_path, PLACES_CSV)), "--create-networks")
    # Mo-Fr (5) + Th (1) + Sa (1) + Mo-Su (7) + 24/7 (7) + Mo-Su (7)
    assert await count(database_url, Schedule) == 28


async def _run(cli, *argv) -> int:
    """The CLI runs its own event loop (asyncio.run), so call it from a worker thread."""
    import asyncio

    return await asyncio.to_thread(cli, *argv)


@pytest.mark.e2e
def test_import_and_export_as_subprocess(tmp_path, database_url):
    path = write(tmp_path, PLACES_CSV)
    env = {**os.environ, "DATABASE_URL": database_url, "LOG_LEVEL": "WARNING", "PYTHONPATH": str(ROOT)}
    env.pop("TELEGRAM_BOT_TOKEN", None)
    done = subprocess.run([sys.executable, "-m", "bot", "import-places", str(path), "--create-networks"], env=env, capture_output=True, text=True, cwd=tmp_path, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "10 added" in done.stdout
    done = subprocess.run([sys.executable, "-m", "bot", "export-places"], env=env, capture_output=True, text=True, cwd=tmp_path, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[0] == HEADER
    assert len(done.stdout.splitlines()) == 11
    bad = write(tmp_path, PLACES_CSV.replace(",", ";"), "bad.csv")
    done = subprocess.run([sys.executable, "-m", "bot", "import-places", str(bad)], env=env, capture_output=True, text=True, cwd=tmp_path, timeout=120)
    assert done.returncode == 1
    assert "semicolons" in done.stderr


def test_parser_lists_the_commands():
    from bot.cli import build_parser

    parser = build_parser()
    assert isinstance(parser, argparse.ArgumentParser)
    assert parser.parse_args(["import-places", "x.csv"]).func.__name__ == "cmd_import"
    assert parser.parse_args(["export-places"]).file is None
