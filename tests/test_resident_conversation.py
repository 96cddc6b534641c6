"""Journeys of a resident in the private chat, through the real Application (issue 10, part B)."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from handlers.core.conversation import PENDING
from tests.activity_seed import NOW, TZ, add_activity, seed
from tests.fakes import updates
from tests.fakes.updates import _base_message

pytestmark = pytest.mark.storage
RESIDENT, RESIDENT_EN = updates.RESIDENT, updates.RESIDENT_EN


def at(day: int, hour: int) -> datetime:
    return datetime(2026, 12, day, hour, 0, tzinfo=TZ)


@pytest.fixture
async def world(bot):
    """Thursday 3 December 2026, 09:00: a market on Saturday, a children's afternoon on Sunday, coffee on Tuesdays."""
    bot.app.bot_data.clock = lambda: NOW.astimezone(timezone.utc)
    world = await seed(bot.session_factory)
    world.ids = {
        "market": await add_activity(bot.session_factory, world, "Kerstmarkt", at(5, 14), at(5, 16)),
        "kids": await add_activity(bot.session_factory, world, "Knutselen voor kinderen", at(6, 14), at(6, 16)),
        "coffee": await add_activity(bot.session_factory, world, "Koffie-ochtend", at(1, 10), at(1, 12), rrule="FREQ=WEEKLY;BYDAY=TU"),
        "garden": await add_activity(bot.session_factory, world, "Oogstfeest", at(3, 15),
                                     initiative_id=world.second_initiative_id, location_id=None),
    }
    return world


def other(kind: str, **fields) -> dict:
    return {"update_id": 90_000 + len(kind), "message": _base_message(RESIDENT, None, **{kind: fields})}


async def test_problem_4_a_typed_day_reaches_the_agenda(bot, world):
    [answer] = bot.replies(await bot.say("wat is er zaterdag te doen?"))
    assert answer.text.startswith("📅 <b>Zaterdag 5 december</b>")
    assert "Kerstmarkt" in answer.text and "Knutselen" not in answer.text and "Koffie" not in answer.text
    assert "Dat begrijp ik niet" not in answer.text
    assert any("Kerstmarkt" in label for label in answer.buttons())
    # The README's example with a typo and without the question mark gives the same answer.
    [again] = bot.replies(await bot.say("wat is er zatedag te doen"))
    assert again.text == answer.text


async def test_problem_4_english_weekend_and_children(bot, world):
    await bot.send(updates.command("start", sender=RESIDENT_EN))
    [answer] = bot.replies(await bot.say("what is on this weekend?", sender=RESIDENT_EN))
    assert answer.text.startswith("📅 <b>This weekend</b>")
    assert "Kerstmarkt" in answer.text and "Knutselen voor kinderen" in answer.text and "Oogstfeest" not in answer.text
    [kids] = bot.replies(await bot.say("anything for kids on sunday?", sender=RESIDENT_EN))
    assert "for children" in kids.text and "Knutselen" in kids.text and "Kerstmarkt" not in kids.text


async def test_problem_4_today_tomorrow_week_buurt_and_category(bot, world):
    [today] = bot.replies(await bot.say("wat is er vandaag?"))
    assert today.text.startswith("📅 <b>Vandaag</b>") and "Oogstfeest" in today.text
    [tomorrow] = bot.replies(await bot.say("morgen"))
    assert tomorrow.text.startswith("📅 <b>Morgen</b>") and "Ik vond geen activiteiten" in tomorrow.text
    [week] = bot.replies(await bot.say("activiteiten deze week in spangen"))
    assert "Deze week · Spangen" in week.text and "Koffie-ochtend" in week.text and "Oogstfeest" not in week.text
    [coffee] = bot.replies(await bot.say("dinsdag koffie"))
    assert "Buurthuiskamer" in coffee.text and "Koffie-ochtend" in coffee.text


async def test_problem_4_places_questions_still_reach_the_places(bot, world):
    [reply] = bot.replies(await bot.say("buurthuiskamer"))
    assert "Waar ben je?" in reply.text


