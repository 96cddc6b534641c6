"""/activiteit as a volunteer uses it: natural Dutch dates read back, checks at every step."""

from __future__ import annotations

from datetime import datetime

import pytest
from sqlalchemy import select

from storage.models import Activity, AuditEntry, Initiative, InitiativeMember, Location
from tests.activity_seed import MEMBER, NOW, RESIDENT, STRANGER, TZ, seed
from tests.fakes import updates

pytestmark = pytest.mark.storage


@pytest.fixture
async def world(bot):
    bot.app.bot_data.clock = lambda: NOW
    return await seed(bot.session_factory)


async def say(bot, text, sender=MEMBER):
    return bot.reply_texts(await bot.say(text, sender=sender))


async def post(bot, title, when, where=None, description="/overslaan", cost=None):
    """Walks the conversation; returns what the bot said after the date."""
    await say(bot, "/activiteit")
    await say(bot, title)
    readback = await say(bot, when)
    await bot.press("pw:ok", sender=MEMBER)
    if where is None:
        await bot.press("pl:own", sender=MEMBER)
    else:
        await say(bot, where)
    await say(bot, description)
    await say(bot, "/overslaan")
    if cost is None:
        preview = bot.replies(await bot.press("pc:free", sender=MEMBER))
    else:
        preview = bot.replies(await bot.say(cost, sender=MEMBER))
    published = bot.replies(await bot.press("pp:ok", sender=MEMBER))
    return readback, preview, published


async def test_member_posts_one_off_and_weekly_and_resident_finds_both(bot, world):
    readback, preview, published = await post(bot, "Kerstmarkt", "zaterdag 14:00 tot 16:00", cost="€ 2,50")
    assert readback == ["Ik lees: <b>zaterdag 5 december, 14:00 – 16:00</b>\nKlopt dat? Of typ het opnieuw."]
    assert "Zo komt je activiteit in de agenda" in preview[0].text and "€ 2,50" in preview[0].text
    assert published[0].text.startswith("Je activiteit staat in de agenda!")
    assert "https://t.me/knooppunt_test_bot?start=act-" in published[0].text
    assert "✏️ Wijzigen" in published[1].buttons()  # the poster's own card offers editing

    readback, _preview, _published = await post(bot, "Koffie-ochtend", "elke dinsdag 10:00-12:00",
                                                  where="Pijlstraat 12, 3024 AB", description="Koffie en een praatje.")
    assert readback == ["Ik lees: <b>Elke dinsdag, 10:00 – 12:00 (de eerste keer: dinsdag 8 december, 10:00 – 12:00)</b>"
                        "\nKlopt dat? Of typ het opnieuw."]
    async with bot.session_factory() as session:
        rows = (await session.scalars(select(Activity).order_by(Activity.id))).all()
        places = {place.id: place for place in (await session.scalars(select(Location))).all()}
    assert [(a.title, a.rrule, a.cost, a.status, a.created_by) for a in rows] == [
        ("Kerstmarkt", None, "€ 2,50", "published", MEMBER["id"]),
        ("Koffie-ochtend", "FREQ=WEEKLY;BYDAY=TU", None, "published", MEMBER["id"]),
    ]
    assert rows[0].starts_at == datetime(2026, 12, 5, 14, 0, tzinfo=TZ)
    assert rows[0].ends_at == datetime(2026, 12, 5, 16, 0, tzinfo=TZ)
    assert rows[1].starts_at == datetime(2026, 12, 8, 10, 0, tzinfo=TZ)
    assert rows[0].location_id == world.location_id
    assert places[rows[1].location_id].postcode == "3024 AB" and places[rows[1].location_id].address == "Pijlstraat 12, 3024 AB"
    assert rows[1].description == "Koffie en een praatje."

    # A resident finds both in this week's agenda and says "Ik kom".
    [menu] = bot.replies(await bot.send(updates.command("agenda")))
    [listing] = bot.replies(await bot.press(menu.callback_data("Deze week")))
    assert "Kerstmarkt" in listing.text and "Koffie-ochtend" in listing.text
    texts = bot.reply_texts(await bot.press(listing.callback_data("Koffie")))
    assert "Elke dinsdag, 10:00 – 12:00" in texts[0]
    assert bot.reply_texts(await bot.press(f"ac:r:{rows[1].id}"))[0].startswith("Fijn dat je komt op ")


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("31 februari 14:00", "Die datum bestaat niet"),
        ("gisteren 14:00", "Dat kan ik niet goed lezen."),
        ("5 januari 2028 10:00", "Dat is meer dan een jaar vooruit."),
        ("zaterdag", "Hoe laat begint het?"),
        ("vandaag 8:00", "Dat moment is al voorbij."),
    ],
)
async def test_when_problems_get_clear_answers_with_examples(bot, world, typed, expected):
    await say(bot, "/activiteit")
    await say(bot, "Iets")
    [answer] = await say(bot, typed)
    assert expected in answer
    assert "elke dinsdag 10:00-12:00" in answer  # examples follow


