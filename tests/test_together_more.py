"""Vraag & aanbod and co-organising, the second round: group messages edited at any age, leaving and
withdrawing, and double taps / old buttons, through the real Application."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import func, select

from handlers.core import outbox as outbox_worker
from handlers.together.exchange import expiry_round
from storage.models import Activity, AuditEntry
from storage.tables_outbox import OutboxMessage
from storage.tables_together import ActivityCoorganiser, TogetherGroupMessage, TogetherItem, TogetherResponse
from tests import test_together as journeys
from tests.test_together import AMS, ASKER, ASKER_TWO, GROUP_X, HELPER, RESIDENT

clock = journeys.clock  # the fixtures of the first round: a clock, and networks West and Oost with A, B, C
world = journeys.world

pytestmark = pytest.mark.storage  # runs on PostgreSQL too (TEST_DATABASE_URL)


async def post(bot, text: str, until: str, kind: str = "lend") -> int:
    """A's member asks for something in A's network (West) until `until`; the item's id."""
    await bot.say("/vraag", ASKER)
    await bot.press(f"tq:k:{kind}", ASKER)
    await bot.say(text, ASKER)
    calls = await bot.say(until, ASKER)
    assert "Welke netwerken" in calls[-1].text, calls[-1].text
    await bot.press("tq:n:done", ASKER)
    await bot.press("tq:ok", ASKER)
    async with bot.session_factory() as session:
        return await session.scalar(select(TogetherItem.id).where(TogetherItem.text == text))


async def count(bot, model, *where) -> int:  # noqa: ANN001
    async with bot.session_factory() as session:
        return int(await session.scalar(select(func.count()).select_from(model).where(*where)))


async def audited(bot, action: str) -> int:
    return await count(bot, AuditEntry, AuditEntry.action == action)


def popup(calls) -> str:  # noqa: ANN001
    return [c for c in calls if c.method == "answerCallbackQuery"][0].params.get("text", "")


# -- 1. group messages are edited at any age ---------------------------------------------------


async def test_old_group_messages_are_edited_when_settled_or_expired(bot, world, clock):
    tent = await post(bot, "Wie kan ons een partytent lenen?", "31 januari")
    chairs = await post(bot, "Wie heeft twintig stoelen voor ons?", "20 december")
    # Where each group message landed is kept with the item (the outbox reported it sent).
    async with bot.session_factory() as session:
        kept = {row.item_id: row for row in await session.scalars(select(TogetherGroupMessage))}
    assert set(kept) == {tent, chairs} and {row.chat_id for row in kept.values()} == {GROUP_X["id"]}
    assert len([c for c in bot.api.sent(GROUP_X["id"]) if "Vraag van" in c.text]) == 2
    assert kept[tent].message_id != kept[chairs].message_id

    # Four weeks later the outbox has forgotten those rows (it keeps 14 days of history).
    clock.moment = datetime(2026, 12, 31, 12, 0, tzinfo=AMS).astimezone(timezone.utc)
    await outbox_worker.maintain(bot.app)
    assert await count(bot, OutboxMessage, OutboxMessage.idempotency_key.startswith("together:post:")) == 0

    # The chairs expired on 21 December: the expiry round edits its group message all the same.
    bot.api.clear()
    assert (await expiry_round(bot.app))[1] == 1
    [edit] = [c for c in bot.api.calls if c.method == "editMessageText"]
    assert edit.chat_id == GROUP_X["id"] and int(edit.params["message_id"]) == kept[chairs].message_id
    assert "⌛ Verlopen." in edit.text and "stoelen" in edit.text and not edit.buttons()

    # The tent is settled: its 4-week-old group message says so and loses its button.
    bot.api.clear()
    calls = await bot.press(f"tg:s:{tent}", ASKER)
    assert any("✅ Geregeld!" in c.text for c in calls)
    [edit] = [c for c in bot.api.calls if c.method == "editMessageText" and c.chat_id == GROUP_X["id"]]
    assert int(edit.params["message_id"]) == kept[tent].message_id
    assert "✅ Geregeld. Dank je wel!" in edit.text and not edit.buttons()

    # 90 days after closing, the item and where its messages were go together.
    async with bot.session_factory.begin() as session:
        from storage.repositories import retention

        await retention.purge(session, clock.moment + timedelta(days=91), AMS)
    assert await count(bot, TogetherGroupMessage) == 0


