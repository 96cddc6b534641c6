"""The one place where every handler is registered, in order.

PTB runs the first matching handler of each group, groups in ascending order. Conversations come
before the free-text handlers so a conversation in progress gets its answers first.
"""

from __future__ import annotations

from importlib import import_module
from types import ModuleType

from telegram.ext import Application

from handlers import errors, users
from handlers.common import MenuCommand, register_step_guard

# Order matters: earlier modules win within a group. Each module has `register(application)`, and
# may have COMMANDS (menu + /help) and `async on_startup(application)` (jobs from the database).
CAPABILITY_MODULES = [
    "handlers.outbox",  # the outbox worker: every message the bot sends on its own; update_id dedup
    "handlers.start",  # /start, /help, /hulp and the help button
    "handlers.language",  # /taal
    # -- governance: networks, roles, registration, approval, owners (conversations first)
    "handlers.registration",  # /aanmelden, /register and the register button
    "handlers.approval",  # approval cards: Goedkeuren / Afwijzen
    "handlers.owners",  # /mijn, edits, co-owner invitations, freshness checks
    "handlers.admin",  # /beheer
    # -- activities and announcements
    "handlers.activity_post",  # /activiteit: a member posts an activity (conversation)
    "handlers.activity_manage",  # edit, cancel (members) and hide (coordinators) an activity
    "handlers.announcements",  # /bericht: announcements to the networks' groups, with approval
    "handlers.activity_reminders",  # reminders the day before; /herinneringen
    "handlers.agenda",  # /agenda, activity cards, RSVP, .ics, route, reminders, deep link "act"
    # -- groups and digests
    "handlers.groups",  # bot joins/leaves groups, /koppel, /ontkoppel, supergroup upgrades
    "handlers.digests",  # /digest_tijd, /digest_pauze, /digest_hervat, /digest_voorbeeld; digest jobs
    # -- privacy and trust
    "handlers.flood",  # flood control (group -20)
    "handlers.privacy",  # /privacy, /mijngegevens, /vergeetmij, retention
    # -- directory: last, its free-text questions take what nothing above took
    "handlers.directory",  # location, postcodes, questions, /dichtbij, /zoek
    "handlers.conversation",  # free text routed by domain.intent (places, agenda, help); voice, stickers, photos
    "handlers.stale_buttons",  # last in group 0: presses nobody above handled get an answer
]
CAPABILITIES: list[ModuleType] = [import_module(name) for name in CAPABILITY_MODULES]


def register_handlers(application: Application) -> None:
    # Group -10: bookkeeping for every update (record the user, settle the language).
    users.register(application)
    # Group -5: a main-keyboard button pressed halfway a conversation (handlers.common.Steps).
    register_step_guard(application)
    # Group 0: the capabilities, in order.
    for module in CAPABILITIES:
        module.register(application)
    # Errors: one handler for all.
    application.add_error_handler(errors.on_error)


def all_commands() -> list[MenuCommand]:
    """Every capability's menu commands, in registration order."""
    return [command for module in CAPABILITIES for command in getattr(module, "COMMANDS", [])]


async def on_startup(application: Application) -> None:
    """Capabilities that keep jobs (reminders, digests) schedule them from the database here."""
    for module in CAPABILITIES:
        hook = getattr(module, "on_startup", None)
        if hook is not None:
            await hook(application)
