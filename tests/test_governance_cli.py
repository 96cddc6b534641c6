"""python -m bot network / coordinator / audit."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import select

from bot import cli
from storage.db import create_engine, create_session_factory
from storage.models import NetworkCoordinator

pytestmark = pytest.mark.storage


@pytest.fixture
def run(database_url, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.delenv("TELEGRAM_BOT_TOKEN", raising=False)
    return lambda *argv: cli.main(list(argv))


def coordinators(database_url):
    async def read():
        engine = create_engine(database_url)
        async with create_session_factory(engine)() as session:
            rows = [(c.network_id, c.user_id) for c in (await session.scalars(select(NetworkCoordinator))).all()]
        await engine.dispose()
        return rows

    return asyncio.run(read())


def test_network_and_coordinator_commands(run, database_url, capsys):
    assert run("network", "list") == 0
    assert "No networks yet" in capsys.readouterr().out
    assert run("network", "add", "Buurthuiskamers Delfshaven") == 0
    assert "Network added: #1 Buurthuiskamers Delfshaven" in capsys.readouterr().out
    assert run("network", "add", "  buurthuiskamers   delfshaven ") == 1
    assert "already exists" in capsys.readouterr().out
    assert run("coordinator", "add", "Buurthuiskamers Delfshaven", "555") == 0
    assert "555 is now a coordinator of #1" in capsys.readouterr().out
    assert run("coordinator", "add", "1", "555") == 0
    assert "was already" in capsys.readouterr().out
    assert coordinators(database_url) == [(1, 555)]
    assert run("coordinator", "add", "Nope", "555") == 1
    assert "No network 'Nope'" in capsys.readouterr().out
    assert run("coordinator", "add", "1", "abc") == 1
    assert run("network", "list") == 0
    assert "#1  Buurthuiskamers Delfshaven  (coordinators: 555)" in capsys.readouterr().out
    assert run("coordinator", "remove", "1", "555") == 0
    assert "no longer a coordinator" in capsys.readouterr().out
    assert coordinators(database_url) == []
    assert run("audit", "--limit", "2") == 0
    lines = capsys.readouterr().out.strip().splitlines()
    assert len(lines) == 2 and "coordinator_remove" in lines[0] and "user=555" in lines[0] and "system" in lines[0]
    for bad in ("0", "99999999999999999999", "ten"):
        with pytest.raises(SystemExit) as stop:  # argparse: a usage line and exit code 2, no traceback
            run("audit", "--limit", bad)
        assert stop.value.code == 2
    assert "--limit: expected a" in capsys.readouterr().err
