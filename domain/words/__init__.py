"""Everyday words per language for understanding free text (domain.intent, domain.query, domain.taxonomy).

One plain-data module per language (`nl.py`, `en.py`, `tr.py`, `ar.py`, `pl.py`, `pt.py`), each with
CATEGORIES, INTENTS and WEEKDAYS; a module may add LANGUAGE_NAMES (word -> ISO 639-1 code). A language
is understood as soon as its module exists; nothing else needs to change. Phrases are lowercase; they
are normalised (accents, punctuation) when loaded, and written forms a resident also uses (the Arabic
article) count too.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib import import_module
from pkgutil import iter_modules
from types import ModuleType

from domain.gazetteer import normalize_text

INTENT_NAMES = ("help", "agenda", "places", "near_me", "open_now", "register", "today", "tomorrow",
                "weekend", "this_week", "children", "language", "greeting", "thanks", "idea")
ARABIC_ARTICLE = "ال"


@dataclass(frozen=True)
class Words:
    """One language's words, normalised: phrase -> meaning."""

    language: str
    categories: dict[str, str]  # phrase -> taxonomy code
    intents: dict[str, str]  # phrase -> intent name
    weekdays: dict[str, int]  # phrase -> 0 (Monday) .. 6 (Sunday)


@cache
def languages() -> tuple[str, ...]:
    """Every language that has a words module, in name order."""
    return tuple(sorted(m.name for m in iter_modules(__path__) if not m.name.startswith("_")))


def _code(language: str) -> str:
    return language.replace("_", "-").split("-")[0].lower()


@cache
def words_module(language: str) -> ModuleType | None:
    """The plain-data module of one language ("pt-BR" -> pt), or None when there is none."""
    code = _code(language)
    return import_module(f"{__name__}.{code}") if code in languages() else None


def all_words() -> list[ModuleType]:
    """Every language's words module, so a mixed message ("buurthuiskamer yakınımda") is understood too."""
    return [module for code in languages() if (module := words_module(code)) is not None]


def phrase_variants(module: ModuleType, phrase: str) -> tuple[str, ...]:
    """A phrase and the forms a resident also writes: in Arabic, a single word with the article (ملعب, الملعب)."""
    if module.__name__.endswith(".ar") and " " not in phrase and not phrase.startswith(ARABIC_ARTICLE):
        return (phrase, ARABIC_ARTICLE + phrase)
    return (phrase,)


def _invert(module: ModuleType, table: dict[str, tuple[str, ...]]) -> dict[str, str]:
    inverted: dict[str, str] = {}
    for meaning, phrases in table.items():
        for phrase in phrases:
            for variant in phrase_variants(module, phrase):
                key = normalize_text(variant)
                if key:
                    inverted.setdefault(key, meaning)
    return inverted


@cache
def words_for(language: str) -> Words | None:
    """The words of one language ("nl", "en", "pt-BR" -> "pt"), normalised; None when there is no module."""
    module = words_module(language)
    if module is None:
        return None
    code = _code(language)
    weekdays: dict[str, int] = {}
    for number, names in enumerate(module.WEEKDAYS):
        for name in names:
            for variant in phrase_variants(module, name):
                weekdays.setdefault(normalize_text(variant), number)
    unknown = set(module.INTENTS) - set(INTENT_NAMES)
    if unknown:
        raise ValueError(f"domain/words/{code}.py names unknown intents: {sorted(unknown)}")
    return Words(code, _invert(module, module.CATEGORIES), _invert(module, module.INTENTS), weekdays)
