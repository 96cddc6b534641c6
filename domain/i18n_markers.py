"""The translation contract the domain code relies on, without importing the bot.

Domain functions that produce words take a translator (``gettext.NullTranslations`` is enough:
it returns the Dutch source text). Names that are defined once and translated later, at display
time, are marked with ``N_`` so Babel's extractor still finds them.
"""

from __future__ import annotations

from typing import Protocol

SOURCE_LANGUAGE = "nl"


class Translator(Protocol):
    """What domain code needs from a translation: the two gettext calls."""

    def gettext(self, message: str, /) -> str: ...

    def ngettext(self, singular: str, plural: str, n: int, /) -> str: ...


def N_(message: str) -> str:
    """Mark a string for extraction without translating it yet."""
    return message


def NN_(singular: str, plural: str) -> tuple[str, str]:
    """Mark a plural pair for extraction (like ngettext's first two arguments); translate it later with
    ngettext and the count."""
    return singular, plural


def language_of(translator: Translator) -> str:
    """The translator's language for Babel number formatting (bot translators carry `.language`)."""
    return getattr(translator, "language", SOURCE_LANGUAGE)
