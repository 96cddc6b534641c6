"""Residents get the right answer, in one tidy message (issue 10, part A: the directory answer).

Journeys through the real Application: several questions in a row, old buttons pressed late,
double taps, and the same in English. Each test names the numbered problem of issue 10 it covers.
"""

from __future__ import annotations

import re
from datetime import timezone

import pytest
from sqlalchemy import select, update

from bot.places_cli import import_records
from domain.places_csv import read_places
from storage.models import Initiative, Location
from tests.directory_data import NOW, PLACES_CSV
from tests.fakes import updates
from tests.fakes.updates import RESIDENT, RESIDENT_EN
from tests.harness import show_transcript

pytestmark = pytest.mark.storage

# The test places of Delfshaven, without the one in Amsterdam: the real directory has none there.
RECORDS = [record for record in read_places(PLACES_CSV.encode()) if record.external_id != "bhk-far"]
SPANGEN = (51.9169, 4.4361)
AMSTERDAM = (52.3676, 4.9041)
EXPIRED = "Deze knop is verlopen. Vraag het opnieuw."
NOT_MODIFIED = "message is not modified: specified new message content and reply markup are exactly the same"


@pytest.fixture
async def bot_with_places(bot, database_url, monkeypatch):
    bot.app.bot_data.clock = lambda: NOW.astimezone(timezone.utc)
    await import_records(database_url, RECORDS, now=NOW.astimezone(timezone.utc))
    return bot


class Resident:
    def __init__(self, bot, user: dict = RESIDENT) -> None:
        self.bot, self.user = bot, user

    async def say(self, text: str) -> list:
        return show_transcript(f"{self.user['first_name']}: {text}", await self.bot.say(text, self.user))

    async def share(self, lat: float, lon: float) -> list:
        return show_transcript(f"{self.user['first_name']}: [location]", await self.bot.send(updates.location(lat, lon, self.user)))

    async def press(self, data: str, message_id: int = 500) -> list:
        return show_transcript(f"{self.user['first_name']}: [presses {data}]", await self.bot.press(data, self.user, message_id=message_id))


def answer(calls):
    """The one directory answer among `calls` (sent or edited)."""
    [found] = [c for c in calls if c.method in ("sendMessage", "editMessageText") and c.text.startswith("📍 <b>")]
    return found


def messages(calls) -> list:
    return [c for c in calls if c.method.startswith(("send", "edit"))]


def listed(text: str) -> list[str]:
    return re.findall(r"^\d+\. <b>(.+?)</b>", text, flags=re.MULTILINE)


def popup(calls) -> str:
    return next(c.params.get("text", "") for c in calls if c.method == "answerCallbackQuery")


def heading(message) -> str:
    return message.text.splitlines()[0]


def map_button(message, name: str) -> str:
    """The 📍 button on the row of the place called `name`."""
    for row in message.reply_markup["inline_keyboard"]:
        if name in row[0]["text"]:
            return row[1]["callback_data"]
    raise AssertionError(f"no row for {name!r} in {message.buttons()}")


# -- problem 2: a button acts on the message it sits under ----------------------------------------------


async def test_next_five_under_the_first_answer_pages_the_first_question(bot_with_places):
    fatima = Resident(bot_with_places)
    first = answer(await fatima.say("3024"))
    assert heading(first) == "📍 <b>Alle buurtplekken</b> dichtbij Delfshaven"
    later = answer(await fatima.say("speeltuin in spangen"))
    assert heading(later) == "📍 <b>Speeltuin</b> dichtbij Spangen"

    calls = await fatima.press(first.callback_data("Volgende 5"), message_id=701)
    [page] = messages(calls)
    assert page.method == "editMessageText" and int(page.params["message_id"]) == 701  # that message, edited
    assert heading(page) == "📍 <b>Alle buurtplekken</b> dichtbij Delfshaven"
    assert "6. <b>" in page.text and "Ik vond hier geen plekken" not in page.text
    assert set(listed(page.text)).isdisjoint(listed(first.text))

    # ... and the later answer's buttons still act on the later question.
    calls = await fatima.press(later.callback_data("Nu open"), message_id=702)
    assert heading(answer(calls)) == "📍 <b>Speeltuin</b> dichtbij Spangen"
    assert int(answer(calls).params["message_id"]) == 702


