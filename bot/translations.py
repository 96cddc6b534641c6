"""Volunteer translators without PO tools: a language's texts as a CSV to fill in, and back.

`python -m bot translations export LANG FILE.csv` writes one row per text (and per plural form):
`msgid` (the Dutch source), `context` (where the code uses it, and which PO file), `current
translation`, `notes` (the English, the placeholders to keep). `translations import LANG FILE.csv`
reads it back into bot/locales/<LANG>/LC_MESSAGES/*.po: a row whose translation drops or renames a
`{placeholder}` is refused with its row number (as a spreadsheet numbers it, the header is row 1);
the good rows are saved. What a language leaves untranslated falls back to English, then Dutch.
"""

from __future__ import annotations

import argparse
import csv
import re
import sys
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from babel.messages.catalog import Catalog, Message
from babel.messages.extract import extract_from_dir
from babel.messages.plurals import get_plural
from babel.messages.pofile import read_po

from bot.i18n import LOCALES_DIR, SOURCE_LANGUAGE

ROOT = Path(__file__).resolve().parent.parent
SOURCE_PACKAGES = ("bot", "handlers", "domain", "storage", "web")
KEYWORDS = {"_": None, "N_": None, "NN_": (1, 2), "gettext": None, "ngettext": (1, 2)}
PLACEHOLDER = re.compile(r"\{[a-z_0-9]*\}")
COLUMNS = ("msgid", "context", "current translation", "notes")
PLURAL_CONTEXT = re.compile(r"^plural form (\d+) of (\d+)")
STRUCTURE_LANGUAGE = "en"  # its PO files list every text; a new language starts from their layout


def placeholders(text: str) -> set[str]:
    return set(PLACEHOLDER.findall(text))


@cache
def source_messages() -> dict[str | tuple[str, str], str]:
    """Every translatable text in the code -> the first place it is used ('handlers/core/start.py:52')."""
    found: dict[str | tuple[str, str], str] = {}
    for package in SOURCE_PACKAGES:
        for filename, lineno, message, _comments, _context in extract_from_dir(
            ROOT / package, method_map=[("**.py", "python"), ("**/templates/**.html", "jinja2")], keywords=KEYWORDS
        ):
            found.setdefault(message, f"{package}/{filename}:{lineno}")
    return found


# -- PO files -----------------------------------------------------------------------------------------


def _po_files(language: str) -> list[Path]:
    return sorted((LOCALES_DIR / language / "LC_MESSAGES").glob("*.po"))


def _read(path: Path, language: str) -> Catalog:
    with path.open("rb") as handle:
        return read_po(handle, locale=language)


def _quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\t", "\\t") + '"'


def write_po(path: Path, language: str, messages: list[Message], comment: str) -> None:
    """A PO file in the house layout: one header, Plural-Forms from Babel, entries in the given order."""
    plural = get_plural(language)
    lines = [f"# {comment}", 'msgid ""', 'msgstr ""', '"Project-Id-Version: knooppunt\\n"', f'"Language: {language}\\n"',
             '"MIME-Version: 1.0\\n"', '"Content-Type: text/plain; charset=UTF-8\\n"', '"Content-Transfer-Encoding: 8bit\\n"',
             f'"Plural-Forms: nplurals={plural.num_plurals}; plural={plural.plural_expr};\\n"', ""]
    for message in messages:
        if "python-brace-format" in message.flags or any(placeholders(i) for i in _ids(message)):
            lines.append("#, python-brace-format")
        if isinstance(message.id, tuple):
            forms = message.string if isinstance(message.string, tuple) else (message.string,)
            forms = tuple(forms) + ("",) * (plural.num_plurals - len(forms))
            lines += [f"msgid {_quote(message.id[0])}", f"msgid_plural {_quote(message.id[1])}"]
            lines += [f"msgstr[{index}] {_quote(form or '')}" for index, form in enumerate(forms[: plural.num_plurals])]
        else:
            lines += [f"msgid {_quote(message.id)}", f"msgstr {_quote(message.string or '')}"]
        lines.append("")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines), encoding="utf-8")


