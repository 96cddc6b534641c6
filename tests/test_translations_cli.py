"""Volunteer translators: export a language to CSV, fill it in, import it back with placeholder checks."""

from __future__ import annotations

import csv
import shutil

import pytest

import bot.translations as translations
from bot.cli import main
from bot.i18n import LOCALES_DIR


@pytest.fixture
def locales(tmp_path, monkeypatch):
    """A copy of bot/locales, so importing never touches the real files."""
    copy = tmp_path / "locales"
    shutil.copytree(LOCALES_DIR, copy)
    monkeypatch.setattr(translations, "LOCALES_DIR", copy)
    return copy


def _rows(path):
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.reader(handle))


def _write(path, rows):
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows(rows)


def test_export_writes_every_text_with_where_it_is_used(locales, tmp_path, capsys):
    target = tmp_path / "tr.csv"
    assert main(["translations", "export", "tr", str(target)]) == 0
    rows = _rows(target)
    assert rows[0] == ["msgid", "context", "current translation", "notes"]
    by_msgid = {row[0]: row for row in rows[1:] if not row[1].startswith("plural form")}
    hello = by_msgid["Hallo {name}! 👋"]
    assert hello[1].startswith("handlers/core/start.py:") and hello[1].endswith("(core.po)")
    assert hello[2] == "Merhaba {name}! 👋"
    assert "English: Hello {name}! 👋" in hello[3] and "{name}" in hello[3]
    plural_rows = [row for row in rows[1:] if row[0] == "{n} nieuw initiatief"]
    assert [row[1].split(":")[0] for row in plural_rows] == ["plural form 0 of 2", "plural form 1 of 2"]
    singular = [key for key in translations.source_messages() if not isinstance(key, tuple)]
    assert len(by_msgid) == len(singular)  # the plural texts have their own rows
    assert "Wrote" in capsys.readouterr().out


def test_import_saves_good_rows_and_refuses_a_dropped_or_renamed_placeholder(locales, tmp_path, capsys):
    source = tmp_path / "ar.csv"
    assert main(["translations", "export", "ar", str(source)]) == 0
    rows = _rows(source)
    index = {row[0]: number for number, row in enumerate(rows) if not row[1].startswith("plural form")}
    rows[index["Hallo {name}! 👋"]][2] = "أهلًا {name}! 👋"
    rows[index["Reden: {reason}"]][2] = "السبب"  # dropped
    rows[index["Bewaard: {name}"]][2] = "تم الحفظ: {naam}"  # renamed
    plural_row = next(number for number, row in enumerate(rows) if row[0] == "{n} nieuw initiatief" and row[1].startswith("plural form 2"))
    rows[plural_row][2] = "{n} مبادرتان جديدتان فقط"
    _write(source, rows)

    assert main(["translations", "import", "ar", str(source)]) == 1
    err = capsys.readouterr().err
    assert f"row {index['Reden: {reason}'] + 1}: keep the placeholders exactly as in the Dutch text (missing {{reason}})" in err
    assert f"row {index['Bewaard: {name}'] + 1}:" in err and "missing {name}" in err and "unknown {naam}" in err

    catalog = {m.id: m.string for path in sorted((locales / "ar" / "LC_MESSAGES").glob("*.po"))
               for m in translations._read(path, "ar") if m.id}
    assert catalog["Hallo {name}! 👋"] == "أهلًا {name}! 👋"
    assert catalog["Reden: {reason}"] == "السبب: {reason}", "a refused row leaves the old translation"
    forms = catalog[("{n} nieuw initiatief", "{n} nieuwe initiatieven")]
    assert len(forms) == 6 and forms[2] == "{n} مبادرتان جديدتان فقط"
    assert "Plural-Forms: nplurals=6;" in (locales / "ar" / "LC_MESSAGES" / "groups.po").read_text(encoding="utf-8")


def test_import_into_a_new_language_starts_its_po_files(locales, tmp_path):
    source = tmp_path / "so.csv"
    _write(source, [list(translations.COLUMNS), ["Hallo {name}! 👋", "handlers/core/start.py (core.po)", "Haye {name}! 👋", ""]])
    result = translations.import_csv("so", source)
    assert (result.saved, result.refused) == (1, [])
    text = (locales / "so" / "LC_MESSAGES" / "core.po").read_text(encoding="utf-8")
    assert 'msgstr "Haye {name}! 👋"' in text and "Language: so" in text


def test_wrong_columns_and_unknown_texts_are_named_by_row(locales, tmp_path):
    source = tmp_path / "x.csv"
    _write(source, [["text", "translation"]])
    assert translations.import_csv("tr", source).refused == ["row 1: the columns must be: msgid,context,current translation,notes"]
    _write(source, [list(translations.COLUMNS), ["Dit staat nergens", "", "Hiçbir yerde", ""]])
    assert translations.import_csv("tr", source).refused[0].startswith("row 2: this Dutch text is not")


def test_dutch_is_the_source_not_a_target(capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["translations", "export", "nl", "x.csv"])
    assert exit_info.value.code == 2