async def test_old_buttons_pressed_much_later_still_work_and_unknown_ones_expire(bot_with_places):
    fatima = Resident(bot_with_places)
    first = answer(await fatima.say("buurthuiskamer 3027"))
    bot_with_places.app.drop_user_data(RESIDENT["id"])  # as after a restart: nothing in memory any more
    bot_with_places.app.drop_chat_data(RESIDENT["id"])
    again = answer(await fatima.press(first.callback_data("Volgende 5")))
    assert heading(again) == "📍 <b>Buurthuiskamer</b> dichtbij Spangen" and "6. <b>" in again.text
    # Buttons of the old format (before answers owned their question) say so, and change nothing.
    for old in ("dir:m:5", "dir:f:o", "dir:f:l:tr", "dir:l", "dir:v:p3024:spelen::0"):
        calls = await fatima.press(old)
        assert messages(calls) == [] and popup(calls) == EXPIRED, old


# -- problem 1: a new question starts fresh; filters and category are removable ---------------------------


async def test_each_typed_question_counts_only_what_it_names(bot_with_places):
    fatima = Resident(bot_with_places)
    assert heading(answer(await fatima.say("buurthuiskamr in spangen"))) == "📍 <b>Buurthuiskamer</b> dichtbij Spangen"
    shown = answer(await fatima.say("is er nu iets open in bospolder"))
    assert heading(shown) == "📍 <b>Alle buurtplekken</b> dichtbij Bospolder"
    assert "Filter: nu open" in shown.text
    shown = answer(await fatima.say("3024"))
    assert heading(shown) == "📍 <b>Alle buurtplekken</b> dichtbij Delfshaven"
    assert "Filter" not in shown.text and "✕" not in " ".join(shown.buttons())


async def test_filters_chosen_under_dichtbij_do_not_stay_for_the_next_question(bot_with_places):
    fatima = Resident(bot_with_places)
    menu = messages(await fatima.say("/dichtbij"))[-1]
    [ask] = messages(await fatima.press(menu.callback_data("Buurthuiskamer")))
    assert "Je zoekt: <b>Buurthuiskamer</b>" in ask.text and "Waar ben je?" in ask.text
    listing = answer(await fatima.share(*SPANGEN))
    assert heading(listing) == "📍 <b>Buurthuiskamer</b> dichtbij jouw locatie"
    listing = answer(await fatima.press(listing.callback_data("Rolstoel")))
    languages = messages(await fatima.press(listing.callback_data("Taal")))[-1]
    listing = answer(await fatima.press(languages.callback_data("Turks")))
    assert "Filter: rolstoel, spreekt Turks" in listing.text
    assert {"✕ Buurthuiskamer", "✕ rolstoel", "✕ Turks", "Alles wissen"} <= set(listing.buttons())

    # ✕ removes just that one; the rest of this answer's question stays.
    fewer = answer(await fatima.press(listing.callback_data("✕ Buurthuiskamer")))
    assert heading(fewer) == "📍 <b>Alle buurtplekken</b> dichtbij jouw locatie" and "Filter: rolstoel, spreekt Turks" in fewer.text

    # "Alles in de buurt" from a fresh /dichtbij: everything, no filter from before.
    menu = messages(await fatima.say("/dichtbij"))[-1]
    everything = answer(await fatima.press(menu.callback_data("Alles in de buurt")))
    assert everything.method == "editMessageText"  # the menu becomes the answer
    assert heading(everything) == "📍 <b>Alle buurtplekken</b> dichtbij jouw locatie" and "Filter" not in everything.text
    assert len(listed(everything.text)) == 5


async def test_a_question_waiting_for_a_place_is_answered_once(bot_with_places):
    fatima = Resident(bot_with_places)
    [ask] = messages(await fatima.say("inloophuis nu open"))
    assert "Je zoekt: <b>Inloophuis, nu open</b>" in ask.text
    shown = answer(await fatima.say("3026"))
    assert heading(shown) == "📍 <b>Inloophuis</b> dichtbij Tussendijken" and "Filter: nu open" in shown.text
    shown = answer(await fatima.say("3027"))  # the next place alone is a new question
    assert heading(shown) == "📍 <b>Alle buurtplekken</b> dichtbij Spangen" and "Filter" not in shown.text


# -- problem 3: one answer, edited in place; a double tap changes nothing twice ----------------------------