async def test_a_message_sent_after_the_item_was_deleted_is_not_recorded(bot, world, clock):
    bot.auto_drain = False
    item_id = await post(bot, "Wie kan ons een partytent lenen?", "zaterdag")
    async with bot.session_factory.begin() as session:
        await session.delete(await session.get(TogetherItem, item_id))
    # The group's row was queued before the item went; sending it must not fail on the missing item.
    key = f"together:post:{item_id}:{GROUP_X['id']}"
    assert await count(bot, OutboxMessage, OutboxMessage.idempotency_key == key, OutboxMessage.status == "pending") == 1
    calls = await bot.drain()
    assert any(c.chat_id == GROUP_X["id"] for c in calls)
    assert await count(bot, OutboxMessage, OutboxMessage.idempotency_key == key, OutboxMessage.status == "sent") == 1
    assert await count(bot, TogetherGroupMessage) == 0


# -- 2. withdrawing an invitation, leaving an activity -----------------------------------------


async def make_activity(bot, world) -> int:  # noqa: ANN001
    async with bot.session_factory.begin() as session:
        activity = Activity(initiative_id=world["a"], title="Kerstdiner", starts_at=datetime(2026, 12, 20, 17, 0, tzinfo=AMS),
                            ends_at=datetime(2026, 12, 20, 20, 0, tzinfo=AMS), created_by=ASKER["id"])
        session.add(activity)
        await session.flush()
        return activity.id


async def coorganiser_status(bot, activity_id: int, initiative_id: int) -> str | None:
    async with bot.session_factory() as session:
        row = await session.get(ActivityCoorganiser, (activity_id, initiative_id))
        return row.status if row is not None else None


async def test_the_posting_initiative_withdraws_an_invitation(bot, world, clock):
    activity_id = await make_activity(bot, world)
    calls = await bot.press(f"tc:p:{activity_id}:{world['b']}", ASKER)
    invitation = [c for c in calls if c.chat_id == HELPER["id"]][0]
    # The invite list shows the open invitation with a button to withdraw it.
    calls = await bot.press(f"tc:i:{activity_id}", ASKER_TWO)
    assert "Uitgenodigd, nog geen antwoord: Moestuin West" in calls[-1].text
    assert "↩️ Intrekken: Moestuin West" in calls[-1].buttons()
    # Only A's members may withdraw it: B's member and a resident are refused (and audited).
    denied_before = await audited(bot, "denied")
    for forger in (HELPER, RESIDENT):
        calls = await bot.press(f"tc:w:{activity_id}:{world['b']}", forger)
        assert popup(calls) == "Dit mag je niet doen."
    assert await coorganiser_status(bot, activity_id, world["b"]) == "invited"
    assert await audited(bot, "denied") == denied_before + 2

    calls = await bot.press(f"tc:w:{activity_id}:{world['b']}", ASKER_TWO)
    assert any("De uitnodiging aan Moestuin West is ingetrokken." in c.text for c in calls if c.chat_id == ASKER_TWO["id"])
    told = [c.text for c in calls if c.chat_id == HELPER["id"]]
    assert told == ["Buurthuiskamer Spangen vraagt jullie niet meer om samen <b>Kerstdiner</b> te organiseren. "
                    "De uitnodiging is ingetrokken."]
    assert await coorganiser_status(bot, activity_id, world["b"]) == "withdrawn"
    assert await audited(bot, "together.invitation_withdrawn") == 1

    # A second tap on withdraw, and B's old "Ja, samen", change nothing and say why.
    calls = await bot.press(f"tc:w:{activity_id}:{world['b']}", ASKER)
    assert any("Deze uitnodiging is al ingetrokken." in c.text for c in calls)
    calls = await bot.press(invitation.callback_data("Ja, samen"), HELPER)
    assert any("Deze uitnodiging is ingetrokken. Er is niets veranderd." in c.text for c in calls)
    assert not [c for c in calls if c.chat_id == ASKER["id"]]
    assert await coorganiser_status(bot, activity_id, world["b"]) == "withdrawn"
    assert await audited(bot, "together.invitation_withdrawn") == 1
    calls = await bot.say(f"/start act-{activity_id}", HELPER)
    assert "Samen met" not in calls[-1].text and "✏️ Wijzigen" not in calls[-1].buttons()