async def test_ambiguity_is_a_question_with_buttons_and_each_message_keeps_its_own(bot, world):
    [question] = bot.replies(await bot.say("iets voor kinderen in spangen"))
    assert question.text == "Zoek je een plek of een activiteit?"
    assert question.buttons() == ["📍 Een plek", "📅 Een activiteit"]
    first_id = bot.api._message_id
    [second] = bot.replies(await bot.say("kinderen"))
    assert second.text == question.text
    second_id = bot.api._message_id
    # The button under the FIRST question answers the first question (Spangen), not the newest.
    calls = await bot.press("cv:q:a", message_id=first_id)
    agenda_list = [c for c in bot.replies(calls) if c.method == "sendMessage"]
    assert len(agenda_list) == 1 and "Spangen · voor kinderen" in agenda_list[0].text
    assert "Knutselen voor kinderen" in agenda_list[0].text
    # Pressed again (a double tap): it has done its work and says so.
    [late] = bot.replies(await bot.press("cv:q:a", message_id=first_id))
    assert "verlopen" in late.text
    places = bot.replies(await bot.press("cv:q:p", message_id=second_id))
    assert any("Waar ben je?" in c.text or "Speeltuin" in " ".join(c.buttons()) for c in places)
    assert bot.app.user_data[RESIDENT["id"]][PENDING] == {}  # both questions answered, nothing left behind


@pytest.mark.parametrize("text", ["asdfgh", "😀😀😀", "hoe laat is het"])
async def test_what_it_cannot_place_gets_what_the_bot_can_do(bot, world, text):
    [reply] = bot.replies(await bot.say(text))
    assert "Dat begrijp ik niet" in reply.text
    assert reply.buttons() == ["📍 Plekken in de buurt", "📅 Wat is er te doen?", "➕ Initiatief aanmelden", "❓ Hulp"]
    [menu] = bot.replies(await bot.press("cv:a"))
    assert "Agenda" in menu.text


async def test_small_talk_and_help_by_words(bot, world):
    [hello] = bot.replies(await bot.say("hallo"))
    assert "Waarmee kan ik je helpen" in hello.text and hello.buttons()
    [thanks] = bot.replies(await bot.say("bedankt!"))
    assert "Graag gedaan" in thanks.text
    [help_] = bot.replies(await bot.say("hoe werkt dit?"))
    assert "Zo werkt Knooppunt" in help_.text
    [register] = bot.replies(await bot.say("ik wil mijn initiatief aanmelden"))
    assert "/aanmelden" in register.text


@pytest.mark.parametrize(("kind", "fields"), [
    ("voice", {"file_id": "v1", "file_unique_id": "v1u", "duration": 3}),
    ("sticker", {"file_id": "s1", "file_unique_id": "s1u", "type": "regular", "width": 512, "height": 512,
                 "is_animated": False, "is_video": False}),
    ("contact", {"phone_number": "+31600000000", "first_name": "Oma"}),
    ("video", {"file_id": "vd1", "file_unique_id": "vd1u", "width": 1, "height": 1, "duration": 2}),
    ("document", {"file_id": "d1", "file_unique_id": "d1u", "file_name": "brief.pdf"}),
])
async def test_problem_5_voice_stickers_contacts_files_get_a_friendly_line(bot, world, kind, fields):
    [reply] = bot.replies(await bot.send(other(kind, **fields)))
    assert "Ik kan alleen tekst lezen" in reply.text
    assert "📍 Plekken in de buurt" in reply.buttons()


async def test_problem_5_a_photo_gets_a_friendly_line(bot, world):
    [reply] = bot.replies(await bot.send(updates.photo()))
    assert "Ik kan alleen tekst lezen" in reply.text


async def test_problem_5_in_english(bot, world):
    await bot.send(updates.command("start", sender=RESIDENT_EN))
    body = _base_message(RESIDENT_EN, None, voice={"file_id": "v2", "file_unique_id": "v2u", "duration": 3})
    [reply] = bot.replies(await bot.send({"update_id": 91_000, "message": body}))
    assert "I can only read text" in reply.text


# -- problem 9: /mijngegevens in words first -----------------------------------------------------


