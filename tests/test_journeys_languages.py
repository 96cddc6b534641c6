"""Journeys in Turkish, Arabic, Polish and Portuguese through the real Application.

A resident whose Telegram speaks the language starts, finds places by postcode and by a question in
their own words, asks for help, opens the agenda, says "Ik kom" and reads the privacy page: nothing
they see is Dutch, except names (of places, initiatives, streets) and the one bilingual "Kies je taal".
"""

from __future__ import annotations

import re
from datetime import datetime, timezone

import pytest

from bot.i18n import FSI, PDI, language_name
from bot.places_cli import import_records
from domain.places_csv import read_places
from tests.activity_seed import NOW, TZ, add_activity, seed
from tests.directory_data import PLACES_CSV
from tests.fakes import updates

pytestmark = pytest.mark.storage

RECORDS = read_places(PLACES_CSV.encode())
# Names stay Dutch: places, initiatives, streets, buurten, networks, the activity, the bot, the languages' own names.
NAMES = sorted(
    {r.name for r in RECORDS} | {r.address for r in RECORDS if r.address}
    | {"Buurthuiskamer Spangen", "Buurthuis De Pijl", "Pijlstraat 1", "Moestuin West", "Netwerk West", "Netwerk Oost",
       "Koffie-ochtend", "Koffie, thee en een praatje.", "Knooppunt", "Delfshaven", "Spangen", "Rotterdam",
       "Nederlands", "Kies je taal", "Google", "Koffie en een praatje", "Spanjaardstraat 1"},
    key=len, reverse=True,
)
# Everyday Dutch words that are not words of Turkish, Arabic, Polish or Portuguese.
DUTCH = {
    "het", "een", "je", "jij", "jouw", "niet", "wat", "bij", "voor", "met", "ook", "naar", "kies", "stuur", "typ",
    "hier", "buurt", "dichtbij", "komt", "kom", "ik", "wij", "we", "jullie", "wijzigen", "terug", "vandaag", "morgen",
    "maandag", "dinsdag", "woensdag", "donderdag", "vrijdag", "zaterdag", "zondag", "welkom", "hallo", "bewaren",
    "gegevens", "verwijder", "herinnering", "herinneringen", "activiteit", "activiteiten", "buurtplekken", "locatie",
    "postcode", "deze", "dit", "dat", "zijn", "wordt", "geen", "nog", "alle", "meer", "lopen", "uur", "plekken",
    "plek", "taal", "zoeken", "hulp", "gesloten", "toegankelijk", "rolstoel", "talen", "afstanden", "ongeveer",
    "vanaf", "binnen", "speeltuin", "buurthuiskamer", "afmelden", "aanmelden", "zet", "mijn", "elke", "keer",
    "wie", "waarom", "hoe", "lang", "jou", "ons", "tot", "dagen", "gratis", "opnieuw", "knop", "vind",
}
WORD = re.compile(r"\w+")


def dutch_words(texts: list[str]) -> set[str]:
    found = set()
    for text in texts:
        for name in NAMES:
            text = text.replace(name, " ")
        text = re.sub(r"<[^>]+>|/\w+|@\w+|https?://\S+", " ", text)  # tags, commands, the bot's name, links
        found |= {word for word in WORD.findall(text.casefold()) if word in DUTCH}
    return found


QUESTIONS = {
    "tr": ("Spangen'de çocuk parkı nerede?", "yardım", "Merhaba {name}! 👋", "konuşulur"),
    "ar": ("أين الملعب في Spangen؟", "مساعدة", "مرحبًا {name}! 👋", "يتكلمون"),
    "pl": ("gdzie jest plac zabaw w Spangen?", "pomoc", "Cześć {name}! 👋", "Mówią"),
    "pt": ("onde há um parque infantil em Spangen?", "ajuda", "Olá {name}! 👋", "Fala-se"),
}


@pytest.fixture
async def world(bot, database_url, monkeypatch):
    bot.app.bot_data.clock = lambda: NOW
    await import_records(database_url, RECORDS, now=NOW.astimezone(timezone.utc))
    return await seed(bot.session_factory)


