"""Words for understanding free text, one plain-data module per language (see the contract in BRIEF).

Each module defines CATEGORIES (taxonomy code -> everyday words), INTENTS (intent -> words/phrases)
and WEEKDAYS (Monday first); a module may add LANGUAGE_NAMES (word -> ISO 639-1 code). This minimal
loader is the languages branch's; the resident-conversation branch owns the full one.
"""

from __future__ import annotations

import importlib
from functools import cache
from types import ModuleType

WORD_LANGUAGES = ("nl", "en", "tr", "ar", "pl", "pt")


@cache
def words_for(lang: str) -> ModuleType | None:
    """The words module of one language, or None when there is none (yet)."""
    if lang not in WORD_LANGUAGES:
        return None
    try:
        return importlib.import_module(f"domain.words.{lang}")
    except ModuleNotFoundError:
        return None


def all_words() -> list[ModuleType]:
    """Every language's words module that exists, so a mixed message is understood too."""
    return [module for lang in WORD_LANGUAGES if (module := words_for(lang)) is not None]


ARABIC_ARTICLE = "ال"


def phrase_variants(module: ModuleType, phrase: str) -> tuple[str, ...]:
    """A phrase and the forms a resident also writes: in Arabic, a single word with the article (ملعب, الملعب)."""
    if module.__name__.endswith(".ar") and " " not in phrase and not phrase.startswith(ARABIC_ARTICLE):
        return (phrase, ARABIC_ARTICLE + phrase)
    return (phrase,)