async def test_problem_9_my_data_is_readable_text_first_then_the_file(bot, world):
    await bot.say("/start")
    await bot.press(f"ac:r:{world.ids['market']}")
    [text, document] = bot.replies(await bot.say("/mijngegevens"))
    assert text.method == "sendMessage" and document.method == "sendDocument"
    assert text.text.startswith("<b>Dit weet Knooppunt over jou</b>")
    assert "Je voornaam: Fatima." in text.text
    assert "Je komt naar <b>Kerstmarkt</b> op zaterdag 5 december 2026." in text.text
    for jargon in ('"status"', "activity_id", "going", "_at"):
        assert jargon not in text.text
    async with bot.session_factory() as session:
        from storage.models import User

        user = await session.get(User, RESIDENT["id"])
    assert (user.first_seen_at.minute, user.first_seen_at.second, user.first_seen_at.microsecond) == (0, 0, 0)
    assert (user.last_seen_at.minute, user.last_seen_at.second, user.last_seen_at.microsecond) == (0, 0, 0)


async def test_problem_9_my_data_in_english(bot, world):
    await bot.send(updates.command("start", sender=RESIDENT_EN))
    [text, _file] = bot.replies(await bot.send(updates.command("mydata", sender=RESIDENT_EN)))
    assert text.text.startswith("<b>This is what Knooppunt knows about you</b>")
    assert "Your language: English." in text.text and "/forgetme" in text.text


# -- problem 10: help by role, a short /privacy ------------------------------------------------------


async def test_problem_10_residents_see_resident_commands_only(bot, world):
    [help_] = bot.replies(await bot.say("/hulp"))
    assert "/agenda" in help_.text and "/aanmelden" in help_.text and "/privacy" in help_.text
    for hidden in ("digest_", "/beheer", "/koppel", "/activiteit", "/bericht", "/terug"):
        assert hidden not in help_.text
    assert len(help_.text.splitlines()) <= 16


async def test_problem_10_roles_see_their_commands_added(bot, world):
    from tests.activity_seed import COORDINATOR, MEMBER
    from tests.conftest import ADMIN_ID

    [volunteer] = bot.replies(await bot.say("/hulp", sender=MEMBER))
    assert "/activiteit" in volunteer.text and "digest_" not in volunteer.text and "/beheer" not in volunteer.text
    [coordinator] = bot.replies(await bot.say("/hulp", sender=COORDINATOR))
    assert "/digest_tijd" in coordinator.text and "/beheer" not in coordinator.text
    [admin] = bot.replies(await bot.say("/hulp", sender=updates.user(ADMIN_ID, "Beheer", "nl")))
    assert "/beheer" in admin.text


async def test_problem_10_privacy_is_short_with_more_behind_a_button(bot, world):
    [short] = bot.replies(await bot.say("/privacy"))
    assert len(short.text.splitlines()) <= 12 and len(short.text) < 900
    for jargon in ("database", "logbestand", "(id)", " id "):
        assert jargon not in short.text
    assert short.buttons() == ["Meer uitleg"]
    more = bot.replies(await bot.press("pv:more"))
    assert [c.method for c in more] == ["editMessageText"]  # edited in place, nothing new sent
    assert "Meer uitleg" in more[0].text and more[0].buttons() == ["Minder"]
    for jargon in ("database", "logbestand", "(id)"):
        assert jargon not in more[0].text
    less = bot.replies(await bot.press("pv:less"))
    assert [c.method for c in less] == ["editMessageText"] and less[0].text == short.text


# -- problem 7: honest reminders, RSVPs per date ----------------------------------------------------


async def run_reminders(bot, activity_id: int, moment: datetime) -> list:
    """Let the planned reminder job run as if it were `moment` (Amsterdam time)."""
    from handlers.activities.reminders import job_name

    bot.app.bot_data.clock = lambda: moment
    [job] = bot.app.job_queue.get_jobs_by_name(job_name(activity_id))
    before = len(bot.api.calls)
    await job.run(bot.app)
    await bot.drain()  # the job queues the reminders; the outbox sends them
    return [c for c in bot.api.calls[before:] if c.method == "sendMessage"]