def _ids(message: Message) -> tuple[str, ...]:
    return message.id if isinstance(message.id, tuple) else (message.id,)


def _first_comment(path: Path) -> str:
    first = path.read_text(encoding="utf-8").splitlines()[0] if path.exists() else ""
    return first.removeprefix("# ") if first.startswith("#") else f"Translations ({path.stem})."


# -- export ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Row:
    msgid: str
    context: str
    translation: str
    notes: str

    def as_list(self) -> list[str]:
        return [self.msgid, self.context, self.translation, self.notes]


def export_rows(language: str) -> list[Row]:
    """One row per text of the structure language's PO files (per plural form), in file order."""
    english = {m.id: m for path in _po_files(STRUCTURE_LANGUAGE) for m in _read(path, STRUCTURE_LANGUAGE) if m.id}
    current = {m.id: m for path in _po_files(language) for m in _read(path, language) if m.id} if language != STRUCTURE_LANGUAGE else english
    used = source_messages()
    rows: list[Row] = []
    seen: set[object] = set()
    nplurals = get_plural(language).num_plurals
    for path in _po_files(STRUCTURE_LANGUAGE):
        for message in _read(path, STRUCTURE_LANGUAGE):
            if not message.id or message.id in seen:
                continue
            seen.add(message.id)
            where = f"{used.get(message.id, 'not used in the code')} ({path.name})"
            mine = current.get(message.id)
            keep = sorted(placeholders(_ids(message)[-1]))
            keep_note = (" Keep " + " ".join(keep) + " exactly as written.") if keep else ""
            if isinstance(message.id, tuple):
                forms = mine.string if mine is not None and isinstance(mine.string, tuple) else ()
                for index in range(nplurals):
                    rows.append(Row(message.id[0], f"plural form {index} of {nplurals}: {where}",
                                    forms[index] if index < len(forms) else "",
                                    f"English: {' / '.join(message.string)}. Dutch plural: {message.id[1]}.{keep_note}"))
            else:
                rows.append(Row(message.id, where, (mine.string or "") if mine is not None else "",
                                f"English: {message.string}.{keep_note}"))
    return rows


def export_csv(language: str, target: Path) -> int:
    rows = export_rows(language)
    with target.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(COLUMNS)
        writer.writerows(row.as_list() for row in rows)
    return len(rows)


# -- import ---------------------------------------------------------------------------------------------


@dataclass
class ImportResult:
    saved: int
    refused: list[str]  # "row 7: ..." lines for the volunteer


def import_csv(language: str, source: Path) -> ImportResult:
    """Apply the filled-in CSV to the language's PO files; refuse rows that break placeholders."""
    with source.open(encoding="utf-8-sig", newline="") as handle:
        table = list(csv.reader(handle))
    if not table or [cell.strip().lower() for cell in table[0][:4]] != list(COLUMNS):
        return ImportResult(0, [f"row 1: the columns must be: {','.join(COLUMNS)}"])
    structure = {m.id: (path.name, m) for path in _po_files(STRUCTURE_LANGUAGE) for m in _read(path, STRUCTURE_LANGUAGE) if m.id}
    by_singular = {(m.id[0] if isinstance(m.id, tuple) else m.id): m.id for _name, m in structure.values()}
    nplurals = get_plural(language).num_plurals
    wanted: dict[object, dict[int | None, str]] = {}
    refused: list[str] = []
    for number, cells in enumerate(table[1:], start=2):
        cells = [*cells, "", "", "", ""][:4]
        msgid, context, translation = cells[0], cells[1], cells[2].strip()
        if not msgid.strip() and not translation:
            continue
        key = by_singular.get(msgid)
        if key is None:
            refused.append(f"row {number}: this Dutch text is not (or no longer) in the bot; leave the msgid column as it was")
            continue
        if not translation:
            continue
        form: int | None = None
        if isinstance(key, tuple):
            plural = PLURAL_CONTEXT.match(context.strip())
            if plural is None or int(plural.group(1)) >= nplurals:
                refused.append(f"row {number}: the context column must keep 'plural form N of {nplurals}'")
                continue
            form = int(plural.group(1))
        expected = placeholders(_ids(structure[key][1])[-1])
        found = placeholders(translation)
        if found != expected:
            missing, extra = sorted(expected - found), sorted(found - expected)
            detail = "; ".join(part for part in (
                f"missing {' '.join(missing)}" if missing else "", f"unknown {' '.join(extra)}" if extra else "") if part)
            refused.append(f"row {number}: keep the placeholders exactly as in the Dutch text ({detail})")
            continue
        wanted.setdefault(key, {})[form] = translation
    saved = _apply(language, structure, wanted, nplurals)
    return ImportResult(saved, refused)


