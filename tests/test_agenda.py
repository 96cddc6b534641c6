"""/agenda as a resident uses it: lists, cards, "Ik kom", calendar file, route, reminders."""

from __future__ import annotations

from datetime import datetime, timedelta

import icalendar
import pytest
from sqlalchemy import select

from bot.app import build_application
from handlers.activities.reminders import job_name
from storage.models import Activity, AuditEntry, User
from storage.tables_activities import ActivityRsvp, ReminderSent
from tests.activity_seed import NOW, RESIDENT, TZ, add_activity, seed
from tests.fakes import updates
from tests.harness import BotHarness

pytestmark = pytest.mark.storage


def at(day: int, hour: int, minute: int = 0, month: int = 12) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=TZ)


@pytest.fixture
async def world(bot):
    bot.app.bot_data.clock = lambda: NOW
    return await seed(bot.session_factory)


async def open_week(bot):
    [menu] = bot.replies(await bot.send(updates.command("agenda")))
    calls = await bot.press(menu.callback_data("Deze week"))
    return bot.replies(calls)[0]


async def test_agenda_lists_one_off_and_weekly_and_opens_a_card(bot, world):
    once = await add_activity(bot.session_factory, world, "Kerstmarkt <b>& zo</b>", at(5, 14), at(5, 16), cost="€ 2,50")
    weekly = await add_activity(bot.session_factory, world, "Koffie-ochtend", at(1, 10), at(1, 12), rrule="FREQ=WEEKLY;BYDAY=TU")
    await add_activity(bot.session_factory, world, "Te laat", at(2, 10))  # over already
    listing = await open_week(bot)
    assert "Deze week" in listing.text
    assert "Kerstmarkt &lt;b&gt;&amp; zo&lt;/b&gt;" in listing.text
    assert listing.text.index("Kerstmarkt") < listing.text.index("Koffie-ochtend")  # Sat 5 before Tue 8
    assert "Te laat" not in listing.text
    assert "za 5 dec. 14:00" in listing.text or "za 5 dec 14:00" in listing.text

    [card] = bot.replies(await bot.press(listing.callback_data("Koffie")))
    assert "<b>Koffie-ochtend</b>" in card.text
    assert "🔁 Elke dinsdag, 10:00 – 12:00" in card.text
    assert "dinsdag 8 december 2026, 10:00 – 12:00" in card.text
    assert "dinsdag 15 december 2026, 10:00 – 12:00" in card.text
    assert "Buurthuis De Pijl, Pijlstraat 1, 3024 AB" in card.text
    assert "Gratis" in card.text and "Buurthuiskamer Spangen" in card.text
    assert card.buttons()[:3] == ["🙋 Ik kom (0)", "📅 Zet in mijn agenda", "🧭 Route"]
    assert "✏️ Wijzigen" not in card.buttons()  # a resident does not manage

    [once_card] = bot.replies(await bot.press(f"ac:o:{once}"))
    assert "zaterdag 5 december 2026, 14:00 – 16:00" in once_card.text
    assert "€ 2,50" in once_card.text
    assert weekly


