"""Understand a resident's free text: where should it go (places, agenda, help, registration, an idea)?

One pure layer for every typed question. It reads the words of every language that has a module
in domain/words (the resident's own first), forgives typos with the gazetteer's edit distance, and
reuses domain.query for the place part (postcode, buurt, near me, open now, language, wheelchair).
When the words point two ways it says so (`choices`), so the bot can ask instead of guess.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache

from domain.address_part import address_part
from domain.gazetteer import Location, allowed_typos, fuzzy_lookup, ngrams, normalize_text, tokenize, find_place_in_text
from domain.query import MAX_QUERY_CHARS, PlaceQuery, parse_query
from domain.words import Words, languages, words_for

MAX_PHRASE_WORDS = 5
MAX_FUZZY_WORDS = 2
PERIODS = ("today", "tomorrow", "weekend", "this_week")

# Where a message goes.
PLACES, AGENDA, HELP, REGISTER, GREETING, THANKS, LANGUAGE, ASK, UNKNOWN, IDEA = (
    "places", "agenda", "help", "register", "greeting", "thanks", "language", "ask", "unknown", "idea",
)


@dataclass(frozen=True)
class Understanding:
    """What a message asks for. `route` says where it goes; ASK means: ask between `choices`."""

    route: str
    places: PlaceQuery = field(default_factory=PlaceQuery)
    period: str | None = None  # "today", "tomorrow", "weekend", "this_week" or "day:<0..6>" (0 = Monday)
    buurt: str | None = None  # a Delfshaven buurt named in the text
    category: str | None = None  # taxonomy code
    children: bool = False
    choices: tuple[str, ...] = ()


@dataclass(frozen=True)
class _Hit:
    kind: str  # "category", "intent", "weekday"
    meaning: str
    start: int  # character offset of the first word
    words: int
    typos: int


def _word_sets(language: str | None) -> list[Words]:
    order = [language] if language else []
    order += [code for code in ("nl", "en") if code not in order]
    order += [code for code in languages() if code not in order]
    return [w for code in order if (w := words_for(code)) is not None]


def _tables(words: Words) -> list[tuple[str, Mapping[str, object]]]:
    return [("intent", words.intents), ("category", words.categories), ("weekday", words.weekdays)]


@lru_cache(maxsize=4096)
def _phrase(phrase: str, codes: tuple[str, ...]) -> tuple[str, str, int] | None:
    """(kind, meaning, typos) of one phrase in the first language that knows it; cached (phrases repeat)."""
    best: tuple[str, str, int] | None = None
    for code in codes:
        words = words_for(code)
        if words is None:  # codes come from _word_sets: every one has words
            continue
        for kind, table in _tables(words):
            if phrase in table:
                return kind, str(table[phrase]), 0
            if best is None and phrase.count(" ") < MAX_FUZZY_WORDS and allowed_typos(phrase) > 0:
                close = fuzzy_lookup(phrase, table)  # short words must match exactly
                if close is not None:
                    best = (kind, str(table[close[0]]), close[1])
    return best


def _hits(text: str, language: str | None) -> list[_Hit]:
    """Every phrase found, longest and exact first; a word belongs to one phrase only."""
    tokens = tokenize(text)
    codes = tuple(words.language for words in _word_sets(language))
    found: list[_Hit] = []
    for phrase, start, _end, count in ngrams(tokens, MAX_PHRASE_WORDS):
        known = _phrase(phrase, codes)
        if known is not None:
            found.append(_Hit(known[0], known[1], start, count, known[2]))
    found.sort(key=lambda h: (-h.words, h.typos, h.start))
    starts = {t.start: i for i, t in enumerate(tokens)}
    taken: set[int] = set()
    chosen: list[_Hit] = []
    for hit in found:
        first = starts[hit.start]
        span = set(range(first, first + hit.words))
        if span & taken:
            continue
        taken |= span
        chosen.append(hit)
    return sorted(chosen, key=lambda h: h.start)


_READ_RECENTLY: dict[int, tuple[str, tuple[str, ...], Understanding]] = {}
READ_RECENTLY_KEPT = 64


def understand(text: str, language: str | None = None) -> Understanding:
    """Read one message. Pure and fast: no I/O, at most MAX_QUERY_CHARS characters are read.

    One message is read twice on its way (the idea conversation's entry filter, then the free-text
    router): the second read of the same text object, in the same order of languages, is the first
    one's result. Only the very object counts, never an equal text from another message.
    """
    order = tuple(words.language for words in _word_sets(language))
    recent = _READ_RECENTLY.get(id(text))
    if recent is not None and recent[0] is text and recent[1] == order:
        return recent[2]
    understood = _understand(text[:MAX_QUERY_CHARS], language)
    if len(_READ_RECENTLY) >= READ_RECENTLY_KEPT:
        del _READ_RECENTLY[next(iter(_READ_RECENTLY))]
    _READ_RECENTLY[id(text)] = (text, order, understood)  # holding `text` keeps its id from being reused
    return understood


def _understand(text: str, language: str | None) -> Understanding:
    places = parse_query(text)
    match = find_place_in_text(text)
    rest = f"{text[: match.start]} {text[match.end :]}" if match else text
    hits = _hits(rest, language)
    intents = {h.meaning for h in hits if h.kind == "intent"}
    category = next((h.meaning for h in hits if h.kind == "category"), None) or places.category
    weekday = next((int(h.meaning) for h in hits if h.kind == "weekday"), None)
    period = next((p for p in PERIODS if p in intents), None)
    if weekday is not None:
        period = f"day:{weekday}"
    buurt = places.place.buurt if isinstance(places.place, Location) else None
    children = "children" in intents
    near_me = places.near_me or "near_me" in intents
    open_now = places.open_now or "open_now" in intents
    places = PlaceQuery(category=category, place=places.place, near_me=near_me, open_now=open_now,
                        language=places.language, wheelchair=places.wheelchair)
    agenda_words = "agenda" in intents or period is not None
    place_words = "places" in intents or near_me or open_now or places.wheelchair or places.language is not None

    def route(to: str, choices: tuple[str, ...] = ()) -> Understanding:
        return Understanding(to, places, period, buurt, category, children, choices)

    if "idea" in intents:  # "ik heb een idee voor een speeltuin in Spangen": an idea, not a search
        return route(IDEA)
    if "register" in intents and not agenda_words:
        return route(REGISTER)
    if "language" in intents and not (agenda_words or category or places.place or near_me or open_now):
        return route(LANGUAGE)  # "english", "andere taal": the bot's language, not a place's
    if agenda_words and not (open_now or "places" in intents):
        return route(AGENDA)
    if agenda_words:
        return route(ASK, (PLACES, AGENDA))
    if place_words or places.place is not None or address_part(text):
        if children and category is None and not place_words:  # "iets voor kinderen in Spangen"
            return route(ASK, (PLACES, AGENDA))
        return route(PLACES)
    if category is not None:
        return route(PLACES)
    if children:
        return route(ASK, (PLACES, AGENDA))
    for simple in (HELP, LANGUAGE, THANKS, GREETING):
        if simple in intents:
            return route(simple)
    return route(UNKNOWN)


def is_blank(text: str) -> bool:
    """Nothing readable: only emoji, punctuation or spaces."""
    return not normalize_text(text)
