"""Whole journeys through the real application, across capabilities, as real people take them.

A volunteer registers an initiative and a resident finds it; a coordinator links a group, a member
posts activities, the digest links to them and a resident comes; an English speaker does both
journeys in English; every main keyboard button works from a fresh /start. Run with
KP_TRANSCRIPT=1 and -s to read the conversations as the people in them would.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import icalendar
import pytest
from sqlalchemy import select

from handlers.activities.reminders import job_name
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
from tests.harness import BotHarness, show_transcript

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
    through Services.clock."""

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
        return show_transcript(f"{self.user['first_name']}: {action}", calls)

    async def say(self, text: str) -> list:
        return self._show(text, await self.bot.say(text, self.user, self.chat))

    async def press(self, data: str) -> list:
        return self._show(f"[presses {data}]", await self.bot.press(data, self.user, self.chat))

    async def share_location(self, lat: float, lon: float) -> list:
        return self._show("[shares location]", await self.bot.send(updates.location(lat, lon, self.user, self.chat)))


def last(calls: list, method: str = "sendMessage"):
    return [call for call in calls if call.method == method][-1]


def first(calls: list, method: str = "sendMessage"):
    return [call for call in calls if call.method == method][0]


def to(calls: list, user: dict) -> list:
    return [call for call in calls if call.chat_id == user["id"] and call.method.startswith(("send", "edit"))]


def button(message, text: str) -> str:
    """callback_data of the inline button labelled exactly `text`."""
    return next(b["callback_data"] for b in message.inline_buttons() if b["text"] == text)


def popup(calls: list) -> str:
    return next(call.params.get("text") or "" for call in calls if call.method == "answerCallbackQuery")


@pytest.fixture
def clock(bot, monkeypatch) -> Clock:
    clock = Clock(datetime(2026, 12, 7, 11, 0, tzinfo=TZ))  # Monday morning
    bot.app.bot_data.clock = clock

    async def no_sleep(seconds: float) -> None:
        return None

    bot.app.bot_data.sleep = no_sleep
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
    assert "Klopt alles?" in summary.text and "ma, wo 10:00–16:00" in summary.text
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
    assert len([c for c in sent if c.method == "answerCallbackQuery"]) == 1  # answered once, not also as a stale button
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

    # The resident finds it: by sharing a location (exact; the pin on request) ...
    await resident.say("/start")
    calls = await resident.share_location(*SPANGEN)
    found = last(calls)
    assert card_entries(found.text) == ["Huiskamer Spangen"]
    assert "🕒 Nu open, tot 16:00" in found.text and "jouw locatie" in found.text
    more = last(await resident.press(found.callback_data("ℹ️ 1.")), "editMessageText")
    assert "🏠 Spangesekade 10, 3027 AB\n" in more.text  # postcode once
    # Its point is the postcode's centre (no geocoder here): no exact-looking pin, a map search instead.
    pinned = await resident.press(found.callback_data("📍"))
    assert not [c for c in pinned if c.method == "sendVenue"]
    assert "openstreetmap.org/search?query=Spangesekade+10" in last(pinned).text and "ongeveer" in last(pinned).text
    # ... by a Dutch sentence right after: the shared location is used, not asked again ...
    calls = await resident.say("waar is een buurthuiskamer bij mij in de buurt?")
    assert card_entries(last(calls).text) == ["Huiskamer Spangen"] and "jouw locatie" in last(calls).text
    # ... by typing the postcode, and by the sentence with a postcode.
    calls = await resident.say("3027")
    assert card_entries(last(calls).text) == ["Huiskamer Spangen"] and "ongeveer" in last(calls).text
    calls = await resident.say("buurthuiskamer 3027")
    assert card_entries(last(calls).text) == ["Huiskamer Spangen"] and not [c for c in calls if c.method == "sendVenue"]

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


async def seed_initiative(bot, network_id: int, member: dict = VOLUNTEER) -> int:
    """An approved initiative with its own place and opening hours (as the journey above leaves it)."""
    async with bot.session_factory.begin() as session:
        place = Location(name="Huiskamer Spangen", address="Spangesekade 10", postcode="3027 AB", city="Rotterdam",
                         latitude=51.9169, longitude=4.4361, buurt="Spangen")
        session.add(place)
        await session.flush()
        initiative = Initiative(name="Huiskamer Spangen", category="buurthuiskamer", status="active", location_id=place.id,
                                last_verified_at=datetime(2026, 11, 1, tzinfo=timezone.utc))
        session.add(initiative)
        await session.flush()
        session.add_all([
            InitiativeNetwork(initiative_id=initiative.id, network_id=network_id),
            InitiativeMember(initiative_id=initiative.id, user_id=member["id"], role="owner"),
            Schedule(initiative_id=initiative.id, weekday=0, opens_at="10:00", closes_at="16:00"),
        ])
        return initiative.id


