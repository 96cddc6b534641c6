"""Buurtplekken through the real Application: location, postcode, buurt, sentences, cards, buttons."""

from __future__ import annotations

from datetime import timedelta, timezone

import pytest
from sqlalchemy import select, update

from bot.places_cli import import_records
from domain.geo import haversine_m
from domain.places_csv import read_places
from storage.models import Initiative
from tests.directory_data import NOW, PLACES_CSV
from tests.fakes import updates
from tests.fakes.updates import RESIDENT_EN

pytestmark = pytest.mark.storage

SPANGEN = (51.9169, 4.4361)
RECORDS = read_places(PLACES_CSV.encode())


@pytest.fixture
async def places(bot, database_url, monkeypatch):
    bot.app.bot_data.clock = lambda: NOW.astimezone(timezone.utc)
    await import_records(database_url, RECORDS, now=NOW.astimezone(timezone.utc))
    return bot


def nearest_names(lat: float, lon: float, category: str | None = "buurthuiskamer") -> list[str]:
    """The expected order, computed from the test data itself."""
    chosen = [r for r in RECORDS if category is None or r.category == category]
    return [r.name for r in sorted(chosen, key=lambda r: haversine_m(lat, lon, r.latitude, r.longitude))]


def card(calls):
    """The answer list, sent or edited in place."""
    [message] = [c for c in calls if c.method in ("sendMessage", "editMessageText") and "📍" in c.text]
    return message


def popup(calls) -> str:
    return next(c.params.get("text", "") for c in calls if c.method == "answerCallbackQuery")


def listed(text: str) -> list[str]:
    """Place names in a card, in the order shown."""
    import re

    return re.findall(r"^\d+\. <b>(.+?)</b>", text, flags=re.MULTILINE)


async def test_shared_location_answers_nearest_buurthuiskamer_pin_on_request(places):
    [question] = places.replies(await places.say("buurthuiskamer"))
    assert "Waar ben je?" in question.text
    assert question.reply_markup["keyboard"][0][0]["request_location"] is True
    calls = await places.send(updates.location(*SPANGEN))
    shown = card(calls)
    expected = nearest_names(*SPANGEN)[:5]
    assert listed(shown.text) == expected
    assert "ongeveer" not in shown.text
    assert "jouw locatie" in shown.text
    assert [c.method for c in places.replies(calls)] == ["sendMessage"]  # one message, no pin by default
    [venue] = places.replies(await places.press(shown.callback_data("📍")))
    assert venue.method == "sendVenue"
    assert venue.params["title"] == expected[0] == "Huiskamer Spangen"
    assert float(venue.params["latitude"]) == pytest.approx(51.9170)
    assert "Spanjaardstraat 1" in venue.params["address"]


async def test_card_shows_distance_walk_open_status_address_and_contact(places):
    shown = card(await places.send(updates.location(*SPANGEN)))
    assert "1. <b>Huiskamer Spangen</b> – Buurthuiskamer\n    📏 30 m · 1 minuut lopen · 🕒 Nu open, tot 16:00" in shown.text
    # Tussendijken opens Thursdays only: on Wednesday it says tomorrow.
    assert "Gesloten. Morgen open vanaf 10:00" in shown.text
    assert "🏠" not in shown.text and len(shown.text.splitlines()) <= 15  # one phone screen; details behind ℹ️
    [more] = places.replies(await places.press(shown.callback_data("ℹ️ 1.")))
    assert more.method == "editMessageText"
    entry = more.text
    assert entry.startswith("<b>Huiskamer Spangen</b> – Buurthuiskamer")
    assert "📏 30 m · 1 minuut lopen" in entry
    assert "🕒 Nu open, tot 16:00" in entry
    assert "🏠 Spanjaardstraat 1, 3027 AB" in entry
    assert "☎️ 010-1111111 · ✉️ spangen@example.org · 🌐 https://spangen.example.org" in entry
    assert "♿ Toegankelijk met rolstoel" in entry
    assert "Arabisch" in entry
    assert more.buttons() == ["📍 Kaart", "◀ Terug"]
    [back] = places.replies(await places.press(more.callback_data("Terug")))
    assert back.method == "editMessageText" and back.text == shown.text


async def test_typed_postcode_is_approximate(places):
    shown = card(await places.say("buurthuiskamer 3026"))
    lat, lon = 51.9128, 4.4427  # the 3026 centroid as in the gazetteer
    from domain.gazetteer import lookup_postcode

    centre = lookup_postcode("3026")
    assert (centre.lat, centre.lon) == (lat, lon)
    assert listed(shown.text) == nearest_names(lat, lon)[:5]
    assert "ongeveer" in shown.text
    assert "De afstand is ongeveer. Ik reken vanaf het midden van" in shown.text