async def test_a_co_organiser_leaves_the_activity(bot, world, clock):
    activity_id = await make_activity(bot, world)
    calls = await bot.press(f"tc:p:{activity_id}:{world['b']}", ASKER)
    invitation = [c for c in calls if c.chat_id == HELPER["id"]][0]
    await bot.press(invitation.callback_data("Ja, samen"), HELPER)
    # B's member sees the way out on the card; A's members do not (they posted it).
    card = (await bot.say(f"/start act-{activity_id}", HELPER))[-1]
    assert "🤝 Samen met: Moestuin West" in card.text and "🚪 Niet meer samen organiseren" in card.buttons()
    assert "🚪 Niet meer samen organiseren" not in (await bot.say(f"/start act-{activity_id}", ASKER))[-1].buttons()
    # Only B's members may make B leave: A's member, a resident and a forged initiative are refused.
    for forger, data in ((ASKER, f"tc:L:{activity_id}:{world['b']}"), (RESIDENT, f"tc:L:{activity_id}:{world['b']}"),
                         (HELPER, f"tc:L:{activity_id}:{world['a']}"), (HELPER, f"tc:L:{activity_id}:abc")):
        calls = await bot.press(data, forger)
        if data.endswith("abc"):
            assert not any("Oké" in c.text for c in calls)
        else:
            assert popup(calls) == "Dit mag je niet doen.", (forger["first_name"], data)
    assert await coorganiser_status(bot, activity_id, world["b"]) == "accepted"

    # /mijn of B lists it with the same way out.
    calls = await bot.say("/mijn", HELPER)
    calls = await bot.press(calls[-1].callback_data("Moestuin West"), HELPER)
    assert "Samen georganiseerd" in calls[-1].text and "🚪 Niet meer samen: Kerstdiner" in calls[-1].buttons()
    assert calls[-1].callback_data("Niet meer samen: Kerstdiner") == f"tc:l:{activity_id}:{world['b']}"

    calls = await bot.press(card.callback_data("Niet meer samen"), HELPER)
    question = calls[-1]
    assert "Wil je stoppen met samen organiseren van <b>Kerstdiner</b>?" in question.text
    assert question.buttons() == ["🚪 Ja, stoppen"]
    calls = await bot.press(question.callback_data("Ja, stoppen"), HELPER)
    assert any("Oké, jullie organiseren <b>Kerstdiner</b> niet meer samen." in c.text for c in calls if c.chat_id == HELPER["id"])
    told = sorted(c.chat_id for c in calls if "Moestuin West organiseert <b>Kerstdiner</b> niet meer samen met jullie." in c.text)
    assert told == sorted([ASKER["id"], ASKER_TWO["id"]])
    assert await coorganiser_status(bot, activity_id, world["b"]) == "left"
    assert await audited(bot, "together.coorganise_left") == 1

    # The card no longer names B, B's member can no longer edit, and tapping again changes nothing.
    card = (await bot.say(f"/start act-{activity_id}", HELPER))[-1]
    assert "Samen met" not in card.text and "✏️ Wijzigen" not in card.buttons() and "🚪 Niet meer samen organiseren" not in card.buttons()
    calls = await bot.press(f"ae:{activity_id}:title", HELPER)
    assert any("Dat mag je niet doen bij deze activiteit" in c.text for c in calls)
    calls = await bot.press(question.callback_data("Ja, stoppen"), HELPER)
    assert any("Jullie zijn gestopt met samen organiseren. Er is niets veranderd." in c.text for c in calls)
    assert not [c for c in calls if c.chat_id == ASKER["id"]]
    calls = await bot.press(invitation.callback_data("Ja, samen"), HELPER)  # the old invitation
    assert any("Jullie zijn gestopt met samen organiseren." in c.text for c in calls)
    assert await coorganiser_status(bot, activity_id, world["b"]) == "left"
    assert await audited(bot, "together.coorganise_left") == 1
    # /mijn of B no longer lists it under "Samen georganiseerd".
    calls = await bot.say("/mijn", HELPER)
    calls = await bot.press(calls[-1].callback_data("Moestuin West"), HELPER)
    assert "Kerstdiner" not in calls[-1].text and not any("Niet meer samen" in label for label in calls[-1].buttons())
    # B is not offered again in A's invite list (an initiative is invited once).
    calls = await bot.press(f"tc:i:{activity_id}", ASKER)
    assert "Moestuin West" not in calls[-1].buttons()


