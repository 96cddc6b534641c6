"""Every text in the code has a translation in every language, and placeholders match."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.i18n import available_languages, load_catalog
from bot.translations import PLACEHOLDER, source_messages


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


# --- six languages, plural forms from Babel, the fallback chain ---------------------------------

from babel.messages.plurals import get_plural  # noqa: E402

from bot import i18n  # noqa: E402

LANGUAGES = ("nl", "en", "tr", "ar", "pl", "pt")


def test_the_six_languages_of_delfshaven_are_offered():
    assert set(available_languages()) == set(LANGUAGES)
    assert [i18n.language_name(code) for code in ("tr", "ar", "pl", "pt")] == ["Türkçe", "العربية", "Polski", "Português"]


@pytest.mark.parametrize("language", [code for code in LANGUAGES if code != "nl"])
def test_po_headers_carry_babels_plural_rule(language):
    expected = get_plural(language)
    for po_path in sorted((i18n.LOCALES_DIR / language / "LC_MESSAGES").glob("*.po")):
        header = f"Plural-Forms: nplurals={expected.num_plurals}; plural={expected.plural_expr};"
        assert header in po_path.read_text(encoding="utf-8"), f"{po_path.name}: wrong or missing Plural-Forms"


@pytest.mark.parametrize("language", [code for code in LANGUAGES if code != "nl"])
def test_every_plural_form_is_filled(language):
    wanted = get_plural(language).num_plurals
    plurals = [message for message in load_catalog(language) if isinstance(message.id, tuple)]
    assert plurals, "the code has plural texts (ngettext)"
    for message in plurals:
        forms = message.string if isinstance(message.string, tuple) else (message.string,)
        assert len(forms) == wanted and all(form.strip() for form in forms), f"{language} {message.id!r}: {forms!r}"


def test_arabic_ngettext_uses_all_six_forms():
    translator = i18n.get_translator("ar")
    singular, plural = "{n} nieuw initiatief", "{n} nieuwe initiatieven"
    catalog_forms = load_catalog("ar")[(singular, plural)].string
    chosen = [translator.ngettext(singular, plural, n) for n in (0, 1, 2, 5, 11, 100)]
    assert chosen == list(catalog_forms)
    assert i18n.get_translator("pl").ngettext(singular, plural, 5).format(n=5) == "5 nowych inicjatyw"
    assert i18n.get_translator("pl").ngettext(singular, plural, 3).format(n=3) == "3 nowe inicjatywy"


def _write_po(path: Path, language: str, entries: dict[str, str]) -> None:
    path.mkdir(parents=True, exist_ok=True)
    body = "".join(f'msgid "{source}"\nmsgstr "{target}"\n\n' for source, target in entries.items())
    (path / "test.po").write_text(
        f'msgid ""\nmsgstr ""\n"Language: {language}\\n"\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n{body}', encoding="utf-8"
    )


def test_untranslated_text_falls_back_to_english_then_dutch(tmp_path, monkeypatch):
    _write_po(tmp_path / "en" / "LC_MESSAGES", "en", {"Hallo": "Hello", "Dag": "Bye"})
    _write_po(tmp_path / "tr" / "LC_MESSAGES", "tr", {"Hallo": "Merhaba"})
    monkeypatch.setattr(i18n, "LOCALES_DIR", tmp_path)
    translator = i18n.get_translator.__wrapped__("tr")
    assert [translator.gettext(text) for text in ("Hallo", "Dag", "Alleen Nederlands")] == ["Merhaba", "Bye", "Alleen Nederlands"]