@pytest.mark.parametrize("postcode", ["3024AB", "3024 ab", "3024"])
async def test_postcode_spellings_after_category_button(places, postcode):
    await places.say("/dichtbij")
    [ask] = places.replies(await places.press("dir:c:buurthuiskamer"))
    assert "of typ je postcode" in ask.text
    shown = card(await places.say(postcode))
    assert listed(shown.text)[0] == nearest_names(51.9054, 4.4570)[0] == "Huiskamer Delfshaven"


async def test_buurt_name_in_sentence(places):
    calls = await places.say("is er een speeltuin in Spangen")
    shown = card(calls)
    assert listed(shown.text) == ["Speeltuin Spangen"]
    assert "Spangen" in shown.text.splitlines()[0]
    assert not [c for c in calls if c.method == "sendVenue"]


@pytest.mark.parametrize("name", ["Oud Mathenesse", "oud-mathenesse", "BoTu", "het Nieuwe Westen"])
async def test_buurt_variants(places, name):
    await places.press("dir:c:buurthuiskamer")
    shown = card(await places.say(name))
    assert len(listed(shown.text)) == 5
    assert "ongeveer" in shown.text


async def test_dutch_question_asks_for_place_then_answers(places):
    [ask] = places.replies(await places.say("waar is een buurthuiskamer bij mij in de buurt?"))
    assert "Waar ben je?" in ask.text and "Je zoekt: <b>Buurthuiskamer</b>" in ask.text
    shown = card(await places.say("3027"))
    assert listed(shown.text)[0] == "Huiskamer Spangen"


async def test_english_question(places):
    calls = await places.say("where can I find a community living room near 3021?", sender=RESIDENT_EN)
    shown = card(calls)
    assert listed(shown.text) == nearest_names(51.9165, 4.4595)[:5]
    assert "Community living room" in shown.text
    assert "about" in shown.text
    assert "Next 5 ▶" in shown.buttons()


async def test_open_now_words(places):
    shown = card(await places.say("inloophuis nu open 3026"))
    assert listed(shown.text) == ["Inloophuis Het Anker"]
    assert "Filter: nu open" in shown.text
    assert "Nu open, tot 13:00" in shown.text


async def test_next_five_continues_the_list(places):
    first = card(await places.say("buurthuiskamer 3027"))
    order = nearest_names(51.9169, 4.4361)
    assert listed(first.text) == order[:5]
    calls = await places.press(first.callback_data("Volgende 5"))
    second = card(calls)
    assert second.method == "editMessageText"
    assert listed(second.text) == order[5:]
    assert "6. <b>" in second.text
    assert not any("Volgende" in b for b in second.buttons())
    assert "◀ Vorige" in second.buttons()
    assert [c.method for c in places.replies(calls)] == ["editMessageText"]


async def test_filter_buttons(places):
    first = card(await places.say("buurthuiskamer 3027"))
    opened = card(await places.press(first.callback_data("Nu open")))
    assert set(listed(opened.text)) == {"Huiskamer Spangen", "Huiskamer Delfshaven"}
    assert "✕ nu open" in opened.buttons() and "🕒 Nu open" not in opened.buttons()
    both = card(await places.press(opened.callback_data("Rolstoel")))
    assert listed(both.text) == ["Huiskamer Spangen"]
    assert {"✕ Buurthuiskamer", "✕ nu open", "✕ rolstoel", "Alles wissen"} <= set(both.buttons())
    cleared = card(await places.press(both.callback_data("Alles wissen")))
    assert cleared.text.startswith("📍 <b>Alle buurtplekken</b>") and "Filter" not in cleared.text
    [choose] = places.replies(await places.press(first.callback_data("Taal")))
    assert choose.method == "editMessageText" and "◀ Terug" in choose.buttons()
    turkish = card(await places.press(choose.callback_data("Turks")))
    assert listed(turkish.text) == ["Huiskamer Tussendijken"]
    assert "spreekt Turks" in turkish.text


async def test_nothing_within_reach_shows_nearest_anyway_by_bike(places):
    await places.press("dir:c:speeltuin")
    shown = card(await places.send(updates.location(51.8800, 4.4900)))  # Rotterdam-Zuid, 4-5 km away
    assert "Binnen 3,0 km vond ik niets" in shown.text
    assert listed(shown.text) == ["Speeltuin Spangen"]
    assert " km · " in shown.text and "minuten fietsen" in shown.text and "lopen" not in shown.text


