"""Parse a resident's question ("buurthuiskamer bij mij in de buurt?") into a search request.

Order matters: the place is cut out first (so "Spangen" never reads as a category typo), then
the intent words, then the category in what is left. Unknown words are simply ignored.
Every language's words in domain/words count at once, so "buurthuiskamer yakınımda" works.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from functools import cache
from typing import TypedDict, Unpack

from domain.gazetteer import POSTCODE, GeocodeResult, buurt_key, buurt_named, fuzzy_lookup, find_place_in_text, lookup_postcode, normalize_text
from domain.gazetteer import Location as GazetteerLocation
from domain.geo import InvalidCoordinates, validate_coordinates
from domain.taxonomy import get_category, match_category, match_category_typos
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

    @property
    def is_empty(self) -> bool:
        return self == PlaceQuery()


# Words that are not a place question: cut out before the category is read (so "yardım", help, is
# never read as a typo of a category word). Where such a message goes is domain.intent's job.
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
    for name in _WHEN_INTENTS:
        normalized = _cut(normalized, _phrases(name))[1]
    # A category named exactly wins ("gıda yardımı" is food aid); then exact intent words ("yardım" is
    # help, not a typo of "jardim"); then a category with typos; then intent words with typos.
    whole = match_category_typos(normalized)
    if not (whole and whole[1] == 0):
        for name in _ANSWER_INTENTS:
            phrases = _phrases(name)
            if any(f" {phrase} " in normalized for phrase in phrases):
                normalized = _cut(normalized, phrases)[1]
    words = normalized.split()
    category = match_category(" ".join(words))
    return PlaceQuery(
        category=category.code if category else None,
        place=match.result if match else None,
        near_me=near_me,
        open_now=open_now or (bool(_NOW & set(words)) and bool(_OPEN & set(words))),
        language=_language(words),
        wheelchair=any(marker in word for word in words for marker in _WHEELCHAIR),
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


# -- the question an answer message belongs to ------------------------------------------------------
# Every button under a directory answer carries that answer's question in its callback data, so a
# press acts on THAT message (never on a later question) and needs nothing kept on the server.

CALLBACK_LIMIT = 64  # bytes of callback_data Telegram keeps
MAX_OFFSET = 200
_COORD_SCALE = 10_000  # 4 decimals: about 10 m, plenty for "nearest first"
_LANGUAGE_CODE = re.compile(r"[a-z]{2}")
_INT = re.compile(r"-?\d{1,7}")


@dataclass(frozen=True)
class Origin:
    """Where a question is asked from.

    kind: "here" (a shared location, exact), "address" (a geocoded street address, exact),
    "postcode" or "buurt" (a centre: approximate). `key` is the postcode or buurt name; `label`
    is what the answer names (not kept in buttons: an address label is re-said generically).
    """

    kind: str
    lat: float
    lon: float
    key: str | None = None
    label: str | None = field(default=None, compare=False)

    @property
    def approximate(self) -> bool:
        return self.kind in ("postcode", "buurt")

    def encode(self) -> str:
        if self.kind == "postcode":
            return "p" + (self.key or "").replace(" ", "")
        if self.kind == "buurt":
            return "b" + (self.key or "")
        letter = "h" if self.kind == "here" else "a"
        return f"{letter}{round(self.lat * _COORD_SCALE)}_{round(self.lon * _COORD_SCALE)}"

    @classmethod
    def decode(cls, text: str) -> Origin | None:
        kind, rest = text[:1], text[1:]
        if kind in ("h", "a"):
            lat, _sep, lon = rest.partition("_")
            if not (_INT.fullmatch(lat) and _INT.fullmatch(lon)):
                return None
            try:
                point = validate_coordinates(int(lat) / _COORD_SCALE, int(lon) / _COORD_SCALE)
            except InvalidCoordinates:
                return None
            return cls("here" if kind == "h" else "address", *point)
        if kind == "p":
            match = POSTCODE.fullmatch(rest)
            found = lookup_postcode(match.group(1), match.group(2)) if match else None
            return cls.of_place(found) if isinstance(found, GazetteerLocation) else None
        if kind == "b":
            found = buurt_named(rest)
            return cls.of_place(found) if found else None
        return None

    @classmethod
    def of_place(cls, place: GazetteerLocation) -> Origin:
        """A postcode or buurt found in text (its centre)."""
        if place.postcode:
            return cls("postcode", place.lat, place.lon, place.postcode, place.buurt or f"{place.postcode} ({place.name})")
        return cls("buurt", place.lat, place.lon, buurt_key(place), place.buurt or place.name)


class _Filters(TypedDict, total=False):
    """What Question.changed may change (its fields but the origin)."""

    category: str | None
    open_now: bool
    wheelchair: bool
    language: str | None
    offset: int


@dataclass(frozen=True)
class Question:
    """A directory question as its answer shows it: where, what, which filters, which page."""

    origin: Origin
    category: str | None = None
    open_now: bool = False
    wheelchair: bool = False
    language: str | None = None  # ISO 639-1
    offset: int = 0

    @property
    def has_filters(self) -> bool:
        return bool(self.category or self.open_now or self.wheelchair or self.language)

    def changed(self, **changes: Unpack[_Filters]) -> Question:
        """The same question with other filters; any change of what is asked starts at page 1."""
        if "offset" not in changes:
            changes["offset"] = 0
        return replace(self, **changes)

    def encode(self) -> str:
        flags = ("O" if self.open_now else "") + ("W" if self.wheelchair else "") + (self.language or "")
        return f"{self.origin.encode()}:{self.category or ''}:{flags}:{self.offset}"

    @classmethod
    def decode(cls, text: str) -> Question | None:
        """The question from a button, or None when the button is not one we make (old or forged)."""
        parts = text.split(":")
        if len(parts) != 4:
            return None
        origin_text, category, flags, offset = parts
        origin = Origin.decode(origin_text)
        if origin is None or (category and get_category(category) is None):
            return None
        if not offset.isdigit() or int(offset) > MAX_OFFSET:
            return None
        open_now, flags = flags.startswith("O"), flags.removeprefix("O")
        wheelchair, language = flags.startswith("W"), flags.removeprefix("W")
        if language and not _LANGUAGE_CODE.fullmatch(language):
            return None
        return cls(origin, category or None, open_now, wheelchair, language or None, int(offset))