async def test_ik_kom_counts_and_ics_parses_back(bot, world):
    weekly = await add_activity(bot.session_factory, world, "Koffie-ochtend", at(1, 10), at(1, 12),
                                rrule="FREQ=WEEKLY;BYDAY=TU", description="Koffie, thee en een praatje.")
    calls = await bot.press(f"ac:r:{weekly}")
    texts = bot.reply_texts(calls)
    assert texts[0] == "Fijn dat je komt op dinsdag 8 december! 🎉 Je krijgt de dag ervoor een herinnering. Liever niet? Typ /herinneringen."
    edited = [c for c in calls if c.method == "editMessageText"][0]
    assert "✅ Je komt op dinsdag 8 december – afmelden" in edited.buttons()
    assert "👥 1 persoon komt op dinsdag 8 december" in edited.text
    again = bot.reply_texts(await bot.press(f"ac:r:{weekly}"))
    assert again[0] == "Je had je al aangemeld voor dinsdag 8 december."
    async with bot.session_factory() as session:
        assert (await session.scalars(select(ActivityRsvp.user_id))).all() == [RESIDENT["id"]]

    [doc] = bot.replies(await bot.press(f"ac:i:{weekly}"))
    assert doc.method == "sendDocument"
    assert "calendar.google.com" in doc.text and "recur=RRULE%3AFREQ%3DWEEKLY" in doc.text
    (filename, data), = doc.files.values()
    assert filename == "koffie-ochtend.ics"
    calendar = icalendar.Calendar.from_ical(data)
    [tz] = calendar.walk("VTIMEZONE")
    assert str(tz["TZID"]) == "Europe/Amsterdam"
    [event] = calendar.walk("VEVENT")
    assert event["DTSTART"].params["TZID"] == "Europe/Amsterdam"
    assert event.decoded("DTSTART").replace(tzinfo=None) == datetime(2026, 12, 1, 10, 0)
    assert event.decoded("DTSTART").utcoffset() == timedelta(hours=1)
    assert event["RRULE"].to_ical() == b"FREQ=WEEKLY;BYDAY=TU"
    assert str(event["SUMMARY"]) == "Koffie-ochtend"
    assert "Pijlstraat 1" in str(event["LOCATION"])
    assert str(event["DESCRIPTION"]) == "Koffie, thee en een praatje."
    assert event["ORGANIZER"].params["CN"] == "Buurthuiskamer Spangen"
    assert b"DTSTART;TZID=Europe/Amsterdam:20261201T100000" in data

    [venue] = bot.replies(await bot.press(f"ac:p:{weekly}"))
    assert venue.method == "sendVenue"
    assert float(venue.params["latitude"]) == pytest.approx(51.9135)
    assert venue.params["title"] == "Buurthuis De Pijl"

    calls = await bot.press(f"ac:x:{weekly}")
    assert bot.reply_texts(calls)[0] == "Je bent afgemeld."


async def test_waiting_list_moves_up_and_tells(bot, world):
    small = await add_activity(bot.session_factory, world, "Kookles", at(5, 14), max_attendees=1)
    other = updates.user(1099, "Mo", "nl")
    await bot.send(updates.command("start", sender=other))
    await bot.press(f"ac:r:{small}")
    texts = bot.reply_texts(await bot.press(f"ac:r:{small}", sender=other))
    assert "wachtlijst" in texts[0]
    calls = await bot.press(f"ac:x:{small}")
    told = [c for c in calls if c.chat_id == other["id"] and c.method == "sendMessage"]
    assert told and "Er is een plek vrijgekomen" in told[0].text and "Kookles" in told[0].text
    async with bot.session_factory() as session:
        assert (await session.scalars(select(ActivityRsvp.status))).all() == ["going"]


async def test_rsvp_on_cancelled_and_on_deleted_activity(bot, world):
    cancelled = await add_activity(bot.session_factory, world, "Afgelast", at(5, 14), status="cancelled")
    texts = bot.reply_texts(await bot.press(f"ac:r:{cancelled}"))
    assert texts == ["Deze activiteit gaat niet door. Je kunt je er niet meer voor aanmelden."]
    gone = await add_activity(bot.session_factory, world, "Weg", at(5, 14))
    async with bot.session_factory.begin() as session:
        await session.delete(await session.get(Activity, gone))
    for action in "orixp":
        texts = bot.reply_texts(await bot.press(f"ac:{action}:{gone}"))
        assert texts == ["Deze activiteit bestaat niet meer. Kijk in /agenda wat er nu te doen is."], action
    assert bot.reply_texts(await bot.press("ag:w:nonsense:0")) == ["Deze knop werkt niet meer. Kies opnieuw met /agenda."]
    async with bot.session_factory() as session:
        assert (await session.scalars(select(ActivityRsvp))).all() == []


