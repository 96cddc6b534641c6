"""Whole journeys through the real application, across capabilities, as real people take them.

A volunteer registers an initiative and a resident finds it; a coordinator links a group, a member
posts activities, the digest links to them and a resident comes; an English speaker does both
journeys in English; every main keyboard button works from a fresh /start. Run with
KP_TRANSCRIPT=1 and -s to read the conversations as the people in them would.
"""

from __future__ import annotations

import os
import re
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import icalendar
import pytest
from sqlalchemy import select

import handlers.directory
from handlers.activity_reminders import job_name
from storage.models import (
    Activity,
    AuditEntry,
    GroupChat,
    Initiative,
    InitiativeMember,
    InitiativeNetwork,
    Location,
    Network,
    NetworkCoordinator,
    Schedule,
)
from storage.tables_activities import ActivityRsvp, ReminderSent
from storage.tables_governance import RegistrationDraft
from tests.fakes import updates
from tests.harness import BotHarness

pytestmark = pytest.mark.storage

TZ = ZoneInfo("Europe/Amsterdam")
VOLUNTEER = updates.user(2001, "Samira", "nl")
COORDINATOR = updates.user(3001, "Kees", "nl")
STRANGER = updates.user(4001, "Mallory", "nl")
RESIDENT = updates.RESIDENT
RESIDENT_EN = updates.RESIDENT_EN
GROUP = updates.group_chat(-100500, "Buren Spangen")
SPANGEN = (51.9170, 4.4360)
NETWORK = "Buurthuiskamers Delfshaven"


class Clock:
    """One "now" for every module: activities and digests read it from bot_data, the directory
    through handlers.directory.current_time."""

    def __init__(self, moment: datetime) -> None:
        self.moment = moment.astimezone(timezone.utc)

    def __call__(self) -> datetime:
        return self.moment

    def set(self, moment: datetime) -> None:
        self.moment = moment.astimezone(timezone.utc)


class Person:
    """Someone talking to the bot: says, presses, shares a location; prints the transcript on request."""

    def __init__(self, bot: BotHarness, user: dict, chat: dict | None = None) -> None:
        self.bot, self.user, self.chat = bot, user, chat

    def _show(self, action: str, calls: list) -> list:
        if os.environ.get("KP_TRANSCRIPT"):
            print(f"\n>> {self.user['first_name']}: {action}")
            for call in calls:
                if call.method == "answerCallbackQuery" and call.params.get("text"):
                    print(f"   (popup) {call.params['text']}")
                elif call.method.startswith(("send", "edit")):
                    print(f"   [{call.chat_id}] {call.method}: {call.text or call.params.get('title', '')}")
                    if call.buttons():
                        print(f"      buttons: {call.buttons()}")
        return calls

    async def say(self, text: str) -> list:
        return self._show(text, await self.bot.say(text, self.user, self.chat))

    async def press(self, data: str) -> list:
        return self._show(f"[presses {data}]", await self.bot.press(data, self.user, self.chat))

    async def share_location(self, lat: float, lon: float) -> list:
        return self._show("[shares location]", await self.bot.send(updates.location(lat, lon, self.user, self.chat)))


def last(calls: list, method: str = "sendMessage"):
    return [call for call in calls if call.method == method][-1]


def to(calls: list, user: dict) -> list:
    return [call for call in calls if call.chat_id == user["id"] and call.method.startswith(("send", "edit"))]


def popup(calls: list) -> str:
    return next(call.params.get("text") or "" for call in calls if call.method == "answerCallbackQuery")


@pytest.fixture
def clock(bot, monkeypatch) -> Clock:
    clock = Clock(datetime(2026, 12, 7, 11, 0, tzinfo=TZ))  # Monday morning
    bot.app.bot_data.extras["clock"] = clock
    monkeypatch.setattr(handlers.directory, "current_time", clock)

    async def no_sleep(seconds: float) -> None:
        return None

    bot.app.bot_data.extras["sleep"] = no_sleep
    return clock


