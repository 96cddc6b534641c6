"""The layers of docs/architecture.md, checked on the imports: domain/ is pure, storage/ knows no
handlers, bot/ reaches handlers/ only through the composition root, web/ only for the reminder job
the Mini App's RSVP schedules."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def imports_of(package: str) -> dict[str, set[str]]:
    """Every module of the package -> the top-level packages plus first submodule it imports."""
    found: dict[str, set[str]] = {}
    for path in sorted((ROOT / package).rglob("*.py")):
        if "migrations" in path.parts:
            continue
        names: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names.update(alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names.add(node.module)
        found[str(path.relative_to(ROOT))] = names
    return found


def offenders(package: str, forbidden: tuple[str, ...], allowed: tuple[str, ...] = ()) -> list[str]:
    return [
        f"{module} imports {name}"
        for module, names in imports_of(package).items()
        if module not in allowed
        for name in sorted(names)
        if any(name == prefix or name.startswith(prefix + ".") for prefix in forbidden)
    ]


def test_domain_is_pure():
    assert offenders("domain", ("telegram", "handlers", "bot", "storage", "web", "sqlalchemy")) == []


def test_storage_knows_no_handlers_and_only_the_persistence_knows_telegram():
    assert offenders("storage", ("handlers", "bot", "web")) == []
    assert offenders("storage", ("telegram",), allowed=("storage/persistence.py",)) == []


def test_bot_reaches_handlers_only_through_the_composition_root():
    assert offenders("bot", ("handlers",), allowed=("bot/app.py",)) == []


def test_web_needs_of_handlers_only_the_reminder_job():
    """The Mini App's "Ik kom" schedules the bot's reminder job; everything else comes from domain/ and storage/."""
    uses = {name for names in imports_of("web").values() for name in names if name.startswith("handlers")}
    assert uses <= {"handlers.activities.reminders"}, uses
