"""The neighbourhood's voice: signals and support (/idee, /stem), polls (/peiling), meetings
(/overleg) and the input document for the wijkraad (/inbreng). See docs/voice.md.
"""

from __future__ import annotations

from importlib import import_module
from types import ModuleType

from telegram.ext import Application

# Registered in this order; each module has `register(application)`, and may have COMMANDS and
# `async on_startup(application)`.
MODULES: list[ModuleType] = [
    import_module("handlers.voice.polls"),  # /peiling, /poll: native polls per group, totals, closing
    import_module("handlers.voice.meetings"),  # /overleg, /meeting: meetings and the call for input two weeks before
    import_module("handlers.voice.inbreng"),  # /inbreng, /input: the input document (PDF, Markdown)
]


def register(application: Application) -> None:
    for module in MODULES:
        module.register(application)
