"""Networks, roles, registration, approval and initiative owners (conversations first).
"""

from __future__ import annotations

from importlib import import_module
from types import ModuleType

from telegram.ext import Application

# Registered in this order; each module has `register(application)`, and may have COMMANDS and
# `async on_startup(application)`.
MODULES: list[ModuleType] = [
    import_module("handlers.governance.registration"),  # /aanmelden, /register and the register button
    import_module("handlers.governance.approval"),  # approval cards: Goedkeuren / Afwijzen
    import_module("handlers.governance.owners"),  # /mijn, edits, co-owner invitations, freshness checks
    import_module("handlers.governance.admin"),  # /beheer
]


def register(application: Application) -> None:
    for module in MODULES:
        module.register(application)
