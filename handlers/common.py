"""Small pieces every capability uses: the command menu entries, the main keyboard, escaping."""

from __future__ import annotations

import html
import re
import warnings
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from telegram import KeyboardButton, ReplyKeyboardMarkup, Update
from telegram.ext import Application, BaseHandler, CallbackContext, ConversationHandler, filters
from telegram.warnings import PTBUserWarning

from bot.i18n import N_, available_languages, get_translator


@dataclass(frozen=True)
class MenuCommand:
    """A command shown in Telegram's command menu and in /help."""

    command: str
    description: str  # Dutch msgid, marked with N_
    private: bool = True
    group: bool = False
    audience: str = "resident"  # who it is for, for grouping /help: one of AUDIENCES


# /help lists residents' commands first, then those of volunteers, coordinators and admins.
AUDIENCES = ("resident", "volunteer", "coordinator", "admin")


# The main actions on the reply keyboard (private chats). Capabilities answer their own button.
BUTTON_NEARBY = N_("📍 Wat is er dichtbij?")
BUTTON_AGENDA = N_("📅 Agenda")
BUTTON_SEARCH = N_("🔎 Zoeken")
BUTTON_REGISTER = N_("➕ Initiatief aanmelden")
BUTTON_HELP = N_("❓ Hulp")


def main_keyboard(language: str) -> ReplyKeyboardMarkup:
    _ = get_translator(language).gettext
    return ReplyKeyboardMarkup(
        [
            [KeyboardButton(_(BUTTON_NEARBY), request_location=True)],
            [KeyboardButton(_(BUTTON_AGENDA)), KeyboardButton(_(BUTTON_SEARCH))],
            [KeyboardButton(_(BUTTON_REGISTER)), KeyboardButton(_(BUTTON_HELP))],
        ],
        resize_keyboard=True,
        is_persistent=True,
    )


def button_filter(label: str) -> filters.BaseFilter:
    """Matches a keyboard button's text in every language (buttons send their label as text)."""
    labels = {get_translator(language).gettext(label) for language in available_languages()}
    pattern = "^(" + "|".join(re.escape(text) for text in sorted(labels)) + ")$"
    return filters.ChatType.PRIVATE & filters.Regex(pattern)


def escape(text: str | None) -> str:
    """Escape user text for Telegram's HTML parse mode."""
    return html.escape(text or "", quote=False)


# Deep links (t.me/<bot>?start=<prefix>-<payload>) are routed by prefix to the capability that
# made them, e.g. "inv" (co-owner invitations) or "act" (an activity card). See handlers.start.
DeepLinkHandler = Callable[..., Awaitable[None]]  # (update, context, payload: str) -> None
DEEP_LINKS: dict[str, DeepLinkHandler] = {}


def register_deep_link(prefix: str, handler: DeepLinkHandler) -> None:
    if DEEP_LINKS.get(prefix, handler) is not handler:
        raise ValueError(f"deep-link prefix {prefix!r} is taken")
    DEEP_LINKS[prefix] = handler


def deep_link(bot_username: str, prefix: str, payload: str) -> str:
    """A t.me link that opens the bot with /start <prefix>-<payload> (at most 64 characters)."""
    argument = f"{prefix}-{payload}"
    if len(argument) > 64 or not re.fullmatch(r"[A-Za-z0-9_-]+", argument):
        raise ValueError("deep-link payload must be at most 64 characters of A-Z, a-z, 0-9, _ and -")
    return f"https://t.me/{bot_username}?start={argument}"


def join_address(*parts: str | None) -> str:
    """Address parts joined with commas, leaving out a part an earlier one already says.

    Typed addresses often hold the postcode ("Pijlstraat 12, 3024 AB") that is stored separately too.
    """
    kept: list[str] = []
    for part in parts:
        if part and not any(part.casefold() in earlier.casefold() for earlier in kept):
            kept.append(part)
    return ", ".join(kept)


def add_conversation(application: Application, build: Callable[[], ConversationHandler], group: int = 0) -> ConversationHandler:
    """Build and register a conversation whose steps take both buttons and messages.

    That mix (per_message=False) is meant; PTB warns about it when the handler is built, so only
    that warning is silenced here.
    """
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="If 'per_message=False'", category=PTBUserWarning)
        conversation = build()
    application.add_handler(conversation, group)
    return conversation


async def refuse(update: Update, text: str) -> None:
    """A refusal: a popup on the pressed button, or a reply to the message."""
    if update.callback_query:
        await update.callback_query.answer(text, show_alert=True)
    else:
        await update.effective_message.reply_text(text)


async def pass_on(update: Update, context: CallbackContext, after: BaseHandler, group: int = 0) -> bool:
    """Let the handlers registered after `after` in its group answer the update, as if `after` had not
    taken it (PTB runs only the first match of a group). True when one of them did."""
    group_handlers = context.application.handlers.get(group, [])
    if after not in group_handlers:
        return False
    for handler in group_handlers[group_handlers.index(after) + 1 :]:
        check = handler.check_update(update)
        if check is not None and check is not False:
            await handler.handle_update(update, context.application, check, context)
            return True
    return False
