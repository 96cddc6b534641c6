"""Parse a resident's question ("buurthuiskamer bij mij in de buurt?") into a search request.

Order matters: the place is cut out first (so "Spangen" never reads as a category typo), then
the intent words, then the category in what is left. Unknown words are simply ignored.
Every language's words in domain/words count at once, so "buurthuiskamer yakınımda" works.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from domain.gazetteer import GeocodeResult, find_place_in_text, fuzzy_lookup, normalize_text
from domain.taxonomy import match_category, match_category_typos
from domain.words import all_words, phrase_variants

MAX_QUERY_CHARS = 300  # a question is a sentence; longer input is cut, never slows the bot down

_NEAR_ME = ("bij mij in de buurt", "bij mij", "in de buurt", "dichtbij", "dicht bij", "in mijn buurt",
            "hier in de buurt", "near me", "nearby", "close to me", "around me", "close by")
_NOW = {"nu", "now", "momenteel", "currently", "meteen"}
_OPEN = {"open", "geopend", "opened"}
_WHEELCHAIR = ("rolstoel", "wheelchair", "toegankelijk", "accessible", "drempelvrij", "mindervalide")
_LANGUAGES = {
    "arabisch": "ar", "arabic": "ar", "turks": "tr", "turkish": "tr", "engels": "en", "english": "en",
    "pools": "pl", "polish": "pl", "nederlands": "nl", "dutch": "nl", "spaans": "es", "spanish": "es",
    "frans": "fr", "french": "fr", "duits": "de", "german": "de", "portugees": "pt", "portuguese": "pt",
    "somalisch": "so", "somali": "so", "farsi": "fa", "perzisch": "fa", "persian": "fa",
    "tigrinya": "ti", "tigrinja": "ti", "oekraiens": "uk", "ukrainian": "uk", "russisch": "ru",
    "russian": "ru", "koerdisch": "ku", "kurdish": "ku", "bulgaars": "bg", "bulgarian": "bg",
    "roemeens": "ro", "romanian": "ro", "chinees": "zh", "chinese": "zh", "hindi": "hi",
}
_LANGUAGE_SUFFIXES = ("talige", "talig", "sprekende", "sprekend", "speaking")


@dataclass(frozen=True)
class PlaceQuery:
    """What the resident asked for; every part is optional."""

    category: str | None = None
    place: GeocodeResult | None = None
    near_me: bool = False
    open_now: bool = False
    language: str | None = None  # ISO 639-1
    wheelchair: bool = False
    intent: str | None = None  # "help", "agenda", "greeting" or "thanks": what to answer when no place is asked
    when: str | None = None  # "today", "tomorrow", "weekend", "this_week": an agenda question

    @property
    def is_empty(self) -> bool:
        return self == PlaceQuery()


# Intents answered without a place search, and the agenda's time words, in the order they are tried.
_ANSWER_INTENTS = ("help", "agenda", "greeting", "thanks")
_WHEN_INTENTS = ("today", "tomorrow", "weekend", "this_week")


@cache
def _phrases(intent: str) -> tuple[str, ...]:
    """An intent's normalized phrases from every language, longest first (so they are cut out whole)."""
    found = {normalize_text(variant) for module in all_words()
             for phrase in getattr(module, "INTENTS", {}).get(intent, ())
             for variant in phrase_variants(module, phrase)}
    return tuple(sorted(found - {""}, key=lambda phrase: (-len(phrase), phrase)))


@cache
def _near_me_phrases() -> tuple[str, ...]:
    return tuple(sorted({*_NEAR_ME, *_phrases("near_me")}, key=lambda phrase: (-len(phrase), phrase)))


@cache
def _language_names() -> dict[str, str]:
    names = dict(_LANGUAGES)
    for module in all_words():
        for word, code in getattr(module, "LANGUAGE_NAMES", {}).items():
            names.setdefault(normalize_text(word), code)
    return names


def _cut(normalized: str, phrases: tuple[str, ...]) -> tuple[bool, str]:
    """Whether any phrase occurs as whole words (a long word with a small typo counts), and the text without it."""
    found = False
    for phrase in phrases:
        if f" {phrase} " in normalized:
            found = True
            normalized = normalized.replace(f" {phrase} ", " ")
    if not found:
        single = [phrase for phrase in phrases if " " not in phrase]
        for word in normalized.split():
            if fuzzy_lookup(word, single):
                found = True
                normalized = normalized.replace(f" {word} ", " ")
    return found, normalized


def parse_query(text: str) -> PlaceQuery:
    """Read a free-text question in any language we have words for; input that means nothing gives PlaceQuery()."""
    text = text[:MAX_QUERY_CHARS]
    match = find_place_in_text(text)
    if match:
        text = f"{text[: match.start]} {text[match.end :]}"
    normalized = f" {normalize_text(text)} "
    near_me, normalized = _cut(normalized, _near_me_phrases())
    open_now, normalized = _cut(normalized, _phrases("open_now"))
    when = None
    for name in _WHEN_INTENTS:
        said, normalized = _cut(normalized, _phrases(name))
        when = when or (name if said else None)
    # A category named exactly wins ("gıda yardımı" is food aid); then exact intent words ("yardım" is
    # help, not a typo of "jardim"); then a category with typos; then intent words with typos.
    whole = match_category_typos(normalized)
    intents = []
    if not (whole and whole[1] == 0):
        for name in _ANSWER_INTENTS:
            phrases = _phrases(name)
            if any(f" {phrase} " in normalized for phrase in phrases):
                intents.append(name)
                normalized = _cut(normalized, phrases)[1]
    words = normalized.split()
    category = match_category(" ".join(words))
    if not category and not intents:
        intents = [name for name in _ANSWER_INTENTS if _cut(normalized, _phrases(name))[0]]
    return PlaceQuery(
        category=category.code if category else None,
        place=match.result if match else None,
        near_me=near_me,
        open_now=open_now or (bool(_NOW & set(words)) and bool(_OPEN & set(words))),
        language=_language(words),
        wheelchair=any(marker in word for word in words for marker in _WHEELCHAIR),
        intent=intents[0] if intents else ("agenda" if when else None),
        when=when,
    )


def _language(words: list[str]) -> str | None:
    """The first language named: "Arabisch", "Arabischtalige", "arabish", "English", "Türkçe", "العربية"."""
    names = _language_names()
    for word in words:
        stem = next((word.removesuffix(s) for s in _LANGUAGE_SUFFIXES if word.endswith(s)), word)
        if stem in names:
            return names[stem]
        close = fuzzy_lookup(stem, names)
        if close:
            return names[close[0]]
    return None