async def post_activity(member: Person, title: str, when: str, description: str | None = None) -> tuple[str, int]:
    """/activiteit to the end; returns the read-back date and the new activity's id."""
    await member.say("/activiteit")
    readback = last(await member.say(title))
    assert "Wanneer is het?" in readback.text and "/stop" in readback.text
    readback = last(await member.say(when))
    assert readback.buttons() == ["✅ Klopt", "✏️ Anders"]
    await member.press("pw:ok")
    await member.press("pl:own")
    await member.say(description or "/overslaan")
    await member.say("/overslaan")
    await member.press("pc:free")
    published = await member.press("pp:ok")
    link = re.search(r"start=act-(\d+)", to(published, member.user)[0].text)
    assert to(published, member.user)[0].text.startswith("Je activiteit staat in de agenda!")
    return readback.text, int(link.group(1))


async def test_group_linked_activities_posted_digest_links_resident_comes_and_is_reminded(bot, clock):
    clock.set(datetime(2026, 12, 3, 10, 0, tzinfo=TZ))  # Thursday
    network_id = await seed_network(bot)
    await seed_initiative(bot, network_id)
    coordinator_in_group = Person(bot, COORDINATOR, GROUP)
    member, resident = Person(bot, VOLUNTEER), Person(bot, RESIDENT)

    # The coordinator adds the bot to the group and links it.
    hello = to(coordinator_in_group._show("[adds the bot]", await bot.send(updates.my_chat_member(GROUP, COORDINATOR))), GROUP)
    assert "/koppel" in hello[0].text
    offer = last(await coordinator_in_group.say("/koppel"))
    linked = last(await coordinator_in_group.press(offer.callback_data(NETWORK)), "editMessageText")
    assert f"gekoppeld aan {NETWORK}" in linked.text and "/digest_tijd" in linked.text
    answer = last(await coordinator_in_group.say("/digest_tijd vrijdag 09:00"))
    assert "elke vrijdag om 09:00" in answer.text

    # A member posts a one-off and a weekly activity in natural Dutch and sees the dates read back.
    said, market = await post_activity(member, "Kerstmarkt", "zaterdag 14:00 tot 16:00")
    assert "<b>zaterdag 5 december, 14:00 – 16:00</b>" in said
    said, coffee = await post_activity(member, "Koffie-ochtend", "elke dinsdag 10:00-12:00", "Koffie en een praatje.")
    assert "Elke dinsdag, 10:00 – 12:00 (de eerste keer: dinsdag 8 december, 10:00 – 12:00)" in said
    async with bot.session_factory() as session:
        rows = (await session.scalars(select(Activity).order_by(Activity.id))).all()
    assert [(a.id, a.title, a.rrule) for a in rows] == [(market, "Kerstmarkt", None), (coffee, "Koffie-ochtend", "FREQ=WEEKLY;BYDAY=TU")]

    # Friday 09:00 the digest job runs: both activities, each with its deep link.
    [job] = bot.app.job_queue.get_jobs_by_name(f"digest-group-{GROUP['id']}")
    fire = job.job.trigger.get_next_fire_time(None, clock.moment)
    assert fire == datetime(2026, 12, 4, 9, 0, tzinfo=TZ)
    clock.set(fire)
    bot.api.clear()
    await job.run(bot.app)
    await bot.drain()
    [digest] = bot.api.sent(GROUP["id"])
    assert f"<b>Deze week in {NETWORK}</b>" in digest.text
    assert f'<a href="https://t.me/knooppunt_test_bot?start=act-{market}">Kerstmarkt</a>' in digest.text
    assert f'<a href="https://t.me/knooppunt_test_bot?start=act-{coffee}">Koffie-ochtend</a>' in digest.text
    async with bot.session_factory() as session:
        assert (await session.get(GroupChat, GROUP["id"])).network_id == network_id

    # A resident taps the link, says "Ik kom", gets a calendar file and, a day before, a reminder.
    card = last(await resident.say(f"/start act-{coffee}"))
    assert "<b>Koffie-ochtend</b>" in card.text and "🔁 Elke dinsdag, 10:00 – 12:00" in card.text
    assert card.buttons()[:3] == ["🙋 Ik kom (0)", "📅 Zet in mijn agenda", "🧭 Route"]
    calls = await resident.press(card.callback_data("Ik kom"))
    assert to(calls, RESIDENT)[0].text.startswith("Fijn dat je komt op dinsdag 8 december!")
    assert "✅ Je komt op dinsdag 8 december – afmelden" in last(calls, "editMessageText").buttons()
    document = last(await resident.press(card.callback_data("Zet in mijn agenda")), "sendDocument")
    [(filename, content)] = document.files.values()
    assert filename.endswith(".ics")
    calendar = icalendar.Calendar.from_ical(content)
    [event] = [part for part in calendar.walk("VEVENT")]
    assert str(event["SUMMARY"]) == "Koffie-ochtend"
    assert event.decoded("DTSTART") == datetime(2026, 12, 8, 10, 0, tzinfo=TZ)
    assert event["RRULE"]["FREQ"] == ["WEEKLY"]
    assert "Spangesekade 10" in str(event["LOCATION"])

    [reminder_job] = bot.app.job_queue.get_jobs_by_name(job_name(coffee))
    assert reminder_job.job.trigger.run_date == datetime(2026, 12, 7, 10, 0, tzinfo=TZ)
    clock.set(reminder_job.job.trigger.run_date)
    bot.api.clear()
    await reminder_job.run(bot.app)
    await bot.drain()
    [reminder] = bot.api.sent(RESIDENT["id"])
    assert "Herinnering" in reminder.text and "Koffie-ochtend" in reminder.text
    assert "dinsdag 8 december 2026, 10:00 – 12:00" in reminder.text
    async with bot.session_factory() as session:
        assert (await session.scalars(select(ActivityRsvp.user_id))).all() == [RESIDENT["id"]]
        assert len((await session.scalars(select(ReminderSent))).all()) == 1


