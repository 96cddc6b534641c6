"""The free-text table: real phrasings residents type, and where each must go."""

from __future__ import annotations

import pytest

from domain import intent
from domain.intent import AGENDA, ASK, GREETING, HELP, LANGUAGE, PLACES, REGISTER, THANKS, UNKNOWN, understand
from domain.words import INTENT_NAMES, languages, words_for

# (text, route, expected details: period / category / buurt / children / open_now / near_me)
TABLE = [
    # -- places, Dutch
    ("buurthuiskamer 3026", PLACES, {"category": "buurthuiskamer"}),
    ("buurthuiskamr in spangen", PLACES, {"category": "buurthuiskamer", "buurt": "Spangen"}),
    ("is er nu iets open in bospolder", PLACES, {"open_now": True, "buurt": "Bospolder"}),
    ("3024", PLACES, {}),
    ("3024 AB", PLACES, {}),
    ("speeltuin in spangen", PLACES, {"category": "speeltuin", "buurt": "Spangen"}),
    ("speeltuintjes", PLACES, {"category": "speeltuin"}),
    ("waar is een voedselbank", PLACES, {"category": "voedselhulp"}),
    ("voedselbank bij mij in de buurt", PLACES, {"category": "voedselhulp", "near_me": True}),
    ("taalcafe", PLACES, {"category": "taalcafe"}),
    ("ik wil nederlands leren", PLACES, {"category": "taalcafe"}),
    ("huiswerkbegeleidng voor mijn zoon", PLACES, {"category": "huiswerkbegeleiding"}),
    ("repair cafe tussendijken", PLACES, {"category": "repaircafe", "buurt": "Tussendijken"}),
    ("moestuin", PLACES, {"category": "groenplek"}),
    ("waar kan ik koffie drinken", PLACES, {"category": "buurthuiskamer"}),
    ("Spangen", PLACES, {"buurt": "Spangen"}),
    ("oud mathenesse", PLACES, {"buurt": "Oud-Mathenesse"}),
    ("dichtbij", PLACES, {"near_me": True}),
    ("inloophuis open nu", PLACES, {"category": "inloophuis", "open_now": True}),
    ("sportclub rolstoel", PLACES, {"category": "sportclub"}),
    ("Schiedamseweg 10", PLACES, {}),
    ("buurthuiskamer waar ze arabisch spreken", PLACES, {"category": "buurthuiskamer"}),
    # -- places, English
    ("playground near me", PLACES, {"category": "speeltuin", "near_me": True}),
    ("food bank", PLACES, {"category": "voedselhulp"}),
    ("where is a community garden", PLACES, {"category": "groenplek"}),
    ("community living room in spangen", PLACES, {"category": "buurthuiskamer", "buurt": "Spangen"}),
    ("what is open now", PLACES, {"open_now": True}),
    ("homework help", PLACES, {"category": "huiswerkbegeleiding"}),
    ("learn dutch", PLACES, {"category": "taalcafe"}),
    # -- agenda, Dutch
    ("wat is er zaterdag te doen?", AGENDA, {"period": "day:5"}),
    ("Wat is er zaterdag te doen", AGENDA, {"period": "day:5"}),
    ("wat is er zatedag te doen", AGENDA, {"period": "day:5"}),
    ("zaterdag", AGENDA, {"period": "day:5"}),
    ("wat is er vandaag", AGENDA, {"period": "today"}),
    ("vanavond iets leuks?", AGENDA, {"period": "today"}),
    ("morgen", AGENDA, {"period": "tomorrow"}),
    ("wat kan ik morgen doen", AGENDA, {"period": "tomorrow"}),
    ("dit weekend", AGENDA, {"period": "weekend"}),
    ("wat is er dit weekend te doen in spangen", AGENDA, {"period": "weekend", "buurt": "Spangen"}),
    ("deze week", AGENDA, {"period": "this_week"}),
    ("activiteiten deze week", AGENDA, {"period": "this_week"}),
    ("activiteiten voor kinderen", AGENDA, {"children": True}),
    ("activiteiten voor kinderen dit weekend", AGENDA, {"period": "weekend", "children": True}),
    ("wat is er voor kinderen op woensdag", AGENDA, {"period": "day:2", "children": True}),
    ("taalcafe morgen", AGENDA, {"period": "tomorrow", "category": "taalcafe"}),
    ("agenda", AGENDA, {}),
    ("activiteiten in bospolder", AGENDA, {"buurt": "Bospolder"}),
    ("welke activiteiten zijn er", AGENDA, {}),
    ("zondagmiddag", AGENDA, {"period": "day:6"}),
    ("evenementen", AGENDA, {}),
    ("dinsdag koffie", AGENDA, {"period": "day:1", "category": "buurthuiskamer"}),
    # -- agenda, English
    ("what is on this weekend?", AGENDA, {"period": "weekend"}),
    ("whats on today", AGENDA, {"period": "today"}),
    ("events tomorrow", AGENDA, {"period": "tomorrow"}),
    ("anything for kids on saturday", AGENDA, {"period": "day:5", "children": True}),
    ("what is happening this week", AGENDA, {"period": "this_week"}),
    ("activities in spangen", AGENDA, {"buurt": "Spangen"}),
    ("things to do on sunday", AGENDA, {"period": "day:6"}),
    # -- mixed: the words point two ways, so the bot asks
    ("iets voor kinderen in spangen", ASK, {"children": True, "buurt": "Spangen"}),
    ("kinderen", ASK, {"children": True}),
    ("something for kids", ASK, {"children": True}),
    ("welke plekken zijn er zaterdag", ASK, {"period": "day:5"}),
    # -- help, registration, small talk
    ("help", HELP, {}),
    ("hulp", HELP, {}),
    ("hoe werkt dit?", HELP, {}),
    ("wat kun je?", HELP, {}),
    ("what can you do", HELP, {}),
    ("ik wil mijn initiatief aanmelden", REGISTER, {}),
    ("register my initiative", REGISTER, {}),
    ("hallo", GREETING, {}),
    ("Hoi!", GREETING, {}),
    ("good morning", GREETING, {}),
    ("bedankt!", THANKS, {}),
    ("dank je wel", THANKS, {}),
    ("thank you", THANKS, {}),
    ("andere taal", LANGUAGE, {}),
    ("english", LANGUAGE, {}),
    ("buurthuiskamer waar ze engels spreken", PLACES, {"category": "buurthuiskamer"}),
    # -- nonsense
    ("asdfgh", UNKNOWN, {}),
    ("😀😀😀", UNKNOWN, {}),
    ("blabla wat is dit", UNKNOWN, {}),
    ("ok", UNKNOWN, {}),
    ("x" * 10_000, UNKNOWN, {}),
    ("hoe laat is het", UNKNOWN, {}),
    ("kunt u mij bellen", UNKNOWN, {}),
]


