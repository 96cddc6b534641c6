"""One translation layer for every user-facing text.

Dutch is the source language: code writes `_("Dutch text")` and the Dutch msgid is what a Dutch
user sees. Other languages live in gettext PO files under bot/locales/<lang>/LC_MESSAGES/; each
capability keeps its own PO file (its own domain) and they are merged per language at load time.
PO files are read directly with Babel, so there is no compile step to forget.

A text not yet translated falls back to English, then to the Dutch source (FALLBACK_CHAIN). Plural
forms come from Babel's plural rules for the language (Arabic has six), whatever a PO header says.
Right-to-left languages get their interpolated values wrapped in Unicode isolates in ONE place:
the strings the translator returns format themselves (see IsolatingText).
"""

from __future__ import annotations

import gettext
import io
import re
from functools import cache
from pathlib import Path

from babel import Locale
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import Translations

SOURCE_LANGUAGE = "nl"
LOCALES_DIR = Path(__file__).parent / "locales"
# Where an untranslated text is looked up next, in order; the Dutch msgid itself is the last resort.
FALLBACK_CHAIN = ("en",)
RTL_LANGUAGES = frozenset({"ar", "fa", "he", "ur"})
FSI, PDI = "\u2068", "\u2069"  # first-strong isolate ... pop directional isolate
_RTL_LETTER = re.compile("[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufeff]")
_LTR_OR_DIGIT = re.compile(r"[A-Za-z\u00c0-\u024f0-9]")


def isolate(value: object) -> str:
    """A value that holds Latin script or digits, wrapped so an RTL sentence keeps its order around it."""
    text = str(value)
    if not text or (text.startswith(FSI) and text.endswith(PDI)) or not _LTR_OR_DIGIT.search(text):
        return text
    return FSI + text + PDI


class IsolatingText(str):
    """A right-to-left template: `.format()` isolates every Latin-script or numeric value.

    Code everywhere writes `_("Hallo {name}").format(name=...)`; for Arabic that call is where the
    Dutch name, postcode or time is isolated, so no call site has to remember it.
    """

    __slots__ = ()

    def format(self, *args: object, **kwargs: object) -> str:  # noqa: A003
        inside_tags = {name for tag in _TAG.findall(self) for name in _FIELD.findall(tag)}  # href="{link}" stays a URL
        return str.format(
            self, *(isolate(a) for a in args), **{k: v if k in inside_tags else isolate(v) for k, v in kwargs.items()}
        )


_TAG = re.compile(r"<[^<>]*>")
_FIELD = re.compile(r"\{([a-z_0-9]+)\}")


class Translator(Translations):
    """gettext translations that also know their language (for Babel date/number formatting)."""

    language: str = SOURCE_LANGUAGE
    rtl: bool = False

    def gettext(self, message: str) -> str:
        text = super().gettext(message)
        return IsolatingText(text) if self.rtl else text

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        text = super().ngettext(singular, plural, n)
        return IsolatingText(text) if self.rtl else text

    def _(self, message: str) -> str:
        return self.gettext(message)


class SourceTranslator(gettext.NullTranslations):
    """Dutch: the msgids themselves."""

    language = SOURCE_LANGUAGE

    def _(self, message: str) -> str:
        return self.gettext(message)


# The order of the language buttons: Dutch, English, then Delfshaven's largest communities.
LANGUAGE_ORDER = (SOURCE_LANGUAGE, "en", "tr", "ar", "pl", "pt")


def available_languages() -> tuple[str, ...]:
    """The languages with a folder of PO files (and Dutch), in LANGUAGE_ORDER.

    Asked on every update (the user's language), so the folder is listed again only when it
    changed (its modification time: a language added or removed)."""
    try:
        changed = LOCALES_DIR.stat().st_mtime_ns
    except OSError:
        changed = None
    return _languages_in(LOCALES_DIR, changed)


@cache
def _languages_in(folder: Path, _changed: int | None) -> tuple[str, ...]:
    found = {p.name for p in folder.iterdir() if (p / "LC_MESSAGES").is_dir()} if folder.is_dir() else set()
    found.add(SOURCE_LANGUAGE)
    ranked = [code for code in LANGUAGE_ORDER if code in found]
    return (*ranked, *sorted(found - set(ranked)))


def load_catalog(language: str):
    """All PO files of one language merged into one Babel Catalog (plural rules from Babel's locale data)."""
    from babel.messages.catalog import Catalog

    merged = Catalog(locale=language)  # Catalog(locale=...) takes nplurals and the rule from Babel
    for po_path in sorted((LOCALES_DIR / language / "LC_MESSAGES").glob("*.po")):
        with po_path.open("rb") as handle:
            catalog = read_po(handle, locale=language)
        for message in catalog:
            if message.id and message.string and not message.fuzzy:
                merged[message.id] = message
    return merged


def _catalog_translations(language: str) -> Translator:
    buffer = io.BytesIO()
    write_mo(buffer, load_catalog(language))
    buffer.seek(0)
    translator = Translator(fp=buffer)
    translator.language = language
    translator.rtl = language in RTL_LANGUAGES
    return translator


@cache
def get_translator(language: str) -> Translator | SourceTranslator:
    """The language's texts; what it lacks comes from FALLBACK_CHAIN, then the Dutch source."""
    if language == SOURCE_LANGUAGE or language not in available_languages():
        return SourceTranslator()
    translator = _catalog_translations(language)
    for fallback in FALLBACK_CHAIN:
        if fallback != language and fallback in available_languages():
            translator.add_fallback(_catalog_translations(fallback))
    translator.add_fallback(SourceTranslator())
    return translator


def is_rtl(language: str) -> bool:
    return language in RTL_LANGUAGES


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


@cache
def language_name(language: str) -> str:
    """The language's own name ('Nederlands', 'English') for the language buttons (Babel reads its
    locale data on every call: kept once per language, as every greeting names them all)."""
    name = Locale.parse(language).get_display_name(language)
    return name[:1].upper() + name[1:]


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