def seen(calls) -> list[str]:
    """Everything a person reads: texts, captions, venue titles and button labels."""
    out = []
    for call in calls:
        if call.method.startswith(("send", "edit")):
            out.append(call.text or "")
            out += [label for label in call.buttons()]
    return out


@pytest.mark.parametrize("language", ["tr", "ar", "pl", "pt"])
async def test_resident_journey_shows_no_dutch(bot, world, language):
    question, help_word, greeting, _spoken = QUESTIONS[language]
    resident = updates.user(5100 + len(language) + ord(language[0]), "Maria", language)
    weekly = await add_activity(bot.session_factory, world, "Koffie-ochtend", datetime(2026, 12, 1, 10, tzinfo=TZ),
                                datetime(2026, 12, 1, 12, tzinfo=TZ), rrule="FREQ=WEEKLY;BYDAY=TU")
    everything: list[str] = []

    start = await bot.send(updates.command("start", sender=resident))
    [welcome] = bot.replies(start)  # one answer: the welcome, the main keyboard, the other languages as /links
    assert welcome.text.startswith(greeting.format(name="Maria")) or (FSI + "Maria" + PDI) in welcome.text
    links = {"Nederlands /nl", "English /en", "Türkçe /tr", "العربية /ar", "Polski /pl", "Português /pt"}
    assert {line for line in welcome.text.splitlines() if line in links} == links - {f"{language_name(language)} /{language}"}
    everything += seen(start)

    by_postcode = await bot.send(updates.message("3027", sender=resident))
    card = next(c for c in bot.replies(by_postcode) if "📍" in (c.text or ""))
    assert "Huiskamer Spangen" in card.text
    everything += seen(by_postcode)

    by_question = await bot.send(updates.message(question, sender=resident))
    card = next(c for c in bot.replies(by_question) if "📍" in (c.text or ""))
    first = [line for line in card.text.splitlines() if line.startswith("1. ")][0]
    assert "Speeltuin Spangen" in first, "the playground comes first"
    everything += seen(by_question)

    helped = await bot.send(updates.message(help_word, sender=resident))
    assert "Knooppunt" in helped[-1].text and "/start" in helped[-1].text
    everything += seen(helped)

    menu = await bot.send(updates.command("agenda", sender=resident))
    everything += seen(menu)
    week = await bot.press("ag:w:week:0", sender=resident)
    assert "Koffie-ochtend" in bot.replies(week)[0].text
    everything += seen(week)
    opened = await bot.press(f"ac:o:{weekly}", sender=resident)
    everything += seen(opened)
    coming = await bot.press(f"ac:r:{weekly}", sender=resident)
    assert any("🎉" in text for text in bot.reply_texts(coming))
    everything += seen(coming)

    privacy = await bot.send(updates.command("privacy", sender=resident))
    assert "Knooppunt" in bot.reply_texts(privacy)[0]
    everything += seen(privacy)

    assert not dutch_words(everything), f"Dutch seen by a {language} resident: {sorted(dutch_words(everything))}"
    if language == "ar":
        assert any(FSI + "Spangen" + PDI in text for text in everything), "Dutch names are isolated in Arabic"


@pytest.mark.parametrize("language", ["tr", "ar", "pl", "pt"])
async def test_place_that_speaks_the_residents_language_says_so(bot, world, language):
    _question, _help, _greeting, spoken = QUESTIONS[language]
    resident = updates.user(5200 + ord(language[0]), "Maria", language)
    async with bot.session_factory.begin() as session:
        from sqlalchemy import select

        from storage.models import Initiative, InitiativeLanguage

        place = await session.scalar(select(Initiative).where(Initiative.name == "Huiskamer Middelland"))
        session.add(InitiativeLanguage(initiative_id=place.id, language=language))
    calls = await bot.send(updates.message("3021", sender=resident))
    card = next(c for c in bot.replies(calls) if "📍" in (c.text or ""))
    assert spoken in card.text