async def test_problem_7_a_sign_up_this_evening_gets_a_reminder_3_hours_before(bot, world):
    from handlers.activities.reminders import job_name

    evening = await add_activity(bot.session_factory, world, "Spelletjesavond", at(3, 20), at(3, 22))
    await bot.say("/start")
    [thanks] = [c for c in bot.replies(await bot.press(f"ac:r:{evening}")) if c.method == "sendMessage"]
    assert "de dag ervoor" not in thanks.text
    assert thanks.text == "Fijn dat je komt op donderdag 3 december! 🎉 Je krijgt 3 uur van tevoren een herinnering. Liever niet? Typ /herinneringen."
    [job] = bot.app.job_queue.get_jobs_by_name(job_name(evening))
    assert job.job.trigger.run_date == at(3, 17)
    [reminder] = await run_reminders(bot, evening, at(3, 17))
    assert reminder.chat_id == RESIDENT["id"]
    assert reminder.text.startswith("⏰ Herinnering: straks is <b>Spelletjesavond</b>.")
    assert "morgen" not in reminder.text


async def test_problem_7_a_sign_up_just_before_promises_no_reminder(bot, world):
    soon = await add_activity(bot.session_factory, world, "Soep koken", at(3, 11), at(3, 13))
    await bot.say("/start")
    [thanks] = [c for c in bot.replies(await bot.press(f"ac:r:{soon}")) if c.method == "sendMessage"]
    assert thanks.text == "Fijn dat je komt op donderdag 3 december! 🎉 Het begint om 11:00. Tot straks!"


async def test_problem_7_tomorrow_morning_gets_the_3_hour_reminder_not_a_promise_for_today(bot, world):
    morning = await add_activity(bot.session_factory, world, "Wandelen", at(4, 8), at(4, 9))
    await bot.say("/start")
    [thanks] = [c for c in bot.replies(await bot.press(f"ac:r:{morning}")) if c.method == "sendMessage"]
    assert "3 uur van tevoren" in thanks.text and "de dag ervoor" not in thanks.text
    [reminder] = await run_reminders(bot, morning, at(4, 5))
    assert "straks is <b>Wandelen</b>" in reminder.text


async def test_problem_7_a_weekly_activity_counts_per_date_and_the_card_says_which(bot, world):
    from sqlalchemy import select

    from storage.tables_activities import ActivityRsvp

    coffee = world.ids["coffee"]
    calls = await bot.press(f"ac:r:{coffee}")
    [thanks] = [c for c in bot.replies(calls) if c.method == "sendMessage"]
    assert thanks.text.startswith("Fijn dat je komt op dinsdag 8 december!")
    [card] = [c for c in bot.replies(calls) if c.method == "editMessageText"]
    assert "👥 1 persoon komt op dinsdag 8 december" in card.text
    assert card.buttons()[0] == "✅ Je komt op dinsdag 8 december – afmelden"
    async with bot.session_factory() as session:
        [(occurrence,)] = (await session.execute(select(ActivityRsvp.occurrence_at))).all()
    assert occurrence == at(8, 10)
    # A week later the next Tuesday starts at zero: last week's "Ik kom" does not count for it.
    bot.app.bot_data.clock = lambda: at(9, 9)
    [later] = bot.replies(await bot.press(f"ac:o:{coffee}"))
    assert "👥" not in later.text and later.buttons()[0] == "🙋 Ik kom (0)"
    other_person = updates.user(1500, "Sam", "nl")
    await bot.send(updates.command("start", sender=other_person))
    [card2] = [c for c in bot.replies(await bot.press(f"ac:r:{coffee}", sender=other_person)) if c.method == "editMessageText"]
    assert "👥 1 persoon komt op dinsdag 15 december" in card2.text


async def test_problem_7_waiting_list_is_per_date(bot, world):


    weekly = await add_activity(bot.session_factory, world, "Kookles", at(1, 18), at(1, 20), rrule="FREQ=WEEKLY;BYDAY=TU",
                                max_attendees=1)
    first, second = updates.user(1601, "Aya", "nl"), updates.user(1602, "Bo", "nl")
    for person in (first, second):
        await bot.send(updates.command("start", sender=person))
    await bot.press(f"ac:r:{weekly}", sender=first)
    [full] = [c for c in bot.replies(await bot.press(f"ac:r:{weekly}", sender=second)) if c.method == "sendMessage"]
    assert full.text.startswith("Het is vol op dinsdag 8 december.")
    bot.app.bot_data.clock = lambda: at(9, 9)  # next week: a new date with room
    [room] = [c for c in bot.replies(await bot.press(f"ac:r:{weekly}", sender=second)) if c.method == "sendMessage"]
    assert room.text.startswith("Fijn dat je komt op dinsdag 15 december!")