def _apply(language: str, structure: dict, wanted: dict, nplurals: int) -> int:
    """Write the accepted translations into the PO file each text belongs to (as in the structure language)."""
    existing: dict[str, list[Message]] = {}
    for path in _po_files(language):
        existing[path.name] = [m for m in _read(path, language) if m.id]
    saved = 0
    touched: set[str] = set()
    for key, forms in wanted.items():
        file_name, english = structure[key]
        messages = existing.setdefault(file_name, [])
        message = next((m for m in messages if m.id == key), None)
        if message is None:
            message = Message(key, ("",) * nplurals if isinstance(key, tuple) else "", flags=set(english.flags))
            messages.append(message)  # new entries go at the end of the file
        if isinstance(key, tuple):
            current = list(message.string) if isinstance(message.string, tuple) else [message.string or ""]
            current += [""] * (nplurals - len(current))
            for index, text in forms.items():
                current[index] = text
            message.string = tuple(current[:nplurals])
        else:
            message.string = forms[None]
        message.flags.discard("fuzzy")
        saved += len(forms)
        touched.add(file_name)
    for file_name in touched:
        path = LOCALES_DIR / language / "LC_MESSAGES" / file_name
        comment = _first_comment(path) if path.exists() else f"Translations of {file_name} (imported from a volunteer's CSV)."
        write_po(path, language, existing[file_name], comment)
    return saved


# -- command line ---------------------------------------------------------------------------------------


def _language(code: str) -> str:
    code = code.strip().lower()
    if not re.fullmatch(r"[a-z]{2,3}", code) or code == SOURCE_LANGUAGE:
        raise argparse.ArgumentTypeError(f"expected a language code such as tr, ar, pl or pt (not {SOURCE_LANGUAGE}: Dutch is the source)")
    return code


def cmd_export(args: argparse.Namespace, _settings: object) -> int:
    count = export_csv(args.language, args.file)
    print(f"Wrote {count} rows for '{args.language}' to {args.file}. Fill in the 'current translation' column.")
    return 0


def cmd_import(args: argparse.Namespace, _settings: object) -> int:
    if not args.file.exists():
        print(f"No such file: {args.file}", file=sys.stderr)
        return 1
    result = import_csv(args.language, args.file)
    for line in result.refused:
        print(line, file=sys.stderr)
    print(f"Saved {result.saved} translations for '{args.language}'; refused {len(result.refused)} rows.")
    return 1 if result.refused else 0


def add_commands(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "translations",
        help="export a language's texts to CSV for a volunteer translator, or import the filled-in CSV",
        description="Translate without PO tools: export writes msgid,context,current translation,notes; "
        "import checks every {placeholder} and saves the good rows.",
    )
    actions = parser.add_subparsers(title="actions", metavar="ACTION", required=True)
    for name, func, help_text in (
        ("export", cmd_export, "write LANG's texts to FILE.csv"),
        ("import", cmd_import, "read FILE.csv back into LANG's PO files (placeholders checked)"),
    ):
        action = actions.add_parser(name, help=help_text)
        action.add_argument("language", type=_language, metavar="LANG")
        action.add_argument("file", type=Path, metavar="FILE.csv")
        action.set_defaults(func=func, needs_token=False)
