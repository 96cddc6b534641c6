"""Network groups and digests through the real application: joining, linking, schedules, exactly once."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from domain.htmltext import is_valid_telegram_html
from handlers.groups import digest_jobs
from storage.models import AuditEntry, GroupChat, NetworkCoordinator
from storage.repositories import groups as groups_repo
from tests.fakes import updates
from tests.groups_seed import COORDINATOR, OTHER_COORDINATOR, seed_activity, seed_initiative, seed_linked_group, seed_network

pytestmark = pytest.mark.storage
AMS = ZoneInfo("Europe/Amsterdam")
GROUP = updates.group_chat(-100500, "Buren Bospolder")


class Clock:
    def __init__(self, moment: datetime) -> None:
        self.moment = moment

    def __call__(self) -> datetime:
        return self.moment


@pytest.fixture
def clock(bot) -> Iterator[Clock]:
    clock = Clock(datetime(2026, 12, 7, 9, 59, tzinfo=AMS).astimezone(timezone.utc))
    bot.app.bot_data.clock = clock
    slept: list[float] = []

    async def no_sleep(seconds: float) -> None:
        slept.append(seconds)

    bot.app.bot_data.sleep = no_sleep
    bot.slept = slept
    original = digest_jobs.deliver

    async def deliver_then_drain(application, *args):  # noqa: ANN001, ANN202 - the outbox sends what a round queued
        status = await original(application, *args)
        await bot.drain()
        return status

    bot.monkeypatch = pytest.MonkeyPatch()
    bot.monkeypatch.setattr(digest_jobs, "deliver", deliver_then_drain)
    yield clock
    bot.monkeypatch.undo()


async def _network_with_week(bot) -> tuple[int, list[int]]:
    async with bot.session_factory.begin() as session:
        network = await seed_network(session)
        huis = await seed_initiative(session, network, "Huiskamer <Bospolder> & co")
        koffie = await seed_activity(session, huis, "Koffie & <b>taart</b>", datetime(2026, 12, 8, 10, 0, tzinfo=AMS))
        wandel = await seed_activity(session, huis, "Wandelen", datetime(2026, 12, 1, 14, 0, tzinfo=AMS), rrule="FREQ=WEEKLY")
        await seed_activity(session, huis, "Te laat", datetime(2026, 12, 20, 14, 0, tzinfo=AMS))
        await seed_initiative(session, network, "Nieuwe Moestuin", created_at=datetime(2026, 12, 3, tzinfo=timezone.utc))
        await seed_initiative(session, network, "Wacht nog", status="pending")
        return network.id, [koffie.id, wandel.id]


async def _add_and_link(bot, chat=GROUP, by=COORDINATOR) -> list:
    await bot.send(updates.my_chat_member(chat, by, old="left", new="member"))
    [offer] = bot.replies(await bot.send(updates.command("koppel", sender=by, chat=chat)))
    return await bot.press(offer.callback_data("Buurthuiskamers"), sender=by, chat=chat)


async def test_bot_added_introduces_itself(bot, clock):
    calls = bot.replies(await bot.send(updates.my_chat_member(GROUP, COORDINATOR)))
    assert len(calls) == 1 and calls[0].chat_id == GROUP["id"]
    assert "Ik ben Knooppunt" in calls[0].text and "/koppel" in calls[0].text
    async with bot.session_factory() as session:
        group = await session.get(GroupChat, GROUP["id"])
    assert group.active and group.network_id is None and group.title == "Buren Bospolder"


async def test_coordinator_links_group_sets_time_and_gets_exactly_one_digest(bot, clock):
    _network_id, (koffie_id, wandel_id) = await _network_with_week(bot)
    [done] = bot.replies(await _add_and_link(bot))
    assert "gekoppeld aan Buurthuiskamers Delfshaven" in done.text
    # One minute ahead of "now" (Monday 09:59).
    [answer] = bot.replies(await bot.send(updates.command("digest_tijd", "maandag 10:00", sender=COORDINATOR, chat=GROUP)))
    assert "elke maandag om 10:00" in answer.text
    [job] = bot.app.job_queue.get_jobs_by_name(f"digest-group-{GROUP['id']}")
    assert job.job.trigger.get_next_fire_time(None, clock.moment) == datetime(2026, 12, 7, 10, 0, tzinfo=AMS)
    assert job.job.misfire_grace_time == 12 * 3600

    clock.moment = datetime(2026, 12, 7, 10, 0, tzinfo=AMS).astimezone(timezone.utc)
    bot.api.clear()
    await job.run(bot.app)
    await job.run(bot.app)  # a second firing for the same period sends nothing
    sent = bot.api.sent(GROUP["id"])
    assert len(sent) == 1
    text = sent[0].text
    assert is_valid_telegram_html(text)
    assert "<b>Deze week in Buurthuiskamers Delfshaven</b>" in text
    assert "<b>dinsdag 8 december</b>" in text
    assert f'10:00 – 12:00  <a href="https://t.me/knooppunt_test_bot?start=act-{koffie_id}">Koffie &amp; &lt;b&gt;taart&lt;/b&gt;</a> · Buurthuis De Horizon' in text
    assert f'14:00 – 16:00  <a href="https://t.me/knooppunt_test_bot?start=act-{wandel_id}">Wandelen</a>' in text  # recurring, expanded
    assert "Nieuwe Moestuin (Buurthuiskamer)" in text
    assert "Te laat" not in text and "Wacht nog" not in text
    assert "Nieuwe Moestuin" in text
    async with bot.session_factory() as session:
        [delivery] = await groups_repo.deliveries(session)
    assert (delivery.status, delivery.period) == ("queued", "2026-W50")


async def test_moving_the_weekly_digest_later_in_the_week_sends_no_second_one(bot, clock):
    await _network_with_week(bot)
    await _add_and_link(bot)
    clock.moment = datetime(2026, 12, 7, 9, 0, tzinfo=AMS).astimezone(timezone.utc)  # Monday: the default time
    assert await digest_jobs.run_group_digest(bot.app, GROUP["id"]) == "queued"
    [answer] = bot.replies(await bot.send(updates.command("digest_tijd", "woensdag 10:00", sender=COORDINATOR, chat=GROUP)))
    assert "elke woensdag om 10:00" in answer.text
    [job] = bot.app.job_queue.get_jobs_by_name(f"digest-group-{GROUP['id']}")

    bot.api.clear()
    clock.moment = datetime(2026, 12, 9, 10, 0, tzinfo=AMS).astimezone(timezone.utc)  # Wednesday, same ISO week
    await job.run(bot.app)
    assert await digest_jobs.resume_missed(bot.app) == {}  # a restart on Wednesday sends nothing either
    assert [call for call in bot.api.sent(GROUP["id"]) if "Deze week" in call.text] == []

    clock.moment = datetime(2026, 12, 16, 10, 0, tzinfo=AMS).astimezone(timezone.utc)  # next Wednesday
    await job.run(bot.app)
    assert len([call for call in bot.api.sent(GROUP["id"]) if "Deze week" in call.text]) == 1
    async with bot.session_factory() as session:
        periods = [(d.period, d.status) for d in await groups_repo.deliveries(session, groups_repo.KIND_GROUP)]
    assert periods == [("2026-W50", "queued"), ("2026-W51", "queued")]


async def test_digest_in_forum_topic_goes_to_that_topic(bot, clock):
    await _network_with_week(bot)
    forum = updates.group_chat(-100600, "Forum", forum=True)
    await bot.send(updates.my_chat_member(forum, COORDINATOR))
    [offer] = bot.replies(await bot.send(updates.command("koppel", sender=COORDINATOR, chat=forum)))
    press = updates.callback(offer.callback_data("Buurthuiskamers"), COORDINATOR, forum)
    press["callback_query"]["message"].update(message_thread_id=77, is_topic_message=True)
    await bot.send(press)
    clock.moment = datetime(2026, 12, 7, 9, 0, tzinfo=AMS).astimezone(timezone.utc)
    assert await digest_jobs.run_group_digest(bot.app, forum["id"]) == "queued"
    [digest] = [call for call in bot.api.sent(forum["id"]) if "Deze week" in call.text]
    assert digest.params["message_thread_id"] == 77


async def test_resident_cannot_link_and_is_recorded(bot, clock):
    await _network_with_week(bot)
    await bot.send(updates.my_chat_member(GROUP, COORDINATOR))
    [reply] = bot.replies(await bot.send(updates.command("koppel", sender=updates.RESIDENT, chat=GROUP)))
    assert "Alleen een coördinator" in reply.text
    # A forged button press by a resident changes nothing.
    [reply] = bot.replies(await bot.press("lnk:1", sender=updates.RESIDENT, chat=GROUP))
    assert "Dat mag je niet" in reply.text
    async with bot.session_factory() as session:
        group = await session.get(GroupChat, GROUP["id"])
        denied = (await session.scalars(select(AuditEntry).where(AuditEntry.action == "denied"))).all()
    assert group.network_id is None
    assert len(denied) == 2


async def test_coordinator_of_other_network_cannot_link_it(bot, clock):
    await _network_with_week(bot)
    async with bot.session_factory.begin() as session:
        await seed_network(session, "Speeltuinen", coordinator_id=OTHER_COORDINATOR["id"])
    await bot.send(updates.my_chat_member(GROUP, OTHER_COORDINATOR))
    [offer] = bot.replies(await bot.send(updates.command("koppel", sender=OTHER_COORDINATOR, chat=GROUP)))
    assert offer.buttons() == ["Speeltuinen"]
    [reply] = bot.replies(await bot.press("lnk:1", sender=OTHER_COORDINATOR, chat=GROUP))
    assert "Dat mag je niet" in reply.text


async def test_unlink(bot, clock):
    await _network_with_week(bot)
    await _add_and_link(bot)
    [reply] = bot.replies(await bot.send(updates.command("ontkoppel", sender=updates.RESIDENT, chat=GROUP)))
    assert "Alleen een coördinator" in reply.text
    [reply] = bot.replies(await bot.send(updates.command("ontkoppel", sender=COORDINATOR, chat=GROUP)))
    assert "De koppeling is weg" in reply.text
    assert bot.app.job_queue.get_jobs_by_name(f"digest-group-{GROUP['id']}") == () or all(
        job.removed for job in bot.app.job_queue.get_jobs_by_name(f"digest-group-{GROUP['id']}")
    )
    assert await digest_jobs.run_group_digest(bot.app, GROUP["id"]) == "skipped"


async def test_removed_group_is_inactive_and_reported_to_coordinator(bot, clock):
    await _network_with_week(bot)
    await _add_and_link(bot)
    kicked = updates.my_chat_member(GROUP, COORDINATOR, old="member", new="kicked")
    kicked["my_chat_member"]["new_chat_member"]["until_date"] = 0
    await bot.send(kicked)
    async with bot.session_factory() as session:
        group = await session.get(GroupChat, GROUP["id"])
    assert not group.active and group.inactive_reason == "kicked"
    bot.api.clear()
    assert await digest_jobs.run_group_digest(bot.app, GROUP["id"]) == "skipped"
    assert bot.api.sent(GROUP["id"]) == []
    clock.moment = datetime(2026, 12, 7, 9, 30, tzinfo=AMS).astimezone(timezone.utc)
    results = await digest_jobs.run_coordinator_round(bot.app)
    assert results == {COORDINATOR["id"]: "queued"}
    [report] = bot.api.sent(COORDINATOR["id"])
    assert "<b>Groepen die ik niet kon bereiken</b>\n• Buren Bospolder" in report.text
    assert "1 initiatief wacht op goedkeuring" in report.text
    assert "2 activiteiten komen eraan" in report.text
    assert is_valid_telegram_html(report.text)


async def test_forbidden_on_send_marks_group_inactive_others_still_get_theirs(bot, clock):
    async with bot.session_factory.begin() as session:
        network = await seed_network(session)
        for index in range(3):
            await seed_linked_group(session, network, -200 - index, f"Groep {index}")
    clock.moment = datetime(2026, 12, 7, 9, 0, tzinfo=AMS).astimezone(timezone.utc)
    bot.api.fail_next("forbidden", "sendMessage", "Forbidden: bot was kicked from the supergroup chat")
    results = await digest_jobs.run_groups_round(bot.app, [-200, -201, -202])
    assert sorted(results.values()) == ["queued", "queued", "queued"]
    async with bot.session_factory() as session:
        inactive = [g.chat_id for g in await groups_repo.linked_groups(session, include_inactive=True) if not g.active]
    assert len(inactive) == 1
    assert "Deze week staat er nog niets op de agenda" in bot.api.sent()[0].text  # empty week: a short friendly line


async def test_retry_after_timeouts_and_5xx_are_retried_by_the_outbox(bot, clock):
    async with bot.session_factory.begin() as session:
        network = await seed_network(session)
        await seed_linked_group(session, network, -300, "Groep")
    clock.moment = datetime(2026, 12, 7, 9, 0, tzinfo=AMS).astimezone(timezone.utc)
    bot.api.fail_next("retry_after", "sendMessage", 7)
    bot.api.fail_next("timeout", "sendMessage")
    bot.api.fail_next("server_error", "sendMessage", 502)
    assert await digest_jobs.run_group_digest(bot.app, -300) == "queued"
    assert bot.api.sent(-300) == []
    for _ in range(3):
        clock.moment += timedelta(minutes=10)
        await bot.drain()
    assert len(bot.api.sent(-300)) == 1
    assert bot.slept == []  # nobody sleeps: the wait is a time in the database
    assert await digest_jobs.run_group_digest(bot.app, -300) == "queued"  # the same period again: nothing new
    await bot.drain()
    assert len(bot.api.sent(-300)) == 1


async def test_chat_migrated_keeps_the_link(bot, clock):
    async with bot.session_factory.begin() as session:
        network = await seed_network(session)
        await seed_linked_group(session, network, -400, "Oude groep")
    clock.moment = datetime(2026, 12, 7, 9, 0, tzinfo=AMS).astimezone(timezone.utc)
    bot.api.fail_next("chat_migrated", "sendMessage", -100400)
    assert await digest_jobs.run_group_digest(bot.app, -400) == "queued"
    assert len(bot.api.sent(-100400)) == 1
    async with bot.session_factory() as session:
        assert await session.get(GroupChat, -400) is None
        moved = await session.get(GroupChat, -100400)
        [delivery] = await groups_repo.deliveries(session)
    assert moved.network_id == network.id and moved.title == "Oude groep"
    assert delivery.target_id == -100400
    assert bot.app.job_queue.get_jobs_by_name("digest-group--100400")


async def test_migrate_service_message_keeps_the_link(bot, clock):
    async with bot.session_factory.begin() as session:
        network = await seed_network(session)
        await seed_linked_group(session, network, -500, "Groep")
    old_chat = {"id": -500, "type": "group", "title": "Groep"}
    await bot.send(updates.message("", COORDINATOR, old_chat, migrate_to_chat_id=-100500500) | {})
    async with bot.session_factory() as session:
        moved = await session.get(GroupChat, -100500500)
    assert moved is not None and moved.network_id == network.id


async def test_missed_digest_within_twelve_hours_is_sent_older_is_recorded_missed(bot, clock):
    async with bot.session_factory.begin() as session:
        network = await seed_network(session)
        await seed_linked_group(session, network, -600, "Maandag", weekday=0, at="09:00")
        await seed_linked_group(session, network, -601, "Zondag", weekday=6, at="09:00")
    clock.moment = datetime(2026, 12, 7, 20, 0, tzinfo=AMS).astimezone(timezone.utc)  # Monday 20:00
    results = await digest_jobs.resume_missed(bot.app)
    assert results[-600] == "queued" and -601 not in results
    assert len(bot.api.sent(-600)) == 1 and bot.api.sent(-601) == []
    async with bot.session_factory() as session:
        statuses = {(d.target_id, d.status) for d in await groups_repo.deliveries(session, "group")}
    assert statuses == {(-600, "queued"), (-601, "missed")}
    await digest_jobs.resume_missed(bot.app)  # a second start-up sends nothing again
    assert len(bot.api.sent(-600)) == 1


async def test_crash_mid_digest_resumes_remaining_parts_only(bot, clock):
    """The process dies with part 3 handed to Telegram: a restart counts it as sent and sends the rest, in order."""
    from handlers.core.outbox import LEASE, maintain
    from storage.repositories import outbox

    async with bot.session_factory.begin() as session:
        network = await seed_network(session)
        huis = await seed_initiative(session, network, "Huiskamer")
        for index in range(120):
            await seed_activity(session, huis, f"Activiteit {index} " + "x" * 60, datetime(2026, 12, 8, 10, 0, tzinfo=AMS) + timedelta(minutes=index))
        await seed_linked_group(session, network, -700, "Groep")
    clock.moment = datetime(2026, 12, 7, 9, 0, tzinfo=AMS).astimezone(timezone.utc)
    bot.monkeypatch.undo()  # queue only; this test plays the worker's crash itself
    assert await digest_jobs.run_group_digest(bot.app, -700) == "queued"
    async with bot.session_factory() as session:
        [delivery] = await groups_repo.deliveries(session)
    total = len(delivery.parts)
    assert total >= 4 and all(is_valid_telegram_html(part) and len(part) <= 4096 for part in delivery.parts)
    from handlers.core.outbox import drain_once

    await drain_once(bot.app)
    await drain_once(bot.app)
    async with bot.session_factory.begin() as session:  # a worker claims part 3, hands it over, and dies
        [row] = await outbox.claim_due(session, "dead-worker", clock.moment, 10)
        await outbox.mark_handed(session, row.id)
    clock.moment += LEASE + timedelta(seconds=1)
    await maintain(bot.app)
    await bot.drain()
    sent = [call.text for call in bot.api.sent(-700)]
    assert sent == delivery.parts[:2] + delivery.parts[3:]  # the in-flight part counts as delivered, nothing twice


async def test_digest_shows_the_weeks_posted_announcements_escaped(bot, clock):
    from storage.tables_activities import Announcement, AnnouncementTarget

    async with bot.session_factory.begin() as session:
        network = await seed_network(session)
        other = await seed_network(session, "Speeltuinen", coordinator_id=4242)
        huis = await seed_initiative(session, network, "Huiskamer Spangen")
        await seed_linked_group(session, network, -300, "Groep West")
        week_ago = datetime(2026, 12, 3, 12, 0, tzinfo=AMS)
        posted = Announcement(initiative_id=huis.id, text="Soep <gratis> & warm", created_by=1, created_at=week_ago)
        waiting = Announcement(initiative_id=huis.id, text="Nog niet goedgekeurd", created_by=1, created_at=week_ago)
        old = Announcement(initiative_id=huis.id, text="Van vorige maand", created_by=1, created_at=datetime(2026, 11, 1, tzinfo=AMS))
        elsewhere = Announcement(initiative_id=huis.id, text="Alleen voor speeltuinen", created_by=1, created_at=week_ago)
        session.add_all([posted, waiting, old, elsewhere])
        await session.flush()
        session.add_all(
            [
                AnnouncementTarget(announcement_id=posted.id, network_id=network.id, status="posted"),
                AnnouncementTarget(announcement_id=waiting.id, network_id=network.id, status="pending"),
                AnnouncementTarget(announcement_id=old.id, network_id=network.id, status="posted"),
                AnnouncementTarget(announcement_id=elsewhere.id, network_id=other.id, status="posted"),
            ]
        )
    clock.moment = datetime(2026, 12, 7, 9, 0, tzinfo=AMS).astimezone(timezone.utc)
    results = await digest_jobs.run_groups_round(bot.app, [-300])
    assert results == {-300: "queued"}
    text = "\n".join(call.text for call in bot.api.sent(-300))
    assert "Soep &lt;gratis&gt; &amp; warm" in text
    assert "Huiskamer Spangen" in text
    for absent in ("Nog niet goedgekeurd", "Van vorige maand", "Alleen voor speeltuinen"):
        assert absent not in text
    assert is_valid_telegram_html(text)


async def test_coordinator_digest_names_what_waits_up_to_ten(bot, clock):
    async with bot.session_factory.begin() as session:
        network = await seed_network(session)
        for number in range(1, 13):
            await seed_initiative(session, network, f"Wacht {number:02d} <b>", status="pending")
        await seed_initiative(session, network, "Oude Plek", created_at=datetime(2026, 1, 5, tzinfo=timezone.utc))  # not checked since
    clock.moment = datetime(2026, 12, 7, 9, 30, tzinfo=AMS).astimezone(timezone.utc)
    assert await digest_jobs.run_coordinator_round(bot.app) == {COORDINATOR["id"]: "queued"}
    [report] = bot.api.sent(COORDINATOR["id"])
    assert is_valid_telegram_html(report.text)
    assert "<b>12 initiatieven wachten op goedkeuring</b>\n• Wacht 01 &lt;b&gt;" in report.text
    assert "• Wacht 10 &lt;b&gt;\n… en nog 2" in report.text and "Wacht 11" not in report.text
    assert "<b>Al 90 dagen niet gecontroleerd</b> (1)\n• Oude Plek" in report.text


async def test_group_language_comes_from_the_linking_coordinator_and_digest_taal_changes_it(bot, clock):
    await _network_with_week(bot)
    english = dict(COORDINATOR, language_code="en")
    await _add_and_link(bot, by=english)
    async with bot.session_factory() as session:
        assert (await session.get(GroupChat, GROUP["id"])).language == "en"
    clock.moment = datetime(2026, 12, 7, 9, 0, tzinfo=AMS).astimezone(timezone.utc)
    assert await digest_jobs.run_group_digest(bot.app, GROUP["id"]) == "queued"
    [digest] = [call for call in bot.api.sent(GROUP["id"]) if "Koffie" in call.text]
    assert "Tuesday" in digest.text and "dinsdag" not in digest.text

    [offer] = bot.replies(await bot.send(updates.command("digest_taal", sender=COORDINATOR, chat=GROUP)))
    assert offer.buttons() == ["Nederlands", "English", "Türkçe", "العربية", "Polski", "Português"]
    [done] = bot.replies(await bot.press(offer.callback_data("Nederlands"), sender=COORDINATOR, chat=GROUP))
    assert "Taal van het weekoverzicht: Nederlands" in done.text and "Buren Bospolder" in done.text
    async with bot.session_factory() as session:
        assert (await session.get(GroupChat, GROUP["id"])).language == "nl"
    async with bot.session_factory() as session:
        preview = await digest_jobs.compose_group(session, bot.app, await groups_repo.get_group(session, GROUP["id"]), clock.moment)
    assert "<b>dinsdag 8 december</b>" in preview[0]


async def test_digest_taal_refused_for_residents_and_forged_presses(bot, clock):
    await _network_with_week(bot)
    await _add_and_link(bot)
    resident = updates.RESIDENT
    [refused] = bot.replies(await bot.send(updates.command("digest_taal", sender=resident, chat=GROUP)))
    assert "alleen een coördinator" in refused.text
    [forged] = bot.replies(await bot.press("dg:lang:en", sender=resident, chat=GROUP))
    assert "alleen een coördinator" in forged.text
    [bogus] = bot.replies(await bot.press("dg:lang:xx", sender=COORDINATOR, chat=GROUP))
    assert "werkt niet meer" in bogus.text
    async with bot.session_factory() as session:
        assert (await session.get(GroupChat, GROUP["id"])).language == "nl"
        denied = (await session.scalars(select(AuditEntry).where(AuditEntry.action == "denied"))).all()
    assert [(row.actor_id, row.detail["attempted"]) for row in denied] == [(resident["id"], "digest_language")] * 2


async def test_coordinator_of_other_network_cannot_take_over_a_linked_group(bot, clock):
    """/ontkoppel needs the current network's coordinator; relinking to another network is the same
    change (the first network loses its group) and needs it too."""
    await _network_with_week(bot)
    await _add_and_link(bot)
    async with bot.session_factory.begin() as session:
        other = await seed_network(session, "Speeltuinen", coordinator_id=OTHER_COORDINATOR["id"])
        other_id = other.id
    [offer] = bot.replies(await bot.send(updates.command("koppel", sender=OTHER_COORDINATOR, chat=GROUP)))
    [reply] = bot.replies(await bot.press(offer.callback_data("Speeltuinen"), sender=OTHER_COORDINATOR, chat=GROUP))
    assert "Dat mag je niet" in reply.text
    async with bot.session_factory() as session:
        group = await session.get(GroupChat, GROUP["id"])
        denied = (await session.scalars(select(AuditEntry).where(AuditEntry.action == "denied"))).all()
    assert group.network_id != other_id
    assert len(denied) == 1
    # The network's own coordinator may still move it.
    async with bot.session_factory.begin() as session:
        session.add(NetworkCoordinator(network_id=other_id, user_id=COORDINATOR["id"]))
    [offer] = bot.replies(await bot.send(updates.command("koppel", sender=COORDINATOR, chat=GROUP)))
    calls = await bot.press(offer.callback_data("Speeltuinen"), sender=COORDINATOR, chat=GROUP)
    assert "gekoppeld aan Speeltuinen" in bot.replies(calls)[0].text


async def test_admin_without_networks_manages_every_group_in_private(bot, clock):
    from tests.conftest import ADMIN_ID

    async with bot.session_factory.begin() as session:
        network = await seed_network(session)
        await seed_linked_group(session, network, -700, "Groep Oud-Mathenesse")
    admin = updates.user(ADMIN_ID, "Ada", "nl")
    [answer] = bot.replies(await bot.send(updates.command("digest_tijd", "woensdag 11:00", sender=admin)))
    assert "elke woensdag om 11:00" in answer.text
    async with bot.session_factory() as session:
        group = await session.get(GroupChat, -700)
    assert (group.digest_weekday, group.digest_time) == (2, "11:00")
    # A resident without networks is still refused.
    [refused] = bot.replies(await bot.send(updates.command("digest_tijd", "woensdag 12:00", sender=updates.RESIDENT)))
    assert "Dit kan alleen een coördinator" in refused.text
