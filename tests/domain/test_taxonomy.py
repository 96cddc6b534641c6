"""Category taxonomy, plus the English catalog of the place directory (shared fixture below)."""

from __future__ import annotations

import gettext
import io
from functools import cache
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import Translations

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
