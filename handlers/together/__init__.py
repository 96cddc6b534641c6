"""Initiatives help each other: vraag & aanbod (/vraag, /aanbod, /vraagaanbod) and activities organised together.

See docs/together.md.
"""

from __future__ import annotations

from importlib import import_module
from types import ModuleType

from telegram.ext import Application

# Registered in this order; each module has `register(application)`, and may have COMMANDS and
# `async on_startup(application)`.
MODULES: list[ModuleType] = [
    import_module("handlers.together.posts"),  # how an item looks; learns where its group messages landed
    import_module("handlers.together.post"),  # /vraag, /aanbod (conversation)
    import_module("handlers.together.coorganise"),  # invite another initiative to organise an activity together
    import_module("handlers.together.exchange"),  # responses, accept, settle, extend, /vraagaanbod, the expiry job
]


def register(application: Application) -> None:
    for module in MODULES:
        module.register(application)