async def test_paging_and_filters_edit_the_one_answer_and_double_taps_are_silent(bot_with_places):
    fatima = Resident(bot_with_places)
    calls = await fatima.say("3027")
    first = answer(calls)
    assert [c.method for c in messages(calls)] == ["sendMessage"]  # one message, no pin
    assert len(first.text.splitlines()) <= 15 and len(listed(first.text)) == 5

    next_page = first.callback_data("Volgende 5")
    pressed = []
    for _ in range(30):
        pressed += await fatima.press(next_page, message_id=800)
    edits = messages(pressed)
    assert {c.method for c in edits} == {"editMessageText"} and {int(c.params["message_id"]) for c in edits} == {800}
    assert len({c.text for c in edits}) == 1  # thirty presses: the same page, no new messages

    # Telegram refuses an edit to the same text; the resident sees nothing at all of that.
    bot_with_places.api.fail_next("bad_request", "editMessageText", NOT_MODIFIED)
    calls = await fatima.press(next_page, message_id=800)
    assert messages(calls) == []
    assert [c.method for c in calls] == ["answerCallbackQuery"]

    # A filter edits the same message too, and never sends a pin.
    calls = await fatima.press(first.callback_data("Nu open"), message_id=800)
    assert [c.method for c in messages(calls)] == ["editMessageText"]
    assert "✕ nu open" in answer(calls).buttons()


async def test_more_shows_the_full_card_and_back_returns_to_the_same_list(bot_with_places):
    fatima = Resident(bot_with_places)
    listing = answer(await fatima.say("buurthuiskamer in spangen"))
    [card] = messages(await fatima.press(listing.callback_data("ℹ️ 1.")))
    assert card.method == "editMessageText"
    for part in ("<b>Huiskamer Spangen</b>", "🏠 Spanjaardstraat 1, 3027 AB", "☎️ 010-1111111", "🕒 Nu open, tot 16:00",
                 "♿ Toegankelijk met rolstoel", "🗣 Talen: Arabisch, Nederlands"):
        assert part in card.text
    [back] = messages(await fatima.press(card.callback_data("◀ Terug")))
    assert back.method == "editMessageText" and back.text == listing.text and back.buttons() == listing.buttons()


# -- problem 6: honest distances -----------------------------------------------------------------------------


async def test_a_location_in_amsterdam_gets_what_knooppunt_covers_not_733_minutes(bot_with_places):
    fatima = Resident(bot_with_places)
    [reply] = messages(await fatima.share(*AMSTERDAM))
    assert "Knooppunt kent buurtplekken in Delfshaven en de rest van Rotterdam" in reply.text
    assert "postcode" in reply.text and "lopen" not in reply.text and " km" not in reply.text
    assert reply.reply_markup["keyboard"][0][0]["request_location"] is True  # share again, or type
    [reply] = messages(await fatima.say("1012"))  # an Amsterdam postcode
    assert "Knooppunt kent buurtplekken" in reply.text


async def test_walking_minutes_only_nearby_bike_minutes_further(bot_with_places):
    fatima = Resident(bot_with_places)
    near = answer(await fatima.share(*SPANGEN))
    assert "📏 30 m · 1 minuut lopen" in near.text
    far = answer(await fatima.share(51.8800, 4.4900))  # Rotterdam-Zuid, 4-5 km away
    assert "minuten fietsen" in far.text and "lopen" not in far.text


# -- problem 8 (and issue 13): pins only on request, and honest ------------------------------------------


async def test_pins_come_on_request_and_an_approximate_place_gets_a_map_search(bot_with_places):
    async with bot_with_places.session_factory.begin() as session:
        location_id = (await session.scalars(select(Initiative.location_id).where(Initiative.external_id == "bhk-spangen"))).one()
        await session.execute(update(Location).where(Location.id == location_id).values(approximate=True))
    fatima = Resident(bot_with_places)
    calls = await fatima.say("3027")
    listing = answer(calls)
    assert not [c for c in calls if c.method == "sendVenue"]

    calls = await fatima.press(map_button(listing, "Speeltuin Spangen"))
    [pin] = messages(calls)
    assert pin.method == "sendVenue" and pin.params["title"] == "Speeltuin Spangen"
    calls = await fatima.press(map_button(listing, "Speeltuin Spangen"))  # a double tap
    assert messages(calls) == [] and popup(calls) == "De kaart staat al hieronder."

    calls = await fatima.press(map_button(listing, "Huiskamer Spangen"))
    [link] = messages(calls)
    assert link.method == "sendMessage"  # no exact-looking pin
    assert "ongeveer" in link.text
    assert 'href="https://www.openstreetmap.org/search?query=Spanjaardstraat+1%2C+3027+AB%2C+Rotterdam"' in link.text
    [card] = messages(await fatima.press(listing.callback_data("ℹ️ 1.")))
    assert "de plek op de kaart is ongeveer" in card.text


# -- B1 Dutch in the directory texts ------------------------------------------------------------------


