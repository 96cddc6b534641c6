"""Every text in the code has a translation in every language, and placeholders match."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir

from bot.i18n import available_languages, load_catalog

ROOT = Path(__file__).resolve().parent.parent
KEYWORDS = {"_": None, "N_": None, "gettext": None, "ngettext": (1, 2)}
PLACEHOLDER = re.compile(r"\{[a-z_0-9]*\}")


def source_messages() -> dict[str | tuple[str, str], str]:
    found: dict[str | tuple[str, str], str] = {}
    for package in ("bot", "handlers", "domain", "storage", "web"):
        for filename, lineno, message, _comments, _context in extract_from_dir(
            ROOT / package, method_map=[("**.py", "python"), ("**/templates/**.html", "jinja2")], keywords=KEYWORDS
        ):
            found.setdefault(message, f"{package}/{filename}:{lineno}")
    return found


def test_there_are_texts_to_translate():
    assert len(source_messages()) > 10


@pytest.mark.parametrize("language", [code for code in available_languages() if code != "nl"])
def test_every_text_is_translated(language):
    catalog = load_catalog(language)
    missing = [f"{where}: {message!r}" for message, where in source_messages().items() if catalog.get(message) is None]
    assert not missing, f"{len(missing)} texts lack a '{language}' translation:\n" + "\n".join(missing)


@pytest.mark.parametrize("language", [code for code in available_languages() if code != "nl"])
def test_translations_keep_placeholders(language):
    catalog = load_catalog(language)
    wrong = []
    for message in catalog:
        if not message.id:
            continue
        sources = message.id if isinstance(message.id, tuple) else (message.id,)
        targets = message.string if isinstance(message.string, tuple) else (message.string,)
        expected = set(PLACEHOLDER.findall(sources[-1]))
        for target in targets:
            if set(PLACEHOLDER.findall(target)) != expected:
                wrong.append(f"{message.id!r} -> {target!r}")
    assert not wrong, "placeholders differ:\n" + "\n".join(wrong)


def test_no_translation_in_one_language_only():
    """A translation that exists for one language but whose text is gone from the code is stale."""
    sources = set(source_messages())
    for language in available_languages():
        if language == "nl":
            continue
        stale = [message.id for message in load_catalog(language) if message.id and message.id not in sources]
        assert not stale, f"'{language}' translates texts that the code no longer has: {stale}"
