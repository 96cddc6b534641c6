"""Issue 18 review: decisions edit the other reviewers' cards through the outbox (issue 11's house
rule), and double taps and old buttons get a clear answer and change nothing twice.

A decision writes one `edit_text` row per sent card in the decision's transaction; the button
handler never edits a card itself, the outbox worker does, once. Through the real Application.
"""

from __future__ import annotations

from sqlalchemy import func, select

import pytest

from handlers.voice.moderation import card_edit_key, card_key
from storage.models import AuditEntry, Network, NetworkCoordinator
from storage.repositories import outbox
from storage.tables_outbox import OutboxMessage
from storage.tables_voice import VoiceProgress, VoiceSignal, VoiceSupport
from tests import test_voice_signals as signals
from tests.fakes import updates
from tests.test_governance_flow import COORDINATOR, OTHER_COORDINATOR, VOLUNTEER, register_until_confirm, seed_networks
from tests.test_voice_signals import FATIMA, KEES, SUPPORTERS, popup, rows, said, submit

bot = signals.bot  # networks Spangen (Kees) and Bospolder (Anouk), Fatima and three supporters

pytestmark = pytest.mark.storage

NOOR = updates.user(3103, "Noor", "tr")  # a second coordinator of Spangen, who reads Turkish
JAN = SUPPORTERS[0]


async def edit_rows(bot) -> list[OutboxMessage]:  # noqa: ANN001
    async with bot.session_factory() as session:
        return list(await session.scalars(select(OutboxMessage).where(OutboxMessage.method == "edit_text").order_by(OutboxMessage.chat_id)))


def edits(calls) -> list:  # noqa: ANN001
    return [c for c in calls if c.method == "editMessageText"]


async def with_noor(bot) -> None:  # noqa: ANN001
    async with bot.session_factory.begin() as session:
        spangen = await session.scalar(select(Network.id).where(Network.name == "Huiskamers Spangen"))
        session.add(NetworkCoordinator(network_id=spangen, user_id=NOOR["id"]))
    await bot.say("/taal", NOOR)


async def sent_cards(bot, signal_id: int) -> dict[int, int]:  # noqa: ANN001
    async with bot.session_factory() as session:
        return dict(await outbox.sent_messages(session, card_key(signal_id)))


async def test_a_decision_edits_the_other_coordinators_card_once_through_the_outbox(bot):
    await with_noor(bot)
    await submit(bot)
    [signal] = await rows(bot, VoiceSignal)
    cards = await sent_cards(bot, signal.id)
    assert set(cards) == {KEES["id"], NOOR["id"]}

    bot.auto_drain = False
    bot.api.clear()
    calls = await bot.press(f"vm:ok:{signal.id}", KEES, message_id=cards[KEES["id"]])
    assert "Gepubliceerd. Het staat nu op /stem" in said(calls, KEES["id"])
    assert edits(calls) == [], "the button handler only writes rows; the worker edits"
    pending = await edit_rows(bot)
    assert [(r.chat_id, r.message_id, r.status, r.idempotency_key) for r in pending] == [
        (chat, cards[chat], "pending", card_edit_key(signal.id, chat, cards[chat])) for chat in sorted(cards)]
    # A double press, and Noor pressing her own old card: already decided, no new rows.
    for person in (KEES, NOOR):
        calls = await bot.press(f"vm:ok:{signal.id}", person, message_id=cards[person["id"]])
        assert popup(calls) == {"nl": "Dit is al besloten.", "tr": "Buna zaten karar verildi."}[person["language_code"]]
        assert bot.replies(calls) == []
    assert len(await edit_rows(bot)) == 2

    drained = await bot.drain()
    done = {c.chat_id: c for c in edits(drained)}
    assert sorted(done) == sorted(cards) and len(edits(drained)) == 2
    assert int(done[NOOR["id"]].params["message_id"]) == cards[NOOR["id"]]
    assert "Kees" in done[NOOR["id"]].text and not done[NOOR["id"]].buttons()
    assert "Gepubliceerd door Kees" in done[KEES["id"]].text and not done[KEES["id"]].buttons()
    assert [r.status for r in await edit_rows(bot)] == ["sent", "sent"]
    assert edits(await bot.drain()) == [], "nothing is edited twice"
    async with bot.session_factory() as session:
        published = await session.scalar(select(func.count()).select_from(AuditEntry).where(AuditEntry.action == "signal_publish"))
    assert published == 1


async def test_an_approval_edits_the_other_coordinators_card_once_through_the_outbox(bot):
    network_id, _other = await seed_networks(bot)
    await register_until_confirm(bot, network_id)
    calls = await bot.press("reg:send", VOLUNTEER)
    cards = {c.chat_id: c for c in calls if c.method == "sendMessage" and c.chat_id in (COORDINATOR["id"], OTHER_COORDINATOR["id"])}
    assert set(cards) == {COORDINATOR["id"], OTHER_COORDINATOR["id"]}
    approve = cards[COORDINATOR["id"]].callback_data("Goedkeuren")

    bot.auto_drain = False
    bot.api.clear()
    calls = await bot.press(approve, COORDINATOR)
    assert edits(calls) == [], "the button handler only writes rows; the worker edits"
    assert any("Je besluit is bewaard" in c.text for c in bot.replies(calls))
    assert [(r.chat_id, r.status) for r in await edit_rows(bot)] == sorted((chat, "pending") for chat in cards)
    calls = await bot.press(approve, COORDINATOR)  # a double press
    assert "al besloten" in calls[0].params.get("text", "") or any("al besloten" in c.text for c in bot.replies(calls))
    assert len(await edit_rows(bot)) == 2

    drained = edits(await bot.drain())
    assert sorted(c.chat_id for c in drained) == sorted(cards)
    assert all("Goedgekeurd door Kees" in c.text and not c.buttons() for c in drained)
    assert edits(await bot.drain()) == [], "nothing is edited twice"