async def test_directory_texts_are_plain_dutch(bot_with_places):
    fatima = Resident(bot_with_places)
    [ask] = messages(await fatima.say("waar is een buurthuiskamer bij mij in de buurt?"))
    assert ask.text.startswith("🔎 Je zoekt: <b>Buurthuiskamer</b>\nWaar ben je?")
    assert "Dan zoek ik buurthuiskamer" not in ask.text
    shown = answer(await fatima.say("Spangen"))
    assert shown.text.endswith("De afstand is ongeveer. Ik reken vanaf het midden van Spangen.")
    assert "Afstanden zijn ongeveer: gemeten" not in shown.text
    assert "· 1 minuut lopen" in shown.text and "· 1 minuten" not in shown.text and "minuten lopen" in shown.text
    start = messages(await fatima.say("/start"))[0]  # then the language row
    assert "Ik help je de buurt te vinden" not in start.text and "plekken en activiteiten in je buurt" in start.text


# -- the same journey in English ------------------------------------------------------------------------


async def test_english_journey(bot_with_places):
    john = Resident(bot_with_places, RESIDENT_EN)
    [ask] = messages(await john.say("is there a community living room near me"))
    assert ask.text.startswith("🔎 You are looking for: <b>Community living room</b>\nWhere are you?")
    listing = answer(await john.share(*SPANGEN))
    assert heading(listing) == "📍 <b>Community living room</b> near your location"
    assert "30 m · 1 minute on foot" in listing.text and "minutes on foot" in listing.text
    assert listing.buttons()[:2] == ["ℹ️ 1. Huiskamer Spangen", "📍 Map"]
    assert {"Next 5 ▶", "🕒 Open now", "♿ Wheelchair", "🗣 Language", "✕ Community living room"} <= set(listing.buttons())

    [card] = messages(await john.press(listing.callback_data("ℹ️ 1.")))
    assert "♿ Wheelchair accessible" in card.text and card.buttons() == ["📍 Map", "◀ Back"]
    back = answer(await john.press(card.callback_data("◀ Back")))
    assert back.text == listing.text

    playground = answer(await john.say("playground in spangen"))
    assert heading(playground) == "📍 <b>Playground</b> near Spangen"
    assert playground.text.endswith("The distance is approximate. I measure from the middle of Spangen.")
    opened = answer(await john.press(playground.callback_data("Open now")))
    assert "Filter: open now" in opened.text and "✕ open now" in opened.buttons()

    [far] = messages(await john.share(*AMSTERDAM))
    assert "Knooppunt knows neighbourhood places in Delfshaven" in far.text
    [expired] = [popup(await john.press("dir:m:5"))]
    assert expired == "This button has expired. Please ask again."
    everything = " ".join(m.text + " ".join(m.buttons()) for m in (listing, card, playground, opened, far))
    for dutch in ("dichtbij", "lopen", "fietsen", "Kaart", "Terug", "ongeveer", "Volgende", "Nu open", "Je zoekt"):
        assert dutch not in everything, dutch


async def test_agenda_route_to_an_approximate_place_is_a_map_search_not_a_pin(bot):
    """Problem 8 as it was seen: the 🧭 Route of an activity whose place is only a postcode centre."""
    from tests.activity_seed import NOW as AGENDA_NOW
    from tests.activity_seed import add_activity, seed

    bot.app.bot_data.clock = lambda: AGENDA_NOW
    world = await seed(bot.session_factory)
    activity = await add_activity(bot.session_factory, world, "Koffie-ochtend", AGENDA_NOW.replace(day=5, hour=10))
    [pin] = messages(await bot.press(f"ac:p:{activity}"))
    assert pin.method == "sendVenue" and pin.params["title"] == "Buurthuis De Pijl"  # an exact point: a pin

    async with bot.session_factory.begin() as session:
        await session.execute(update(Location).where(Location.id == world.location_id).values(approximate=True))
    [link] = messages(await bot.press(f"ac:p:{activity}"))
    assert link.method == "sendMessage" and "ongeveer" in link.text
    assert "openstreetmap.org/search?query=Pijlstraat+1%2C+3024+AB%2C+Rotterdam" in link.text


async def test_back_from_the_language_list_returns_to_the_same_page(bot_with_places):
    fatima = Resident(bot_with_places)
    first = answer(await fatima.say("3027"))
    page_two = answer(await fatima.press(first.callback_data("Volgende 5")))
    [choose] = messages(await fatima.press(page_two.callback_data("Taal")))
    assert choose.text.startswith("Welke taal wil je spreken?")
    back = answer(await fatima.press(choose.callback_data("◀ Terug")))
    assert back.text == page_two.text and "6. <b>" in back.text
    arabic = answer(await fatima.press(choose.callback_data("Arabisch")))
    assert "Filter: spreekt Arabisch" in arabic.text and listed(arabic.text) == ["Huiskamer Spangen"]  # page 1 of the new question
