"""Turn what a resident types ("3024 AB", "oud-mathenesse", "BoTu") into a point on the map.

Two sources, both shipped in domain/data and loaded lazily: GeoNames PC4 centroids for postcodes
and the nine Delfshaven buurten with their everyday names. Matching is forgiving (case, accents,
hyphens, small typos) because people type on a phone. The text helpers here are shared with the
category matcher in taxonomy.py.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cache
from importlib.resources import files
from importlib.resources.abc import Traversable

from domain.geo import BoundingBox, bounding_box, haversine_m

BUURT_LABEL_RADIUS_M = 1500.0
MAX_NAME_WORDS = 3  # longest buurt name in words ("het nieuwe westen")

# The one Dutch postcode rule: four digits (not starting with 0), then maybe two letters ("3024",
# "3024 AB", "3024ab", "3024-AB"). Match with fullmatch on a field; group 1 the digits, 2 the letters.
_PC4 = r"([1-9]\d{3})"
POSTCODE = re.compile(_PC4 + r"(?:[\s-]*([a-z]{2}))?", re.IGNORECASE)
# Inside a sentence, letters count only when glued on ("3024AB") or in capitals ("3024 AB"), so
# "3026 in Spangen" keeps its "in".
_POSTCODE_IN_TEXT = re.compile(r"(?<![\w.,:])" + _PC4 + r"(?:([a-zA-Z]{2})|[ -]([A-Z]{2}))?(?![\w:])")
_WORD = re.compile(r"\w+")
_FOLD = str.maketrans({"ı": "i", "ł": "l", "ø": "o", "ß": "ss", "ـ": ""})  # ـ: Arabic tatweel (stretching)


# -- text helpers -----------------------------------------------------------------------------


def normalize_text(text: str) -> str:
    """Lower case, no accents, hyphens and punctuation as spaces, single spaces.

    Letters that carry no separable accent are folded by hand (Turkish ı, Polish ł), so a resident
    typing without those keys ("cocuk parki", "swietlica") still matches.
    """
    decomposed = unicodedata.normalize("NFKD", text.casefold().translate(_FOLD))
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(_WORD.findall(stripped.replace("_", " ")))


def edit_distance(a: str, b: str, limit: int) -> int:
    """Optimal-string-alignment distance (typos incl. swapped letters), capped at limit + 1."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    prev2: list[int] = []
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        row = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            row[j] = min(prev[j] + 1, row[j - 1] + 1, prev[j - 1] + (ca != cb))
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                row[j] = min(row[j], prev2[j - 2] + 1)
        if min(row) > limit:
            return limit + 1
        prev2, prev = prev, row
    return min(prev[-1], limit + 1)


def allowed_typos(word: str) -> int:
    """Short words must match exactly: 'kunt' is not a typo of 'kunst', 'botu' has no neighbours."""
    length = len(word.replace(" ", ""))
    return 0 if length < 6 else 1 if length < 10 else 2


def fuzzy_lookup(key: str, names: Iterable[str]) -> tuple[str, int] | None:
    """The closest name within the allowed typos and its distance; ties go to the first name."""
    limit = allowed_typos(key)
    best: tuple[str, int] | None = None
    for name in names:
        if limit == 0 or abs(len(name) - len(key)) > limit:  # exact match only: no need to count edits
            if name == key and best is None:
                best = (name, 0)
            continue
        distance = edit_distance(key, name, min(limit, allowed_typos(name)))
        if distance <= min(limit, allowed_typos(name)) and (best is None or distance < best[1]):
            best = (name, distance)
    return best


@dataclass(frozen=True)
class Token:
    """A word of the original text with its position, so matches can be cut out again."""

    text: str
    start: int
    end: int


def tokenize(text: str) -> list[Token]:
    return [Token(normalize_text(m.group()), m.start(), m.end()) for m in _WORD.finditer(text)]


def ngrams(tokens: list[Token], max_words: int) -> Iterator[tuple[str, int, int, int]]:
    """(normalized phrase, start, end, words) for every run of 1..max_words tokens."""
    for i in range(len(tokens)):
        for n in range(1, max_words + 1):
            if i + n > len(tokens):
                break
            run = tokens[i : i + n]
            yield " ".join(t.text for t in run), run[0].start, run[-1].end, n


# -- data ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Buurt:
    """One Delfshaven neighbourhood; the centroid is approximate, not a boundary."""

    name: str
    aliases: tuple[str, ...]
    pc4s: tuple[str, ...]
    lat: float
    lon: float


@dataclass(frozen=True)
class Pc4:
    pc4: str
    place_name: str
    lat: float
    lon: float


@dataclass(frozen=True)
class Location:
    """A point found from text. Always approximate: a PC4 or buurt centre, not an address."""

    lat: float
    lon: float
    name: str  # what to show: the buurt name, or the town of a postcode
    pc4: str | None = None
    postcode: str | None = None  # as normalized from the text: "3024" or "3024 AB"
    buurt: str | None = None
    approximate: bool = True


@dataclass(frozen=True)
class UnknownPostcode:
    """A well-formed postcode we have no centroid for, so the bot can say exactly that."""

    postcode: str


GeocodeResult = Location | UnknownPostcode


@dataclass(frozen=True)
class PlaceMatch:
    """A place found inside a sentence, with the span to cut out of it."""

    result: GeocodeResult
    start: int
    end: int


def _data(name: str) -> Traversable:
    return files("domain").joinpath("data", name)


