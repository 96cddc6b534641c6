"""Every privileged command and button × every role, plus forged and replayed callback data.

A refused attempt must change nothing in the database (whole-database snapshot, audit_log aside),
be recorded as 'denied', and never raise. Capabilities add their actions to ACTIONS.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import select

from storage.models import Activity, AuditEntry, Base, GroupChat, Initiative, InitiativeMember, InitiativeNetwork, Location, Network, NetworkCoordinator
from storage.tables_activities import Announcement, AnnouncementTarget
from tests.conftest import ADMIN_ID
from tests.fakes import updates
from tests.trust.telegram_rules import problems

pytestmark = pytest.mark.storage

ROLES = {
    "resident": updates.user(4001, "Mallory", "nl"),
    "member_elsewhere": updates.user(2101, "Otto", "nl"),  # owns initiative B, not A
    "owner": updates.user(2001, "Samira", "nl"),  # owns initiative A
    "coordinator_elsewhere": updates.user(3009, "Bram", "nl"),  # coordinates network 2 (Sport)
    "coordinator": updates.user(3001, "Kees", "nl"),  # coordinates network 1, where A is
    "admin": updates.user(ADMIN_ID, "Ada", "nl"),
}
VOLATILE = {"last_seen_at", "updated_at"}
LINKED_GROUP = updates.group_chat(-100111, "Buurthuiskamers groep")  # linked to network 1
NEW_GROUP = updates.group_chat(-100222, "Nieuwe groep")  # not linked yet


@dataclass
class World:
    a: int  # initiative A (network 1), owned by "owner"
    b: int  # initiative B (network 2), owned by "member_elsewhere"
    network: int
    other_network: int
    activity: int  # an activity of A
    target: int  # A's announcement, waiting for network 1's coordinator


async def build_world(bot, status_a: str) -> World:
    for person in ROLES.values():
        await bot.say("/start", sender=person)
    now = datetime.now(timezone.utc)
    async with bot.session_factory.begin() as session:
        mine, other = Network(name="Buurthuiskamers"), Network(name="Sport")
        session.add_all([mine, other])
        await session.flush()
        session.add_all([
            NetworkCoordinator(network_id=mine.id, user_id=ROLES["coordinator"]["id"]),
            NetworkCoordinator(network_id=other.id, user_id=ROLES["coordinator_elsewhere"]["id"]),
        ])
        ids = []
        for name, network, owner, status in (
            ("Huiskamer Spangen", mine, ROLES["owner"], status_a),
            ("Voetbal Bospolder", other, ROLES["member_elsewhere"], "active"),
        ):
            location = Location(name=name, latitude=51.91, longitude=4.44)
            session.add(location)
            await session.flush()
            initiative = Initiative(
                name=name, category="buurthuiskamer", status=status, location_id=location.id, created_by=owner["id"],
                last_verified_at=now - timedelta(days=30), description="Koffie.",
            )
            initiative.networks = [InitiativeNetwork(network_id=network.id)]
            initiative.members = [] if status == "pending" else [InitiativeMember(user_id=owner["id"], role="owner")]
            initiative.schedules, initiative.languages = [], []
            session.add(initiative)
            await session.flush()
            ids.append(initiative.id)
        activity = Activity(initiative_id=ids[0], title="Soep koken", starts_at=now + timedelta(days=3), created_by=ROLES["owner"]["id"])
        announcement = Announcement(initiative_id=ids[0], text="Kom ook!", created_by=ROLES["owner"]["id"])
        session.add_all([activity, announcement])
        await session.flush()
        target = AnnouncementTarget(announcement_id=announcement.id, network_id=mine.id, status="pending")
        session.add(target)
        session.add_all([
            GroupChat(chat_id=LINKED_GROUP["id"], title=LINKED_GROUP["title"], network_id=mine.id),
            GroupChat(chat_id=NEW_GROUP["id"], title=NEW_GROUP["title"]),
        ])
        await session.flush()
    return World(a=ids[0], b=ids[1], network=mine.id, other_network=other.id, activity=activity.id, target=target.id)


async def snapshot(bot) -> dict[str, list]:
    """Every row of every table except the audit log, without columns that tick by themselves."""
    result = {}
    async with bot.session_factory() as session:
        for table in Base.metadata.sorted_tables:
            if table.name in ("audit_log", "alembic_version", "handled_updates"):  # handled_updates: every update
                continue
            rows = (await session.execute(select(table))).mappings().all()
            result[table.name] = sorted(
                tuple(sorted((k, repr(v)) for k, v in row.items() if k not in VOLATILE)) for row in rows
            )
    return result


async def denied(bot) -> int:
    async with bot.session_factory() as session:
        return len((await session.scalars(select(AuditEntry).where(AuditEntry.action == "denied"))).all())


async def status_of(bot, initiative_id: int) -> str:
    async with bot.session_factory() as session:
        return (await session.get(Initiative, initiative_id)).status


@dataclass
class Action:
    steps: Callable[[World], list[tuple]]  # ("press", data) or ("say", text), optionally a group chat third
    allowed: set[str]
    worked: Callable[..., Awaitable[bool]]  # (bot, world, replies) -> bool
    status_a: str = "active"


def status_is(status: str):
    async def check(bot, world, _replies):
        return await status_of(bot, world.a) == status
    return check


def replied(fragment: str):
    async def check(_bot, _world, replies):
        return any(fragment in call.text or fragment in " ".join(call.buttons()) for call in replies)
    return check


async def description_changed(bot, world, _replies):
    async with bot.session_factory() as session:
        return (await session.get(Initiative, world.a)).description == "Nieuwe tekst van de matrix."


async def coordinator_added(bot, world, _replies):
    async with bot.session_factory() as session:
        return await session.get(NetworkCoordinator, (world.network, 777)) is not None


async def coordinator_removed(bot, world, _replies):
    async with bot.session_factory() as session:
        return await session.get(NetworkCoordinator, (world.network, ROLES["coordinator"]["id"])) is None


async def network_added(bot, world, _replies):
    async with bot.session_factory() as session:
        return await session.scalar(select(Network).where(Network.name == "Matrixnetwerk")) is not None


async def verified_now(bot, world, _replies):
    async with bot.session_factory() as session:
        initiative = await session.get(Initiative, world.a)
    return datetime.now(timezone.utc) - initiative.last_verified_at < timedelta(minutes=5)


def activity_is(**expected):
    async def check(bot, world, _replies):
        async with bot.session_factory() as session:
            activity = await session.get(Activity, world.activity)
        return all(getattr(activity, key) == value for key, value in expected.items())
    return check


async def announcement_posted(bot, world, _replies):
    async with bot.session_factory() as session:
        return (await session.get(AnnouncementTarget, world.target)).status == "posted"


def group_is(chat_id: int, **expected):
    async def check(bot, world, _replies):
        async with bot.session_factory() as session:
            group = await session.get(GroupChat, chat_id)
        values = {key: (world.network if value == "network" else value) for key, value in expected.items()}
        return all(getattr(group, key) == value for key, value in values.items())
    return check


ACTIONS: dict[str, Action] = {
    # governance: approval of a registration
    "approve": Action(lambda w: [("press", f"apr:ok:{w.a}")], {"coordinator", "admin"}, status_is("active"), "pending"),
    "reject": Action(lambda w: [("press", f"apr:no:{w.a}"), ("say", "Past niet in dit netwerk.")], {"coordinator", "admin"}, status_is("rejected"), "pending"),
    # governance: owners' buttons
    "pause": Action(lambda w: [("press", f"own:p:{w.a}")], {"owner"}, status_is("paused")),
    "close": Action(lambda w: [("press", f"own:xx:{w.a}")], {"owner"}, status_is("closed")),
    "invite": Action(lambda w: [("press", f"own:i:{w.a}")], {"owner"}, replied("start=inv-")),
    "verify": Action(lambda w: [("press", f"own:ok:{w.a}")], {"owner"}, verified_now),
    "edit": Action(lambda w: [("press", f"own:e:{w.a}:description"), ("say", "Nieuwe tekst van de matrix.")], {"owner"}, description_changed),
    # governance: admin
    "beheer": Action(lambda w: [("say", "/beheer")], {"admin"}, replied("Beheer: netwerken")),
    "add_network": Action(lambda w: [("press", "adm:add"), ("say", "Matrixnetwerk")], {"admin"}, network_added),
    "add_coordinator": Action(lambda w: [("press", f"adm:ca:{w.network}"), ("say", "777")], {"admin"}, coordinator_added),
    "remove_coordinator": Action(lambda w: [("press", f"adm:cr:{w.network}:{ROLES['coordinator']['id']}")], {"admin"}, coordinator_removed),
    # activities: members manage, coordinators moderate
    "cancel_activity": Action(lambda w: [("press", f"ac:K:{w.activity}")], {"owner"}, activity_is(status="cancelled")),
    "edit_activity": Action(lambda w: [("press", f"ae:{w.activity}:title"), ("say", "Matrix titel")], {"owner"}, activity_is(title="Matrix titel")),
    "hide_activity": Action(lambda w: [("press", f"ac:h:{w.activity}"), ("say", "Past niet bij de buurt.")], {"coordinator", "admin"}, activity_is(status="hidden")),
    "approve_announcement": Action(lambda w: [("press", f"an:ok:{w.target}")], {"coordinator", "admin"}, announcement_posted),
    # groups and digests: only in the group itself, by the network's coordinators and admins
    "link_group": Action(lambda w: [("press", f"lnk:{w.network}", NEW_GROUP)], {"coordinator", "admin"}, group_is(NEW_GROUP["id"], network_id="network")),
    "unlink_group": Action(lambda w: [("say", "/ontkoppel@knooppunt_test_bot", LINKED_GROUP)], {"coordinator", "admin"}, group_is(LINKED_GROUP["id"], network_id=None)),
    "pause_digest": Action(lambda w: [("say", "/digest_pauze@knooppunt_test_bot", LINKED_GROUP)], {"coordinator", "admin"}, group_is(LINKED_GROUP["id"], digest_paused=True)),
    "digest_language": Action(lambda w: [("press", "dg:lang:en", LINKED_GROUP)], {"coordinator", "admin"}, group_is(LINKED_GROUP["id"], language="en")),
}


async def run_steps(bot, sender, steps) -> list:
    calls = []
    for kind, value, *chat in steps:
        chat = chat[0] if chat else None
        calls += await (bot.press(value, sender, chat) if kind == "press" else bot.say(value, sender, chat))
    return calls


@pytest.fixture
def raised(bot):
    """Handler exceptions fail the test (the production error handler would hide them)."""
    errors: list[BaseException] = []

    async def record(_update, context) -> None:
        errors.append(context.error)

    bot.app.add_error_handler(record)
    return errors


@pytest.mark.parametrize("role", list(ROLES))
@pytest.mark.parametrize("name", list(ACTIONS))
async def test_role_against_privileged_action(bot, raised, name, role):
    action = ACTIONS[name]
    world = await build_world(bot, action.status_a)
    before, denied_before = await snapshot(bot), await denied(bot)
    calls = await run_steps(bot, ROLES[role], action.steps(world))
    assert raised == []
    assert all(problems(call) == [] for call in calls)
    worked = await action.worked(bot, world, bot.replies(calls))
    if role in action.allowed:
        assert worked, f"{role} may {name}"
    else:
        assert not worked, f"{role} must not {name}"
        assert await snapshot(bot) == before, "a refused attempt changed the database"
        assert await denied(bot) > denied_before, "a refused attempt is recorded"
        told = [call for call in calls if call.method == "answerCallbackQuery" or call in bot.replies(calls)]
        assert told, "a refused attempt gets a polite answer"


FORGED = [
    "apr:ok:", "apr:ok:abc", "apr:ok:-1", "apr:ok:99999999999999999999999", "apr:ok:{b}", "apr:no:{a}:x",
    "own:p:", "own:p:{b}", "own:p:1e3", "own:xx:{b}", "own:e:{a}:status", "own:e:{a}:../../x", "own:e:{b}:description",
    "own:i:{b}", "own:zz:{a}", "adm:cr:{n}:abc", "adm:cr:abc:1", "adm:ca:99999", "adm:ren:{n}x", "ed:evil",
    "fgt:ok:", "lang:xx", "reg:send", "reg:cat:evil", "chg:ok:{a}", "chg:no:99999",
    "ac:K:{act}x", "ac:K:99999999999", "ae:{act}:status", "ae:{act}", "ac:h:", "an:ok:{t}:1", "an:ok:abc", "an:ok:999999",
    "ac:r:99999", "ac:o:-1", "rm:maybe", "pi:{b}", "bi:{b}", "pp:ok", "bn:{n}", "bp:ok", "ag:w:99999999999999999999",
    "lnk:abc", "lnk:999999", "lnk:{n}", "lnk:",
    # privileged menus that only show (or start a conversation) for the right person
    "ac:e:{act}", "ac:k:{act}", "own:v:{b}", "own:f:{b}", "own:r:{b}", "adm:list", "adm:list:1", "adm:n:{n}", "adm:ren:{n}",
    "reg:place:ok", "reg:skip", "reg:lang:xx", "reg:net:999", "reg:wc:yes", "pw:ok", "pl:own", "pc:free", "bp:stop", "ed:x",
    # a choice between two readings of a time or of opening hours: only for the presser's own open question
    "pw:c:0", "aw:c:0", "reg:hours:1", "ed:hours:0",
    # the directory: harmless, and only ever about the presser's own remembered question
    "dir:m:5", "dir:m:-1", "dir:m:999999", "dir:f:o", "dir:f:w", "dir:f:l:ar", "dir:f:l:../x", "dir:c:evil", "dir:c:*", "dir:l", "dir:",
    "dir:v:p3024:::0", "dir:v:p3024:evil::0", "dir:v:h999999_0:::0", "dir:v:p3024:::9999", "dir:l:p3024::Ozz9:0",
    "dir:i:{b}:p3024:::0", "dir:i:99999999:p3024:::0", "dir:i:-1:p3024:::0", "dir:k:{b}", "dir:k:99999999", "dir:k:-1", "dir:k:",
    # the free-text answers: only ever about the presser's own question
    "cv:", "cv:q:x", "ag:Q:zz.-.-.-:0", "ag:Q:d5.99.-.-:0", "ag:Q:d5.-.evil.-:0",
    # voice: deciding about a signal and recording its progress (coordinators of its buurt, admins);
    # the /idee steps only inside the presser's own conversation
    "vm:ok:{a}", "vm:ok:abc", "vm:mg:{a}", "vm:no:{a}", "vm:in:{a}:{b}", "vm:r:{a}:p", "vm:r:{a}:zz", "vp:n:{a}", "vp:n:x",
    "vp:s:ingebracht", "vp:d:0", "vp:ok", "vi:send", "vi:again", "vi:t:evil", "vi:b:999", "vi:n:1", "vs:o:99999999999",
    # polls, meetings and the input document (tests/test_voice_polls.py, tests/test_inbreng.py): steps of the
    # presser's own conversation, and documents only for the buurten the presser coordinates
    "pln:{n}", "pln:done", "pla:1", "plm:0", "plw:c:0", "plc:ok", "ovk:wijkraad", "ovb:0", "ovw:c:0", "ovc:ok",
    "inb:spangen", "inb:..", "inp:spangen:3:nl", "inp:spangen:4:nl", "inp:spangen:3:xx", "inp:x",
    # vraag & aanbod and co-organising (tests/test_together.py has the journeys and the abuse cases)
    "tg:h:99999", "tg:h:abc", "tg:a:99999", "tg:d:abc", "tg:s:99999", "tg:s:", "tg:x:99999", "tg:v:99999",
    "tc:i:99999", "tc:i:abc", "tc:p:{act}:{a}", "tc:p:99999:{b}", "tc:p:{act}:abc", "tc:a:{act}:{b}", "tc:d:{act}:{a}",
    "tc:q:99999", "tq:i:{b}", "tq:k:evil", "tq:n:all", "tq:ok", "tq:u:0",
    "tc:w:{act}:{b}", "tc:w:99999:{b}", "tc:w:{act}:abc", "tc:l:{act}:{b}", "tc:l:{act}:abc", "tc:L:{act}:{a}", "tc:L:99999:{b}",
]
# Resident buttons that change only the presser's own data (their RSVP, reminder choice, language)
# or only show public things; tested below: whoever presses, nobody else's rows change.
SELF_SERVICE = ["rm:on", "rm:off", "lang:en", "ac:r:{act}", "ac:x:{act}", "ac:o:{act}", "ac:i:{act}", "ac:p:{act}",
                "ag:b", "ag:c", "ag:n", "ag:m", "ag:near", "ag:w:0", "ag:B:0", "own:l:1",
                "pv:more", "pv:less", "cv:p", "cv:a", "cv:r", "cv:h", "cv:q:a", "cv:q:p", "ag:Q:d5.0.speeltuin.k:0",
                "vs:l:0:0:0", "vs:fb:0:0:0", "vs:ft:3:0:0", "vs:s:{a}:0:0:0", "vs:o:{a}", "vs:a:{a}:0:0:0", "vs:w:{a}:0:0:0",
                "vs:A:{a}", "vs:W:{a}",
                "tl:0:0", "tl:{n}:1", "tl:abc:x"]
# Commands anybody may use (each checks roles itself where it shows more); everything else is privileged.
RESIDENT_COMMANDS = {
    "start", "help", "hulp", "taal", "language", "yardim", "pomoc", "ajuda", "dil", "jezyk", "idioma", "privacy", "mijngegevens", "mydata", "vergeetmij", "forgetme",
    "agenda", "events", "herinneringen", "reminders", "dichtbij", "near", "zoek", "search", "aanmelden", "register",
    "stop", "annuleren", "cancel", "terug", "back", "overslaan", "skip", "mijn", "mine", "idee", "idea", "stem", "voice",
    "vraagaanbod", "exchange",  # open vraag & aanbod of initiatives: public, like the agenda
    "nl", "en", "tr", "ar", "pl", "pt",  # the greeting's language links: one's own language, like /taal
}
PRIVILEGED_COMMANDS = {  # command -> where the matrix (or its own capability's tests) covers it
    "beheer": "ACTIONS beheer", "ontkoppel": "ACTIONS unlink_group", "unlink": "alias of ontkoppel",
    "koppel": "ACTIONS link_group (its button)", "link": "alias of koppel", "digest_pauze": "ACTIONS pause_digest",
    "digest_hervat": "test_privileged_commands_refuse_others", "digest_tijd": "test_privileged_commands_refuse_others",
    "digest_voorbeeld": "test_privileged_commands_refuse_others", "digest_leeg": "test_privileged_commands_refuse_others",
    "digest_taal": "ACTIONS digest_language (its button)", "digest_language": "alias of digest_taal",
    "activiteit": "test_privileged_commands_refuse_others", "event": "alias of activiteit",
    "bericht": "test_privileged_commands_refuse_others", "announce": "alias of bericht",
    "admin": "alias of beheer", "digest_pause": "alias of digest_pauze", "digest_resume": "alias of digest_hervat",
    "digest_time": "alias of digest_tijd", "digest_preview": "alias of digest_voorbeeld", "digest_empty": "alias of digest_leeg",
    "voortgang": "tests/test_voice_signals.py (refused for residents and other buurten)", "progress": "alias of voortgang",
    "peiling": "tests/test_voice_polls.py (strangers, other networks' coordinators)", "poll": "alias of peiling",
    "overleg": "tests/test_inbreng.py (residents, coordinators without a buurt)", "meeting": "alias of overleg",
    "inbreng": "tests/test_inbreng.py (residents, forged buurt)", "input": "alias of inbreng",
    "vraag": "tests/test_together.py (members of an active initiative only)", "ask": "alias of vraag",
    "aanbod": "tests/test_together.py (members of an active initiative only)", "offer": "alias of aanbod",
}


@pytest.mark.parametrize("role", ["owner", "coordinator", "admin", "resident"])
async def test_forged_callback_data_changes_nothing_and_never_raises(bot, raised, role):
    world = await build_world(bot, "active")
    sender = ROLES[role]
    before = await snapshot(bot)
    for template in FORGED:
        data = template.format(a=world.a, b=world.b, n=world.network, act=world.activity, t=world.target)
        calls = await bot.press(data, sender)
        assert raised == [], f"{data!r} raised {raised[:1]}"
        assert all(problems(call) == [] for call in calls)
        assert any(call.method == "answerCallbackQuery" for call in calls), f"{data!r} left the button spinning"
    assert await snapshot(bot) == before


async def test_replayed_approval_decides_once(bot, raised):
    world = await build_world(bot, "pending")
    coordinator = ROLES["coordinator"]
    first = await bot.press(f"apr:ok:{world.a}", coordinator)
    assert await status_of(bot, world.a) == "active"
    state = await snapshot(bot)
    again = await bot.press(f"apr:ok:{world.a}", coordinator)  # the same card, pressed again
    admin_too = await bot.press(f"apr:ok:{world.a}", ROLES["admin"])  # or a second decider
    reject_late = await bot.press(f"apr:no:{world.a}", coordinator)
    assert raised == []
    assert await snapshot(bot) == state
    async with bot.session_factory() as session:
        approvals = (await session.scalars(select(AuditEntry).where(AuditEntry.action.in_(("approve", "approved"))))).all()
    assert len(approvals) <= 1
    assert any(c.chat_id == coordinator["id"] for c in bot.replies(first))
    told_again = [c for c in bot.replies(again + admin_too + reject_late) if c.chat_id not in (coordinator["id"], ADMIN_ID)]
    assert told_again == [], "nobody else is told twice"
    assert all(bot.replies(calls) or any(c.method == "answerCallbackQuery" for c in calls) for calls in (again, admin_too, reject_late))


async def test_replayed_owner_buttons_do_nothing_more(bot, raised):
    world = await build_world(bot, "active")
    owner = ROLES["owner"]
    await bot.press(f"own:p:{world.a}", owner)
    assert await status_of(bot, world.a) == "paused"
    state = await snapshot(bot)
    calls = await bot.press(f"own:p:{world.a}", owner)
    assert raised == [] and await snapshot(bot) == state
    assert bot.replies(calls), "the replayed press is answered"
    await bot.press(f"own:xx:{world.a}", owner)
    assert await status_of(bot, world.a) == "closed"
    state = await snapshot(bot)
    await bot.press(f"own:r:{world.a}", owner)  # resume after closing: refused
    await bot.press(f"own:p:{world.a}", owner)
    assert raised == [] and await snapshot(bot) == state


async def test_a_button_nobody_handles_is_answered_once(bot):
    calls = await bot.press("zz:unknown:1")
    [answer] = [call for call in calls if call.method == "answerCallbackQuery"]
    assert answer.params["text"] == "Deze knop werkt niet meer. Begin opnieuw met /start."
    calls = await bot.press("lang:en")  # a handled button is answered by its handler only
    assert len([call for call in calls if call.method == "answerCallbackQuery"]) == 1


def registered_buttons_and_commands(application) -> tuple[set[str], set[str]]:
    """Every CallbackQueryHandler pattern and command, conversations included."""
    from telegram.ext import CallbackQueryHandler, CommandHandler, ConversationHandler

    patterns, commands = set(), set()
    pending = [handler for group in application.handlers.values() for handler in group]
    while pending:
        handler = pending.pop()
        if isinstance(handler, ConversationHandler):
            pending += handler.entry_points + handler.fallbacks + [h for hs in handler.states.values() for h in hs]
        elif isinstance(handler, CallbackQueryHandler) and handler.pattern is not None:
            patterns.add(getattr(handler.pattern, "pattern", handler.pattern))
        elif isinstance(handler, CommandHandler):
            commands |= set(handler.commands)
    return patterns, commands


def test_every_button_and_privileged_command_is_in_the_matrix(bot):
    """A capability cannot add a button or a command unnoticed: each must be exercised here."""
    import re

    world = World(a=1, b=2, network=1, other_network=2, activity=1, target=1)
    pressed = [value for action in ACTIONS.values() for kind, value, *_ in action.steps(world) if kind == "press"]
    pressed += [template.format(a=1, b=2, n=1, act=1, t=1) for template in FORGED + SELF_SERVICE]
    pressed += ["fgt:ok:x"]  # /vergeetmij's own replay and forgery tests in test_privacy.py
    patterns, commands = registered_buttons_and_commands(bot.app)
    uncovered = sorted(pattern for pattern in patterns if not any(re.match(pattern, data) for data in pressed))
    assert uncovered == [], f"buttons nobody tests for authorisation: {uncovered}"
    unclassified = sorted(commands - RESIDENT_COMMANDS - set(PRIVILEGED_COMMANDS))
    assert unclassified == [], f"commands neither resident-level nor in the matrix: {unclassified}"
    assert not set(PRIVILEGED_COMMANDS) - commands, "the matrix lists a command that no longer exists"


@pytest.mark.parametrize("role", ["resident", "member_elsewhere", "coordinator_elsewhere"])
async def test_privileged_commands_refuse_others(bot, raised, role):
    await build_world(bot, "active")
    sender = ROLES[role]
    before = await snapshot(bot)
    for command in ("activiteit", "bericht"):
        calls = await bot.say(f"/{command}", sender)
        assert bot.replies(calls) and all(problems(call) == [] for call in calls)
        assert all("pi:" not in str(call.params) and "bi:" not in str(call.params) for call in calls), "no initiative offered"
    for command in ("digest_hervat", "digest_tijd maandag 10:00", "digest_voorbeeld", "digest_leeg", "koppel"):
        calls = await bot.say(f"/{command}@knooppunt_test_bot", sender, LINKED_GROUP)
        assert all(problems(call) == [] for call in calls)
    assert raised == []
    assert await snapshot(bot) == before


async def test_self_service_buttons_touch_only_the_pressers_rows(bot, raised):
    world = await build_world(bot, "active")
    presser = ROLES["resident"]

    def others(state):
        return {name: [row for row in rows if repr(presser["id"]) not in str(row)] for name, rows in state.items()}

    before = others(await snapshot(bot))
    for template in SELF_SERVICE:
        data = template.format(a=world.a, b=world.b, n=world.network, act=world.activity, t=world.target)
        calls = await bot.press(data, presser)
        assert raised == [] and all(problems(call) == [] for call in calls)
        assert any(call.method == "answerCallbackQuery" for call in calls), f"{data!r} left the button spinning"
    assert others(await snapshot(bot)) == before


async def test_directory_buttons_never_use_someone_elses_question(bot, raised):
    """The stored location and filters live per person: a forged press works on the presser's own."""
    owner, other = ROLES["owner"], ROLES["resident"]
    await build_world(bot, "active")
    await bot.send(updates.location(51.9137251, 4.4501873, sender=owner))
    await bot.say("buurthuiskamer met Arabisch", sender=owner)
    owners_state = dict(bot.app.user_data[owner["id"]])
    before = await snapshot(bot)
    for data in ("dir:m:5", "dir:f:o", "dir:f:l:tr", "dir:c:buurthuiskamer", "dir:m:10"):
        calls = await bot.press(data, other)
        assert raised == []
        assert all(call.chat_id == other["id"] for call in bot.replies(calls))
        assert not any("📍" in call.text for call in bot.replies(calls)), "answered from someone else's location"
    assert bot.app.user_data[owner["id"]] == owners_state
    assert await snapshot(bot) == before