# -- B1 Dutch: amounts, counts ------------------------------------------------------------------------


async def test_a_bare_amount_gets_its_euro_sign(bot, world):
    paid = await add_activity(bot.session_factory, world, "Lunch", at(5, 12), cost="1,50")
    gift = await add_activity(bot.session_factory, world, "Ontbijt", at(5, 9), cost="vrije gift")
    [card] = bot.replies(await bot.press(f"ac:o:{paid}"))
    assert "💶 € 1,50" in card.text
    [card] = bot.replies(await bot.press(f"ac:o:{gift}"))
    assert "💶 vrije gift" in card.text


async def test_a_network_with_one_coordinator_says_coordinator(bot, world):
    from tests.conftest import ADMIN_ID

    [overview] = bot.replies(await bot.say("/beheer", sender=updates.user(ADMIN_ID, "Beheer", "nl")))
    assert "Netwerk West (1 coördinator)" in overview.text and "(0 coördinatoren)" in overview.text


async def test_the_readme_examples_give_the_answer_they_promise(bot, world):
    import re
    from pathlib import Path

    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")  # noqa: ASYNC240 - read once
    residents = next(line for line in readme.split("\n\n") if "**Residents**" in line)
    examples = [" ".join(e.split()) for e in re.findall(r'\*"([^"]+)"\*', residents)]
    assert examples == ["waar is een buurthuiskamer bij mij in de buurt?", "wat is er zaterdag te doen?"]
    [where] = bot.replies(await bot.say(examples[0]))
    assert "Waar ben je?" in where.text and "buurthuiskamer" in where.text.lower()
    [saturday] = bot.replies(await bot.say(examples[1]))
    assert saturday.text.startswith("📅 <b>Zaterdag 5 december</b>") and "Kerstmarkt" in saturday.text
    # The examples under "What it does": places questions reach the places, agenda questions the agenda.
    section = readme.split("\n**Residents**\n")[1].split("**Volunteers")[0]
    more = [" ".join(e.split()) for e in re.findall(r'\*"([^"]+)"\*', section)]
    agenda_examples = {"wat is er zaterdag te doen?", "activiteiten voor kinderen dit weekend", "what is on this weekend?"}
    assert agenda_examples <= set(more) and len(more) >= 7
    for example in more:
        answer = bot.reply_texts(await bot.say(example))[0]
        if example in agenda_examples:
            assert answer.startswith("📅 <b>"), (example, answer)
        else:
            assert "Dat begrijp ik niet" not in answer and not answer.startswith("📅"), (example, answer)


async def test_problem_7_a_day_before_reminder_missed_while_the_bot_was_down_is_caught_up(bot, world):
    """The day-before moment passed a few hours ago (the bot was down): the round runs at once,
    then only the 3-hours-before round for later sign-ups is left."""
    from datetime import timedelta

    from handlers.activities.reminders import job_name

    early = await add_activity(bot.session_factory, world, "Vroege wandeling", NOW + timedelta(hours=21), NOW + timedelta(hours=22))
    await bot.say("/start")
    await bot.press(f"ac:r:{early}")
    async with bot.session_factory.begin() as session:  # signed up two days ago, before the day-before moment
        from sqlalchemy import update

        from storage.tables_activities import ActivityRsvp

        await session.execute(update(ActivityRsvp).where(ActivityRsvp.activity_id == early).values(created_at=NOW - timedelta(days=2)))
    from handlers.activities.reminders import schedule_reminder
    from storage.repositories import activities as repo

    async with bot.session_factory() as session:
        activity = await repo.get_activity(session, early)
    schedule_reminder(bot.app, activity, NOW)
    [job] = bot.app.job_queue.get_jobs_by_name(job_name(early))
    assert job.job.trigger.run_date <= NOW + timedelta(minutes=1)  # not 18 hours later
    [reminder] = await run_reminders(bot, early, NOW)
    assert reminder.text.startswith("⏰ Herinnering: morgen is <b>Vroege wandeling</b>.")
    [job] = bot.app.job_queue.get_jobs_by_name(job_name(early))
    assert job.job.trigger.run_date == NOW + timedelta(hours=18)  # the 3-hours-before round
    assert await run_reminders(bot, early, NOW + timedelta(hours=18)) == []  # nobody twice