async def seed_network(bot) -> int:
    async with bot.session_factory.begin() as session:
        network = Network(name=NETWORK)
        session.add(network)
        await session.flush()
        session.add(NetworkCoordinator(network_id=network.id, user_id=COORDINATOR["id"]))
        return network.id


async def register_initiative(volunteer: Person, network_id: int) -> list:
    """Step by step, going back once; returns what pressing Versturen caused."""
    text = volunteer.bot.reply_texts(await volunteer.say("/aanmelden"))
    assert "Hoe heet je initiatief?" in text[-1] and "/stop" in text[-1]
    assert "Wat voor soort" in last(await volunteer.say("Huiskamer Spangen")).text
    calls = await volunteer.press("reg:cat:buurthuiskamer")
    assert "Vertel in een paar zinnen" in last(calls).text and "/terug" in last(calls).text
    calls = await volunteer.say("/terug")
    assert "Wat voor soort" in last(calls).text
    await volunteer.press("reg:cat:buurthuiskamer")
    calls = await volunteer.say("Koffie, thee en een praatje voor iedereen uit de buurt.")
    assert "Bij welke netwerken" in last(calls).text and last(calls).buttons() == [f"▫️ {NETWORK}", "Klaar ✔️"]
    await volunteer.press(f"reg:net:{network_id}")
    assert "Waar is het?" in last(await volunteer.press("reg:net:done")).text
    calls = await volunteer.say("Spangesekade 10, 3027 AB")
    pin = last(calls, "sendVenue")
    assert pin.params["title"] == "Huiskamer Spangen"
    assert pin.params["address"].count("3027 AB") == 1  # the typed postcode is not repeated
    await volunteer.press("reg:place:ok")
    await volunteer.say("010 123 4567")
    await volunteer.press("reg:skip")
    assert "Wanneer zijn jullie open?" in last(await volunteer.press("reg:skip")).text
    calls = await volunteer.say("ma en wo 10-16")
    assert "Welke talen" in last(calls).text
    await volunteer.press("reg:lang:nl")
    await volunteer.press("reg:lang:done")
    summary = last(await volunteer.press("reg:wc:yes"))
    assert "Klopt alles?" in summary.text and "maandag 10:00-16:00" in summary.text
    return await volunteer.press("reg:send")


def card_entries(text: str) -> list[str]:
    return re.findall(r"^\d+\. <b>(.+?)</b>", text, flags=re.MULTILINE)