# -- 4. double taps and old buttons -------------------------------------------------------------


async def test_double_taps_and_old_buttons_change_nothing_twice(bot, world, clock):
    item_id = await post(bot, "Wie kan ons een partytent lenen?", "zaterdag")
    calls = await bot.press(f"tg:h:{item_id}", HELPER)
    card = [c for c in calls if c.chat_id == ASKER["id"]][0]
    # "Ik kan helpen" twice: one response, one card per member.
    calls = await bot.press(f"tg:h:{item_id}", HELPER)
    assert any("Je hebt hier al op gereageerd." in c.text for c in calls)
    assert not [c for c in calls if c.chat_id in (ASKER["id"], ASKER_TWO["id"])]
    assert await count(bot, TogetherResponse) == 1

    # "Accepteren" twice by the same member: the contacts go once; the second tap says it is done.
    calls = await bot.press(card.callback_data("Accepteren"), ASKER)
    assert sum("tg://user" in c.text for c in calls) == 2
    calls = await bot.press(card.callback_data("Accepteren"), ASKER)
    assert [c.text for c in bot.replies(calls)] == ["Deze reactie is al aangenomen. Er is niets veranderd."]
    calls = await bot.press(card.callback_data("Nee dank je"), ASKER_TWO)  # the other member's old card
    assert [c.text for c in bot.replies(calls)] == ["Deze reactie is al aangenomen. Er is niets veranderd."]
    assert await audited(bot, "together.accepted") == 1 and await audited(bot, "together.declined") == 0
    assert await count(bot, OutboxMessage, OutboxMessage.idempotency_key.startswith("decision:tgr:")) == 1

    # "Geregeld" twice: settled once, the group message edited once.
    bot.api.clear()
    await bot.press(f"tg:s:{item_id}", ASKER)
    calls = await bot.press(f"tg:s:{item_id}", ASKER_TWO)
    assert [c.text for c in bot.replies(calls)] == ["Dit is al geregeld. Er is niets veranderd."]
    assert len([c for c in bot.api.calls if c.method == "editMessageText" and c.chat_id == GROUP_X["id"]]) == 1
    assert await audited(bot, "together.settled") == 1

    # An old "Ik kan helpen" after settling, in the group and in the private chat: a clear answer.
    for chat in (GROUP_X, None):
        calls = await bot.press(f"tg:h:{item_id}", updates_user_c(), chat=chat)
        assert popup(calls) == "Dit is al geregeld. Reageren kan niet meer."
        assert "url" not in [c for c in calls if c.method == "answerCallbackQuery"][0].params
    assert await count(bot, TogetherResponse) == 1
    # "Verlengen" on a settled item: nothing.
    calls = await bot.press(f"tg:x:{item_id}", ASKER)
    assert any("Verlengen kan één keer" in c.text for c in calls)
    async with bot.session_factory() as session:
        item = await session.get(TogetherItem, item_id)
    assert item.status == "settled" and not item.extended


def updates_user_c() -> dict:
    """A member of initiative C (Speeltuin Oost), added by the test below."""
    from tests.fakes import updates

    return updates.user(8001, "Cem", "nl")


@pytest.fixture(autouse=True)
async def member_of_c(bot, world):  # noqa: ANN001
    from storage.models import InitiativeMember

    async with bot.session_factory.begin() as session:
        session.add(InitiativeMember(initiative_id=world["c"], user_id=8001, role="owner"))
    await bot.say("/start", updates_user_c())
    bot.api.clear()
