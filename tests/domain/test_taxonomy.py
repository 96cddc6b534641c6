"""Category taxonomy, plus the English catalog of the place directory (shared fixture below)."""

from __future__ import annotations

import gettext
import io
from functools import cache
from pathlib import Path

import pytest
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_file
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import Translations

from domain.taxonomy import CATEGORIES, get_category, match_category

ROOT = Path(__file__).resolve().parents[2]
PO_PATH = ROOT / "bot/locales/en/LC_MESSAGES/domain_places.po"
NL = gettext.NullTranslations()


@cache
def english() -> Translations:
    """The English translator built straight from our PO file, with the `.language` the bot sets."""
    with PO_PATH.open("rb") as handle:
        catalog = read_po(handle, locale="en")
    buffer = io.BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    translations = Translations(fp=buffer)
    translations.language = "en"
    return translations


# -- the English catalog is complete ------------------------------------------------------------------

DOMAIN_MODULES = ["geo", "gazetteer", "opening_hours", "taxonomy", "query"]


def test_every_msgid_in_the_place_modules_has_an_english_translation():
    msgids = {
        message
        for module in DOMAIN_MODULES
        for _line, message, _comments, _context in extract_from_file("python", ROOT / f"domain/{module}.py", DEFAULT_KEYWORDS)
    }
    with PO_PATH.open("rb") as handle:
        catalog = read_po(handle, locale="en")
    assert len(msgids) == 29  # 2 distance, 2 trips, 3 errors, 9 statuses, 12 categories, 1 day range (weekdays: Babel)
    missing = sorted(m for m in msgids if not (catalog.get(m) and catalog.get(m).string))
    assert missing == []
    assert catalog.plural_forms == "nplurals=2; plural=(n != 1);"


def test_category_names_translate_to_their_english_term():
    for category in CATEGORIES:
        assert category.display_name(NL) == category.name
        assert category.display_name(english()) == category.name_en


# -- taxonomy -----------------------------------------------------------------------------------------


def test_codes_and_synonyms_are_unique_and_lowercase():
    codes = [c.code for c in CATEGORIES]
    assert len(codes) == len(set(codes)) == 12
    synonyms = [s for c in CATEGORIES for s in c.synonyms]
    assert len(synonyms) == len(set(synonyms))
    assert all(s == s.lower() for s in synonyms)


def test_get_category():
    taalcafe = get_category("taalcafe")
    assert (taalcafe.name, taalcafe.name_en) == ("Taalcafé", "Language café")
    assert get_category("bestaat-niet") is None


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("buurthuiskamer", "buurthuiskamer"),
        ("Buurthuiskamr", "buurthuiskamer"),
        ("buurthuiskamers", "buurthuiskamer"),
        ("huiskamer", "buurthuiskamer"),
        ("a community living room please", "buurthuiskamer"),
        ("living room", "buurthuiskamer"),
        ("inloop", "inloophuis"),
        ("drop-in", "inloophuis"),
        ("speeltuintje", "speeltuin"),
        ("speeltuintjes", "speeltuin"),
        ("speeltuinen", "speeltuin"),
        ("speltuin", "speeltuin"),
        ("playground", "speeltuin"),
        ("moestuin", "groenplek"),
        ("buurttuin", "groenplek"),
        ("tuinen", "groenplek"),
        ("community garden", "groenplek"),
        ("atelier", "kunstatelier"),
        ("kunst", "kunstatelier"),
        ("art studio", "kunstatelier"),
        ("sportvereniging", "sportclub"),
        ("sports club", "sportclub"),
        ("etnische groep", "zelforganisatie"),
        ("culturele groep", "zelforganisatie"),
        ("migrantenorganisatie", "zelforganisatie"),
        ("community organisation", "zelforganisatie"),
        ("bewonersvereniging", "straatvereniging"),
        ("street association", "straatvereniging"),
        ("voedselbank", "voedselhulp"),
        ("food bank", "voedselhulp"),
        ("taalcafé", "taalcafe"),
        ("Taalcafe", "taalcafe"),
        ("taalles", "taalcafe"),
        ("language cafe", "taalcafe"),
        ("huiswerkklas", "huiswerkbegeleiding"),
        ("homework help", "huiswerkbegeleiding"),
        ("Repair Café", "repaircafe"),
        ("repaircafe", "repaircafe"),
        ("is er een speeltuin in de buurt", "speeltuin"),
    ],
)
def test_match_category(text, code):
    assert match_category(text).code == code


@pytest.mark.parametrize("text", ["", "🙂", "waar kunt je heen", "hallo", "ik heb een fiets"])
def test_match_category_nothing(text):
    assert match_category(text) is None