async def test_filters_by_buurt_category_network_and_near_me(bot, world):
    await add_activity(bot.session_factory, world, "Koffie", at(10, 10))
    await add_activity(bot.session_factory, world, "Oogstfeest", at(12, 11), initiative_id=world.second_initiative_id,
                       location_id=None)
    buurt_list = bot.replies(await bot.press("ag:b"))[0]
    spangen = buurt_list.callback_data("Spangen")
    texts = bot.reply_texts(await bot.press(spangen))
    assert "Koffie" in texts[0] and "Oogstfeest" not in texts[0]
    texts = bot.reply_texts(await bot.press("ag:C:groenplek:0"))
    assert "Oogstfeest" in texts[0] and "Koffie" not in texts[0]
    texts = bot.reply_texts(await bot.press(f"ag:N:{world.other_network_id}:0"))
    assert "Netwerk Oost" in texts[0] and "Koffie" in texts[0] and "Oogstfeest" not in texts[0]
    ask = bot.replies(await bot.press("ag:near"))[0]
    assert "Stuur je locatie" in ask.text
    calls = await bot.send(updates.location(51.9140, 4.4450))
    listing = bot.replies(calls)[-1]
    assert "Bij jou in de buurt" in listing.text and "Koffie" in listing.text and "Oogstfeest" not in listing.text
    assert " m" in listing.text  # distance shown


async def test_paging(bot, world):
    for day in range(4, 10):
        await add_activity(bot.session_factory, world, f"Activiteit {day}", at(day, 15))
    listing = await open_week(bot)
    assert "(pagina 1 van 2)" in listing.text and "Activiteit 8" in listing.text and "Activiteit 9" not in listing.text
    page2 = bot.replies(await bot.press(listing.callback_data("Volgende")))[0]
    assert "(pagina 2 van 2)" in page2.text and "Activiteit 9" in page2.text


async def test_deep_link_opens_card(bot, world):
    activity = await add_activity(bot.session_factory, world, "Kerstdiner", at(20, 17))
    [card] = bot.replies(await bot.send(updates.command("start", f"act-{activity}")))
    assert "<b>Kerstdiner</b>" in card.text
    texts = bot.reply_texts(await bot.send(updates.command("start", "act-99999")))
    assert texts == ["Deze activiteit bestaat niet meer. Kijk in /agenda wat er nu te doen is."]


async def test_agenda_button_and_group_pointer(bot, world):
    [menu] = bot.replies(await bot.say("📅 Agenda"))
    assert "Vandaag" in menu.buttons() and "📍 Bij mij in de buurt" in menu.buttons()
    [pointer] = bot.replies(await bot.send(updates.command("agenda", chat=updates.group_chat(), mention=True)))
    assert "privébericht" in pointer.text


async def restart(settings, api) -> BotHarness:
    application = build_application(settings, request=api, rate_limiter=False)
    application.bot_data.clock = lambda: at(7, 10, 5)
    await application.initialize()
    await application.post_init(application)
    return BotHarness(application, api)


async def stop(harness: BotHarness) -> None:
    await harness.app.shutdown()
    await harness.app.post_shutdown(harness.app)


async def run_reminder_job(harness: BotHarness, activity_id: int) -> list:
    jobs = harness.app.job_queue.get_jobs_by_name(job_name(activity_id))
    assert jobs, "no reminder job planned"
    before = len(harness.api.calls)
    await jobs[-1].run(harness.app)
    await harness.drain()
    return harness.api.calls[before:]


