"""The directory of places: last of the capabilities, its free-text questions take what nothing above took.
"""

from __future__ import annotations

from importlib import import_module
from types import ModuleType

from telegram.ext import Application

# Registered in this order; each module has `register(application)`, and may have COMMANDS and
# `async on_startup(application)`.
MODULES: list[ModuleType] = [
    import_module("handlers.directory.search"),  # location, postcodes, questions, /dichtbij, /zoek
]


def register(application: Application) -> None:
    for module in MODULES:
        module.register(application)