async def test_far_away_point_says_what_knooppunt_covers(places):
    [reply] = places.replies(await places.send(updates.location(52.0907, 5.1214)))  # Utrecht: 35 km from any place
    assert "Knooppunt kent buurtplekken in Delfshaven" in reply.text and "postcode" in reply.text
    assert "km" not in reply.text and "lopen" not in reply.text


async def test_stale_and_inactive_places_are_hidden(places):
    async with places.session_factory.begin() as session:
        await session.execute(
            update(Initiative)
            .where(Initiative.external_id == "bhk-spangen")
            .values(last_verified_at=NOW - timedelta(days=181))
        )
        await session.execute(update(Initiative).where(Initiative.external_id == "bhk-nw").values(status="paused"))
    shown = card(await places.say("buurthuiskamer 3027"))
    assert "Huiskamer Spangen" not in listed(shown.text)
    assert "Huiskamer Nieuwe Westen" not in shown.text


async def test_zoek_ignores_accents_and_case(places):
    for words in ("cafe etoile", "CAFÉ", "étoile gezelligheid"):
        [reply] = places.replies(await places.say(f"/zoek {words}"))
        assert listed(reply.text) == ["Buurthuiskamer Café Étoile"], words
    [reply] = places.replies(await places.say("/zoek zzzz"))
    assert "Niets gevonden" in reply.text


async def test_search_button_asks_then_searches(places):
    [ask] = places.replies(await places.say("🔎 Zoeken"))
    assert "Wat zoek je?" in ask.text
    [reply] = places.replies(await places.say("klimrek"))
    assert listed(reply.text) == ["Speeltuin Spangen"]


async def test_near_alias_and_group_pointer(places):
    [ask] = places.replies(await places.say("/near"))
    assert "Wat zoek je in de buurt?" in ask.text
    assert "Buurthuiskamer" in ask.buttons()
    group = updates.group_chat()
    [pointer] = places.replies(await places.send(updates.location(*SPANGEN, chat=group)))
    assert "privégesprek" in pointer.text and "@knooppunt_test_bot" in pointer.text
    [pointer] = places.replies(await places.send(updates.command("dichtbij", chat=group, mention=True)))
    assert "privégesprek" in pointer.text


@pytest.mark.parametrize("text", ["😀😀😀", "x" * 10_000, "blabla wat is dit"])
async def test_text_not_understood_gets_what_the_bot_can_do(places, text):
    [reply] = places.replies(await places.say(text))
    assert "Dat begrijp ik niet" in reply.text
    assert reply.buttons() == ["📍 Plekken in de buurt", "📅 Wat is er te doen?", "➕ Initiatief aanmelden", "❓ Hulp"]


async def test_bad_input_answers(places):
    [reply] = places.replies(await places.send(updates.location(200.0, 4.4)))
    assert "Deze locatie klopt niet" in reply.text
    [reply] = places.replies(await places.say("buurthuiskamer 1000"))
    assert "Postcode 1000 ken ik niet" in reply.text
    [reply] = places.replies(await places.say("Schiedamseweg 10"))
    assert "Deze plek ken ik niet" in reply.text and "postcode" in reply.text
    for forged in ("dir:m:99999", "dir:c:nonsense", "dir:v:p3024:::999", "dir:v:p1000:::0", "dir:v:h999999_0:::0", "dir:i:x:p3024:::0"):
        calls = await places.press(forged)
        assert places.replies(calls) == [], forged
        assert popup(calls) == "Deze knop is verlopen. Vraag het opnieuw.", forged


async def test_category_button_without_a_known_place_asks_for_it(places):
    [ask] = places.replies(await places.press("dir:c:speeltuin"))
    assert "Waar ben je?" in ask.text and "Je zoekt: <b>Speeltuin</b>" in ask.text


async def test_nothing_stored_about_the_resident_location(places):
    await places.send(updates.location(*SPANGEN))
    async with places.session_factory() as session:
        names = list(await session.scalars(select(Initiative.name)))
    assert len(names) == len(RECORDS)


async def test_card_heading_starts_with_a_capital(places):
    shown = card(await places.send(updates.location(*SPANGEN)))
    assert shown.text.startswith("📍 <b>Alle buurtplekken</b> dichtbij jouw locatie")
    shown = card(await places.say("buurthuiskamer 3026"))
    assert shown.text.startswith("📍 <b>Buurthuiskamer</b> dichtbij ")
    assert "ongeveer 0 m" not in shown.text
