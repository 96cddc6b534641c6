"""Parse a resident's question ("buurthuiskamer bij mij in de buurt?") into a search request.

Order matters: the place is cut out first (so "Spangen" never reads as a category typo), then
the intent words, then the category in what is left. Unknown words are simply ignored.
"""

from __future__ import annotations

from dataclasses import dataclass

from domain.gazetteer import GeocodeResult, fuzzy_lookup, find_place_in_text, normalize_text
from domain.taxonomy import match_category

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

    @property
    def is_empty(self) -> bool:
        return self == PlaceQuery()


def parse_query(text: str) -> PlaceQuery:
    """Read a free-text question in Dutch or English; input that means nothing gives PlaceQuery()."""
    text = text[:MAX_QUERY_CHARS]
    match = find_place_in_text(text)
    if match:
        text = f"{text[: match.start]} {text[match.end :]}"
    normalized = f" {normalize_text(text)} "
    near_me = any(f" {phrase} " in normalized for phrase in _NEAR_ME)
    for phrase in _NEAR_ME:
        normalized = normalized.replace(f" {phrase} ", " ")
    words = normalized.split()
    category = match_category(" ".join(words))
    return PlaceQuery(
        category=category.code if category else None,
        place=match.result if match else None,
        near_me=near_me,
        open_now=bool(_NOW & set(words)) and bool(_OPEN & set(words)),
        language=_language(words),
        wheelchair=any(marker in word for word in words for marker in _WHEELCHAIR),
    )


def _language(words: list[str]) -> str | None:
    """The first language named: "Arabisch", "Arabischtalige", "arabish", "English"."""
    for word in words:
        stem = next((word.removesuffix(s) for s in _LANGUAGE_SUFFIXES if word.endswith(s)), word)
        if stem in _LANGUAGES:
            return _LANGUAGES[stem]
        close = fuzzy_lookup(stem, _LANGUAGES)
        if close:
            return _LANGUAGES[close[0]]
    return None
