"""Infrastructure every capability leans on: the outbox worker, /start and /help, /taal.

The free-text router and the catch-all for stale buttons are registered last of all
(`register_last`), after every other capability.
"""

from __future__ import annotations

from importlib import import_module
from types import ModuleType

from telegram.ext import Application

# Registered in this order; each module has `register(application)`, and may have COMMANDS and
# `async on_startup(application)`.
MODULES: list[ModuleType] = [
    import_module("handlers.core.outbox"),  # the outbox worker: every message the bot sends on its own
    import_module("handlers.core.start"),  # /start, /help, /hulp and the help button
    import_module("handlers.core.language"),  # /taal
]
# Registered by the composition root after every other capability.
LAST_MODULES: list[ModuleType] = [
    import_module("handlers.core.conversation"),  # free text routed by domain.intent (places, agenda, help); voice, stickers, photos
    import_module("handlers.core.stale_buttons"),  # last in group 0: presses nobody above handled get an answer
]


def register(application: Application) -> None:
    for module in MODULES:
        module.register(application)


def register_last(application: Application) -> None:
    for module in LAST_MODULES:
        module.register(application)