@cache
def pc4_index() -> dict[str, Pc4]:
    """All PC4 centroids; for a postcode split over municipalities the first row wins."""
    index: dict[str, Pc4] = {}
    with _data("geonames-nl-pc4.tsv").open(encoding="utf-8") as handle:
        rows = csv.DictReader((line for line in handle if not line.startswith("#")), delimiter="\t")
        for row in rows:
            index.setdefault(row["postal_code"], Pc4(row["postal_code"], row["place_name"], float(row["latitude"]), float(row["longitude"])))
    return index


@cache
def buurten() -> tuple[Buurt, ...]:
    # Traversable.open() takes no newline= in its typed protocol; csv wants newline="" (same as open()).
    with io.TextIOWrapper(_data("delfshaven-buurten.csv").open("rb"), encoding="utf-8", newline="") as handle:
        return tuple(
            Buurt(
                name=row["buurt"],
                aliases=tuple(a.strip() for a in row["aliases"].split(";") if a.strip()),
                pc4s=tuple(p.strip() for p in row["pc4"].split(";") if p.strip()),
                lat=float(row["latitude"]),
                lon=float(row["longitude"]),
            )
            for row in csv.DictReader(handle)
        )


@cache
def _buurt_names() -> dict[str, Location]:
    """Normalized name -> Location. A name shared by several buurten ("BoTu") is their joint area."""
    owners: dict[str, list[Buurt]] = {}
    spelled: dict[str, str] = {}
    for buurt in buurten():
        for name in (buurt.name, *buurt.aliases):
            key = normalize_text(name)
            for variant in {key, key.removeprefix("het ")}:
                if buurt not in owners.setdefault(variant, []):
                    owners[variant].append(buurt)
                spelled.setdefault(variant, name)
    names: dict[str, Location] = {}
    for key, group in owners.items():
        if len(group) == 1:
            b = group[0]
            names[key] = Location(b.lat, b.lon, b.name, pc4=b.pc4s[0], buurt=b.name)
        else:
            shared = [a for a in group[0].aliases if all(a in g.aliases for g in group)]
            label = max(shared, key=len) if shared else spelled[key]
            lat = sum(g.lat for g in group) / len(group)
            lon = sum(g.lon for g in group) / len(group)
            names[key] = Location(lat, lon, label, buurt=label)
    return names


def _buurt_of_pc4(pc4: str) -> str | None:
    return next((b.name for b in buurten() if pc4 in b.pc4s), None)


# -- lookups --------------------------------------------------------------------------------------


def lookup_postcode(pc4: str, letters: str | None = None) -> GeocodeResult:
    postcode = f"{pc4} {letters.upper()}" if letters else pc4
    found = pc4_index().get(pc4)
    if found is None:
        return UnknownPostcode(postcode)
    return Location(found.lat, found.lon, found.place_name, pc4=pc4, postcode=postcode, buurt=_buurt_of_pc4(pc4))


def lookup_buurt(text: str) -> Location | None:
    """A buurt by any of its names, forgiving small typos."""
    key = normalize_text(text)
    names = _buurt_names()
    if key in names:
        return names[key]
    close = fuzzy_lookup(key, names)
    return names[close[0]] if close else None


def buurt_named(key: str) -> Location | None:
    """A buurt by one of its exact (normalized) names: for keys the bot wrote itself, no typo guessing."""
    return _buurt_names().get(normalize_text(key)) if key else None


def buurt_key(place: Location) -> str:
    """The shortest exact name that finds `place` again (short enough for a button's data)."""
    keys = [key for key, found in _buurt_names().items() if found == place]
    return min(keys, key=lambda key: (len(key), key)) if keys else normalize_text(place.buurt or place.name)


def geocode(text: str) -> GeocodeResult | None:
    """The whole text as a postcode or a buurt name; None when it is neither."""
    match = POSTCODE.fullmatch(text.strip())
    if match:
        return lookup_postcode(match.group(1), match.group(2))
    return lookup_buurt(text)


def find_place_in_text(text: str) -> PlaceMatch | None:
    """The first postcode in a sentence, else the best buurt name (exact beats typo, longer beats shorter)."""
    match = _POSTCODE_IN_TEXT.search(text)
    if match:
        return PlaceMatch(lookup_postcode(match.group(1), match.group(2) or match.group(3)), match.start(), match.end())
    names = _buurt_names()
    best: tuple[tuple[int, int, int], PlaceMatch] | None = None
    for phrase, start, end, words in ngrams(tokenize(text), MAX_NAME_WORDS):
        if phrase in names:
            found, typos = names[phrase], 0
        else:
            close = fuzzy_lookup(phrase, names)
            if close is None:
                continue
            found, typos = names[close[0]], close[1]
        rank = (typos, -words, start)
        if best is None or rank < best[0]:
            best = (rank, PlaceMatch(found, start, end))
    return best[1] if best else None


@cache
def _buurten_area() -> BoundingBox:
    """A rectangle around every buurt centre plus the label radius: outside it, no buurt is near."""
    boxes = [bounding_box(b.lat, b.lon, BUURT_LABEL_RADIUS_M) for b in buurten()]
    return BoundingBox(
        min(b.min_lat for b in boxes), max(b.max_lat for b in boxes), min(b.min_lon for b in boxes), max(b.max_lon for b in boxes)
    )


def buurt_for_point(lat: float, lon: float) -> Buurt | None:
    """The nearest Delfshaven buurt centre within 1.5 km, to label a place; None outside the district."""
    if not _buurten_area().contains(lat, lon):
        return None  # the cheap test first: imports label thousands of places
    distance, nearest = min(((haversine_m(lat, lon, b.lat, b.lon), b) for b in buurten()), key=lambda pair: pair[0])
    return nearest if distance <= BUURT_LABEL_RADIUS_M else None
