"""The wijk a voice: signals (/idee), moderation, support (/stem) and what came of them (/voortgang).

Polls, meetings and the input document for the wijkraad join this package later (docs/voice.md).
"""

from __future__ import annotations

from importlib import import_module
from types import ModuleType

from telegram.ext import Application

# Registered in this order; each module has `register(application)`, and may have COMMANDS and
# `async on_startup(application)`.
# The coordinators' conversations come before /idee: a typed reason or progress text such as "mijn
# idee was ..." answers their question instead of starting a new idea.
MODULES: list[ModuleType] = [
    import_module("handlers.voice.moderation"),  # cards: publish, merge, decline (with a reason)
    import_module("handlers.voice.progress"),  # /voortgang: what came of a signal, told to its supporters
    import_module("handlers.voice.submit"),  # /idee and free text "ik heb een idee" (a conversation)
    import_module("handlers.voice.board"),  # /stem: published signals, support, the deep link stem-<id>
]


def register(application: Application) -> None:
    for module in MODULES:
        module.register(application)
