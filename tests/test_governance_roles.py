"""Every role against every privileged action, plus owners' edits, rejections, invitations, freshness."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import select

from storage.models import AuditEntry, Initiative, InitiativeMember, InitiativeNetwork, Location, Network, NetworkCoordinator, Schedule
from storage.tables_governance import ChangeRequest, RegistrationDraft
from tests.conftest import ADMIN_ID
from tests.fakes import updates

pytestmark = pytest.mark.storage

ADMIN = updates.user(ADMIN_ID, "Ada", "nl")
COORDINATOR = updates.user(3001, "Kees", "nl")
OTHER_NETWORK_COORDINATOR = updates.user(3009, "Bram", "nl")
OWNER = updates.user(2001, "Samira", "nl")
EDITOR = updates.user(2002, "Eddy", "nl")
RESIDENT = updates.user(4001, "Mallory", "nl")
ROLES = {"admin": ADMIN, "coordinator": COORDINATOR, "other_coordinator": OTHER_NETWORK_COORDINATOR,
         "owner": OWNER, "editor": EDITOR, "resident": RESIDENT}


async def seed(bot, status: str = "active", verified_days_ago: int = 1) -> int:
    now = datetime.now(timezone.utc)
    async with bot.session_factory.begin() as session:
        mine, other = Network(name="Buurthuiskamers"), Network(name="Sport")
        session.add_all([mine, other])
        await session.flush()
        session.add_all([NetworkCoordinator(network_id=mine.id, user_id=COORDINATOR["id"]),
                         NetworkCoordinator(network_id=other.id, user_id=OTHER_NETWORK_COORDINATOR["id"])])
        location = Location(name="Huiskamer", latitude=51.92, longitude=4.44, approximate=True, postcode="3027")
        session.add(location)
        await session.flush()
        initiative = Initiative(name="Huiskamer Spangen", description="Koffie en een praatje.", category="buurthuiskamer",
                                status=status, location_id=location.id, created_by=OWNER["id"],
                                created_at=now - timedelta(days=400), last_verified_at=now - timedelta(days=verified_days_ago))
        initiative.networks = [InitiativeNetwork(network_id=mine.id)]
        initiative.members = [InitiativeMember(user_id=OWNER["id"], role="owner"), InitiativeMember(user_id=EDITOR["id"], role="editor")]
        initiative.schedules, initiative.languages = [], []
        session.add(initiative)
        await session.flush()
        return initiative.id


async def status_of(bot, initiative_id: int) -> str:
    async with bot.session_factory() as session:
        return (await session.get(Initiative, initiative_id)).status


async def denied_count(bot) -> int:
    async with bot.session_factory() as session:
        return len((await session.scalars(select(AuditEntry).where(AuditEntry.action == "denied"))).all())


# action -> (how to try it, who may, how to see it worked)
async def try_approve(bot, sender, iid):
    await bot.press(f"apr:ok:{iid}", sender)
    return await status_of(bot, iid) == "active"


async def try_pause(bot, sender, iid):
    await bot.press(f"own:p:{iid}", sender)
    return await status_of(bot, iid) == "paused"


async def try_close(bot, sender, iid):
    await bot.press(f"own:xx:{iid}", sender)
    return await status_of(bot, iid) == "closed"


async def try_invite(bot, sender, iid):
    calls = await bot.press(f"own:i:{iid}", sender)
    return any("start=inv-" in c.text for c in bot.replies(calls))


async def try_verify(bot, sender, iid):
    await bot.press(f"own:ok:{iid}", sender)
    async with bot.session_factory() as session:
        initiative = await session.get(Initiative, iid)
    return datetime.now(timezone.utc) - initiative.last_verified_at < timedelta(minutes=1)


async def try_edit_description(bot, sender, iid):
    await bot.press(f"own:e:{iid}:description", sender)
    await bot.say("Nieuwe beschrijving van de huiskamer.", sender)
    async with bot.session_factory() as session:
        return (await session.get(Initiative, iid)).description == "Nieuwe beschrijving van de huiskamer."


async def try_beheer(bot, sender, iid):
    calls = await bot.say("/beheer", sender)
    return any("Beheer: netwerken" in c.text for c in bot.replies(calls))


async def try_add_network(bot, sender, iid):
    await bot.press("adm:add", sender)
    await bot.say("Nieuw Netwerk", sender)
    async with bot.session_factory() as session:
        return await session.scalar(select(Network).where(Network.name == "Nieuw Netwerk")) is not None


async def try_add_coordinator(bot, sender, iid):
    await bot.press("adm:ca:1", sender)
    await bot.say("777", sender)
    async with bot.session_factory() as session:
        return await session.get(NetworkCoordinator, (1, 777)) is not None


ACTIONS = {
    # action: (attempt, initial status, roles allowed)
    "approve": (try_approve, "pending", {"admin", "coordinator"}),
    "pause": (try_pause, "active", {"owner"}),
    "close": (try_close, "active", {"owner"}),
    "invite": (try_invite, "active", {"owner"}),
    "verify": (try_verify, "active", {"owner", "editor"}),
    "edit": (try_edit_description, "active", {"owner", "editor"}),
    "beheer": (try_beheer, "active", {"admin"}),
    "add_network": (try_add_network, "active", {"admin"}),
    "add_coordinator": (try_add_coordinator, "active", {"admin"}),
}


@pytest.mark.parametrize("role", list(ROLES))
@pytest.mark.parametrize("action", list(ACTIONS))
async def test_role_against_privileged_action(bot, role, action):
    attempt, status, allowed = ACTIONS[action]
    iid = await seed(bot, status=status, verified_days_ago=30)
    if action == "approve":  # a pending initiative has no members yet
        async with bot.session_factory.begin() as session:
            for member in (await session.scalars(select(InitiativeMember))).all():
                await session.delete(member)
    before = await denied_count(bot)
    succeeded = await attempt(bot, ROLES[role], iid)
    assert succeeded == (role in allowed)
    if role not in allowed:
        assert await denied_count(bot) > before  # refused and recorded


async def test_owner_edits_opening_hours_applied_and_coordinator_told(bot):
    iid = await seed(bot)
    calls = await bot.say("/mijn", OWNER)
    assert "Huiskamer Spangen" in bot.replies(calls)[-1].text
    await bot.press(f"own:v:{iid}", OWNER)
    calls = await bot.press(f"own:f:{iid}", OWNER)
    assert "Openingstijden" in bot.replies(calls)[-1].buttons()
    calls = await bot.press(f"own:e:{iid}:hours", OWNER)
    assert "nieuwe openingstijden" in bot.replies(calls)[-1].text
    calls = await bot.say("di 10 tot 12 uur en dan nog wat", OWNER)
    assert "Dit snap ik niet" in bot.replies(calls)[-1].text
    calls = await bot.say("di en do 9-12, op afspraak", OWNER)
    texts = bot.reply_texts(calls)
    assert any("Bewaard!" in t for t in texts)
    assert any("di, do 09:00–12:00" in t and "Op afspraak" in t for t in texts)
    note = [c for c in bot.replies(calls) if c.chat_id == COORDINATOR["id"]]
    assert "Openingstijden" in note[0].text and "Samira" in note[0].text
    async with bot.session_factory() as session:
        rows = (await session.scalars(select(Schedule).order_by(Schedule.weekday))).all()
        assert [(r.weekday, r.opens_at, r.closes_at) for r in rows] == [(1, "09:00", "12:00"), (3, "09:00", "12:00")]
        initiative = await session.get(Initiative, iid)
        assert initiative.by_appointment and initiative.hours_note == "di en do 9-12, op afspraak"


async def test_name_change_waits_for_coordinator_and_reject_needs_reason(bot):
    iid = await seed(bot)
    await bot.press(f"own:e:{iid}:name", OWNER)
    calls = await bot.say("Huiskamer Spangen-Zuid", OWNER)
    card = [c for c in bot.replies(calls) if c.chat_id == COORDINATOR["id"]][0]
    assert "wordt: Huiskamer Spangen-Zuid" in card.text
    async with bot.session_factory() as session:
        assert (await session.get(Initiative, iid)).name == "Huiskamer Spangen"
    calls = await bot.press(card.callback_data("Afwijzen"), COORDINATOR)
    assert "korte reden" in bot.replies(calls)[-1].text
    calls = await bot.say("Die naam is verwarrend.", COORDINATOR)
    told = [c for c in bot.replies(calls) if c.chat_id == OWNER["id"]][-1]
    assert "afgewezen" in told.text and "Die naam is verwarrend." in told.text
    async with bot.session_factory() as session:
        request = (await session.scalars(select(ChangeRequest))).one()
        assert request.status == "rejected" and request.reason == "Die naam is verwarrend."
        assert (await session.get(Initiative, iid)).name == "Huiskamer Spangen"
    # A second change is approved and applied.
    await bot.press(f"own:e:{iid}:name", OWNER)
    calls = await bot.say("Huiskamer Spangen-Zuid", OWNER)
    card = [c for c in bot.replies(calls) if c.chat_id == COORDINATOR["id"]][0]
    await bot.press(card.callback_data("Goedkeuren"), COORDINATOR)
    async with bot.session_factory() as session:
        assert (await session.get(Initiative, iid)).name == "Huiskamer Spangen-Zuid"


async def test_invitation_is_one_time(bot):
    iid = await seed(bot)
    calls = await bot.press(f"own:i:{iid}", OWNER)
    link = next(c.text for c in bot.replies(calls) if "start=inv-" in c.text)
    argument = link.split("start=")[1].split()[0]
    newcomer = updates.user(5001, "Nadia", "nl")
    calls = await bot.send(updates.command("start", argument, sender=newcomer))
    assert "mede-eigenaar" in bot.replies(calls)[0].text
    assert any(c.chat_id == OWNER["id"] and "Nadia" in c.text for c in bot.replies(calls))
    calls = await bot.send(updates.command("start", argument, sender=RESIDENT))
    assert "al gebruikt" in bot.replies(calls)[0].text
    async with bot.session_factory() as session:
        assert (await session.get(InitiativeMember, (iid, newcomer["id"]))).role == "owner"
        assert await session.get(InitiativeMember, (iid, RESIDENT["id"])) is None


async def test_freshness_job_asks_owners_and_flags_stale_ones(bot):
    iid = await seed(bot, verified_days_ago=200)
    job = bot.app.job_queue.get_jobs_by_name("freshness-check")[0]
    assert job.job.trigger.fields[2].expressions[0].first == 1  # day of month 1
    assert job.job.misfire_grace_time >= 3600
    bot.api.clear()
    await job.run(bot.app)
    await bot.drain()
    to_owner = bot.api.sent(OWNER["id"])
    assert "Klopt dit nog?" in to_owner[0].text and "Ja, klopt" in to_owner[0].buttons()[0]
    flag = bot.api.sent(COORDINATOR["id"])[0]
    assert "200 dagen" in flag.text and "niet meer zichtbaar" in flag.text
    await bot.press(to_owner[0].callback_data("Ja, klopt"), OWNER)
    async with bot.session_factory() as session:
        initiative = await session.get(Initiative, iid)
        assert datetime.now(timezone.utc) - initiative.last_verified_at < timedelta(minutes=1)


async def test_pending_limit_and_draft_expiry(bot):
    await seed(bot)
    async with bot.session_factory.begin() as session:
        for n in range(3):
            location = Location(latitude=51.9, longitude=4.4)
            session.add(location)
            await session.flush()
            session.add(Initiative(name=f"Wacht {n}", category="speeltuin", status="pending", created_by=RESIDENT["id"], location_id=location.id))
    calls = await bot.say("/aanmelden", RESIDENT)
    assert "3 aanmeldingen die wachten" in bot.replies(calls)[-1].text

    await bot.say("/aanmelden", OWNER)
    async with bot.session_factory.begin() as session:
        draft = await session.get(RegistrationDraft, OWNER["id"])
        draft.updated_at = datetime.now(timezone.utc) - timedelta(days=2)
    job = bot.app.job_queue.get_jobs_by_name("registration-drafts-expiry")[0]
    bot.api.clear()
    await job.run(bot.app)
    await bot.drain()
    assert "verlopen" in bot.api.sent(OWNER["id"])[0].text
    calls = await bot.say("Mijn initiatief", OWNER)  # the conversation ends calmly: not told twice, just answered
    assert [c.text for c in bot.replies(calls) if "verlopen" in c.text] == []
    assert "/aanmelden" in bot.replies(calls)[-1].text  # "Mijn initiatief" is understood as wanting to register
    calls = await bot.say("/aanmelden", OWNER)
    assert "Hoe heet je initiatief?" in bot.replies(calls)[-1].text


async def test_beheer_rename_and_coordinator_by_forward(bot):
    await seed(bot)
    calls = await bot.say("/beheer", ADMIN)
    overview = bot.replies(calls)[-1]
    assert "Buurthuiskamers" in overview.text
    await bot.press(overview.callback_data("Buurthuiskamers"), ADMIN)
    await bot.press("adm:ren:1", ADMIN)
    await bot.say("Sport", ADMIN)  # taken
    calls = await bot.say("Huiskamers Delfshaven", ADMIN)
    assert "Bewaard: Huiskamers Delfshaven" in bot.replies(calls)[0].text
    await bot.press("adm:ca:1", ADMIN)
    forwarded = updates.message("hallo", ADMIN, forward_origin={"type": "user", "date": 1, "sender_user": updates.user(6001, "Wim")})
    calls = await bot.send(forwarded)
    assert "Wim is nu coördinator van Huiskamers Delfshaven" in bot.replies(calls)[0].text
    await bot.press("adm:cr:1:6001", ADMIN)
    async with bot.session_factory() as session:
        assert await session.get(NetworkCoordinator, (1, 6001)) is None
        actions = [e.action for e in (await session.scalars(select(AuditEntry).order_by(AuditEntry.id))).all()]
    assert actions == ["network_rename", "coordinator_add", "coordinator_remove"]


async def test_freshness_flags_of_many_initiatives_fit_telegram_messages(bot):
    """A coordinator with many stale initiatives gets them all, in messages Telegram accepts (4096)."""
    from domain.htmltext import utf16_len

    await seed(bot, verified_days_ago=200)
    now = datetime.now(timezone.utc)
    async with bot.session_factory.begin() as session:
        network_id = (await session.scalar(select(Network.id).where(Network.name == "Buurthuiskamers")))
        for n in range(60):
            location = Location(latitude=51.9, longitude=4.4)
            session.add(location)
            await session.flush()
            initiative = Initiative(name=f"Stichting Buurtkracht Spangen en Tussendijken nummer {n:02d} met een lange naam",
                                    category="speeltuin", status="active", location_id=location.id,
                                    created_at=now - timedelta(days=400), last_verified_at=now - timedelta(days=200))
            initiative.networks = [InitiativeNetwork(network_id=network_id)]
            initiative.members, initiative.schedules, initiative.languages = [], [], []
            session.add(initiative)
    bot.api.clear()
    await bot.app.job_queue.get_jobs_by_name("freshness-check")[0].run(bot.app)
    await bot.drain()
    flags = [call.text for call in bot.api.sent(COORDINATOR["id"])]
    assert flags and all(utf16_len(text) <= 4096 for text in flags)
    joined = "\n".join(flags)
    assert all(f"nummer {n:02d} " in joined for n in range(60))


async def test_network_change_card_goes_only_to_those_who_may_decide(bot):
    iid = await seed(bot)
    async with bot.session_factory() as session:
        sport = (await session.scalars(select(Network).where(Network.name == "Sport"))).one()
    await bot.press(f"own:e:{iid}:networks", OWNER)
    await bot.press(f"ed:{sport.id}", OWNER)
    calls = await bot.press("ed:done", OWNER)
    cards = [c for c in bot.replies(calls) if c.inline_buttons() and any("Goedkeuren" in b["text"] for b in c.inline_buttons())]
    assert {c.chat_id for c in cards} == {COORDINATOR["id"]}  # not Sport's coordinator: he could not decide
    await bot.press(cards[0].callback_data("Goedkeuren"), COORDINATOR)
    async with bot.session_factory() as session:
        rows = (await session.scalars(select(InitiativeNetwork.network_id).where(InitiativeNetwork.initiative_id == iid))).all()
    assert sport.id in rows


async def test_old_approval_card_of_a_deleted_initiative_says_it_is_gone_only_to_deciders(bot):
    """A coordinator's stale card tells the truth; anyone else gets the usual refusal (no existence leak)."""
    iid = await seed(bot, status="pending")
    async with bot.session_factory.begin() as session:
        await session.delete(await session.get(Initiative, iid))

    def popup(calls) -> str:
        return next(call.params.get("text") or "" for call in calls if call.method == "answerCallbackQuery")

    assert popup(await bot.press(f"apr:ok:{iid}", COORDINATOR)) == "Dit initiatief bestaat niet meer. Er is niets te besluiten."
    assert popup(await bot.press(f"apr:no:{iid}", ADMIN)) == "Dit initiatief bestaat niet meer. Er is niets te besluiten."
    assert popup(await bot.press("chg:ok:99999", COORDINATOR)) == "Deze wijziging bestaat niet meer. Er is niets te besluiten."
    # a resident or owner cannot tell a deleted id from one they may not touch
    assert popup(await bot.press(f"apr:ok:{iid}", RESIDENT)) == "Dit mag je niet doen."
    assert popup(await bot.press("chg:ok:99999", OWNER)) == "Dit mag je niet doen."
    async with bot.session_factory() as session:
        denied = (await session.scalars(select(AuditEntry).where(AuditEntry.action == "denied").order_by(AuditEntry.id))).all()
    assert [(d.actor_id, d.detail["why"]) for d in denied] == [
        (COORDINATOR["id"], "gone"), (ADMIN["id"], "gone"), (COORDINATOR["id"], "gone"),
        (RESIDENT["id"], "not allowed"), (OWNER["id"], "not allowed"),
    ]