async def test_english_resident_sees_english_in_directory_and_agenda(bot, clock):
    clock.set(datetime(2026, 12, 3, 10, 0, tzinfo=TZ))  # Thursday
    network_id = await seed_network(bot)
    initiative_id = await seed_initiative(bot, network_id)
    async with bot.session_factory.begin() as session:
        location_id = (await session.get(Initiative, initiative_id)).location_id
        session.add(Activity(initiative_id=initiative_id, title="Koffie-ochtend", location_id=location_id, created_by=VOLUNTEER["id"],
                             starts_at=datetime(2026, 12, 1, 10, 0, tzinfo=TZ), ends_at=datetime(2026, 12, 1, 12, 0, tzinfo=TZ),
                             rrule="FREQ=WEEKLY;BYDAY=TU"))
    john = Person(bot, RESIDENT_EN)

    started = await john.say("/start")
    [greeting] = started  # one answer: the welcome, its keyboard and the other languages as links
    assert greeting.text.startswith("Hello John! 👋") and "Another language? Tap yours:\nNederlands /nl" in greeting.text
    assert greeting.buttons() == ["📍 What is nearby?", "📅 Events", "🔎 Search", "➕ Register an initiative", "❓ Help"]

    found = last(await john.share_location(*SPANGEN))
    assert "1. <b>Huiskamer Spangen</b> – Community living room" in found.text
    assert "your location" in found.text and "Closed" in found.text and "Monday" in found.text
    assert found.buttons() == ["ℹ️ 1. Huiskamer Spangen", "📍 Map", "🕒 Open now", "♿ Wheelchair", "🗣 Language",
                               "🗣 English"]  # speaks my language: one tap
    for dutch in ("Gesloten", "lopen", "dichtbij", "Nu open", "Buurthuiskamer"):
        assert dutch not in found.text + " ".join(found.buttons())

    menu = last(await john.say("/agenda"))
    assert all(word not in " ".join(menu.buttons()) for word in ("Vandaag", "Deze week", "Weekend"))
    listing = BotHarness.replies(await john.press(button(menu, "This week")))[-1]
    assert "Koffie-ochtend" in listing.text and "Deze week" not in listing.text
    card = BotHarness.replies(await john.press(listing.callback_data("Koffie")))[-1]
    assert "Every Tuesday" in card.text and "Tuesday 8 December 2026" in card.text
    assert card.buttons()[:3] == ["🙋 I'm coming (0)", "📅 Add to my calendar", "🧭 Directions"]
    calls = await john.press(card.callback_data("I'm coming"))
    thanks = to(calls, RESIDENT_EN)[0].text
    assert thanks.startswith("Great that you're coming on Tuesday 8 December!") and "/reminders" in thanks  # the English alias, not /herinneringen
    document = last(await john.press(card.callback_data("Add to my calendar")), "sendDocument")
    assert "Google" in document.text and "agenda" not in document.text.split("Google")[0].lower()


