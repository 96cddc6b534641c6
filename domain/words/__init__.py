"""Everyday words per language for understanding free text (domain.intent).

One plain-data module per language (`nl.py`, `en.py`, `tr.py`, ...), each with CATEGORIES,
INTENTS and WEEKDAYS. A language is understood as soon as its module exists; nothing else needs
to change. Phrases are lowercase; they are normalised (accents, punctuation) when loaded.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib import import_module
from pkgutil import iter_modules

from domain.gazetteer import normalize_text

INTENT_NAMES = ("help", "agenda", "places", "near_me", "open_now", "register", "today", "tomorrow",
                "weekend", "this_week", "children", "language", "greeting", "thanks")


@dataclass(frozen=True)
class Words:
    """One language's words, normalised: phrase -> meaning."""

    language: str
    categories: dict[str, str]  # phrase -> taxonomy code
    intents: dict[str, str]  # phrase -> intent name
    weekdays: dict[str, int]  # phrase -> 0 (Monday) .. 6 (Sunday)


def languages() -> tuple[str, ...]:
    """Every language that has a words module, in name order."""
    return tuple(sorted(m.name for m in iter_modules(__path__) if not m.name.startswith("_")))


def _invert(table: dict[str, tuple[str, ...]]) -> dict[str, str]:
    inverted: dict[str, str] = {}
    for meaning, phrases in table.items():
        for phrase in phrases:
            key = normalize_text(phrase)
            if key:
                inverted.setdefault(key, meaning)
    return inverted


@cache
def words_for(language: str) -> Words | None:
    """The words of one language ("nl", "en", "pt-BR" -> "pt"); None when there is no module."""
    code = language.replace("_", "-").split("-")[0].lower()
    if code not in languages():
        return None
    module = import_module(f"{__name__}.{code}")
    weekdays: dict[str, int] = {}
    for number, names in enumerate(module.WEEKDAYS):
        for name in names:
            weekdays.setdefault(normalize_text(name), number)
    unknown = set(module.INTENTS) - set(INTENT_NAMES)
    if unknown:
        raise ValueError(f"domain/words/{code}.py names unknown intents: {sorted(unknown)}")
    return Words(code, _invert(module.CATEGORIES), _invert(module.INTENTS), weekdays)
