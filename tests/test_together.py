"""Vraag & aanbod between initiatives, and activities organised together, through the real Application."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from handlers.groups import digest_jobs
from handlers.together.exchange import expiry_round
from storage.models import Activity, AuditEntry, GroupChat, Initiative, InitiativeMember, InitiativeNetwork, Network, NetworkCoordinator
from storage.repositories import personal_data, retention
from storage.tables_together import ActivityCoorganiser, TogetherItem, TogetherResponse
from tests.fakes import updates

pytestmark = pytest.mark.storage  # runs on PostgreSQL too (TEST_DATABASE_URL)

AMS = ZoneInfo("Europe/Amsterdam")
NOW = datetime(2026, 12, 3, 9, 0, tzinfo=AMS)  # Thursday

ASKER = updates.user(5001, "Ans", "nl", username="ans_buurt")  # member of A
ASKER_TWO = updates.user(5002, "Bas", "nl")  # also member of A
HELPER = updates.user(6001, "Karim", "nl", username="karim_b")  # member of B
COORDINATOR = updates.user(7001, "Cor", "nl")
RESIDENT = updates.RESIDENT
GROUP_X = updates.group_chat(-100700, "Netwerk West groep")
GROUP_Y = updates.group_chat(-100800, "Netwerk Oost groep")


class Clock:
    def __init__(self, moment: datetime) -> None:
        self.moment = moment.astimezone(timezone.utc)

    def __call__(self) -> datetime:
        return self.moment


@pytest.fixture
def clock(bot) -> Clock:
    clock = Clock(NOW)
    bot.app.bot_data.clock = clock
    return clock


@pytest.fixture
async def world(bot, clock) -> dict:
    """Network X (West, one group) with initiatives A and B; network Y (Oost, one group) with B only."""
    async with bot.session_factory.begin() as session:
        west, oost = Network(name="Netwerk West"), Network(name="Netwerk Oost")
        session.add_all([west, oost])
        await session.flush()
        a = Initiative(name="Buurthuiskamer Spangen", category="buurthuiskamer", status="active")
        b = Initiative(name="Moestuin West", category="groenplek", status="active")
        c = Initiative(name="Speeltuin Oost", category="speeltuin", status="active")
        session.add_all([a, b, c])
        await session.flush()
        session.add_all([
            InitiativeNetwork(initiative_id=a.id, network_id=west.id),
            InitiativeNetwork(initiative_id=b.id, network_id=west.id),
            InitiativeNetwork(initiative_id=b.id, network_id=oost.id),
            InitiativeNetwork(initiative_id=c.id, network_id=oost.id),
            InitiativeMember(initiative_id=a.id, user_id=ASKER["id"], role="owner"),
            InitiativeMember(initiative_id=a.id, user_id=ASKER_TWO["id"], role="editor"),
            InitiativeMember(initiative_id=b.id, user_id=HELPER["id"], role="owner"),
            NetworkCoordinator(network_id=west.id, user_id=COORDINATOR["id"]),
            GroupChat(chat_id=GROUP_X["id"], title="Netwerk West groep", network_id=west.id, active=True),
            GroupChat(chat_id=GROUP_Y["id"], title="Netwerk Oost groep", network_id=oost.id, active=True),
        ])
        await session.flush()
        ids = {"west": west.id, "oost": oost.id, "a": a.id, "b": b.id, "c": c.id}
    # Everyone has started the bot once (so the outbox may write to them).
    for person in (ASKER, ASKER_TWO, HELPER, COORDINATOR, RESIDENT):
        await bot.say("/start", person)
    bot.api.clear()
    return ids


async def post_partytent(bot, ids: dict) -> int:
    """A asks for a partytent until Saturday, in its own network (West)."""
    calls = await bot.say("/vraag", ASKER)
    assert "Wat zoek je?" in calls[-1].text
    await bot.press(calls[-1].callback_data("Spullen lenen"), ASKER)
    calls = await bot.say("Wie kan ons zaterdag een partytent lenen?", ASKER)
    assert "Tot wanneer" in calls[-1].text
    calls = await bot.say("zaterdag", ASKER)
    question = calls[-1]
    assert "Welke netwerken" in question.text
    assert "✅ Netwerk West" in question.buttons() and "▫️ Netwerk Oost" in question.buttons()
    calls = await bot.press("tq:n:done", ASKER)
    readback = calls[-1].text
    assert "Buurthuiskamer Spangen" in readback and "partytent" in readback and "zaterdag 5 december" in readback
    assert "Netwerk West" in readback and "Netwerk Oost" not in readback
    calls = await bot.press(calls[-1].callback_data("Plaatsen"), ASKER)
    async with bot.session_factory() as session:
        item = await session.scalar(select(TogetherItem))
    return item.id, calls


async def test_ask_help_accept_settle_journey(bot, world, clock):
    item_id, calls = await post_partytent(bot, world)
    assert any("Geplaatst! Het gaat naar 1 groep." in c.text for c in calls)
    # Exactly one message in X's group, none in Y's.
    group_posts = [c for c in bot.api.sent(GROUP_X["id"]) if "partytent" in c.text]
    assert len(group_posts) == 1
    assert "Vraag van Buurthuiskamer Spangen" in group_posts[0].text
    assert group_posts[0].buttons() == ["🙋 Ik kan helpen"]
    assert not [c for c in bot.api.sent(GROUP_Y["id"]) if "partytent" in c.text]

    # The next digest of X shows it in its section, with a link to respond.
    bot.api.clear()
    clock.moment = datetime(2026, 12, 4, 9, 0, tzinfo=AMS).astimezone(timezone.utc)
    async with bot.session_factory() as session:
        group = await session.get(GroupChat, GROUP_X["id"])
        digest = await digest_jobs.compose_group(session, bot.app, group, clock.moment)
    text = "\n".join(digest)
    assert "Vraag &amp; aanbod tussen initiatieven" in text and "partytent" in text
    assert f"start=tg-{item_id}" in text

    # /vraagaanbod lists it.
    calls = await bot.say("/vraagaanbod", RESIDENT)
    assert "partytent" in calls[-1].text

    # B's member presses "Ik kan helpen" in the group: the bot opens the private chat on the item.
    bot.api.clear()
    calls = await bot.press(f"tg:h:{item_id}", HELPER, chat=GROUP_X)
    answer = [c for c in calls if c.method == "answerCallbackQuery"][0]
    assert f"start=tg-{item_id}" in answer.params.get("url", "")
    calls = await bot.say(f"/start tg-{item_id}", HELPER)
    assert "partytent" in calls[-1].text and "🙋 Ik kan helpen" in calls[-1].buttons()
    # Before anyone accepts, nobody has anyone's contact.
    calls = await bot.press(calls[-1].callback_data("Ik kan helpen"), HELPER)
    assert not any("tg://user" in c.text for c in calls)
    cards = [c for c in calls if c.chat_id in (ASKER["id"], ASKER_TWO["id"])]
    assert len(cards) == 2, "every member of A gets the card"
    card = [c for c in cards if c.chat_id == ASKER["id"]][0]
    assert "Moestuin West" in card.text and "Karim" in card.text
    assert card.buttons() == ["✅ Accepteren", "Nee dank je"]
    assert any("Dank je! Buurthuiskamer Spangen krijgt je reactie" in c.text for c in calls if c.chat_id == HELPER["id"])

    # A accepts: both get the other's contact.
    calls = await bot.press(card.callback_data("Accepteren"), ASKER)
    to_asker = [c.text for c in calls if c.chat_id == ASKER["id"]]
    to_helper = [c.text for c in calls if c.chat_id == HELPER["id"]]
    assert any(f"tg://user?id={HELPER['id']}" in t and "@karim_b" in t for t in to_asker)
    assert any(f"tg://user?id={ASKER['id']}" in t and "@ans_buurt" in t for t in to_helper)
    # A second press (e.g. the other member's card) changes nothing.
    calls = await bot.press(card.callback_data("Accepteren"), ASKER_TWO)
    assert any("Deze reactie is al aangenomen." in c.text for c in calls)
    assert not any("tg://user" in c.text for c in calls)

    # A marks it settled: gone from the lists, the group's message says so.
    bot.api.clear()
    calls = await bot.press(f"tg:s:{item_id}", ASKER)
    assert any("Geregeld!" in c.text for c in calls)
    edits = [c for c in bot.api.calls if c.method == "editMessageText" and c.chat_id == GROUP_X["id"]]
    assert edits and "Geregeld" in edits[0].text and not edits[0].buttons()
    calls = await bot.say("/vraagaanbod", RESIDENT)
    assert "partytent" not in calls[-1].text and "Er staat nu niets open" in calls[-1].text
    calls = await bot.press(f"tg:h:{item_id}", HELPER, chat=GROUP_X)  # the old group message's button
    answer = [c for c in calls if c.method == "answerCallbackQuery"][0]
    assert "Reageren kan niet meer" in answer.params["text"] and "url" not in answer.params
    async with bot.session_factory() as session:
        group = await session.get(GroupChat, GROUP_X["id"])
        digest = "\n".join(await digest_jobs.compose_group(session, bot.app, group, clock.moment))
        item = await session.get(TogetherItem, item_id)
        actions = set(await session.scalars(select(AuditEntry.action).where(AuditEntry.subject_type.in_(("together_item", "together_response")))))
    assert "partytent" not in digest
    assert item.status == "settled"
    assert {"together.posted", "together.responded", "together.accepted", "together.settled"} <= actions


async def test_resident_and_forged_buttons_change_nothing(bot, world, clock):
    item_id, _calls = await post_partytent(bot, world)
    bot.api.clear()
    # A resident (no initiative) presses "Ik kan helpen" in the private chat.
    calls = await bot.press(f"tg:h:{item_id}", RESIDENT)
    popup = [c for c in calls if c.method == "answerCallbackQuery"][0]
    assert "Alleen leden van een ander actief initiatief" in popup.params["text"]
    # A's own member cannot respond to A's item either.
    calls = await bot.press(f"tg:h:{item_id}", ASKER_TWO)
    assert "Alleen leden" in [c for c in calls if c.method == "answerCallbackQuery"][0].params["text"]
    async with bot.session_factory() as session:
        assert await session.scalar(select(func.count()).select_from(TogetherResponse)) == 0
    # B responds; then the helper and a resident forge the accept button.
    await bot.press(f"tg:h:{item_id}", HELPER)
    async with bot.session_factory() as session:
        response = await session.scalar(select(TogetherResponse))
    bot.api.clear()
    for forger in (HELPER, RESIDENT):
        calls = await bot.press(f"tg:a:{response.id}", forger)
        assert "Dit mag je niet doen." in [c for c in calls if c.method == "answerCallbackQuery"][0].params["text"]
        assert not any("tg://user" in c.text for c in calls)
    for data in (f"tg:s:{item_id}", f"tg:x:{item_id}", "tg:a:99999999999999", "tg:s:abc", f"tg:d:{response.id}"):
        await bot.press(data, RESIDENT)
    async with bot.session_factory() as session:
        response = await session.get(TogetherResponse, response.id, populate_existing=True)
        item = await session.get(TogetherItem, item_id, populate_existing=True)
        denied = await session.scalar(select(func.count()).select_from(AuditEntry).where(AuditEntry.action == "denied"))
    assert response.status == "pending" and item.status == "open" and not item.extended
    assert denied >= 6


async def test_at_most_five_open_items_and_only_members_may_post(bot, world, clock):
    calls = await bot.say("/vraag", RESIDENT)
    assert "leden van een actief initiatief" in calls[-1].text
    async with bot.session_factory.begin() as session:
        for number in range(5):
            session.add(TogetherItem(initiative_id=world["a"], direction="ask", kind="other", text=f"Vraag {number}",
                                     status="open", expires_at=clock.moment + timedelta(days=3), created_by=ASKER["id"],
                                     created_at=clock.moment))
    calls = await bot.say("/aanbod", ASKER)
    assert "al 5 open vragen en aanbiedingen" in calls[-1].text


async def test_unclear_date_and_past_date_are_asked_again(bot, world, clock):
    await bot.say("/aanbod", ASKER)
    await bot.press("tq:k:room", ASKER)
    await bot.say("Onze zaal is dinsdagavond vrij.", ASKER)
    calls = await bot.say("gisteren of zo", ASKER)
    assert "kan ik niet lezen" in calls[-1].text
    calls = await bot.say("1 december 2026", ASKER)
    assert "al voorbij" in calls[-1].text
    calls = await bot.say("12 december", ASKER)
    assert "Welke netwerken" in calls[-1].text
    calls = await bot.say("Netwerk West", ASKER)  # typed where a button is the answer
    assert "Kies met de knoppen hierboven." in calls[0].text and "Welke netwerken" in calls[-1].text
    calls = await bot.say("/terug", ASKER)
    assert "Tot wanneer" in calls[-1].text
    calls = await bot.say("/stop", ASKER)
    assert "Er is niets geplaatst" in calls[-1].text
    async with bot.session_factory() as session:
        assert await session.scalar(select(func.count()).select_from(TogetherItem)) == 0


async def test_reminder_the_day_before_extend_once_then_expiry(bot, world, clock):
    _item_id, _calls = await post_partytent(bot, world)  # last day: Saturday 5 December
    bot.api.clear()
    clock.moment = datetime(2026, 12, 4, 12, 0, tzinfo=AMS).astimezone(timezone.utc)
    reminded, expired = await expiry_round(bot.app)
    assert (reminded, expired) == (2, 0)
    assert await expiry_round(bot.app) == (0, 0), "a second round queues nothing"
    calls = await bot.drain()
    reminder = [c for c in calls if c.chat_id == ASKER["id"]][0]
    assert "Morgen is de laatste dag" in reminder.text and "⏳ Verlengen" in reminder.buttons()
    calls = await bot.press(reminder.callback_data("Verlengen"), ASKER)
    assert any("Verlengd tot en met zaterdag 19 december" in c.text for c in calls)
    calls = await bot.press(reminder.callback_data("Verlengen"), ASKER)
    assert any("Verlengen kan één keer" in c.text for c in calls)
    clock.moment = datetime(2026, 12, 20, 0, 30, tzinfo=AMS).astimezone(timezone.utc)
    assert (await expiry_round(bot.app))[1] == 1
    calls = await bot.say("/vraagaanbod", RESIDENT)
    assert "partytent" not in calls[-1].text
    # 90 days after it closed the retention job deletes it.
    async with bot.session_factory.begin() as session:
        removed = await retention.purge(session, clock.moment + timedelta(days=91), AMS)
    assert removed["together_items"] == 1


async def test_forget_me_removes_responses_and_keeps_items_with_the_initiative(bot, world, clock):
    item_id, _calls = await post_partytent(bot, world)
    await bot.press(f"tg:h:{item_id}", HELPER)
    calls = await bot.say("/mijngegevens", HELPER)
    assert any("Je reageerde 1 keer op vraag & aanbod" in c.text for c in calls)
    async with bot.session_factory.begin() as session:
        await personal_data.erase(session, HELPER["id"])
        await personal_data.erase(session, ASKER["id"])
    async with bot.session_factory() as session:
        assert await session.scalar(select(func.count()).select_from(TogetherResponse)) == 0
        item = await session.get(TogetherItem, item_id)
    assert item is not None and item.created_by is None and item.initiative_id == world["a"]


async def test_coordinator_overview_counts_matches_and_names_the_longest_open(bot, world, clock):
    item_id, _calls = await post_partytent(bot, world)
    await bot.press(f"tg:h:{item_id}", HELPER)
    async with bot.session_factory() as session:
        response = await session.scalar(select(TogetherResponse))
    await bot.press(f"tg:a:{response.id}", ASKER)
    async with bot.session_factory() as session:
        text = "\n".join(await digest_jobs.compose_coordinator(session, bot.app, COORDINATOR["id"], clock.moment))
    assert "Vraag &amp; aanbod" in text and "1 keer geholpen deze week" in text
    assert "Het langst open" in text and "partytent" in text


async def test_co_organise_an_activity(bot, world, clock):
    async with bot.session_factory.begin() as session:
        activity = Activity(initiative_id=world["a"], title="Kerstdiner", starts_at=datetime(2026, 12, 6, 17, 0, tzinfo=AMS),
                            ends_at=datetime(2026, 12, 6, 20, 0, tzinfo=AMS), created_by=ASKER["id"])
        session.add(activity)
        await session.flush()
        activity_id = activity.id
    # A's member opens the card: "Samen organiseren"; the list offers the initiatives of A's networks.
    calls = await bot.say(f"/start act-{activity_id}", ASKER)
    card = calls[-1]
    assert "🤝 Samen organiseren" in card.buttons()
    calls = await bot.press(card.callback_data("Samen organiseren"), ASKER)
    assert "Moestuin West" in calls[-1].buttons() and "Speeltuin Oost" not in calls[-1].buttons()
    # B's member cannot invite for A's activity, a resident neither.
    calls = await bot.press(f"tc:p:{activity_id}:{world['c']}", HELPER)
    assert "Dit mag je niet doen." in [c for c in calls if c.method == "answerCallbackQuery"][0].params["text"]
    # Search by name finds an initiative outside A's networks too.
    await bot.press(f"tc:q:{activity_id}", ASKER)
    calls = await bot.say("speeltuin", ASKER)
    assert "Speeltuin Oost" in calls[-1].buttons()
    calls = await bot.press(f"tc:p:{activity_id}:{world['b']}", ASKER)
    invitation = [c for c in calls if c.chat_id == HELPER["id"]][0]
    assert "Buurthuiskamer Spangen" in invitation.text and "Kerstdiner" in invitation.text
    # A forged accept by a resident changes nothing; B's member accepts.
    await bot.press(f"tc:a:{activity_id}:{world['b']}", RESIDENT)
    async with bot.session_factory() as session:
        assert (await session.get(ActivityCoorganiser, (activity_id, world["b"]))).status == "invited"
    calls = await bot.press(invitation.callback_data("Ja, samen"), HELPER)
    assert any("organiseert <b>Kerstdiner</b> samen met jullie" in c.text for c in calls if c.chat_id == ASKER["id"])
    # The card shows "Samen met", B's member may edit it now.
    calls = await bot.say(f"/start act-{activity_id}", HELPER)
    assert "🤝 Samen met: Moestuin West" in calls[-1].text
    assert "✏️ Wijzigen" in calls[-1].buttons()
    await bot.press(f"ae:{activity_id}:title", HELPER)
    calls = await bot.say("Kerstdiner voor de hele buurt", HELPER)
    assert any("Opgeslagen" in c.text for c in calls)
    # Both networks' digests show it: West (A's network) and Oost (only B's).
    async with bot.session_factory() as session:
        for chat in (GROUP_X, GROUP_Y):
            group = await session.get(GroupChat, chat["id"])
            text = "\n".join(await digest_jobs.compose_group(session, bot.app, group, clock.moment))
            assert "Kerstdiner voor de hele buurt" in text, chat["title"]
    # /mijn shows A's co-organised activity.
    calls = await bot.say("/mijn", ASKER)
    calls = await bot.press(calls[-1].callback_data("Buurthuiskamer Spangen"), ASKER)
    assert "Samen georganiseerd" in calls[-1].text and "Kerstdiner voor de hele buurt" in calls[-1].text


async def test_member_of_two_initiatives_picks_one_and_sees_it_in_mijn_and_filters(bot, world, clock):
    async with bot.session_factory.begin() as session:
        session.add(InitiativeMember(initiative_id=world["c"], user_id=ASKER["id"], role="owner"))
    calls = await bot.say("/aanbod", ASKER)
    assert "Voor welk initiatief?" in calls[-1].text
    assert calls[-1].buttons() == ["Buurthuiskamer Spangen", "Speeltuin Oost"]
    await bot.press(calls[-1].callback_data("Speeltuin Oost"), ASKER)
    await bot.press("tq:k:room", ASKER)
    await bot.say("Onze zaal is op dinsdagavond vrij voor een taalcafé.", ASKER)
    calls = await bot.say("12 december", ASKER)
    assert "✅ Netwerk Oost" in calls[-1].buttons() and "▫️ Netwerk West" in calls[-1].buttons()
    await bot.press("tq:n:all", ASKER)
    calls = await bot.press("tq:n:done", ASKER)
    assert "Netwerk Oost, Netwerk West" in calls[-1].text
    calls = await bot.press("tq:ok", ASKER)
    assert any("Geplaatst! Het gaat naar 2 groepen." in c.text for c in calls)
    # The groups of both networks got it once, with the offer's button.
    for chat in (GROUP_X, GROUP_Y):
        posts = [c for c in bot.api.sent(chat["id"]) if "taalcafé" in c.text]
        assert len(posts) == 1 and posts[0].buttons() == ["🙋 Ik heb interesse"]
    # /vraagaanbod filtered by network, edited in place.
    calls = await bot.say("/vraagaanbod", RESIDENT)
    assert "taalcafé" in calls[-1].text
    calls = await bot.press(f"tl:{world['oost']}:0", RESIDENT)
    edited = [c for c in calls if c.method == "editMessageText"]
    assert edited and "Netwerk Oost" in edited[0].text and "taalcafé" in edited[0].text
    # /mijn shows Speeltuin Oost's open offer with a "Geregeld" button.
    calls = await bot.say("/mijn", ASKER)
    calls = await bot.press(calls[-1].callback_data("Speeltuin Oost"), ASKER)
    assert "Jullie vraag &amp; aanbod" in calls[-1].text and "taalcafé" in calls[-1].text
    assert any(label.startswith("✅ Geregeld:") for label in calls[-1].buttons())


async def test_declined_response_shares_no_contact(bot, world, clock):
    item_id, _calls = await post_partytent(bot, world)
    calls = await bot.press(f"tg:h:{item_id}", HELPER)
    card = [c for c in calls if c.chat_id == ASKER["id"]][0]
    again = await bot.press(f"tg:h:{item_id}", HELPER)
    assert any("al op gereageerd" in c.text for c in again)
    calls = await bot.press(card.callback_data("Nee dank je"), ASKER)
    assert not any("tg://user" in c.text for c in calls)
    assert any("heeft nu geen hulp nodig" in c.text for c in calls if c.chat_id == HELPER["id"])
    async with bot.session_factory() as session:
        assert (await session.scalar(select(TogetherResponse))).status == "declined"
