"""Vraag & aanbod: the groups' messages of a settled or expired item are edited through the outbox.

"Geregeld" and the expiry job only write rows (method "edit_text", key `together:edit:<item>:<chat>`)
in the transaction that closes the item; the outbox worker edits each group message once, and an
edit Telegram refuses because there is nothing left to do counts as done. Through the real Application.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import select

from handlers.core import outbox as outbox_worker
from handlers.together import posts
from handlers.together.exchange import expiry_round
from storage.repositories import outbox as outbox_repo
from storage.tables_outbox import OutboxMessage
from storage.tables_together import TogetherGroupMessage, TogetherItem
from tests import test_together as journeys
from tests.test_together import AMS, ASKER, ASKER_TWO, GROUP_X, GROUP_Y
from tests.test_together_more import audited, count

clock = journeys.clock  # a clock, and networks West (group X) and Oost (group Y) with initiatives A, B, C
world = journeys.world

pytestmark = pytest.mark.storage  # runs on PostgreSQL too (TEST_DATABASE_URL)

GROUPS = (GROUP_X["id"], GROUP_Y["id"])
NOT_MODIFIED = "message is not modified: specified new message content and reply markup are exactly the same"


async def post_everywhere(bot, world) -> tuple[int, dict[int, int]]:  # noqa: ANN001
    """A asks for a partytent in both networks; the item and where its group messages landed."""
    await bot.say("/vraag", ASKER)
    await bot.press("tq:k:lend", ASKER)
    await bot.say("Wie kan ons zaterdag een partytent lenen?", ASKER)
    await bot.say("zaterdag", ASKER)
    await bot.press(f"tq:n:{world['oost']}", ASKER)  # West is on already (A's own network)
    await bot.press("tq:n:done", ASKER)
    await bot.press("tq:ok", ASKER)
    await bot.drain()
    async with bot.session_factory() as session:
        item_id = await session.scalar(select(TogetherItem.id))
        landed = {row.chat_id: row.message_id for row in await session.scalars(select(TogetherGroupMessage))}
    assert set(landed) == set(GROUPS), landed
    return item_id, landed


async def edit_rows(bot) -> list[OutboxMessage]:  # noqa: ANN001
    async with bot.session_factory() as session:
        return list(await session.scalars(select(OutboxMessage).where(OutboxMessage.method == "edit_text").order_by(OutboxMessage.chat_id)))


def group_edits(bot) -> list:  # noqa: ANN001
    return [c for c in bot.api.calls if c.method == "editMessageText" and c.chat_id in GROUPS]


async def test_settled_rows_are_written_with_the_change_and_each_group_message_is_edited_once(bot, world, clock):
    item_id, landed = await post_everywhere(bot, world)
    bot.auto_drain = False
    bot.api.clear()
    calls = await bot.press(f"tg:s:{item_id}", ASKER)
    assert any("✅ Geregeld!" in c.text for c in calls)
    assert not group_edits(bot), "the button handler only writes rows; the worker edits"
    rows = await edit_rows(bot)
    assert [(r.chat_id, r.message_id, r.status, r.idempotency_key) for r in rows] == [
        (chat, landed[chat], "pending", f"together:edit:{item_id}:{chat}") for chat in sorted(GROUPS)]
    assert all("✅ Geregeld. Dank je wel!" in r.text and r.reply_markup is None for r in rows)

    await bot.drain()
    edits = group_edits(bot)
    assert sorted((c.chat_id, int(c.params["message_id"])) for c in edits) == sorted(landed.items())
    assert all("✅ Geregeld. Dank je wel!" in c.text and "partytent" in c.text and not c.buttons() for c in edits)
    assert [r.status for r in await edit_rows(bot)] == ["sent", "sent"]
    assert await bot.drain() == [], "nothing is edited twice"
    assert len(group_edits(bot)) == 2


async def test_settling_and_its_edits_are_one_transaction(bot, world, clock, monkeypatch):
    item_id, _landed = await post_everywhere(bot, world)
    bot.auto_drain = False

    async def broken(*args, **kwargs) -> bool:  # noqa: ANN002, ANN003
        raise RuntimeError("the database refused the outbox row")

    monkeypatch.setattr(outbox_repo, "enqueue_edit", broken)
    await bot.press(f"tg:s:{item_id}", ASKER)
    async with bot.session_factory() as session:
        assert (await session.get(TogetherItem, item_id)).status == "open", "no edit rows, no settling"
    assert await audited(bot, "together.settled") == 0
    monkeypatch.undo()
    await bot.press(f"tg:s:{item_id}", ASKER)
    assert len(await edit_rows(bot)) == 2 and await audited(bot, "together.settled") == 1


async def test_a_double_geregeld_edits_each_group_message_once(bot, world, clock):
    item_id, _landed = await post_everywhere(bot, world)
    bot.auto_drain = False
    bot.api.clear()
    await bot.press(f"tg:s:{item_id}", ASKER)
    calls = await bot.press(f"tg:s:{item_id}", ASKER_TWO)
    assert [c.text for c in bot.replies(calls)] == ["Dit is al geregeld. Er is niets veranderd."]
    async with bot.session_factory.begin() as session:  # a replay of the same change writes nothing either
        assert await posts.queue_group_edits(session, bot.app, item_id) == 0
    assert len(await edit_rows(bot)) == 2
    await bot.drain()
    calls = await bot.press(f"tg:s:{item_id}", ASKER)
    await bot.drain()
    assert [c.text for c in bot.replies(calls)] == ["Dit is al geregeld. Er is niets veranderd."]
    assert sorted(c.chat_id for c in group_edits(bot)) == sorted(GROUPS)
    assert await audited(bot, "together.settled") == 1


@pytest.mark.parametrize("reason", [NOT_MODIFIED, "message to edit not found", "message can't be edited"])
async def test_a_refused_edit_counts_as_done_and_is_not_retried(bot, world, clock, reason):
    item_id, landed = await post_everywhere(bot, world)
    bot.auto_drain = False
    bot.api.clear()
    await bot.press(f"tg:s:{item_id}", ASKER)
    bot.api.fail_next("bad_request", "editMessageText", reason)  # the first group's edit
    await bot.drain()
    rows = {r.chat_id: r for r in await edit_rows(bot)}
    assert [(r.status, r.attempts) for r in rows.values()] == [("sent", 1), ("sent", 1)]
    assert all(r.message_id == landed[chat] for chat, r in rows.items()), "the row still names the message it was for"
    edited_once = [c.chat_id for c in group_edits(bot)]
    assert len(edited_once) == 1, "the refused one was not recorded, the other went through"
    clock.moment += timedelta(hours=1)
    assert await bot.drain() == [], "nothing is tried again"
    assert await count(bot, OutboxMessage, OutboxMessage.status.in_(outbox_repo.OPEN)) == 0


async def test_a_timeout_is_tried_again_and_then_edits_once(bot, world, clock):
    item_id, _landed = await post_everywhere(bot, world)
    bot.auto_drain = False
    bot.api.clear()
    await bot.press(f"tg:s:{item_id}", ASKER)
    bot.api.fail_next("timeout", "editMessageText")
    await bot.drain()
    assert sorted(r.status for r in await edit_rows(bot)) == ["pending", "sent"]
    clock.moment += timedelta(minutes=5)
    await bot.drain()
    assert [r.status for r in await edit_rows(bot)] == ["sent", "sent"]
    assert sorted(c.chat_id for c in group_edits(bot)) == sorted(GROUPS)


async def test_expiry_writes_edits_and_the_worker_sends_them(bot, world, clock):
    _item_id, landed = await post_everywhere(bot, world)  # last day: Saturday 5 December
    bot.api.clear()
    clock.moment = datetime(2026, 12, 6, 0, 30, tzinfo=AMS).astimezone(timezone.utc)
    assert (await expiry_round(bot.app))[1] == 1
    assert not bot.api.calls, "the job writes rows only"
    assert [r.status for r in await edit_rows(bot)] == ["pending", "pending"]
    assert await expiry_round(bot.app) == (0, 0)
    await bot.drain()
    edits = group_edits(bot)
    assert sorted((c.chat_id, int(c.params["message_id"])) for c in edits) == sorted(landed.items())
    assert all("⌛ Verlopen." in c.text and not c.buttons() for c in edits)


async def test_a_group_message_in_flight_while_settling_is_edited_after_it_lands(bot, world, clock):
    """The group's message was on its way (claimed by a worker) when the item was settled: it could
    not be dropped, and no edit could name it yet. When it lands, it is closed in that transaction."""
    bot.auto_drain = False
    await bot.say("/vraag", ASKER)
    await bot.press("tq:k:lend", ASKER)
    await bot.say("Wie kan ons zaterdag een partytent lenen?", ASKER)
    await bot.say("zaterdag", ASKER)
    await bot.press("tq:n:done", ASKER)
    await bot.press("tq:ok", ASKER)
    async with bot.session_factory() as session:
        item_id = await session.scalar(select(TogetherItem.id))
    key = posts.post_key(item_id, GROUP_X["id"])
    async with bot.session_factory.begin() as session:  # another worker takes the group's row
        claimed = await outbox_repo.claim_due(session, "other-worker", clock.moment, 100)
    assert key in {row.idempotency_key for row in claimed}
    bot.api.clear()
    await bot.press(f"tg:s:{item_id}", ASKER)
    assert await edit_rows(bot) == [], "no group message is known yet"
    # That worker died before sending; its claim is released and this one sends the row after all.
    clock.moment += outbox_worker.LEASE + timedelta(seconds=1)
    await outbox_worker.maintain(bot.app)
    await bot.drain()
    group = [c for c in bot.api.calls if c.chat_id == GROUP_X["id"]]
    assert [c.method for c in group] == ["sendMessage", "editMessageText"]
    assert "✅ Geregeld. Dank je wel!" in group[1].text and not group[1].buttons()
    async with bot.session_factory() as session:
        landed = await session.scalar(select(TogetherGroupMessage.message_id).where(TogetherGroupMessage.item_id == item_id))
    assert int(group[1].params["message_id"]) == landed
