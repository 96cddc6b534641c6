"""Bookkeeping of concurrent updates shares one transaction (bot.batching), with each update still
answered once: a redelivered update, also when both copies arrive at the same moment."""

from __future__ import annotations

import asyncio
from datetime import datetime, timezone

import pytest
from sqlalchemy import func, select
from telegram import Update

from bot.batching import Coalescer
from storage.db import create_engine, create_session_factory
from storage.models import User
from storage.repositories import outbox as repo
from storage.tables_outbox import HandledUpdate
from tests.fakes import updates

NOW = datetime(2026, 11, 30, 12, 0, tzinfo=timezone.utc)


async def test_calls_made_in_one_turn_are_written_together_each_getting_its_answer():
    batches: list[list[int]] = []

    async def write(items: list[int]) -> list[int]:
        batches.append(items)
        await asyncio.sleep(0)
        return [item * 10 for item in items]

    coalescer = Coalescer(write)
    assert await asyncio.gather(*(coalescer(n) for n in range(5))) == [0, 10, 20, 30, 40]
    assert batches == [[0, 1, 2, 3, 4]]
    assert await coalescer(7) == 70  # alone: a batch of one
    assert batches[-1] == [7]


async def test_every_caller_of_a_failed_batch_gets_the_error():
    async def write(items: list[int]) -> list[int]:
        raise RuntimeError("database away")

    coalescer = Coalescer(write)
    results = await asyncio.gather(*(coalescer(n) for n in range(3)), return_exceptions=True)
    assert [str(r) for r in results] == ["database away"] * 3


@pytest.mark.storage
async def test_first_times_tells_new_ids_from_ids_seen_before_or_twice_in_the_batch(database_url):
    engine = create_engine(database_url)
    sessions = create_session_factory(engine)
    try:
        async with sessions.begin() as session:
            assert await repo.first_times(session, [(1, NOW)]) == [True]
        async with sessions.begin() as session:
            assert await repo.first_times(session, [(2, NOW), (1, NOW), (3, NOW), (2, NOW)]) == [True, False, True, False]
        async with sessions.begin() as session:
            assert await session.scalar(select(func.count()).select_from(HandledUpdate)) == 3
    finally:
        await engine.dispose()


@pytest.mark.storage
async def test_concurrent_updates_are_recorded_once_each_and_a_copy_arriving_with_them_is_skipped(bot):
    people = [updates.user(5000 + n, f"Bewoner{n}", "nl") for n in range(6)]
    payloads = [updates.command("start", sender=person) for person in people]
    copy = payloads[0]
    before = len(bot.api.calls)
    await asyncio.gather(*(bot.app.process_update(Update.de_json(p, bot.app.bot)) for p in [*payloads, copy]))
    greeted = [c.chat_id for c in bot.api.calls[before:] if c.method == "sendMessage" and "Hallo" in c.text]
    assert sorted(greeted) == sorted(p["id"] for p in people)  # each once, the copy not at all
    async with bot.session_factory.begin() as session:
        recorded = set(await session.scalars(select(User.id).where(User.id >= 5000)))
    assert recorded == {p["id"] for p in people}


@pytest.mark.storage
async def test_record_contacts_returns_each_chosen_language_and_records_everyone(database_url):
    from storage.repositories import users

    engine = create_engine(database_url)
    sessions = create_session_factory(engine)
    try:
        async with sessions.begin() as session:
            await users.record_contact(session, 11, "Ayse", NOW, "tr")
            await users.set_language(session, 11, "tr")
        async with sessions.begin() as session:
            batch = [(11, "Ayşe", NOW, "tr"), (12, "Bo", NOW, None), (12, "Bo", NOW, "pl"), (13, None, NOW, "en")]
            assert await users.record_contacts(session, batch) == ["tr", None, None, None]
        async with sessions.begin() as session:
            recorded = {u.id: (u.first_name, u.telegram_language, u.language) for u in await session.scalars(select(User))}
        assert recorded == {11: ("Ayşe", "tr", "tr"), 12: ("Bo", "pl", None), 13: (None, "en", None)}
    finally:
        await engine.dispose()
