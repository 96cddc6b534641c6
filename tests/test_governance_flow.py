"""Issue 4 end to end: register step by step, approve, edit, restart, forged presses."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from bot.app import build_application
from storage.models import AuditEntry, Initiative, InitiativeMember, Location, Network, NetworkCoordinator, Schedule
from storage.tables_governance import RegistrationDraft
from tests.fakes import updates
from tests.fakes.bot_api import FakeBotAPI
from tests.harness import BotHarness

pytestmark = pytest.mark.storage

VOLUNTEER = updates.user(2001, "Samira", "nl")
COORDINATOR = updates.user(3001, "Kees", "nl")
OTHER_COORDINATOR = updates.user(3002, "Anouk", "nl")
STRANGER = updates.user(4001, "Mallory", "nl")


async def seed_networks(bot) -> tuple[int, int]:
    async with bot.session_factory.begin() as session:
        one, two = Network(name="Buurthuiskamers Delfshaven"), Network(name="Taal in de Wijk")
        session.add_all([one, two])
        await session.flush()
        session.add_all([
            NetworkCoordinator(network_id=one.id, user_id=COORDINATOR["id"]),
            NetworkCoordinator(network_id=one.id, user_id=OTHER_COORDINATOR["id"]),
        ])
        return one.id, two.id


def last(calls, method: str = "sendMessage"):
    return [c for c in calls if c.method == method][-1]


async def register_until_confirm(bot, network_id: int, sender=VOLUNTEER) -> None:
    """Name to summary, with /terug once on the way."""
    calls = await bot.say("/aanmelden", sender)
    assert "Hoe heet je initiatief?" in last(calls).text and "/stop" in last(calls).text
    calls = await bot.say("Huiskamer Spangen", sender)
    assert "Wat voor soort" in last(calls).text and "/terug" in last(calls).text
    await bot.press(last(calls).callback_data("Buurthuiskamer"), sender)
    calls = await bot.say("/terug", sender)  # back to the category question
    assert "Wat voor soort" in last(calls).text
    calls = await bot.press(last(calls).callback_data("Buurthuiskamer"), sender)
    assert "Vertel in een paar zinnen" in last(calls).text
    calls = await bot.say("Koffie, thee en een praatje voor iedereen uit de buurt.", sender)
    assert "Bij welke netwerken" in last(calls).text
    card = last(calls)
    await bot.press(f"reg:net:{network_id}", sender)
    calls = await bot.press("reg:net:done", sender)
    assert "Waar is het?" in last(calls).text
    calls = await bot.say("Spangesekade 10, 3027 AB", sender)
    venue = last(calls, "sendVenue")
    assert venue.params["title"] == "Huiskamer Spangen"
    assert "Klopt deze plek?" in last(calls).text
    calls = await bot.press("reg:place:ok", sender)
    assert "telefoonnummer" in last(calls).text
    calls = await bot.say("abc", sender)
    assert "geen telefoonnummer" in last(calls).text
    calls = await bot.say("010 123 4567", sender)
    assert "e-mailadres" in last(calls).text
    calls = await bot.press("reg:skip", sender)
    assert "website" in last(calls).text
    calls = await bot.say("www.huiskamerspangen.nl", sender)
    assert "Wanneer zijn jullie open?" in last(calls).text
    calls = await bot.say("ma en wo 10-16, za 12-17", sender)
    assert "Welke talen" in last(calls).text
    await bot.press("reg:lang:nl", sender)
    await bot.press("reg:lang:ar", sender)
    calls = await bot.press("reg:lang:done", sender)
    assert "rolstoel" in last(calls).text
    calls = await bot.press("reg:wc:yes", sender)
    summary = last(calls)
    assert "Klopt alles?" in summary.text
    assert "Huiskamer Spangen" in summary.text and "Buurthuiskamers Delfshaven" in summary.text
    assert "ma, wo 10:00–16:00" in summary.text and "za 12:00–17:00" in summary.text
    assert "Versturen" in summary.buttons()[0]
    assert card is not None


async def test_register_approve_and_owner_is_told(bot):
    network_id, _other = await seed_networks(bot)
    # Once cancelled with /stop: nothing kept.
    await bot.say("/aanmelden", VOLUNTEER)
    await bot.say("Iets anders", VOLUNTEER)
    calls = await bot.say("/stop", VOLUNTEER)
    assert "Gestopt" in last(calls).text
    async with bot.session_factory() as session:
        assert (await session.scalars(select(RegistrationDraft))).all() == []

    await register_until_confirm(bot, network_id)
    calls = await bot.press("reg:send", VOLUNTEER)
    assert any("Dank je! Je aanmelding is verstuurd" in c.text for c in bot.replies(calls))
    cards = [c for c in calls if c.method == "sendMessage" and c.chat_id in (COORDINATOR["id"], OTHER_COORDINATOR["id"])]
    assert {c.chat_id for c in cards} == {COORDINATOR["id"], OTHER_COORDINATOR["id"]}
    approve = cards[0].callback_data("Goedkeuren")
    async with bot.session_factory() as session:
        initiative = (await session.scalars(select(Initiative))).one()
        assert initiative.status == "pending"

    # A stranger presses a copied approve button: refused, nothing changes, recorded.
    calls = await bot.press(approve, STRANGER)
    assert calls[0].method == "answerCallbackQuery" and "mag je niet" in calls[0].params["text"]
    async with bot.session_factory() as session:
        assert (await session.get(Initiative, initiative.id)).status == "pending"
        denied = (await session.scalars(select(AuditEntry).where(AuditEntry.action == "denied"))).all()
        assert [(d.actor_id, d.detail["attempted"]) for d in denied] == [(STRANGER["id"], "approve")]

    calls = await bot.press(approve, COORDINATOR)
    edits = [c for c in calls if c.method == "editMessageText"]
    assert {c.chat_id for c in edits} == {COORDINATOR["id"], OTHER_COORDINATOR["id"]}
    assert all("Goedgekeurd door Kees" in c.text for c in edits)
    told = [c for c in calls if c.chat_id == VOLUNTEER["id"] and c.method == "sendMessage"]
    assert "is goedgekeurd" in told[-1].text

    # The other coordinator presses too late: refused as already decided, audited.
    calls = await bot.press(approve, OTHER_COORDINATOR)
    assert "al besloten" in calls[0].params["text"]

    async with bot.session_factory() as session:
        initiative = await session.get(Initiative, initiative.id)
        assert initiative.status == "active" and initiative.last_verified_at is not None
        location = await session.get(Location, initiative.location_id)
        assert location.postcode == "3027 AB" and location.approximate
        schedules = (await session.scalars(select(Schedule).order_by(Schedule.weekday))).all()
        assert [(s.weekday, s.opens_at, s.closes_at) for s in schedules] == [(0, "10:00", "16:00"), (2, "10:00", "16:00"), (5, "12:00", "17:00")]
        owner = await session.get(InitiativeMember, (initiative.id, VOLUNTEER["id"]))
        assert owner.role == "owner"
        actions = [e.action for e in (await session.scalars(select(AuditEntry).order_by(AuditEntry.id))).all()]
        assert actions == ["register", "denied", "approve", "denied"]


async def test_restart_in_the_middle_loses_nothing(bot, settings):
    _network_id, _other = await seed_networks(bot)
    await bot.say("/aanmelden", VOLUNTEER)
    await bot.say("Taalcafé De Brug", VOLUNTEER)
    await bot.press("reg:cat:taalcafe", VOLUNTEER)
    await bot.app.shutdown()

    api = FakeBotAPI()
    second = build_application(settings, request=api, rate_limiter=False)
    await second.initialize()
    await second.post_init(second)
    try:
        harness = BotHarness(second, api)
        calls = await harness.say("Samen Nederlands oefenen bij een kop koffie.", VOLUNTEER)
        assert "Bij welke netwerken" in last(calls).text
        async with harness.session_factory() as session:
            draft = await session.get(RegistrationDraft, VOLUNTEER["id"])
            assert draft.step == "networks" and draft.data["name"] == "Taalcafé De Brug" and draft.data["category"] == "taalcafe"
    finally:
        await second.shutdown()
    await bot.app.initialize()  # the fixture shuts it down again


async def test_register_button_group_pointer_and_first_step_back(bot):
    calls = await bot.say("➕ Initiatief aanmelden", VOLUNTEER)
    assert "Hoe heet je initiatief?" in last(calls).text
    calls = await bot.say("/terug", VOLUNTEER)
    assert "eerste vraag" in bot.replies(calls)[0].text
    calls = await bot.say("x" * 81, VOLUNTEER)
    assert "hoogstens 80 tekens" in last(calls).text
    group = updates.group_chat()
    calls = await bot.send(updates.command("aanmelden", chat=group, sender=STRANGER))
    assert "privégesprek" in bot.replies(calls)[0].text
