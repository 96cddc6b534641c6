"""Free text in Turkish, Arabic, Polish and Portuguese is understood like Dutch: categories, near me,
open now, help, the agenda, language names, typos and mixed messages. One table per language."""

from __future__ import annotations

import pytest

from domain.intent import understand
from domain.query import parse_query
from domain.taxonomy import CATEGORIES
from domain.words import words_module

INTENTS = {"help", "agenda", "places", "near_me", "open_now", "register", "today", "tomorrow", "weekend",
           "this_week", "children", "language", "greeting", "thanks", "idea"}


@pytest.mark.parametrize("lang", ["tr", "ar", "pl", "pt"])
def test_words_module_follows_the_contract(lang):
    words = words_module(lang)
    assert set(words.CATEGORIES) == {c.code for c in CATEGORIES}, "every taxonomy code has everyday words"
    assert set(words.INTENTS) == INTENTS
    assert len(words.WEEKDAYS) == 7 and all(day for day in words.WEEKDAYS)
    for phrases in (*words.CATEGORIES.values(), *words.INTENTS.values(), *words.WEEKDAYS):
        assert phrases and all(p == p.lower() and p.strip() == p for p in phrases)


def _row(text: str, **expected):
    return pytest.param(text, expected, id=text)


_ANSWERS = ("help", "agenda", "greeting", "thanks")  # routes that are not a place question


def _check(text: str, expected: dict) -> None:
    """The place part as domain.query reads it; where the message goes as the router (domain.intent) says."""
    query = parse_query(text)
    understood = understand(text)
    seen = {"category": query.category, "near_me": query.near_me, "open_now": query.open_now,
            "language": query.language, "intent": understood.route if understood.route in _ANSWERS else None,
            "when": understood.period, "buurt": getattr(query.place, "buurt", None)}
    assert {key: seen[key] for key in expected} == expected


TURKISH = [
    _row("Spangen'de çocuk parkı nerede?", category="speeltuin", buurt="Spangen", intent=None),
    _row("cocuk parki", category="speeltuin"),  # typed without Turkish letters
    _row("çocuk parkıı", category="speeltuin"),  # a typo
    _row("yardım", intent="help", category=None),
    _row("yardim", intent="help"),
    _row("gıda yardımı", category="voedselhulp", intent=None),
    _row("bu hafta sonu ne var?", intent="agenda", when="weekend"),
    _row("bugün ne var", intent="agenda", when="today"),
    _row("buurthuiskamer yakınımda", category="buurthuiskamer", near_me=True),
    _row("şimdi açık mahalle oturma odası", category="buurthuiskamer", open_now=True),
    _row("yakınımda ödev yardımı", category="huiswerkbegeleiding", near_me=True),
    _row("Türkçe konuşulan uğrak evi", category="inloophuis", language="tr"),
    _row("merhaba", intent="greeting"),
]

ARABIC = [
    _row("أين الملعب؟", category="speeltuin"),
    _row("ملعب أطفال في Spangen", category="speeltuin", buurt="Spangen"),
    _row("ملعب بالقرب مني", category="speeltuin", near_me=True),
    _row("مساعدة", intent="help", category=None),
    _row("مساعدة غذائية", category="voedselhulp", intent=None),
    _row("بنك الطعام", category="voedselhulp"),
    _row("ماذا يوجد في نهاية الأسبوع؟", intent="agenda", when="weekend"),
    _row("مقهى اللغة مفتوح الآن", category="taalcafe", open_now=True),
    _row("غرفة معيشة الحي 3026", category="buurthuiskamer"),  # the example the Arabic /start gives
    _row("buurthuiskamer قريب مني", category="buurthuiskamer", near_me=True),
    _row("السلام عليكم", intent="greeting"),
]

POLISH = [
    _row("plac zabaw", category="speeltuin"),
    _row("gdzie jest plac zabaw w Spangen?", category="speeltuin", buurt="Spangen"),
    _row("placu zabaw w pobliżu", category="speeltuin", near_me=True),
    _row("swietlica sasiedzka", category="buurthuiskamer"),  # typed without Polish letters
    _row("pomoc", intent="help", category=None),
    _row("pomoc żywnościowa", category="voedselhulp", intent=None),
    _row("co się dzieje w weekend?", intent="agenda", when="weekend"),
    _row("świetlica teraz otwarte", category="buurthuiskamer", open_now=True),
    _row("buurthuiskamer blisko mnie", category="buurthuiskamer", near_me=True),
    _row("korepetycje", category="huiswerkbegeleiding"),
]

PORTUGUESE = [
    _row("parque infantil", category="speeltuin"),
    _row("onde há um parque infantil em Spangen?", category="speeltuin", buurt="Spangen"),
    _row("parqe infantil", category="speeltuin"),  # a typo
    _row("parque infantil perto de mim", category="speeltuin", near_me=True),
    _row("ajuda", intent="help", category=None),
    _row("ajuda alimentar", category="voedselhulp", intent=None),
    _row("banco alimentar", category="voedselhulp"),
    _row("o que há este fim de semana?", intent="agenda", when="weekend"),
    _row("sala de convívio aberto agora", category="buurthuiskamer", open_now=True),
    _row("buurthuiskamer perto de mim", category="buurthuiskamer", near_me=True),
    _row("onde se fala português", language="pt"),
    _row("olá", intent="greeting"),
]


@pytest.mark.parametrize(("text", "expected"), TURKISH)
def test_turkish(text, expected):
    _check(text, expected)


@pytest.mark.parametrize(("text", "expected"), ARABIC)
def test_arabic(text, expected):
    _check(text, expected)


@pytest.mark.parametrize(("text", "expected"), POLISH)
def test_polish(text, expected):
    _check(text, expected)


@pytest.mark.parametrize(("text", "expected"), PORTUGUESE)
def test_portuguese(text, expected):
    _check(text, expected)


@pytest.mark.parametrize(("text", "category"), [
    ("speeltuin", "speeltuin"), ("buurthuiskamer bij mij in de buurt", "buurthuiskamer"), ("voedselbank", "voedselhulp"),
    ("taalcafe", "taalcafe"), ("repair cafe", "repaircafe"),
])
def test_dutch_and_english_still_read_the_same(text, category):
    assert parse_query(text).category == category
