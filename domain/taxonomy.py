"""The categories of places (HSDS-style taxonomy terms) and finding one in a resident's words.

Names are Dutch msgids marked with N_ and translated at display time; `name_en` is the English
term for data exchange (HSDS exports) and matches the English catalog. Synonyms are lowercase.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from domain.gazetteer import fuzzy_lookup, ngrams, normalize_text, tokenize
from domain.i18n_markers import N_, Translator

TAXONOMY_NAME = "knooppunt-places"
MAX_SYNONYM_WORDS = 3
# Plural and diminutive endings, longest first: speeltuintjes, speeltuinen, buurthuiskamers.
_ENDINGS = ("tjes", "tje", "jes", "je", "en", "s")


@dataclass(frozen=True)
class Category:
    code: str
    name: str  # Dutch, the msgid
    name_en: str
    synonyms: tuple[str, ...]

    def display_name(self, translator: Translator) -> str:
        return translator.gettext(self.name)


CATEGORIES: tuple[Category, ...] = (
    Category("buurthuiskamer", N_("Buurthuiskamer"), "Community living room",
             ("huiskamer", "buurthuis", "community living room", "living room")),
    Category("inloophuis", N_("Inloophuis"), "Drop-in centre", ("inloop", "inloopcentrum", "drop in", "drop in centre")),
    Category("speeltuin", N_("Speeltuin"), "Playground", ("speelplek", "speelplaats", "playground", "play area")),
    Category("groenplek", N_("Groene plek"), "Green space",
             ("buurttuin", "moestuin", "tuin", "stadstuin", "groen", "community garden", "garden")),
    Category("kunstatelier", N_("Kunstatelier"), "Art studio", ("atelier", "kunst", "art studio", "art")),
    Category("sportclub", N_("Sportclub"), "Sports club", ("sport", "sportvereniging", "sports club", "sports")),
    Category("zelforganisatie", N_("Zelforganisatie"), "Community organisation",
             ("etnische groep", "culturele groep", "migrantenorganisatie", "community organisation",
              "community organization")),
    Category("straatvereniging", N_("Straatvereniging"), "Street association",
             ("bewonersvereniging", "bewonersorganisatie", "street association", "residents association")),
    Category("voedselhulp", N_("Voedselhulp"), "Food aid", ("voedselbank", "voedselpakket", "food bank", "food aid")),
    Category("taalcafe", N_("Taalcafé"), "Language café",
             ("taalcafe", "taalles", "taalmaatje", "language cafe", "language class")),
    Category("huiswerkbegeleiding", N_("Huiswerkbegeleiding"), "Homework help",
             ("huiswerkklas", "huiswerkhulp", "homework help", "homework club")),
    Category("repaircafe", N_("Repair Café"), "Repair café", ("repair cafe", "repaircafe", "reparatiecafe", "repair")),
)


def get_category(code: str) -> Category | None:
    return _by_code().get(code)


@cache
def _by_code() -> dict[str, Category]:
    return {c.code: c for c in CATEGORIES}


@cache
def _terms() -> dict[str, Category]:
    """Every normalized code, name and synonym -> its category, then the everyday words of every
    language in domain/words (so "çocuk parkı", "ملعب", "plac zabaw" find the playground)."""
    from domain.words import all_words, phrase_variants

    terms: dict[str, Category] = {}
    for category in CATEGORIES:
        for term in (category.code, category.name, category.name_en, *category.synonyms):
            terms.setdefault(normalize_text(term), category)
    for module in all_words():
        for code, phrases in getattr(module, "CATEGORIES", {}).items():
            found = get_category(code)
            if found is None:
                continue
            for phrase in phrases:
                for variant in phrase_variants(module, phrase):
                    terms.setdefault(normalize_text(variant), found)
    return terms


def _singular_forms(phrase: str) -> list[str]:
    return [phrase[: -len(e)] for e in _ENDINGS if phrase.endswith(e) and len(phrase) - len(e) >= 4]


def match_category(text: str) -> Category | None:
    found = match_category_typos(text)
    return found[0] if found else None


def match_category_typos(text: str) -> tuple[Category, int] | None:
    """The category named in free text, tolerant of plurals, diminutives and small typos.

    Exact words beat stripped endings beat typos; longer phrases beat shorter; earlier beats later.
    """
    terms = _terms()
    best: tuple[tuple[int, int, int], Category] | None = None
    for phrase, start, _end, words in ngrams(tokenize(text), MAX_SYNONYM_WORDS):
        found: tuple[Category, int] | None = None
        if phrase in terms:
            found = (terms[phrase], 0)
        elif singular := next((s for s in _singular_forms(phrase) if s in terms), None):
            found = (terms[singular], 1)
        elif close := fuzzy_lookup(phrase, terms):
            found = (terms[close[0]], 1 + close[1])
        if found:
            rank = (found[1], -words, start)
            if best is None or rank < best[0]:
                best = (rank, found[0])
    return (best[1], best[0][0]) if best else None
