"""Issue 14 through the real Application: a time or opening hours with two readings is a question
with a button for each, an old question's button is refused, every reader problem is answered in
the writer's own words, and /digest_tijd reads times like the activity reader."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from storage.models import Initiative, Schedule
from storage.tables_governance import RegistrationDraft
from tests.activity_seed import MEMBER, NOW, seed
from tests.fakes import updates
from tests.test_governance_flow import VOLUNTEER, last, seed_networks
from tests.test_journeys import seed_initiative

pytestmark = pytest.mark.storage


@pytest.fixture
async def world(bot):
    bot.app.bot_data.clock = lambda: NOW  # Thursday 3 December 2026, 09:00
    return await seed(bot.session_factory)


async def activity_until_when(bot) -> None:
    await bot.say("/activiteit", MEMBER)
    await bot.say("Buurtfeest", MEMBER)


async def test_activity_time_with_two_readings_is_asked_with_buttons(bot, world):
    await activity_until_when(bot)
    [question] = bot.replies(await bot.say("zaterdag van 5 tot 12", MEMBER))
    assert 'Bij "zaterdag van 5 tot 12" kan ik twee tijden lezen' in question.text
    assert question.buttons() == ["za 5 dec 17:00–00:00", "za 5 dec 05:00–12:00"]
    first_question = bot.api.last_message_id

    # A new answer asks afresh; the old question's button no longer counts.
    [again] = bot.replies(await bot.say("zondag 02:00", MEMBER))
    assert again.buttons() == ["zo 6 dec 14:00", "zo 6 dec 02:00"]
    second_question = bot.api.last_message_id
    [refused] = bot.reply_texts(await bot.press("pw:c:1", MEMBER, message_id=first_question))
    assert "oudere vraag" in refused

    [readback] = bot.replies(await bot.press("pw:c:1", MEMBER, message_id=second_question))
    assert readback.text.startswith("Ik lees: <b>zondag 6 december, 02:00</b>")
    assert readback.buttons() == ["✅ Klopt", "✏️ Anders"]
    [where] = bot.reply_texts(await bot.press("pw:ok", MEMBER))
    assert "Waar is het?" in where
    # A second tap on the same choice does not change the answer already taken.
    late = bot.reply_texts(await bot.press("pw:c:0", MEMBER, message_id=second_question))
    assert not any("Ik lees" in text for text in late)


async def test_activity_questions_quote_the_writer(bot, world):
    await activity_until_when(bot)
    [answer] = bot.reply_texts(await bot.say("Suikerfeest 14:00", MEMBER))
    assert "staat niet vast" in answer
    [answer] = bot.reply_texts(await bot.say("vrijdag de 19e 14:00", MEMBER))
    assert '"vrijdag de 19e 14:00"' in answer and "past de dag niet bij de datum" in answer
    [answer] = bot.reply_texts(await bot.say("ma t/m vr 9-11", MEMBER))
    assert "elke week" in answer
    [readback] = bot.reply_texts(await bot.say("morgen half 8 's avonds", MEMBER))
    assert readback.startswith("Ik lees: <b>morgen (vrijdag 4 december), 19:30</b>")


async def test_activity_in_english_reads_back_in_english(bot, world):
    english = dict(MEMBER, language_code="en")
    await bot.say("/event", english)
    await bot.say("Street party", english)
    [readback] = bot.reply_texts(await bot.say("tomorrow 7.30pm", english))
    assert "tomorrow (Friday 4 December), 19:30" in readback and "vrijdag" not in readback


async def registration_until_hours(bot, network_id: int) -> None:
    await bot.say("/aanmelden", VOLUNTEER)
    calls = await bot.say("Huiskamer Spangen", VOLUNTEER)
    await bot.press(last(calls).callback_data("Buurthuiskamer"), VOLUNTEER)
    await bot.say("Koffie, thee en een praatje voor iedereen uit de buurt.", VOLUNTEER)
    await bot.press(f"reg:net:{network_id}", VOLUNTEER)
    await bot.press("reg:net:done", VOLUNTEER)
    await bot.say("Spangesekade 10, 3027 AB", VOLUNTEER)
    await bot.press("reg:place:ok", VOLUNTEER)
    await bot.press("reg:skip", VOLUNTEER)
    await bot.press("reg:skip", VOLUNTEER)
    calls = await bot.press("reg:skip", VOLUNTEER)
    assert "Wanneer zijn jullie open?" in last(calls).text


async def test_registration_hours_with_two_readings_are_asked_with_buttons(bot):
    network_id, _ = await seed_networks(bot)
    await registration_until_hours(bot, network_id)

    [closed] = bot.replies(await bot.say("za gesloten 🙂", VOLUNTEER))
    assert 'alleen wanneer het dicht is: "za gesloten 🙂"' in closed.text and not closed.buttons()
    [unknown] = bot.reply_texts(await bot.say("ma-vr 9-17 behalve feestdagne", VOLUNTEER))
    assert '"feestdagne"' in unknown  # the writer's own word, as typed

    [question] = bot.replies(await bot.say("Ma t/m vr 5-12", VOLUNTEER))
    assert '"5-12"' in question.text and question.buttons() == ["17:00–24:00", "05:00–12:00"]
    asked = bot.api.last_message_id
    [stale] = bot.reply_texts(await bot.press("reg:hours:0", VOLUNTEER, message_id=asked - 1))
    assert "oudere vraag" in stale
    calls = await bot.press("reg:hours:1", VOLUNTEER, message_id=asked)
    assert "Welke talen" in last(calls).text
    async with bot.session_factory() as session:
        draft = await session.get(RegistrationDraft, VOLUNTEER["id"])
    assert draft.data["hours"] == "Mo-Fr 05:00-12:00" and "hours_choices" not in draft.data
    await bot.press("reg:lang:nl", VOLUNTEER)
    await bot.press("reg:lang:done", VOLUNTEER)
    summary = last(await bot.press("reg:wc:yes", VOLUNTEER))
    assert "ma t/m vr 05:00–12:00" in summary.text


async def test_owner_edits_hours_with_two_readings_by_button(bot):
    network_id, _ = await seed_networks(bot)
    initiative_id = await seed_initiative(bot, network_id)
    mine = last(await bot.say("/mijn", VOLUNTEER))
    shown = last(await bot.press(mine.callback_data("Huiskamer Spangen"), VOLUNTEER))
    fields = last(await bot.press(shown.callback_data("Wijzigen"), VOLUNTEER))
    await bot.press(fields.callback_data("Openingstijden"), VOLUNTEER)
    [question] = bot.replies(await bot.say("wo 2-16", VOLUNTEER))
    assert question.buttons() == ["14:00–16:00", "02:00–16:00"]
    calls = await bot.press("ed:hours:0", VOLUNTEER, message_id=bot.api.last_message_id)
    assert any("Bewaard" in c.text for c in calls)
    async with bot.session_factory() as session:
        schedules = (await session.scalars(select(Schedule).where(Schedule.initiative_id == initiative_id))).all()
        initiative = await session.get(Initiative, initiative_id)
    assert [(s.weekday, s.opens_at, s.closes_at) for s in schedules] == [(2, "14:00", "16:00")]
    assert initiative is not None


async def test_digest_time_reads_words_like_activities(bot):
    from tests.test_groups import GROUP, _add_and_link, _network_with_week
    from tests.groups_seed import COORDINATOR

    await _network_with_week(bot)
    await _add_and_link(bot)
    [answer] = bot.replies(await bot.send(updates.command("digest_tijd", "dagelijks 8 uur", sender=COORDINATOR, chat=GROUP)))
    assert "elke dag om 08:00" in answer.text
    [answer] = bot.replies(await bot.send(updates.command("digest_tijd", "vrijdagmiddag", sender=COORDINATOR, chat=GROUP)))
    assert answer.text.startswith("Ik snap de tijd niet") and "/digest_tijd vrijdag 16:00" in answer.text
    [answer] = bot.replies(await bot.send(updates.command("digest_tijd", "vrijdagmiddag 4 uur", sender=COORDINATOR, chat=GROUP)))
    assert "elke vrijdag om 16:00" in answer.text


async def test_editing_an_activity_time_with_two_readings_asks_with_buttons(bot, world):
    from datetime import datetime

    from storage.models import Activity
    from tests.activity_seed import TZ
    from tests.test_activity_manage import add_activity

    activity = await add_activity(bot.session_factory, world, "Kookles", datetime(2026, 12, 5, 14, tzinfo=TZ))
    [menu] = bot.replies(await bot.press(f"ac:e:{activity}", sender=MEMBER))
    await bot.press(menu.callback_data("Wanneer"), sender=MEMBER)
    [question] = bot.replies(await bot.say("zondag 02:00", sender=MEMBER))
    assert question.buttons() == ["zo 6 dec 14:00", "zo 6 dec 02:00"]
    asked = bot.api.last_message_id
    [stale] = bot.reply_texts(await bot.press("aw:c:1", MEMBER, message_id=asked - 1))
    assert "oudere vraag" in stale
    calls = await bot.press("aw:c:1", MEMBER, message_id=asked)
    assert any("Nieuw moment: zondag 6 december, 02:00" in c.text for c in bot.replies(calls))
    async with bot.session_factory() as session:
        stored = await session.get(Activity, activity)
    assert stored.starts_at == datetime(2026, 12, 6, 2, tzinfo=TZ)
