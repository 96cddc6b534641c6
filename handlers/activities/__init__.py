"""Activities and announcements: posting, editing, reminders and the agenda.
"""

from __future__ import annotations

from importlib import import_module
from types import ModuleType

from telegram.ext import Application

# Registered in this order; each module has `register(application)`, and may have COMMANDS and
# `async on_startup(application)`.
MODULES: list[ModuleType] = [
    import_module("handlers.activities.post"),  # /activiteit: a member posts an activity (conversation)
    import_module("handlers.activities.manage"),  # edit, cancel (members) and hide (coordinators) an activity
    import_module("handlers.activities.announcements"),  # /bericht: announcements to the networks' groups, with approval
    import_module("handlers.activities.reminders"),  # reminders the day before; /herinneringen
    import_module("handlers.activities.agenda"),  # /agenda, activity cards, RSVP, .ics, route, reminders, deep link "act"
]


def register(application: Application) -> None:
    for module in MODULES:
        module.register(application)
