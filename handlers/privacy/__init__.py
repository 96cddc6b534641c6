"""Privacy and trust: flood control, /privacy, /mijngegevens, /vergeetmij, retention.
"""

from __future__ import annotations

from importlib import import_module
from types import ModuleType

from telegram.ext import Application

# Registered in this order; each module has `register(application)`, and may have COMMANDS and
# `async on_startup(application)`.
MODULES: list[ModuleType] = [
    import_module("handlers.privacy.flood"),  # flood control (group -20)
    import_module("handlers.privacy.personal_data"),  # /privacy, /mijngegevens, /vergeetmij, retention
]


def register(application: Application) -> None:
    for module in MODULES:
        module.register(application)
