"""The street address inside a typed question, so only the address leaves the bot.

"zoek koffie bij Gravin Zwaluwstraat 77" -> "Gravin Zwaluwstraat 77": the online geocoder (a third
party) and its cache see the address, never the rest of the question. Pure: no I/O.
"""

from __future__ import annotations

import re

MAX_STREET_WORDS = 5
_HOUSE_NUMBER = re.compile(r"^\d{1,5}(?:-?[a-zA-Z])?$")
_STREET_WORD = re.compile(r"[^\W\d_]{3,}")
_ORDINAL = re.compile(r"^\d{1,2}e$")  # "1e Middellandstraat"
_POSTCODE_LETTERS = re.compile(r"^[a-zA-Z]{2}$")  # "3027 AB" is a postcode, not a house number
# Lower-case words that start Dutch street names ("nieuwe binnenweg").
_PREFIXES = frozenset({"eerste", "tweede", "derde", "nieuwe", "oude", "korte", "lange", "sint", "st"})
# Small words inside a name, kept only between capitalised words ("Van der Takstraat").
_PARTICLES = frozenset({"van", "de", "der", "den", "het", "la", "le", "ter", "te", "ten", "op", "in", "t"})
_EDGE_PUNCTUATION = ",.;:!?()\"“”«»"


def address_part(text: str) -> str | None:
    """The first "street words + house number" in the text, or None when there is none."""
    words = [word.strip(_EDGE_PUNCTUATION) for word in text.split()]
    for index, word in enumerate(words):
        if index == 0 or not _HOUSE_NUMBER.match(word) or _ORDINAL.match(word) or not _STREET_WORD.search(words[index - 1]):
            continue
        if index + 1 < len(words) and len(word) == 4 and _POSTCODE_LETTERS.match(words[index + 1]):
            continue
        start = index - 1
        while start > 0 and index - start < MAX_STREET_WORDS:
            before = words[start - 1]
            if _starts_street(before):
                start -= 1
            elif before.lower() in _PARTICLES and start > 1 and words[start - 2][:1].isupper():
                start -= 2  # "Van der": the particle and the capitalised word before it
            else:
                break
        return " ".join(words[start : index + 1])
    return None


def _starts_street(word: str) -> bool:
    return bool(word) and (word[0].isupper() or word.startswith("'s") or word.lower() in _PREFIXES or bool(_ORDINAL.match(word)))


def join_address(*parts: str | None) -> str:
    """Address parts joined with commas, leaving out a part an earlier one already says.

    Typed addresses often hold the postcode ("Pijlstraat 12, 3024 AB") that is stored separately too.
    """
    kept: list[str] = []
    for part in parts:
        if part and not any(part.casefold() in earlier.casefold() for earlier in kept):
            kept.append(part)
    return ", ".join(kept)