async def test_beheer_and_mijn_page_long_lists_within_telegram_limits(bot):
    """60 networks and 45 initiatives with long names: every page fits 4096 characters and ~100
    buttons, and Vorige/Volgende reach every item exactly once."""
    from domain.htmltext import utf16_len

    await seed(bot)
    now = datetime.now(timezone.utc)
    async with bot.session_factory.begin() as session:
        for n in range(60):
            session.add(Network(name=f"Netwerk Delfshaven Spangen Tussendijken Bospolder Schiemond nr {n:02d} & co <b>"))
        for n in range(45):
            location = Location(latitude=51.9, longitude=4.4)
            session.add(location)
            await session.flush()
            initiative = Initiative(name=f"Stichting Buurtkracht Spangen en Tussendijken nummer {n:02d} met een lange naam",
                                    category="speeltuin", status="active", location_id=location.id, created_at=now)
            initiative.members = [InitiativeMember(user_id=OWNER["id"], role="owner")]
            initiative.networks, initiative.schedules, initiative.languages = [], [], []
            session.add(initiative)

    async def walk(first_calls, next_label: str, marker: str) -> list[str]:
        [page] = bot.replies(first_calls)
        texts = [page.text]
        while next_label in page.buttons():
            sender = ADMIN if marker == "netwerk" else OWNER
            calls = await bot.press(page.callback_data(next_label), sender)
            [page] = [call for call in calls if call.method == "editMessageText"]
            texts.append(page.text)
            assert sum(len(row) for row in page.params["reply_markup"]["inline_keyboard"]) <= 100
        assert all(utf16_len(text) <= 4096 for text in texts)
        return texts

    networks_pages = await walk(await bot.say("/beheer", ADMIN), "Volgende ▶️", "netwerk")
    assert len(networks_pages) == 4 and networks_pages[0].startswith("<b>Beheer: netwerken</b> (1–20 van 62)")
    joined = "\n".join(networks_pages)
    assert all(joined.count(f"nr {n:02d} &amp; co &lt;b&gt;") == 1 for n in range(60))

    mine_pages = await walk(await bot.say("/mijn", OWNER), "Volgende ▶️", "initiatief")
    assert len(mine_pages) == 3 and mine_pages[-1].startswith("<b>Jouw initiatieven</b> (41–46 van 46)")
    joined = "\n".join(mine_pages)
    assert all(joined.count(f"nummer {n:02d} ") == 1 for n in range(45)) and joined.count("Huiskamer Spangen") == 1
    # back again, and a page number from an old button that no longer exists shows the last page
    [back] = [c for c in await bot.press("own:l:0", OWNER) if c.method == "editMessageText"]
    assert back.text.startswith("<b>Jouw initiatieven</b> (1–20 van 46)") and "◀️ Vorige" not in back.buttons()
    [late] = [c for c in await bot.press("own:l:9", OWNER) if c.method == "editMessageText"]
    assert late.text.startswith("<b>Jouw initiatieven</b> (41–46 van 46)")


async def test_unprompted_cards_follow_the_coordinators_telegram_language(bot):
    """A coordinator who never chose /taal but uses Telegram in English gets the change card in English."""
    english_coordinator = updates.user(COORDINATOR["id"], "Kees", "en")
    await bot.say("/start", sender=english_coordinator)  # recorded with Telegram's language
    iid = await seed(bot)
    await bot.press(f"own:e:{iid}:name", OWNER)
    calls = await bot.say("Huiskamer Spangen-Zuid", OWNER)
    [card] = [c for c in bot.replies(calls) if c.chat_id == COORDINATOR["id"]]
    assert any("Approve" in b for b in card.buttons()), card.buttons()