async def test_back_stop_and_wrong_kinds_of_input(bot, world):
    await say(bot, "/activiteit")
    [photo_answer] = bot.reply_texts(await bot.send(updates.photo(sender=MEMBER)))
    assert "Stuur je antwoord als tekst" in photo_answer
    [too_long] = await say(bot, "x" * 121)
    assert "121 tekens" in too_long and "hoogstens 120" in too_long
    await say(bot, "<b>Bingo</b> *vet* _schuin_")
    [back] = await say(bot, "/terug")
    assert back.startswith("Hoe heet de activiteit?")
    await say(bot, "<b>Bingo</b> & *vet*")
    await say(bot, "morgen om 10 uur")
    await bot.press("pw:ok", sender=MEMBER)
    await bot.press("pl:own", sender=MEMBER)
    [limit] = await say(bot, "a" * 5000)
    assert "5000 tekens" in limit and "hoogstens 1000" in limit
    await say(bot, "Gezellig.")
    [text_for_photo] = await say(bot, "hier is geen foto")
    assert text_for_photo == "Stuur een foto, of typ /overslaan."
    await bot.send(updates.photo(sender=MEMBER, file_id="AgACfoto"))
    preview = bot.replies(await bot.press("pc:free", sender=MEMBER))[0]
    assert preview.method == "sendPhoto"
    assert "&lt;b&gt;Bingo&lt;/b&gt; &amp; *vet*" in preview.text
    [stopped] = bot.reply_texts(await bot.press("pp:stop", sender=MEMBER))
    assert stopped == "Gestopt. Er is niets geplaatst."
    async with bot.session_factory() as session:
        assert (await session.scalars(select(Activity))).all() == []


async def test_non_member_cannot_post_and_is_audited(bot, world):
    [answer] = await say(bot, "/activiteit", sender=STRANGER)
    assert "Alleen vrijwilligers van een goedgekeurd initiatief" in answer
    [group] = bot.reply_texts(await bot.send(updates.command("activiteit", sender=MEMBER, chat=updates.group_chat())))
    assert "privébericht" in group
    async with bot.session_factory() as session:
        denied = (await session.scalars(select(AuditEntry).where(AuditEntry.action == "denied"))).all()
    assert [(d.actor_id, d.detail["attempted"]) for d in denied] == [(STRANGER["id"], "activity.post")]


async def test_choosing_between_initiatives_and_forged_choice(bot, world):
    async with bot.session_factory.begin() as session:
        session.add(InitiativeMember(initiative_id=world.second_initiative_id, user_id=MEMBER["id"]))
        other = Initiative(name="Niet van mij", category="speeltuin", status="active")
        session.add(other)
        await session.flush()
        other_id = other.id
    [question] = bot.replies(await bot.say("/activiteit", sender=MEMBER))
    assert question.buttons() == ["Buurthuiskamer Spangen", "Moestuin West"]
    [refused] = bot.reply_texts(await bot.press(f"pi:{other_id}", sender=MEMBER))
    assert "mag je geen activiteit plaatsen" in refused
    [asked] = bot.reply_texts(await bot.press(question.callback_data("Moestuin"), sender=MEMBER))
    assert asked.startswith("Hoe heet de activiteit?")
    assert RESIDENT


async def test_with_one_initiative_the_title_is_the_first_question_without_back(bot, world):
    [title] = await say(bot, "/activiteit")
    assert title.startswith("Hoe heet de activiteit?")
    assert "Stoppen: /stop" in title and "/terug" not in title
    first, again = await say(bot, "/terug")
    assert first == "Dit is de eerste vraag. Stoppen? Typ /stop."
    assert again.startswith("Hoe heet de activiteit?") and "/terug" not in again
    [when] = await say(bot, "Bingo")
    assert when.startswith("Wanneer is het?") and "Terug: /terug" in when


async def test_with_two_initiatives_the_title_offers_back_to_the_choice(bot, world):
    async with bot.session_factory.begin() as session:
        session.add(InitiativeMember(initiative_id=world.second_initiative_id, user_id=MEMBER["id"]))
    [question] = bot.replies(await bot.say("/activiteit", sender=MEMBER))
    assert "/terug" not in question.text
    [title] = bot.reply_texts(await bot.press(question.callback_data("Moestuin"), sender=MEMBER))
    assert "Terug: /terug" in title
    [choice] = bot.replies(await bot.say("/terug", sender=MEMBER))
    assert choice.text.startswith("Voor welk initiatief is de activiteit?")
    assert choice.buttons() == ["Buurthuiskamer Spangen", "Moestuin West"]


async def test_the_card_counts_one_person_in_the_singular(bot, world):
    await post(bot, "Kerstmarkt", "zaterdag 14:00 tot 16:00")
    async with bot.session_factory() as session:
        activity_id = (await session.scalar(select(Activity.id)))
    texts = bot.reply_texts(await bot.press(f"ac:r:{activity_id}", sender=RESIDENT))
    assert "👥 1 persoon komt" in texts[-1] and "1 komen" not in texts[-1]
    other = {**RESIDENT, "id": RESIDENT["id"] + 1, "first_name": "Noor"}
    texts = bot.reply_texts(await bot.press(f"ac:r:{activity_id}", sender=other))
    assert "👥 2 komen" in texts[-1]