async def test_volunteer_registers_coordinator_approves_resident_finds_it_owner_edits_hours(bot, clock):
    network_id = await seed_network(bot)
    volunteer, coordinator, stranger = Person(bot, VOLUNTEER), Person(bot, COORDINATOR), Person(bot, STRANGER)
    resident = Person(bot, RESIDENT)

    # A first attempt from the keyboard button, cancelled with /stop: nothing kept.
    await volunteer.say("/start")
    await volunteer.say("➕ Initiatief aanmelden")
    await volunteer.say("Iets anders")
    stopped = last(await volunteer.say("/stop"))
    assert "Gestopt" in stopped.text and "/aanmelden" in stopped.text
    assert "📍 Wat is er dichtbij?" in stopped.buttons()  # back to the main keyboard, not a dead end
    async with bot.session_factory() as session:
        assert (await session.scalars(select(RegistrationDraft))).all() == []

    sent = await register_initiative(volunteer, network_id)
    assert "Dank je! Je aanmelding is verstuurd" in to(sent, VOLUNTEER)[-1].text
    assert [c for c in sent if c.method == "answerCallbackQuery"] and len([c for c in sent if c.method == "answerCallbackQuery"]) == 1
    [card] = to(sent, COORDINATOR)
    assert "Nieuwe aanmelding" in card.text and card.buttons() == ["✅ Goedkeuren", "❌ Afwijzen"]
    approve = card.callback_data("Goedkeuren")

    # A stranger forges the approval: refused politely, nothing changes, recorded.
    forged = await stranger.press(approve)
    assert popup(forged) == "Dit mag je niet doen."
    assert to(forged, VOLUNTEER) == []
    async with bot.session_factory() as session:
        assert (await session.scalars(select(Initiative.status))).one() == "pending"

    approved = await coordinator.press(approve)
    assert "Goedgekeurd door Kees" in last(approved, "editMessageText").text
    told = to(approved, VOLUNTEER)[-1]
    assert "is goedgekeurd" in told.text and "/mijn" in told.text
    async with bot.session_factory() as session:
        initiative = (await session.scalars(select(Initiative))).one()
        assert initiative.status == "active"
        denied = (await session.scalars(select(AuditEntry).where(AuditEntry.action == "denied"))).all()
        assert [(d.actor_id, d.detail["attempted"]) for d in denied] == [(STRANGER["id"], "approve")]

    # The resident finds it: by sharing a location (exact, with a pin) ...
    await resident.say("/start")
    calls = await resident.share_location(*SPANGEN)
    found = last(calls)
    assert card_entries(found.text) == ["Huiskamer Spangen"]
    assert "🕒 Nu open, tot 16:00" in found.text and "jouw locatie" in found.text
    assert "🏠 Spangesekade 10, 3027 AB\n" in found.text  # postcode once
    assert last(calls, "sendVenue").params["title"] == "Huiskamer Spangen"
    # ... by a Dutch sentence right after: the shared location is used, not asked again ...
    calls = await resident.say("waar is een buurthuiskamer bij mij in de buurt?")
    assert card_entries(last(calls).text) == ["Huiskamer Spangen"] and "jouw locatie" in last(calls).text
    # ... by typing the postcode, and by the sentence with a postcode.
    calls = await resident.say("3027")
    assert card_entries(last(calls).text) == ["Huiskamer Spangen"] and "ongeveer" in last(calls).text
    calls = await resident.say("buurthuiskamer 3027")
    assert card_entries(last(calls).text) == ["Huiskamer Spangen"] and last(calls, "sendVenue")

    # The owner changes the opening hours through /mijn.
    mine = last(await volunteer.say("/mijn"))
    shown = last(await volunteer.press(mine.callback_data("Huiskamer Spangen")))
    fields = last(await volunteer.press(shown.callback_data("Wijzigen")))
    ask = last(await volunteer.press(fields.callback_data("Openingstijden")))
    assert "openingstijden" in ask.text and "/stop" in ask.text
    saved = await volunteer.say("ma 13-17")
    assert "Bewaard" in to(saved, VOLUNTEER)[0].text
    assert "Openingstijden" in to(saved, COORDINATOR)[0].text  # the coordinator hears of it
    async with bot.session_factory() as session:
        schedules = (await session.scalars(select(Schedule))).all()
        assert [(s.weekday, s.opens_at, s.closes_at) for s in schedules] == [(0, "13:00", "17:00")]

    # The resident's next answer shows the new status.
    calls = await resident.share_location(*SPANGEN)
    assert "🕒 Gesloten. Vandaag open vanaf 13:00" in last(calls).text


async def test_expired_registration_still_answers_the_message(bot, clock):
    network_id = await seed_network(bot)
    volunteer = Person(bot, VOLUNTEER)
    await volunteer.say("/aanmelden")
    await volunteer.say("Huiskamer Spangen")
    await volunteer.press("reg:cat:buurthuiskamer")  # now asked for a description
    async with bot.session_factory.begin() as session:
        draft = await session.get(RegistrationDraft, VOLUNTEER["id"])
        draft.updated_at = datetime.now(timezone.utc) - timedelta(days=2)
    # Two days later she asks the bot something else: told once that the draft expired, then answered.
    calls = await volunteer.say("3027")
    texts = bot.reply_texts(calls)
    assert "Je aanmelding is verlopen" in texts[0]
    assert len(texts) >= 2 and "3027" not in texts[0] and "Spangen" in texts[1]
    assert network_id
    async with bot.session_factory() as session:
        assert await session.get(RegistrationDraft, VOLUNTEER["id"]) is None
    # The next message is not told again.
    texts = bot.reply_texts(await volunteer.say("3027"))
    assert not any("verlopen" in text for text in texts)
