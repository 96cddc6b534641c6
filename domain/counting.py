"""Counts in the operators' English output (command-line tools, their errors): "1 place", "3 places".

Texts for residents and volunteers count through gettext's ngettext (bot/locales); these are not
translated, so one small rule instead of "place(s)".
"""

from __future__ import annotations


def counted(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def nouns(items: list[str], one: str, many: str) -> str:
    """The noun for a list, without the number: "column" for one, "columns" for more."""
    return one if len(items) == 1 else many