@pytest.mark.parametrize(("text", "route", "details"), TABLE, ids=[row[0][:40] for row in TABLE])
def test_free_text_goes_where_it_should(text, route, details):
    found = understand(text)
    assert found.route == route, found
    for name, expected in details.items():
        actual = {
            "period": found.period, "category": found.category, "buurt": found.buurt, "children": found.children,
            "open_now": found.places.open_now, "near_me": found.places.near_me,
        }[name]
        assert actual == expected, (name, found)


def test_the_table_is_big_enough():
    assert len(TABLE) >= 60
    assert {row[1] for row in TABLE} >= {PLACES, AGENDA, ASK, HELP, REGISTER, GREETING, THANKS, UNKNOWN}


def test_ambiguity_names_its_choices():
    assert understand("iets voor kinderen in spangen").choices == (PLACES, AGENDA)


def test_every_words_module_has_the_agreed_shape():
    assert {"nl", "en"} <= set(languages())
    for code in languages():
        words = words_for(code)
        assert set(words.intents.values()) <= set(INTENT_NAMES)
        assert sorted(set(words.weekdays.values())) == list(range(7)), code
        assert all(phrase == phrase.lower() for phrase in words.categories), code


def test_a_language_without_words_falls_back_to_dutch_and_english():
    assert words_for("xx") is None
    assert understand("wat is er zaterdag te doen?", "xx").period == "day:5"
    assert understand("blank", "pt-BR").route in (UNKNOWN, PLACES)


def test_blank_text():
    assert intent.is_blank("🙂 !!") and not intent.is_blank("hoi")
