"""Journeys of /peiling: a coordinator asks two groups one question; residents answer; at the closing
date every group's poll is stopped and the result (per group and in total) is posted in each."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import select
from telegram import Update

from handlers.voice import polls as poll_handlers
from storage.models import AuditEntry
from storage.tables_outbox import OutboxMessage
from storage.tables_polls import Poll, PollAnswer, PollMessage
from tests.fakes import updates
from tests.groups_seed import COORDINATOR, OTHER_COORDINATOR, seed_linked_group, seed_network

pytestmark = pytest.mark.storage  # also run against PostgreSQL (TEST_DATABASE_URL)

NOW = datetime(2026, 12, 1, 9, 0, tzinfo=timezone.utc)  # a Tuesday, 10:00 in Amsterdam
GROUP_A, GROUP_B = -1001111, -1002222
RESIDENTS = [updates.user(3000 + i, f"Bewoner{i}") for i in range(5)]


async def seed(bot) -> int:  # noqa: ANN001
    bot.app.bot_data.clock = lambda: NOW
    async with bot.session_factory.begin() as session:
        network = await seed_network(session)
        await seed_linked_group(session, network, GROUP_A, "Spangen samen")
        await seed_linked_group(session, network, GROUP_B, "Bospolder buren")
        other = await seed_network(session, "Taalcafés", OTHER_COORDINATOR["id"])
        await seed_linked_group(session, other, -1003333, "Taalcafé groep")
        return network.id


async def make_poll(bot, network_id: int, *, anonymous: bool, multiple: bool = False) -> None:  # noqa: ANN001
    calls = await bot.say("/peiling", COORDINATOR)
    assert "Tik ze aan en dan op Klaar" in calls[-1].text
    assert calls[-1].buttons() == ["▫️ Buurthuiskamers Delfshaven", "▫️ Taalcafés", "Klaar ➡️"] or \
        calls[-1].buttons() == ["▫️ Buurthuiskamers Delfshaven", "Klaar ➡️"]
    calls = await bot.press(f"pln:{network_id}", COORDINATOR)
    assert calls[-1].buttons()[0] == "✅ Buurthuiskamers Delfshaven"
    calls = await bot.press("pln:done", COORDINATOR)
    assert "Wat is je vraag?" in calls[-1].text
    calls = await bot.say("Welke avond past het best voor de buurtvergadering?", COORDINATOR)
    assert "Typ de antwoorden" in calls[-1].text
    calls = await bot.say("- dinsdag\n- woensdag\n- donderdag", COORDINATOR)
    assert calls[-1].buttons() == ["🙈 Anoniem", "👤 Met naam"]
    calls = await bot.press("pla:1" if anonymous else "pla:0", COORDINATOR)
    assert calls[-1].buttons() == ["Eén antwoord", "Meer antwoorden"]
    calls = await bot.press("plm:1" if multiple else "plm:0", COORDINATOR)
    assert "Wanneer sluit de peiling?" in calls[-1].text
    calls = await bot.say("vrijdag 18:00", COORDINATOR)
    preview = calls[-1].text
    assert "Welke avond past het best" in preview and "▫️ woensdag" in preview
    assert "vrijdag 4 december 2026, 18:00" in preview and "Gaat naar 2 groepen." in preview
    calls = await bot.press("plc:ok", COORDINATOR)
    assert any("De peiling gaat naar 2 groepen" in text for text in bot.reply_texts(calls))


async def sent_polls(bot) -> dict[int, dict]:  # noqa: ANN001
    return {chat: poll for (chat, _message_id), poll in bot.api.polls.items()}


async def close(bot) -> list:  # noqa: ANN001
    bot.app.bot_data.clock = lambda: NOW + timedelta(days=4)
    before = len(bot.api.calls)
    assert await poll_handlers.close_poll(bot.app, await only_poll_id(bot))
    assert not await poll_handlers.close_poll(bot.app, await only_poll_id(bot)), "a second run closes nothing"
    await bot.drain()
    return bot.api.calls[before:]


async def only_poll_id(bot) -> int:  # noqa: ANN001
    async with bot.session_factory() as session:
        return (await session.scalars(select(Poll.id))).one()


async def test_non_anonymous_poll_in_two_groups_is_answered_and_closed_with_the_right_totals(bot):
    network_id = await seed(bot)
    await make_poll(bot, network_id, anonymous=False)
    sends = bot.api.of("sendPoll")
    assert sorted(call.chat_id for call in sends) == [GROUP_B, GROUP_A]
    assert all(call.params["is_anonymous"] is False for call in sends)
    assert [o["text"] for o in sends[0].params["options"]] == ["dinsdag", "woensdag", "donderdag"]
    polls = await sent_polls(bot)
    a, b = polls[GROUP_A]["id"], polls[GROUP_B]["id"]

    # Group A: three people, one changes their mind, one takes the answer back. Group B: two people.
    await bot.send(updates.poll_answer(a, RESIDENTS[0], [0]))
    await bot.send(updates.poll_answer(a, RESIDENTS[1], [1]))
    await bot.send(updates.poll_answer(a, RESIDENTS[2], [1]))
    await bot.send(updates.poll_answer(a, RESIDENTS[1], [0]))  # changed to dinsdag
    await bot.send(updates.poll_answer(a, RESIDENTS[2], []))  # taken back
    await bot.send(updates.poll_answer(b, RESIDENTS[3], [0]))
    await bot.send(updates.poll_answer(b, RESIDENTS[4], [2]))
    await bot.send(updates.poll_answer("unknown-poll", RESIDENTS[4], [2]))  # not ours: ignored

    async with bot.session_factory() as session:
        copies = {c.chat_id: c for c in await session.scalars(select(PollMessage))}
        assert (copies[GROUP_A].option_counts, copies[GROUP_A].voters) == ([2, 0, 0], 2)
        assert (copies[GROUP_B].option_counts, copies[GROUP_B].voters) == ([1, 0, 1], 2)
        assert len((await session.scalars(select(PollAnswer))).all()) == 4

    calls = await close(bot)
    stops = [call for call in calls if call.method == "stopPoll"]
    assert sorted(call.chat_id for call in stops) == [GROUP_B, GROUP_A]
    for chat in (GROUP_A, GROUP_B):
        methods = [call.method for call in calls if call.chat_id == chat]
        assert methods == ["stopPoll", "sendMessage"], "each group: first the poll stops, then the result"
    results = {call.chat_id: call.text for call in calls if call.method == "sendMessage"}
    text = results[GROUP_A]
    assert "Uitslag van de peiling" in text and "Welke avond past het best" in text
    assert "75% · dinsdag (3)" in text and "0% · woensdag (0)" in text and "25% · donderdag (1)" in text
    assert "4 mensen deden mee." in text
    assert "Spangen samen (2 mensen): dinsdag 2 · woensdag 0 · donderdag 0" in text
    assert "Bospolder buren (2 mensen): dinsdag 1 · woensdag 0 · donderdag 1" in text
    assert results[GROUP_B] == text
    assert results[COORDINATOR["id"]] == text, "the maker gets the result too"
    async with bot.session_factory() as session:
        poll = (await session.scalars(select(Poll))).one()
        assert poll.status == "closed" and poll.closed_at == NOW + timedelta(days=4)
        assert all(c.stopped_at is not None for c in await session.scalars(select(PollMessage)))
        assert (await session.scalars(select(AuditEntry).where(AuditEntry.action == "poll.closed"))).one()
    # An answer after the close changes nothing.
    await bot.send(updates.poll_answer(a, RESIDENTS[3], [2]))
    async with bot.session_factory() as session:
        assert (await session.scalars(select(PollMessage).where(PollMessage.chat_id == GROUP_A))).one().voters == 2


async def test_anonymous_poll_started_in_a_group_counts_telegrams_totals(bot):
    await seed(bot)
    group = updates.group_chat(GROUP_A, "Spangen samen")
    calls = await bot.say("/peiling", COORDINATOR, group)
    assert [c.chat_id for c in bot.replies(calls)] == [COORDINATOR["id"], GROUP_A, COORDINATOR["id"]]
    assert "Ik stel je de vragen in een privébericht." in bot.reply_texts(calls)
    assert "Wat is je vraag?" in calls[-1].text and "Terug" not in calls[-1].text
    await bot.say("Wil je een buurtbarbecue?", COORDINATOR)
    await bot.say("ja\nnee", COORDINATOR)
    await bot.press("pla:1", COORDINATOR)
    await bot.press("plm:1", COORDINATOR)
    calls = await bot.say("zaterdag 12:00", COORDINATOR)
    assert "Gaat naar 1 groep." in calls[-1].text
    calls = await bot.press("plc:ok", COORDINATOR)
    sends = [call for call in calls if call.method == "sendPoll"]
    assert [call.chat_id for call in sends] == [GROUP_A]
    assert sends[0].params["is_anonymous"] is True and sends[0].params["allows_multiple_answers"] is True
    poll = bot.api.polls[(GROUP_A, bot.api.last_message_id)]

    # Anonymous: nobody's answer reaches the bot, only the new totals.
    await bot.send(updates.poll_totals(poll, [1, 0], voters=1))
    await bot.send(updates.poll_totals(poll, [3, 2], voters=4))
    async with bot.session_factory() as session:
        copy = (await session.scalars(select(PollMessage))).one()
        assert (copy.option_counts, copy.voters) == ([3, 2], 4)
        assert not (await session.scalars(select(PollAnswer))).all()

    calls = await close(bot)
    result = [call.text for call in calls if call.chat_id == GROUP_A and call.method == "sendMessage"][0]
    assert "75% · ja (3)" in result and "50% · nee (2)" in result and "4 mensen deden mee." in result
    assert "Per groep" not in result, "one group: no table per group"
    await bot.send(updates.poll_totals(poll, [9, 9], voters=18, closed=True))  # late totals: the posted result stays
    async with bot.session_factory() as session:
        copy = (await session.scalars(select(PollMessage))).one()
        assert (copy.option_counts, copy.voters) == ([3, 2], 4)


async def test_wrong_answers_are_explained_and_strangers_refused(bot):
    network_id = await seed(bot)
    calls = await bot.say("/peiling", updates.RESIDENT)
    assert "Alleen coördinatoren" in calls[-1].text
    group = updates.group_chat(GROUP_A, "Spangen samen")
    calls = await bot.say("/peiling", OTHER_COORDINATOR, group)
    assert "Alleen coördinatoren van dit netwerk" in calls[-1].text
    calls = await bot.say("/poll", COORDINATOR, updates.group_chat(-1009999, "Niet gekoppeld"))
    assert "nog niet gekoppeld" in calls[-1].text
    # A coordinator who never started the bot cannot get the questions privately: told in the group.
    bot.api.fail_next("forbidden", "sendMessage")
    calls = await bot.say("/peiling", COORDINATOR, group)
    assert "Start eerst een gesprek met mij" in calls[-1].text and calls[-1].chat_id == GROUP_A
    calls = await bot.say("Dit is geen antwoord", COORDINATOR)
    assert not any("Typ de antwoorden" in text for text in bot.reply_texts(calls)), "no poll conversation was started"

    await bot.say("/poll", COORDINATOR)
    calls = await bot.press("pln:done", COORDINATOR)
    assert "Kies minstens één netwerk." in calls[-1].text
    await bot.press("pln:999", COORDINATOR)  # not theirs: nothing ticked
    await bot.press(f"pln:{network_id}", COORDINATOR)
    await bot.press("pln:done", COORDINATOR)
    calls = await bot.say("x" * 301, COORDINATOR)
    assert "301 tekens" in calls[-1].text
    await bot.say("Waar gaan we heen?", COORDINATOR)
    calls = await bot.say("alleen dit", COORDINATOR)
    assert "minstens 2 antwoorden" in calls[-1].text
    calls = await bot.say("\n".join(f"plek {i}" for i in range(11)), COORDINATOR)
    assert "Dat zijn 11 antwoorden" in calls[-1].text
    calls = await bot.say("park\nPark", COORDINATOR)
    assert "Twee antwoorden zijn hetzelfde" in calls[-1].text
    await bot.say("park\nstrand", COORDINATOR)
    calls = await bot.say("gewoon tekst", COORDINATOR)
    assert "Tik op een van de knoppen." in calls[0].text
    await bot.press("pla:0", COORDINATOR)
    await bot.press("plm:0", COORDINATOR)
    calls = await bot.say("zondag 02:00", COORDINATOR)  # 14:00 or 02:00 at night: asked with two buttons
    assert len(calls[-1].buttons()) == 2
    calls = await bot.press("plw:c:1", COORDINATOR, message_id=bot.api.last_message_id)
    assert "zondag 6 december 2026, 02:00" in calls[-1].text
    calls = await bot.say("/terug", COORDINATOR)
    assert "Wanneer sluit de peiling?" in calls[-1].text
    await bot.say("vrijdag 19:00", COORDINATOR)
    # The coordinator lost the role meanwhile: nothing is sent.
    async with bot.session_factory.begin() as session:
        from storage.models import NetworkCoordinator
        coordinator = await session.get(NetworkCoordinator, (network_id, COORDINATOR["id"]))
        await session.delete(coordinator)
    calls = await bot.press("plc:ok", COORDINATOR)
    assert "Er is niets verstuurd" in calls[-1].text
    assert not bot.api.of("sendPoll")
    async with bot.session_factory() as session:
        assert not (await session.scalars(select(Poll))).all()


async def test_closing_is_scheduled_from_the_database_at_start_up(bot):
    network_id = await seed(bot)
    await make_poll(bot, network_id, anonymous=True)
    for job in bot.app.job_queue.get_jobs_by_name(poll_handlers.job_name(await only_poll_id(bot))):
        job.schedule_removal()
    await poll_handlers.on_startup(bot.app)
    jobs = bot.app.job_queue.jobs()
    names = [job.name for job in jobs]
    assert poll_handlers.job_name(await only_poll_id(bot)) in names
    # A poll closed while the bot was down is closed when it runs (once): the rows are not doubled.
    await close(bot)
    await poll_handlers.on_startup(bot.app)
    async with bot.session_factory() as session:
        rows = (await session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "poll_result"))).all()
    assert len(rows) == 3  # two groups and the maker


def test_poll_updates_are_asked_for():
    assert Update.POLL in Update.ALL_TYPES and Update.POLL_ANSWER in Update.ALL_TYPES


def test_a_result_with_long_answers_and_many_groups_fits_one_message():
    from bot.i18n import get_translator
    from domain.polls import GroupTally, PollResult

    options = tuple(f"{i} " + "een heel lang antwoord over de buurt " * 2 for i in range(10))
    groups = tuple(GroupTally(f"Groep nummer {i} van de buurt", tuple(range(10)), 9) for i in range(30))
    for language in ("nl", "ar"):
        text = poll_handlers.result_text(PollResult("Vraag? " * 40, options, groups), get_translator(language))
        assert len(text) <= 4096
        assert "1. 0 een heel lang" in text and "1: 0 · 2: 1" in text, "long answers are numbered"
    assert "andere groepen" in poll_handlers.result_text(PollResult("?", options, groups), get_translator("nl"))
