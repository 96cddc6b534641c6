"""A full disk (SQLite's max_page_count says "database or disk is full"): told once, answered calmly,
no traceback per update, and it works again as soon as there is room (issue 12.6)."""

from __future__ import annotations

import logging
import sqlite3

import pytest
from sqlalchemy import event

from handlers.core import database_outage
from tests.conftest import ADMIN_ID, PG_URL
from tests.fakes import updates

CALM = "Het lukt even niet. Probeer het over een paar minuten opnieuw."


@pytest.mark.skipif(bool(PG_URL), reason="the fault is SQLite's own error")
async def test_full_disk_is_told_once_answered_calmly_and_recovers(bot, caplog):
    engine = bot.app.bot_data.engine
    full = {"on": True}

    @event.listens_for(engine.sync_engine, "do_execute")
    def _disk_full(cursor, statement, parameters, context) -> None:  # noqa: ANN001
        """SQLite's own error for a write when the disk is full (SQLITE_FULL)."""
        if full["on"] and statement.lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE")):
            raise sqlite3.OperationalError("database or disk is full")

    caplog.set_level(logging.INFO)
    newcomers = [updates.user(5000 + index, f"Nieuw{index}", "nl") for index in range(5)]
    for person in newcomers:  # each is recorded on first contact: a write
        calls = await bot.say("/start", sender=person)
        assert [call.text for call in bot.replies(calls) if call.chat_id == person["id"]] == [CALM]
    assert len(bot.api.texts(ADMIN_ID)) == 1  # the admins are told once
    assert "De database kan nu niets opslaan" in bot.api.texts(ADMIN_ID)[0]
    outage_lines = [r for r in caplog.records if r.name == database_outage.__name__ and r.levelno >= logging.ERROR]
    assert len(outage_lines) == 1 and outage_lines[0].exc_info is None
    assert not [r for r in caplog.records if r.exc_info]  # no traceback for any of them

    full["on"] = False  # room again
    replies = bot.reply_texts(await bot.say("/start", sender=newcomers[0]))
    assert replies and replies[0].startswith("Hallo Nieuw0")


def test_what_counts_as_unavailable():
    from sqlalchemy.exc import OperationalError, ProgrammingError

    from storage.db import database_unavailable

    def wrapped(exc: Exception) -> OperationalError:
        return OperationalError("INSERT ...", {}, exc)

    assert database_unavailable(wrapped(sqlite3.OperationalError("attempt to write a readonly database")))
    assert database_unavailable(wrapped(sqlite3.OperationalError("database or disk is full")))
    assert not database_unavailable(wrapped(sqlite3.OperationalError("no such table: users")))
    assert not database_unavailable(ProgrammingError("SELECT", {}, Exception("syntax error")))
    assert not database_unavailable(ValueError("read-only"))  # not a database error at all