@pytest.mark.parametrize("language", ["nl", "en"])
async def test_every_main_keyboard_button_works_from_a_fresh_start(bot, clock, language):
    person = Person(bot, updates.user(5001, "Noor", language))
    keyboard = first(await person.say("/start")).reply_markup["keyboard"]  # then the language buttons
    nearby, (agenda, search), (register, help_button) = keyboard[0][0], keyboard[1], keyboard[2]
    assert nearby["request_location"] is True

    # The location button shares a location; where Telegram cannot, it sends its label as text.
    await seed_initiative(bot, await seed_network(bot))
    places = last(await person.share_location(*SPANGEN))
    assert card_entries(places.text) == ["Huiskamer Spangen"]
    asked = last(await person.say(nearby["text"]))
    assert ("Waar ben je?" if language == "nl" else "Where are you?") in asked.text
    assert asked.reply_markup["keyboard"][0][0]["request_location"] is True

    expected = {
        "nl": ["Wat zoek je?", "📅 <b>Agenda</b>", "Hoe heet je initiatief?", "<b>Zo werkt Knooppunt</b>"],
        "en": ["What are you looking for?", "📅 <b>Events</b>", "What is the name of your initiative?", "<b>How Knooppunt works</b>"],
    }[language]
    for label, text in zip((search["text"], agenda["text"], register["text"], help_button["text"]), expected, strict=True):
        answers = bot.reply_texts(await person.say(label))
        assert any(text in answer for answer in answers), (label, answers)
        await person.say("/stop")  # leave the registration again


@pytest.mark.parametrize("language", ["nl", "en"])
async def test_help_lists_every_command_grouped_residents_first(bot, language):
    """Someone with every role (admin, coordinator, volunteer) sees every block; residents: tests/test_resident_conversation.py."""
    from handlers import all_commands
    from tests.activity_seed import seed
    from tests.conftest import ADMIN_ID

    world = await seed(bot.session_factory)
    async with bot.session_factory.begin() as session:
        session.add_all([NetworkCoordinator(network_id=world.network_id, user_id=ADMIN_ID),
                         InitiativeMember(initiative_id=world.initiative_id, user_id=ADMIN_ID, role="editor")])
    [reply] = bot.replies(await bot.send(updates.command("help", sender=updates.user(ADMIN_ID, "Noor", language))))
    text = reply.text
    assert len(text) < 4096
    private = [item for item in all_commands() if item.private]
    for item in private:
        assert f"/{item.name(language)} – " in text
    headings = {"nl": ["Voor iedereen", "Voor vrijwilligers", "Voor coördinatoren", "Voor beheerders"],
                "en": ["For everyone", "For volunteers", "For coordinators", "For admins"]}[language]
    positions = [text.index(heading) for heading in headings]
    assert positions == sorted(positions)
    agenda, register, digest, manage = {"nl": ("/agenda", "/aanmelden", "/digest_tijd", "/beheer"),
                                        "en": ("/events", "/register", "/digest_time", "/admin")}[language]
    assert positions[0] < text.index(agenda) < positions[1] and positions[0] < text.index(register) < positions[1]  # for anyone
    assert positions[2] < text.index(digest) < positions[3] < text.index(manage)
    assert text.index("/digest_leeg" if language == "nl" else "/digest_empty") > positions[2]
    assert text.index("/digest_taal" if language == "nl" else "/digest_language") > positions[2]
    assert text.index("/bericht" if language == "nl" else "/announce") < positions[2]
    assert ("/terug" if language == "nl" else "/back") in text and "/stop" in text
    if language == "en":
        for dutch in ("/aanmelden", "/hulp", "/mijngegevens", "/vergeetmij", "/dichtbij", "/zoek", "/terug", "/digest_tijd"):
            assert dutch + " " not in text
        for dutch in ("Wat kan", "Meld je", "Voor iedereen", "Buurtplekken"):
            assert dutch not in text
