"""Telegram groups and their digests.
"""

from __future__ import annotations

from importlib import import_module
from types import ModuleType

from telegram.ext import Application

# Registered in this order; each module has `register(application)`, and may have COMMANDS and
# `async on_startup(application)`.
MODULES: list[ModuleType] = [
    import_module("handlers.groups.linking"),  # bot joins/leaves groups, /koppel, /ontkoppel, supergroup upgrades
    import_module("handlers.groups.digests"),  # /digest_tijd, /digest_pauze, /digest_hervat, /digest_voorbeeld; digest jobs
]


def register(application: Application) -> None:
    for module in MODULES:
        module.register(application)
