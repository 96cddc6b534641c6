"""The one place where every handler is registered, in order.

PTB runs the first matching handler of each group, groups in ascending order. Conversations come
before the free-text handlers so a conversation in progress gets its answers first.
"""

from __future__ import annotations

from importlib import import_module
from types import ModuleType

from telegram.ext import Application

from handlers import core
from handlers.core import errors, users
from handlers.core.common import MenuCommand, register_step_guard

# Order matters: earlier capabilities win within a group, and each package registers its modules in
# its own order (handlers/<capability>/__init__.py). Every module has `register(application)`, and may
# have COMMANDS (menu + /help) and `async on_startup(application)` (jobs from the database).
CAPABILITY_PACKAGES = [
    "handlers.core",  # the outbox worker, /start and /help, /taal
    "handlers.governance",  # networks, roles, registration, approval, owners (conversations first)
    "handlers.activities",  # posting, editing, announcements, reminders, the agenda
    "handlers.groups",  # linking groups, digests
    "handlers.privacy",  # flood control, /privacy, /mijngegevens, /vergeetmij
    "handlers.voice",  # signals (/idee), support (/stem), progress, polls, meetings, the input document; before the directory's free text
    "handlers.together",  # vraag & aanbod between initiatives, activities organised together
    "handlers.directory",  # last: its free-text questions take what nothing above took
]
PACKAGES: list[ModuleType] = [import_module(name) for name in CAPABILITY_PACKAGES]
# Every capability module, in registration order (the free-text router and stale buttons last).
CAPABILITIES: list[ModuleType] = [module for package in PACKAGES for module in package.MODULES] + list(
    core.LAST_MODULES
)


def register_handlers(application: Application) -> None:
    # Group -100: bookkeeping for every update (each update once; record the user, settle the language).
    users.register(application)
    # Group -5: a main-keyboard button pressed halfway a conversation (handlers.core.common.Steps).
    register_step_guard(application)
    # Group 0: the capabilities, in order.
    for package in PACKAGES:
        package.register(application)
    # Group 0, last: free text nobody above took goes to the router; presses nobody took get an answer.
    core.register_last(application)
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
