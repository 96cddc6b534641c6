"""One translation layer for every user-facing text.

Dutch is the source language: code writes `_("Dutch text")` and the Dutch msgid is what a Dutch
user sees. Other languages live in gettext PO files under bot/locales/<lang>/LC_MESSAGES/; each
capability keeps its own PO file (its own domain) and they are merged per language at load time.
PO files are read directly with Babel, so there is no compile step to forget.
"""

from __future__ import annotations

import gettext
import io
from functools import cache
from pathlib import Path

from babel import Locale
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import Translations

SOURCE_LANGUAGE = "nl"
LOCALES_DIR = Path(__file__).parent / "locales"


class Translator(Translations):
    """gettext translations that also know their language (for Babel date/number formatting)."""

    language: str = SOURCE_LANGUAGE

    def _(self, message: str) -> str:
        return self.gettext(message)


class SourceTranslator(gettext.NullTranslations):
    """Dutch: the msgids themselves."""

    language = SOURCE_LANGUAGE

    def _(self, message: str) -> str:
        return self.gettext(message)


def available_languages() -> tuple[str, ...]:
    found = sorted(p.name for p in LOCALES_DIR.iterdir() if (p / "LC_MESSAGES").is_dir()) if LOCALES_DIR.is_dir() else []
    return (SOURCE_LANGUAGE, *[code for code in found if code != SOURCE_LANGUAGE])


def load_catalog(language: str):
    """All PO files of one language merged into one Babel Catalog."""
    from babel.messages.catalog import Catalog

    merged = Catalog(locale=language)
    for po_path in sorted((LOCALES_DIR / language / "LC_MESSAGES").glob("*.po")):
        with po_path.open("rb") as handle:
            catalog = read_po(handle, locale=language)
        for message in catalog:
            if message.id and message.string and not message.fuzzy:
                merged[message.id] = message
    return merged


@cache
def get_translator(language: str) -> Translator | SourceTranslator:
    if language == SOURCE_LANGUAGE or language not in available_languages():
        return SourceTranslator()
    buffer = io.BytesIO()
    write_mo(buffer, load_catalog(language))
    buffer.seek(0)
    translator = Translator(fp=buffer)
    translator.language = language
    return translator


def resolve_language(stored: str | None, telegram_code: str | None, default: str) -> str:
    """The user's own choice wins; else Telegram's app language if we speak it; else the default."""
    supported = available_languages()
    if stored in supported:
        return stored
    if telegram_code:
        base = telegram_code.replace("_", "-").split("-")[0].lower()
        if base in supported:
            return base
    return default if default in supported else SOURCE_LANGUAGE


def user_language(user: object | None, default: str) -> str:
    """The language for a message the bot sends unprompted to a stored user (reminders, cards, digests)."""
    return resolve_language(getattr(user, "language", None), getattr(user, "telegram_language", None), default)


def language_name(language: str) -> str:
    """The language's own name ('Nederlands', 'English') for the language buttons."""
    return Locale.parse(language).get_display_name(language).capitalize()


@cache
def language_name_in(code: str, reader: str) -> str:
    """A language's name in the reader's language ('Arabisch' for a Dutch reader); the code if unknown."""
    try:
        return Locale.parse(code).get_display_name(reader) or code
    except (ValueError, LookupError):
        return code


def N_(message: str) -> str:
    """Mark a text for translation where it is defined; translate it where it is shown."""
    return message
