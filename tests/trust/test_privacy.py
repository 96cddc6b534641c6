"""AVG: /privacy explains, /mijngegevens exports everything, /vergeetmij erases after confirmation."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from domain.htmltext import is_valid_telegram_html
from storage.models import AuditEntry, Initiative, InitiativeMember, InitiativeNetwork, Network, NetworkCoordinator, User
from storage.repositories import personal_data
from tests.fakes import updates
from tests.fakes.updates import RESIDENT, RESIDENT_EN

pytestmark = pytest.mark.storage

OWNER = updates.user(2001, "Henk", "nl")
EDITOR = updates.user(2002, "Ria", "nl")
CO_OWNER = updates.user(2003, "Sam", "nl")
COORDINATOR = updates.user(3001, "Coby", "nl")


async def seed(bot) -> dict[str, int]:
    """Henk owns three initiatives: one with an editor, one alone, one with a co-owner."""
    for person in (OWNER, EDITOR, CO_OWNER, COORDINATOR):
        await bot.say("/start", sender=person)
    async with bot.session_factory.begin() as session:
        network = Network(name="Buurthuiskamers")
        session.add(network)
        await session.flush()
        session.add(NetworkCoordinator(network_id=network.id, user_id=COORDINATOR["id"], added_by=OWNER["id"]))
        ids = {}
        for key, name in (("with_editor", "Koffie & Co"), ("alone", "Speeltuin <Pier>"), ("shared", "Moestuin")):
            initiative = Initiative(name=name, category="buurthuiskamer", status="active", created_by=OWNER["id"])
            session.add(initiative)
            await session.flush()
            session.add(InitiativeNetwork(initiative_id=initiative.id, network_id=network.id))
            session.add(InitiativeMember(initiative_id=initiative.id, user_id=OWNER["id"], role="owner"))
            ids[key] = initiative.id
        session.add(InitiativeMember(initiative_id=ids["with_editor"], user_id=EDITOR["id"], role="editor"))
        session.add(InitiativeMember(initiative_id=ids["shared"], user_id=CO_OWNER["id"], role="owner"))
        session.add(AuditEntry(actor_id=OWNER["id"], action="register", subject_type="initiative", subject_id=str(ids["alone"])))
        session.add(AuditEntry(actor_id=COORDINATOR["id"], action="approve", subject_type="initiative", subject_id=str(ids["alone"])))
        ids["network"] = network.id
    return ids


def test_every_person_column_is_classified():
    """A new table with a Telegram id column must be classified in storage/repositories/personal_data.py."""
    assert personal_data.unclassified_columns() == []


# Every table on main and the columns /mijngegevens exports and /vergeetmij erases (subjects: the
# row goes) or blanks (actors: the row stays for others). A new table fails here until it is added.
PERSON_COLUMNS = {
    "users": (["id"], []),
    "audit_log": ([], ["actor_id"]),  # and subject_id when subject_type is "user"
    "approval_cards": (["chat_id"], []),
    "registration_drafts": (["user_id", "chat_id"], []),
    "initiatives": ([], ["created_by"]),
    "initiative_members": (["user_id"], []),
    "initiative_decisions": ([], ["decided_by"]),
    "change_requests": ([], ["requested_by", "decided_by"]),
    "invitations": ([], ["created_by", "used_by"]),
    "network_coordinators": (["user_id"], ["added_by"]),
    "activities": ([], ["created_by"]),
    "activity_rsvps": (["user_id"], []),
    "activity_reminders_sent": (["user_id"], []),
    "announcements": ([], ["created_by"]),
    "announcement_targets": ([], ["decided_by"]),
    "group_chats": (["chat_id"], ["linked_by"]),  # group ids are negative: never a person's
    "digest_deliveries": (["target_id"], []),
    "outbox": (["chat_id"], []),  # messages to the person, waiting or sent
    "handled_updates": ([], []),
    # Signals stay when their author is forgotten (anonymous, shown first name blanked too); supports go.
    "voice_signals": ([], ["created_by", "decided_by"]),
    "voice_supports": (["user_id"], []),
    "voice_progress": ([], ["created_by"]),
    # Vraag & aanbod: a member's responses go; items and co-organisers stay with the initiatives.
    "together_items": ([], ["created_by", "decided_by"]),
    "together_item_networks": ([], []),
    "together_responses": (["user_id"], ["decided_by"]),
    "together_group_messages": (["chat_id"], []),  # a group's id (negative): never a person's
    "activity_coorganisers": ([], ["created_by", "decided_by"]),
    # No person's id at all: places, networks, schedules, and the geocoding cache.
    "geocode_cache": ([], []),
    "locations": ([], []),
    "networks": ([], []),
    "schedules": ([], []),
    "initiative_languages": ([], []),
    "initiative_networks": ([], []),
}


def test_every_table_on_main_is_known_to_export_and_erasure():
    from storage.models import Base

    found = {
        table.name: tuple([column.name for column in columns] for columns in personal_data.person_columns(table))
        for table in Base.metadata.sorted_tables
    }
    assert found == PERSON_COLUMNS


@pytest.mark.parametrize(("sender", "heading", "commands"), [
    (RESIDENT, "<b>Privacy: wat Knooppunt over jou bewaart</b>", ("/mijngegevens", "/vergeetmij")),
    (RESIDENT_EN, "<b>Privacy: what Knooppunt stores about you</b>", ("/mydata", "/forgetme")),
])
async def test_privacy_explains_in_the_users_language(bot, sender, heading, commands):
    [reply] = bot.replies(await bot.say("/privacy", sender=sender))
    assert reply.text.startswith(heading)
    assert all(command in reply.text for command in commands)
    assert "30" in reply.text  # the retention period
    assert "2 uur" in reply.text or "2 hours" in reply.text  # how long the directory remembers a location
    assert len(reply.text) <= 4096 and is_valid_telegram_html(reply.text)


async def test_privacy_works_in_groups_too(bot):
    group = updates.group_chat()
    [reply] = bot.replies(await bot.send(updates.command("privacy", chat=group, mention=True)))
    assert reply.chat_id == group["id"] and "Privacy" in reply.text


@pytest.mark.parametrize("command", ["mijngegevens", "mydata"])
async def test_my_data_is_a_json_file_with_every_row_about_me(bot, command):
    ids = await seed(bot)
    [readable, reply] = bot.replies(await bot.send(updates.command(command, sender=OWNER)))
    assert readable.method == "sendMessage" and "Koffie &amp; Co" in readable.text
    assert reply.method == "sendDocument" and reply.chat_id == OWNER["id"]
    filename, content = reply.files["document"]
    assert filename == f"knooppunt-{OWNER['id']}.json"
    document = json.loads(content)
    assert document["telegram_user_id"] == OWNER["id"]
    tables = document["tables"]
    assert [row["first_name"] for row in tables["users"]] == ["Henk"]
    assert sorted(row["initiative_id"] for row in tables["initiative_members"]) == sorted(
        [ids["with_editor"], ids["alone"], ids["shared"]]
    )
    assert {row["name"] for row in tables["initiatives"]} == {"Koffie & Co", "Speeltuin <Pier>", "Moestuin"}
    assert [row["user_id"] for row in tables["network_coordinators"]] == [COORDINATOR["id"]]  # added_by Henk
    assert [row["action"] for row in tables["audit_log"]] == ["register"]
    everything = json.dumps(tables)
    assert "Ria" not in everything and "Coby" not in everything  # nobody else's name


async def test_my_data_in_a_group_points_to_the_private_chat(bot):
    group = updates.group_chat()
    [reply] = bot.replies(await bot.send(updates.command("mijngegevens", chat=group, mention=True)))
    assert reply.method == "sendMessage" and "@knooppunt_test_bot" in reply.text  # a pointer to the private chat


async def test_forget_me_asks_first_and_no_keeps_everything(bot):
    await seed(bot)
    [question] = bot.replies(await bot.send(updates.command("vergeetmij", sender=OWNER)))
    assert "Wil je dat Knooppunt je vergeet?" in question.text
    assert question.buttons() == ["🗑 Ja, verwijder mijn gegevens", "Nee, niets doen"]
    [answer] = bot.replies(await bot.press(question.callback_data("Nee"), sender=OWNER))
    assert answer.text == "Goed, ik heb niets verwijderd."
    async with bot.session_factory() as session:
        assert await session.get(User, OWNER["id"]) is not None


async def test_forget_me_erases_hands_over_and_pauses(bot, api):
    ids = await seed(bot)
    [question] = bot.replies(await bot.send(updates.command("forgetme", sender=OWNER)))
    calls = await bot.press(question.callback_data("verwijder"), sender=OWNER)
    done = [call for call in bot.replies(calls) if call.chat_id == OWNER["id"]]
    assert done[-1].text.startswith("Klaar. Ik heb je gegevens verwijderd.")

    async with bot.session_factory() as session:
        assert await session.get(User, OWNER["id"]) is None
        members = {(m.initiative_id, m.user_id, m.role) for m in await session.scalars(select(InitiativeMember))}
        assert members == {(ids["with_editor"], EDITOR["id"], "owner"), (ids["shared"], CO_OWNER["id"], "owner")}
        statuses = {i.id: i.status for i in await session.scalars(select(Initiative))}
        assert statuses == {ids["with_editor"]: "active", ids["alone"]: "paused", ids["shared"]: "active"}
        assert {i.created_by for i in await session.scalars(select(Initiative))} == {None}
        coordinator = await session.scalar(select(NetworkCoordinator))
        assert (coordinator.user_id, coordinator.added_by) == (COORDINATOR["id"], None)
        actors = [entry.actor_id for entry in await session.scalars(select(AuditEntry))]
        assert OWNER["id"] not in actors and COORDINATOR["id"] in actors
        assert await personal_data.export(session, OWNER["id"]) == {}

    # The editor is told they now manage it; the coordinator that the lone initiative is paused.
    [to_editor] = [call for call in bot.replies(calls) if call.chat_id == EDITOR["id"]]
    assert "Koffie &amp; Co" in to_editor.text and "Jij bent nu de eigenaar" in to_editor.text
    [to_coordinator] = [call for call in bot.replies(calls) if call.chat_id == COORDINATOR["id"]]
    assert "Speeltuin &lt;Pier&gt;" in to_coordinator.text and "op pauze" in to_coordinator.text
    assert not [call for call in bot.replies(calls) if call.chat_id == CO_OWNER["id"]]
    assert all(is_valid_telegram_html(call.text) for call in bot.replies(calls))

    # Talking to the bot again starts a fresh, minimal record.
    await bot.say("/start", sender=OWNER)
    async with bot.session_factory() as session:
        assert set((await personal_data.export(session, OWNER["id"])).keys()) == {"users"}


async def test_forget_me_buttons_cannot_be_replayed_or_forged(bot):
    await seed(bot)
    [question] = bot.replies(await bot.send(updates.command("vergeetmij", sender=OWNER)))
    yes = question.callback_data("verwijder")
    # Someone else pressing (or forging) the button forgets nobody: it acts on the presser only, and
    # they never asked.
    [refused] = bot.replies(await bot.press(yes, sender=EDITOR))
    assert "werkt niet meer" in refused.text
    forged = bot.replies(await bot.press("fgt:ok:guessed", sender=OWNER))
    assert "werkt niet meer" in forged[0].text
    non_ascii = bot.replies(await bot.press("fgt:ok:\x80é", sender=OWNER))
    assert "werkt niet meer" in non_ascii[0].text
    async with bot.session_factory() as session:
        assert await session.get(User, OWNER["id"]) is not None
        assert await session.get(User, EDITOR["id"]) is not None
    # The real button still works once; replaying it afterwards does nothing more.
    await bot.press(yes, sender=OWNER)
    await bot.say("/start", sender=OWNER)  # a fresh record appears
    [replayed] = bot.replies(await bot.press(yes, sender=OWNER))
    assert "werkt niet meer" in replayed.text
    async with bot.session_factory() as session:
        assert await session.get(User, OWNER["id"]) is not None  # the fresh record was not erased
        denied = list(await session.scalars(select(AuditEntry).where(AuditEntry.action == "denied")))
    assert len(denied) == 4


async def test_forget_me_in_a_group_points_to_the_private_chat(bot):
    await seed(bot)
    group = updates.group_chat()
    [reply] = bot.replies(await bot.send(updates.command("vergeetmij", chat=group, sender=OWNER, mention=True)))
    assert "@knooppunt_test_bot" in reply.text and not (reply.reply_markup or {}).get("inline_keyboard")


async def test_forget_me_removes_rsvps_and_reminders_and_exports_them_first(bot):
    from datetime import datetime, timedelta, timezone

    from storage.models import Activity
    from storage.tables_activities import ActivityRsvp, Announcement, ReminderSent

    ids = await seed(bot)
    starts = datetime.now(timezone.utc) + timedelta(days=2)
    async with bot.session_factory.begin() as session:
        activity = Activity(initiative_id=ids["shared"], title="Soep <koken>", starts_at=starts, created_by=OWNER["id"])
        session.add(activity)
        await session.flush()
        session.add_all([
            ActivityRsvp(activity_id=activity.id, user_id=OWNER["id"], occurrence_at=starts),
            ActivityRsvp(activity_id=activity.id, user_id=EDITOR["id"], occurrence_at=starts),
            ReminderSent(activity_id=activity.id, user_id=OWNER["id"], occurrence_at=starts),
            Announcement(initiative_id=ids["shared"], text="Kom ook!", created_by=OWNER["id"]),
        ])
    [_readable, reply] = bot.replies(await bot.send(updates.command("mydata", sender=OWNER)))
    tables = json.loads(reply.files["document"][1])["tables"]
    assert [row["activity_id"] for row in tables["activity_rsvps"]] == [activity.id]
    assert len(tables["activity_reminders_sent"]) == 1
    assert [row["text"] for row in tables["announcements"]] == ["Kom ook!"]
    assert [row["title"] for row in tables["activities"]] == ["Soep <koken>"]

    [question] = bot.replies(await bot.send(updates.command("vergeetmij", sender=OWNER)))
    await bot.press(question.callback_data("verwijder"), sender=OWNER)
    async with bot.session_factory() as session:
        rsvps = [(r.activity_id, r.user_id) for r in await session.scalars(select(ActivityRsvp))]
        assert rsvps == [(activity.id, EDITOR["id"])]  # only someone else's RSVP is left
        assert (await session.scalars(select(ReminderSent))).all() == []
        announcement = await session.scalar(select(Announcement))
        assert announcement.text == "Kom ook!" and announcement.created_by == personal_data.FORGOTTEN_ACTOR
        assert (await session.scalar(select(Activity))).created_by is None
        assert await personal_data.export(session, OWNER["id"]) == {}


def conversations_of(bot, user_id: int) -> list[str]:
    """Names of the conversations the person is in, as their steps noted it (handlers.core.common.STEPS_KEY)."""
    from handlers.core.common import STEPS_KEY

    steps = bot.app.user_data.get(user_id, {}).get(STEPS_KEY, {})
    return [name for name, chats in steps.items() if chats]


@pytest.mark.parametrize("conversation", ["registration", "activity", "announcement"])
async def test_forget_me_ends_a_conversation_in_progress(bot, conversation):
    """Drafts go from the database and the conversation's state from memory: nothing resumes."""
    ids = await seed(bot)
    if conversation == "registration":
        await bot.say("/aanmelden", sender=OWNER)
        await bot.say("Buurtsoep", sender=OWNER)  # the name: a draft row now exists
    elif conversation == "activity":
        await bot.say("/activiteit", sender=OWNER)
        await bot.press(f"pi:{ids['shared']}", sender=OWNER)
    else:
        await bot.say("/bericht", sender=OWNER)
        await bot.press(f"bi:{ids['shared']}", sender=OWNER)
    assert conversations_of(bot, OWNER["id"]), "the conversation is in progress"

    [question] = bot.replies(await bot.send(updates.command("vergeetmij", sender=OWNER)))
    await bot.press(question.callback_data("verwijder"), sender=OWNER)
    assert conversations_of(bot, OWNER["id"]) == []

    # The next answer does not resume a step: nothing is written under the forgotten person.
    calls = await bot.say("Soep koken met de buren", sender=OWNER)
    calls += await bot.say("/terug", sender=OWNER)
    calls += await bot.say("Zaterdag 14:00", sender=OWNER)
    texts = " ".join(call.text for call in bot.replies(calls))
    assert "Gestopt" not in texts and "Wanneer" not in texts
    async with bot.session_factory() as session:
        assert set(await personal_data.export(session, OWNER["id"])) <= {"users"}
    assert conversations_of(bot, OWNER["id"]) == []