async def test_reminder_survives_restart_and_is_sent_once(bot, world, settings, api):
    weekly = await add_activity(bot.session_factory, world, "Koffie-ochtend", at(1, 10), at(1, 12), rrule="FREQ=WEEKLY;BYDAY=TU")
    quiet = updates.user(1077, "Stil", "nl")
    await bot.send(updates.command("start", sender=quiet))
    await bot.press(f"ac:r:{weekly}")
    await bot.press(f"ac:r:{weekly}", sender=quiet)
    await bot.press("rm:off", sender=quiet)
    job = bot.app.job_queue.get_jobs_by_name(job_name(weekly))[-1]
    assert job.job.trigger.run_date == datetime(2026, 12, 7, 10, 0, tzinfo=TZ)  # a day before Tue 8 Dec
    assert job.job.misfire_grace_time >= 3600

    # The bot restarts on Monday 7 December 10:05 (it was down at 10:00); the job is planned again from the database.
    second = await restart(settings, api)
    try:
        calls = await run_reminder_job(second, weekly)
        sent = [c for c in calls if c.method == "sendMessage"]
        assert [c.chat_id for c in sent] == [RESIDENT["id"]]  # the other one switched reminders off
        assert "Herinnering: morgen is <b>Koffie-ochtend</b>" in sent[0].text
        assert "dinsdag 8 december 2026, 10:00 – 12:00" in sent[0].text
        # Next: the 3-hours-before round of the same date, for who signs up later.
        next_job = second.app.job_queue.get_jobs_by_name(job_name(weekly))[-1]
        assert next_job.job.trigger.run_date == datetime(2026, 12, 8, 7, 0, tzinfo=TZ)
    finally:
        await stop(second)

    third = await restart(settings, api)  # same moment again: nothing twice
    try:
        calls = await run_reminder_job(third, weekly)
        assert [c for c in calls if c.method == "sendMessage"] == []
    finally:
        await stop(third)
    async with bot.session_factory() as session:
        rows = (await session.scalars(select(ReminderSent))).all()
    assert [(r.user_id, r.occurrence_at) for r in rows] == [(RESIDENT["id"], at(8, 10))]


async def test_reminders_command_switches(bot, world):
    await bot.send(updates.command("start"))
    [offer] = bot.replies(await bot.send(updates.command("herinneringen")))
    assert offer.text == "Herinneringen staan aan." and offer.buttons() == ["🔕 Uitzetten"]
    await bot.press("rm:off")
    async with bot.session_factory() as session:
        assert (await session.get(User, RESIDENT["id"])).reminders_enabled is False
    assert AuditEntry  # imported for other tests


async def test_ics_caption_keeps_a_long_calendar_link_whole(bot, world):
    """The Google Calendar link carries the description; the caption's limit counts visible text, so
    cutting the HTML at 1024 characters broke the link's tag and Telegram refused the whole message."""
    from domain.htmltext import is_valid_telegram_html

    description = "Één café & één thee, één praatje! " * 30
    activity = await add_activity(bot.session_factory, world, "Koffie-ochtend", at(5, 10), at(5, 12), description=description)
    [doc] = bot.replies(await bot.press(f"ac:i:{activity}"))
    assert doc.method == "sendDocument"
    assert is_valid_telegram_html(doc.text)
    assert doc.text.endswith("</a>.") or doc.text.endswith("</a>")


async def test_paused_initiative_gives_no_ics_or_route_to_residents_but_members_still_get_them(bot, world):
    from storage.models import Initiative
    from tests.activity_seed import MEMBER

    activity = await add_activity(bot.session_factory, world, "Soep koken", at(5, 14), at(5, 16))
    async with bot.session_factory.begin() as session:
        (await session.get(Initiative, world.initiative_id)).status = "paused"
    for data in (f"ac:i:{activity}", f"ac:p:{activity}"):
        replies = bot.replies(await bot.press(data))
        assert all(call.method not in ("sendDocument", "sendVenue") for call in replies)
        assert replies, "the resident is told the activity is no longer there"
    [doc] = [c for c in bot.replies(await bot.press(f"ac:i:{activity}", sender=MEMBER)) if c.method == "sendDocument"]
    assert doc.files
