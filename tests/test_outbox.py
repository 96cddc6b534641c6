"""The outbox: one row = one message, sent once, in order per chat, faults settled in the database."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta, timezone

from handlers.core.outbox import drain_once, maintain  # noqa: F401 - the worker under test
from storage.models import GroupChat, User
from storage.repositories import outbox
from tests.fakes import updates

NOW = datetime(2026, 12, 7, 9, 0, tzinfo=timezone.utc)
USER, OTHER, GROUP = 4242, 4343, -100777


class Clock:
    def __init__(self, moment: datetime) -> None:
        self.moment = moment

    def __call__(self) -> datetime:
        return self.moment


async def _enqueue(bot, chat_id: int, text: str, key: str, **fields) -> bool:
    async with bot.session_factory.begin() as session:
        return await outbox.enqueue(session, chat_id, "notice", text, key, bot.app.bot_data.now(), **fields)


async def _rows(bot) -> dict[str, object]:
    async with bot.session_factory() as session:
        return {row.idempotency_key: row for row in await outbox.rows(session)}


def _setup(bot) -> Clock:
    clock = Clock(NOW)
    bot.app.bot_data.clock = clock
    return clock


async def test_a_row_is_sent_once_and_a_duplicate_key_is_ignored(bot):
    _setup(bot)
    assert await _enqueue(bot, USER, "Hallo", "k1")
    assert not await _enqueue(bot, USER, "Hallo again", "k1")
    calls = await bot.drain()
    assert [(c.chat_id, c.text) for c in bot.replies(calls)] == [(USER, "Hallo")]
    assert await bot.drain() == []
    row = (await _rows(bot))["k1"]
    assert (row.status, row.attempts, row.message_id is not None) == ("sent", 1, True)


async def test_rows_of_one_chat_go_in_order_one_at_a_time(bot):
    _setup(bot)
    for n in range(3):
        await _enqueue(bot, USER, f"deel {n}", f"d{n}")
    await _enqueue(bot, OTHER, "ander", "o")
    assert await drain_once(bot.app) == 2  # the head of each chat
    calls = await bot.drain()
    assert [c.text for c in bot.replies(calls)] == ["deel 1", "deel 2"]
    assert bot.api.texts(USER) == ["deel 0", "deel 1", "deel 2"]


async def test_429_and_5xx_are_not_sent_and_are_tried_again_later_in_order(bot):
    clock = _setup(bot)
    await _enqueue(bot, USER, "een", "a")
    await _enqueue(bot, USER, "twee", "b")
    bot.api.fail_next("retry_after", "sendMessage", value=30)
    assert bot.replies(await bot.drain()) == []
    row = (await _rows(bot))["a"]
    assert (row.status, row.attempts) == ("pending", 1)  # refused: not counted as sent
    assert row.next_attempt_at == NOW + timedelta(seconds=30)
    clock.moment = NOW + timedelta(seconds=31)
    bot.api.fail_next("server_error", "sendMessage", value=502)
    assert bot.replies(await bot.drain()) == []
    clock.moment = NOW + timedelta(minutes=5)
    assert [c.text for c in bot.replies(await bot.drain())] == ["een", "twee"]


async def test_an_edit_row_edits_its_message_once_and_a_needless_edit_counts_as_done(bot):
    clock = _setup(bot)
    async with bot.session_factory.begin() as session:
        for n in range(4):  # one chat: its rows go one at a time, in order
            await outbox.enqueue_edit(session, GROUP, 50 + n, "notice", f"<b>Klaar</b> {n}", f"e{n}", NOW)
    # Nothing left to do (already says so, deleted, too old): done. A bad edit: refused, not retried.
    for reason in ("message is not modified: specified new message content and reply markup are exactly the same",
                   "message to edit not found", "message can't be edited", "can't parse entities"):
        bot.api.fail_next("bad_request", "editMessageText", reason)
    assert await bot.drain() == []
    rows = await _rows(bot)
    assert [(rows[f"e{n}"].status, rows[f"e{n}"].attempts, rows[f"e{n}"].message_id) for n in range(4)] == [
        ("sent", 1, 50), ("sent", 1, 51), ("sent", 1, 52), ("failed", 1, 53)]
    clock.moment = NOW + timedelta(hours=1)
    assert await bot.drain() == []
    async with bot.session_factory.begin() as session:
        await outbox.enqueue_edit(session, USER, 77, "notice", "Nieuw", "e-ok", NOW + timedelta(hours=1))
    [edit] = await bot.drain()
    assert (edit.method, edit.chat_id, int(edit.params["message_id"]), edit.text, edit.buttons()) == ("editMessageText", USER, 77, "Nieuw", [])
    assert ((await _rows(bot))["e-ok"].status, (await _rows(bot))["e-ok"].message_id) == ("sent", 77)


async def test_blocked_user_is_marked_until_they_write_again(bot):
    _setup(bot)
    async with bot.session_factory.begin() as session:
        session.add(User(id=USER, first_name="Fatima"))
    await _enqueue(bot, USER, "een", "a")
    await _enqueue(bot, USER, "twee", "b")
    bot.api.fail_next("forbidden", "sendMessage")
    await bot.drain()
    rows = await _rows(bot)
    assert [rows["a"].status, rows["b"].status] == ["failed", "failed"]
    await _enqueue(bot, USER, "drie", "c")
    assert (await _rows(bot))["c"].last_error == "unreachable"
    assert await bot.drain() == []
    await bot.say("/start", sender={**updates.RESIDENT, "id": USER})
    async with bot.session_factory() as session:
        assert (await session.get(User, USER)).unreachable_since is None
    await _enqueue(bot, USER, "vier", "d")
    assert [c.text for c in bot.replies(await bot.drain())] == ["vier"]


async def test_removed_group_is_marked_inactive_and_its_rows_dropped(bot):
    _setup(bot)
    async with bot.session_factory.begin() as session:
        session.add(GroupChat(chat_id=GROUP, title="Buurt", language="nl"))
    await _enqueue(bot, GROUP, "een", "a")
    await _enqueue(bot, GROUP, "twee", "b")
    bot.api.fail_next("forbidden", "sendMessage", value="Forbidden: bot was kicked from the group chat")
    await bot.drain()
    async with bot.session_factory() as session:
        assert (await session.get(GroupChat, GROUP)).active is False
    assert {row.status for row in (await _rows(bot)).values()} == {"failed"}


async def test_migrated_group_gets_its_rows_under_the_new_id(bot):
    _setup(bot)
    async with bot.session_factory.begin() as session:
        session.add(GroupChat(chat_id=GROUP, title="Buurt", language="nl", message_thread_id=7))
    await _enqueue(bot, GROUP, "een", "a", thread_id=7)
    await _enqueue(bot, GROUP, "twee", "b", thread_id=7)
    bot.api.fail_next("chat_migrated", "sendMessage", value=-1009999)
    calls = await bot.drain()
    assert [(c.chat_id, c.text) for c in bot.replies(calls)] == [(-1009999, "een"), (-1009999, "twee")]
    async with bot.session_factory() as session:
        assert await session.get(GroupChat, -1009999) is not None


async def test_two_workers_never_claim_the_same_row(bot):
    _setup(bot)
    for n in range(10):
        await _enqueue(bot, 1000 + n, "x", f"r{n}")
    async with bot.session_factory.begin() as session:
        first = await outbox.claim_due(session, "worker-a", NOW, 6)
    async with bot.session_factory.begin() as session:
        second = await outbox.claim_due(session, "worker-b", NOW, 6)
    assert len(first) == 6 and len(second) == 4
    assert not {r.id for r in first} & {r.id for r in second}


async def test_a_crash_releases_claimed_rows_and_counts_in_flight_ones_as_sent(bot):
    clock = _setup(bot)
    await _enqueue(bot, USER, "geclaimd", "a")
    await _enqueue(bot, OTHER, "onderweg", "b")
    async with bot.session_factory.begin() as session:
        claimed = await outbox.claim_due(session, "dead-worker", NOW, 10)
        await outbox.mark_handed(session, next(r.id for r in claimed if r.chat_id == OTHER))
    clock.moment = NOW + timedelta(minutes=3)
    await maintain(bot.app)
    rows = await _rows(bot)
    assert (rows["a"].status, rows["b"].status) == ("pending", "sent")
    assert [c.text for c in bot.replies(await bot.drain())] == ["geclaimd"]


async def test_a_row_released_from_a_worker_is_never_handed_over_by_it(bot):
    """A worker taken for dead (its claim released) cannot mark the row handed any more, so the
    row goes out once, from whoever claims it next."""
    clock = _setup(bot)
    await _enqueue(bot, USER, "een keer", "a")
    async with bot.session_factory.begin() as session:
        [row] = await outbox.claim_due(session, "w0000beef", NOW, 10)
    clock.moment = NOW + timedelta(minutes=3)
    await maintain(bot.app)  # the claim is older than the lease: released
    async with bot.session_factory.begin() as session:
        assert await outbox.mark_handed(session, row.id, "w0000beef") is False
    assert [c.text for c in bot.replies(await bot.drain())] == ["een keer"]
    assert (await _rows(bot))["a"].status == "sent"


def test_worker_ids_name_their_liveness_lock():
    worker = outbox.new_worker_id()
    assert outbox.worker_lock_key(worker) == outbox.WORKER_LOCK_SPACE + int(worker[1:], 16)
    assert outbox.worker_lock_key("dead-worker") is None and outbox.worker_lock_key("wxyz12345") is None


async def test_a_redelivered_update_is_answered_once(bot):
    payload = updates.command("start")
    first = await bot.send(payload)
    second = await bot.send(payload)
    assert bot.replies(first) and bot.replies(second) == []


async def test_admins_hear_of_an_error_briefly_once_per_ten_minutes(bot):
    from tests.conftest import ADMIN_ID

    clock = _setup(bot)
    for _ in range(2):
        bot.api.fail_next("bad_request", "sendMessage")  # the reply to /start is refused
        await bot.say("/start")
    notices = bot.api.texts(ADMIN_ID)
    assert notices == ["⚠️ Er ging iets mis in de bot: BadRequest bij message. De details staan in het logboek. "
                       "Ik meld dit soort fout hooguit één keer per 10 minuten."]
    assert "Fatima" not in notices[0] and "/start" not in notices[0]  # no personal data, no content
    clock.moment += timedelta(minutes=10)
    bot.api.fail_next("bad_request", "sendMessage")
    await bot.say("/start")
    assert len(bot.api.texts(ADMIN_ID)) == 2


async def test_a_worker_started_inside_an_update_is_retried_by_the_outbox_only(bot):
    """The worker task may inherit an update's reply scope; its sends must not be retried as replies too."""
    from bot.telegram_request import ReplyScope

    _setup(bot)
    bot.auto_drain = False
    await _enqueue(bot, USER, "Hallo", "k1")
    bot.api.fail_next("server_error", "sendMessage", 502, times=2)
    seen = {}

    async def worker_round() -> None:  # what handlers.core.outbox.run does before its first round
        ReplyScope.leave()
        seen["scope"] = ReplyScope.active()
        await drain_once(bot.app)

    async def inside_update() -> None:
        seen["inside"] = ReplyScope.active()
        await asyncio.create_task(worker_round())

    await ReplyScope.run(inside_update())
    assert seen == {"inside": True, "scope": False}
    row = (await _rows(bot))["k1"]
    assert (row.status, row.attempts) == ("pending", 1)  # one try, then the outbox's own backoff
    assert bot.api.texts(USER) == []