async def test_old_support_buttons_and_double_taps_change_nothing_twice(bot):
    await submit(bot)
    await submit(bot, text="Graag een bankje bij de speeltuin, voor de opa's en oma's.")
    await submit(bot, text="Mijn buurman op nummer 12 is een idioot, doe er wat aan.")
    first, twin, rude = await rows(bot, VoiceSignal)
    await bot.press(f"vm:ok:{first.id}", KEES)
    again = await bot.press(f"vm:ok:{first.id}", KEES)  # publishing twice
    assert popup(again) == "Dit is al besloten." and bot.replies(again) == []

    # Jan opens the idea and double-taps 👍: he supports it once, and is told so.
    shown = signals.last(await bot.say(f"/start stem-{first.id}", JAN))
    support = shown.callback_data("Ik steun dit")
    assert popup(await bot.press(support, JAN)) == "👍 Je steunt dit idee nu. Dank je!"
    assert popup(await bot.press(support, JAN)) == "Je steunt dit idee al."
    assert [(s.signal_id, s.user_id) for s in await rows(bot, VoiceSupport)] == [(first.id, JAN["id"])]
    # Withdrawing from the redrawn message, twice.
    redrawn = signals.last(await bot.say(f"/start stem-{first.id}", JAN))
    withdraw = redrawn.callback_data("Je steunt dit")
    assert popup(await bot.press(withdraw, JAN)) == "Je steun is ingetrokken."
    assert popup(await bot.press(withdraw, JAN)) == "Je steunt dit idee niet. Er is niets veranderd."
    assert await rows(bot, VoiceSupport) == []
    # The same in the /stem list.
    listed = signals.last(await bot.say("/stem", JAN))
    in_list = listed.callback_data("Ik steun 1")
    await bot.press(in_list, JAN)
    assert popup(await bot.press(in_list, JAN)) == "Je steunt dit idee al."
    assert len(await rows(bot, VoiceSupport)) == 1

    # Buttons for ideas that were merged or declined (an old message, a forwarded link).
    await bot.press(f"vm:no:{rude.id}", KEES)
    await bot.press(f"vm:r:{rude.id}:b", KEES)
    await bot.press(f"vm:mg:{twin.id}", KEES)
    await bot.press(f"vm:in:{twin.id}:{first.id}", KEES)
    supported_before = [(s.signal_id, s.user_id) for s in await rows(bot, VoiceSupport)]
    for data in (f"vs:A:{twin.id}", f"vs:o:{twin.id}", f"vs:a:{twin.id}:0:0:0"):
        assert popup(await bot.press(data, JAN)).startswith("Dit idee is samengevoegd met een ander idee."), data
    for data in (f"vs:A:{rude.id}", f"vs:o:{rude.id}", f"vs:a:{rude.id}:0:0:0"):
        assert popup(await bot.press(data, JAN)) == "Dit idee staat niet (meer) op /stem.", data
    assert [(s.signal_id, s.user_id) for s in await rows(bot, VoiceSupport)] == supported_before


async def test_an_old_progress_button_and_a_double_save_change_nothing_twice(bot):
    await submit(bot)
    [signal] = await rows(bot, VoiceSignal)
    await bot.press(f"vm:ok:{signal.id}", KEES)
    shown = signals.last(await bot.say(f"/start stem-{signal.id}", KEES))
    progress = shown.callback_data("Voortgang toevoegen")
    calls = await bot.press(progress, KEES)
    await bot.press(signals.last(calls).callback_data("Gerealiseerd"), KEES)
    calls = await bot.say("Het bankje staat er. Dank voor het idee!", KEES)
    save = signals.last(calls).callback_data("persoon")
    calls = await bot.press(save, KEES)
    assert any("Bewaard. 1 persoon krijgt bericht." in c.text for c in bot.replies(calls) if c.chat_id == KEES["id"])
    assert [c.chat_id for c in calls if c.method == "sendMessage" and c.chat_id != KEES["id"]] == [FATIMA["id"]]
    # The same save button again: a clear answer, no second step, nobody hears it twice.
    calls = await bot.press(save, KEES)
    assert popup(calls) == "Deze knop werkt niet meer. Begin opnieuw met /start."
    assert [c for c in calls if c.method == "sendMessage" and c.chat_id == FATIMA["id"]] == []
    assert len(await rows(bot, VoiceProgress)) == 1
    # An old status button from the finished conversation.
    calls = await bot.press("vp:s:gerealiseerd", KEES)
    assert popup(calls) == "Deze knop werkt niet meer. Begin opnieuw met /start."
    assert len(await rows(bot, VoiceProgress)) == 1


async def test_a_decision_and_its_card_edits_are_one_transaction(bot, monkeypatch):
    await with_noor(bot)
    await submit(bot)
    [signal] = await rows(bot, VoiceSignal)
    bot.auto_drain = False

    async def broken(*args, **kwargs) -> bool:  # noqa: ANN002, ANN003
        raise RuntimeError("the database refused the outbox row")

    monkeypatch.setattr(outbox, "enqueue_edit", broken)
    await bot.press(f"vm:ok:{signal.id}", KEES)
    [still] = await rows(bot, VoiceSignal)
    assert still.status == "submitted" and still.decided_by is None, "no edit rows, no decision"
    assert await edit_rows(bot) == []
    monkeypatch.undo()
    await bot.press(f"vm:ok:{signal.id}", KEES)
    [decided] = await rows(bot, VoiceSignal)
    assert decided.status == "published" and len(await edit_rows(bot)) == 2
