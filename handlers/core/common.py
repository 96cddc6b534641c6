"""Small pieces every capability uses: the command menu entries, the main keyboard, escaping."""

from __future__ import annotations

import functools
import re
import warnings
from functools import lru_cache
from urllib.parse import urlencode
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, KeyboardButton, ReplyKeyboardMarkup, Update, WebAppInfo
from telegram.error import BadRequest
from telegram.ext import (
    Application,
    ApplicationHandlerStop,
    BaseHandler,
    CallbackContext,
    CallbackQueryHandler,
    CommandHandler,
    ConversationHandler,
    MessageHandler,
    filters,
)
from telegram.warnings import PTBUserWarning

from bot.i18n import SOURCE_LANGUAGE, N_, available_languages, get_translator, language_name
from domain.address_part import join_address  # noqa: F401 - re-exported for the handlers
from domain.htmltext import escape  # noqa: F401 - the one escape, re-exported for the handlers
from domain.paging import Page


@dataclass(frozen=True)
class MenuCommand:
    """A command shown in Telegram's command menu and in /help."""

    command: str
    description: str  # Dutch msgid, marked with N_
    private: bool = True
    group: bool = False
    audience: str = "resident"  # who it is for, for grouping /help: one of AUDIENCES
    english: str | None = None  # the English alias: what speakers of every language but Dutch see by default
    aliases: tuple[tuple[str, str], ...] = ()  # (language, command) where a language has its own word

    def name(self, language: str) -> str:
        """The command as this language's speakers see it: its own alias, else English, else Dutch.

        Telegram allows only a-z, 0-9 and _ in commands, so most languages use the English alias.
        """
        if language == SOURCE_LANGUAGE:
            return self.command
        return dict(self.aliases).get(language) or self.english or self.command

    def names(self) -> list[str]:
        """Every name the command answers to (register a CommandHandler with these)."""
        return list(dict.fromkeys([self.command, *([self.english] if self.english else []), *(a for _l, a in self.aliases)]))


# /help lists residents' commands first, then those of volunteers, coordinators and admins.
AUDIENCES = ("resident", "volunteer", "coordinator", "admin")


# The main actions on the reply keyboard (private chats). Capabilities answer their own button.
BUTTON_NEARBY = N_("📍 Wat is er dichtbij?")
BUTTON_AGENDA = N_("📅 Agenda")
BUTTON_SEARCH = N_("🔎 Zoeken")
BUTTON_REGISTER = N_("➕ Initiatief aanmelden")
BUTTON_HELP = N_("❓ Hulp")
BUTTON_MAP = N_("🗺️ Kaart")  # opens the Mini App (web/), only when PUBLIC_URL is https

_MINI_APP: dict[str, str | None] = {"url": None}


def set_mini_app(public_url: str | None) -> None:
    """Set by the composition root: Telegram opens Mini Apps over https only, so http means no button."""
    _MINI_APP["url"] = f"{public_url.rstrip('/')}/app" if public_url and public_url.startswith("https://") else None


def mini_app_url(language: str, **params: object) -> str | None:
    """The Mini App in the user's language, centred where `params` say (lat/lon or postcode)."""
    if _MINI_APP["url"] is None:
        return None
    return _MINI_APP["url"] + "?" + urlencode({"lang": language, **params})


def main_keyboard(language: str) -> ReplyKeyboardMarkup:
    return _main_keyboard(language, mini_app_url(language))


@lru_cache(maxsize=64)
def _main_keyboard(language: str, app_url: str | None) -> ReplyKeyboardMarkup:
    """Built once per language and Mini App address (immutable, shared by every message)."""
    _ = get_translator(language).gettext
    map_button = [KeyboardButton(_(BUTTON_MAP), web_app=WebAppInfo(app_url))] if app_url else []
    return ReplyKeyboardMarkup(
        [
            [KeyboardButton(_(BUTTON_NEARBY), request_location=True), *map_button],
            [KeyboardButton(_(BUTTON_AGENDA)), KeyboardButton(_(BUTTON_SEARCH))],
            [KeyboardButton(_(BUTTON_REGISTER)), KeyboardButton(_(BUTTON_HELP))],
        ],
        resize_keyboard=True,
        is_persistent=True,
    )


LANGUAGE_CALLBACK_PREFIX = "lang:"


def language_buttons(current: str | None, per_row: int = 3) -> InlineKeyboardMarkup:
    """Every language we speak, each named in itself (Türkçe, العربية, Polski...), the current one ticked."""
    return _language_buttons(current, per_row, available_languages())


@lru_cache(maxsize=64)
def _language_buttons(current: str | None, per_row: int, languages: tuple[str, ...]) -> InlineKeyboardMarkup:
    """Built once per language (Telegram objects are immutable, so one keyboard serves every message)."""
    buttons = [
        InlineKeyboardButton(("✅ " if code == current else "") + language_name(code), callback_data=LANGUAGE_CALLBACK_PREFIX + code)
        for code in languages
    ]
    return InlineKeyboardMarkup([buttons[i : i + per_row] for i in range(0, len(buttons), per_row)])


def button_filter(label: str) -> filters.BaseFilter:
    """Matches a keyboard button's text in every language (buttons send their label as text)."""
    labels = {get_translator(language).gettext(label) for language in available_languages()}
    pattern = "^(" + "|".join(re.escape(text) for text in sorted(labels)) + ")$"
    return filters.ChatType.PRIVATE & filters.Regex(pattern)


# Deep links (t.me/<bot>?start=<prefix>-<payload>) are routed by prefix to the capability that
# made them, e.g. "inv" (co-owner invitations) or "act" (an activity card). See handlers.core.start.
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


CONVERSATION_GROUP = -1  # after the step guard (-5), before the rest of the bot (0)


def add_conversation(application: Application, build: Callable[[], ConversationHandler]) -> ConversationHandler:
    """Build and register a conversation whose steps take both buttons and messages.

    Conversations get their own group, before the rest of the bot. Every callback is wrapped
    (`_tracked`): the step it returns is noted in user_data (what the step guard and /terug read),
    and a step that was handled stops the update there (`ApplicationHandlerStop(state)`, PTB's way
    to set a state and stop later groups). A conversation that turns out to be over — ended from
    outside (/vergeetmij clears user_data) or expired (a step raises ConversationOver) — ends
    without stopping the update, so the rest of the bot answers it as usual.

    The mix of buttons and messages (per_message=False) is meant; PTB warns about it when the
    handler is built, so only that warning is silenced here.
    """
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="If 'per_message=False'", category=PTBUserWarning)
        conversation = build()
    if conversation.name is None:
        raise ValueError("a conversation needs a name (its Steps guide)")
    _PER_CHAT[conversation.name] = conversation.per_chat
    entries = {id(handler) for handler in conversation.entry_points}
    handlers = [*conversation.entry_points, *conversation.fallbacks, *(h for hs in conversation.states.values() for h in hs)]
    wrapped: set[int] = set()
    for handler in handlers:
        if id(handler) not in wrapped:
            wrapped.add(id(handler))
            handler.callback = _tracked(conversation.name, handler.callback, entry=id(handler) in entries)
    application.add_handler(conversation, CONVERSATION_GROUP)
    return conversation


def add_buttons(application: Application, buttons: dict[str, Callable[..., Awaitable[object]]]) -> None:
    """A capability's buttons: one CallbackQueryHandler per callback-data pattern, in this order."""
    for pattern, callback in buttons.items():
        application.add_handler(CallbackQueryHandler(callback, pattern=pattern))


class ConversationOver(Exception):
    """Raised by a step that finds its conversation over after all (an expired draft): the
    conversation ends and the update goes on to the rest of the bot, which answers it as usual."""


STEPS_KEY = "conversation_steps"  # user_data: {conversation name: {chat id: the step it is at}}
# A conversation with per_chat=False (started in a group, continued in the private chat) has one
# step per person, whatever the chat: it is noted under ANY_CHAT.
ANY_CHAT = 0
_PER_CHAT: dict[str, bool] = {}


def _chat_key(name: str, chat_id: int) -> int:
    return chat_id if _PER_CHAT.get(name, True) else ANY_CHAT


def _note_state(context: CallbackContext, name: str, chat_id: int, state: object) -> None:
    chat_id = _chat_key(name, chat_id)
    steps = context.user_data.setdefault(STEPS_KEY, {}).setdefault(name, {})
    if state == ConversationHandler.END:
        steps.pop(chat_id, None)
    elif state is not None:
        steps[chat_id] = state


def noted_state(context: CallbackContext, name: str, update: Update) -> object | None:
    """The step this chat is at in the conversation called `name`, as its callbacks returned it."""
    if context.user_data is None or update.effective_chat is None:
        return None
    return context.user_data.get(STEPS_KEY, {}).get(name, {}).get(_chat_key(name, update.effective_chat.id))


def _tracked(name: str, callback: Callable[..., Awaitable[object]], *, entry: bool) -> Callable[..., Awaitable[object]]:
    @functools.wraps(callback)
    async def step(update: Update, context: CallbackContext) -> object:
        guide = STEP_GUIDES.get(name)
        if not entry and guide is not None and await guide.state(update, context) is None:
            return ConversationHandler.END  # ended from outside: not an answer, the rest of the bot takes it
        try:
            state = await callback(update, context)
        except ConversationOver:
            _note_state(context, name, update.effective_chat.id, ConversationHandler.END)
            return ConversationHandler.END
        _note_state(context, name, update.effective_chat.id, state)
        raise ApplicationHandlerStop(state)

    return step


PAGE_SIZE = 20  # items per page in lists that grow (/beheer, /mijn): well within 4096 characters and 100 buttons


def page_heading(gettext: Callable[[str], str], title: str, page: Page) -> str:
    """The list's bold title, with "(21–40 van 45)" when there is more than one page."""
    if page.count == 1:
        return f"<b>{title}</b>"
    return f"<b>{title}</b> " + gettext("({first}–{last} van {total})").format(first=page.first, last=page.last, total=page.total)


def page_buttons(gettext: Callable[[str], str], page: Page, prefix: str) -> list[InlineKeyboardButton]:
    """"Vorige" / "Volgende" for a paged list; callback data is prefix + page number."""
    row = []
    if page.has_previous:
        row.append(InlineKeyboardButton(gettext("◀️ Vorige"), callback_data=f"{prefix}{page.number - 1}"))
    if page.has_next:
        row.append(InlineKeyboardButton(gettext("Volgende ▶️"), callback_data=f"{prefix}{page.number + 1}"))
    return row


# Telegram's answers when the message under a pressed button can no longer be edited: deleted by
# the user, or older than 48 hours. The press itself was handled; only the redraw is impossible.
EDIT_IMPOSSIBLE = ("message to edit not found", "message can't be edited")


def edit_impossible(error: object) -> bool:
    return isinstance(error, BadRequest) and any(text in str(error).lower() for text in EDIT_IMPOSSIBLE)


def not_modified(error: object) -> bool:
    """Telegram refused an edit to what the message already says (a double press, an edit sent twice)."""
    return isinstance(error, BadRequest) and "message is not modified" in str(error).lower()


def edit_needless(error: object) -> bool:
    """An edit that has nothing left to do: the message says it already, is gone, or is too old."""
    return not_modified(error) or edit_impossible(error)


async def show_result(update: Update, context: CallbackContext, text: str, reply_markup: InlineKeyboardMarkup | None = None) -> None:
    """Show a saved action's result in place of the pressed message, or as a new message when
    Telegram cannot edit that one any more: the person always sees what happened."""
    try:
        await update.callback_query.edit_message_text(text, reply_markup=reply_markup)
    except BadRequest as error:
        if not edit_impossible(error):
            raise
        message = update.callback_query.message
        thread = getattr(message, "message_thread_id", None) if message is not None and getattr(message, "is_topic_message", False) else None
        await context.bot.send_message(update.effective_chat.id, text, reply_markup=reply_markup, message_thread_id=thread)


async def refuse(update: Update, text: str) -> None:
    """A refusal: a popup on the pressed button, or a reply to the message."""
    if update.callback_query:
        await update.callback_query.answer(text, show_alert=True)
    else:
        await update.effective_message.reply_text(text)


# -- multi-step conversations -------------------------------------------------------------------
# Every conversation understands the same commands, every question ends with the same hint, and a
# main-keyboard button pressed halfway gets the same answer (see Steps and register_step_guard).
PRIVATE = filters.ChatType.PRIVATE
STOP_COMMANDS = ["stop", "annuleren", "cancel"]
BACK_COMMANDS = ["terug", "back"]
SKIP_COMMANDS = ["overslaan", "skip"]
MAIN_BUTTONS = (BUTTON_NEARBY, BUTTON_AGENDA, BUTTON_SEARCH, BUTTON_REGISTER, BUTTON_HELP)


def step_hint(gettext: Callable[[str], str], *, back: bool = True, skip: bool = False) -> str:
    """The line under every question of a conversation: how to skip (where it can), go back and stop."""
    parts = [gettext("Overslaan: /overslaan")] if skip else []
    if back:
        parts.append(gettext("Terug: /terug"))
    parts.append(gettext("Stoppen: /stop"))
    return "<i>" + " · ".join(parts) + "</i>"


def _never(context: CallbackContext, state: object) -> bool:
    return False


@dataclass(frozen=True)
class Steps:
    """What the shared parts need to know of one conversation (its ConversationHandler `name`)."""

    name: str
    topic: str  # Dutch msgid (N_) for "Je bent nog bezig met {topic}", e.g. "je aanmelding"
    reask: Callable[..., Awaitable[None]]  # (update, context, state): ask the current question again
    takes_location: Callable[[CallbackContext, object], bool] = _never  # a shared location answers this step
    alive: Callable[..., Awaitable[bool]] | None = None  # (update, context): False when it ran out after all
    # (update, context): the step kept in the capability's own table, for a conversation that outlives a
    # restart (its ConversationHandler is persistent) while user_data does not
    resume: Callable[..., Awaitable[object | None]] | None = None

    def __post_init__(self) -> None:
        STEP_GUIDES[self.name] = self

    def fallbacks(self, stop: Callable[..., Awaitable[object]], back: Callable[..., Awaitable[object]] | None = None) -> list[BaseHandler]:
        """/stop, /terug and /overslaan for every step: a state's own handlers come first."""

        async def go_back(update: Update, context: CallbackContext) -> object:
            if back is None or self.is_first(context, await self.state(update, context)):
                return await self.first_question(update, context)
            return await back(update, context)

        return [
            CommandHandler(STOP_COMMANDS, stop),
            CommandHandler(BACK_COMMANDS, go_back),
            CommandHandler(SKIP_COMMANDS, self.cannot_skip),
        ]

    def begin_at(self, context: CallbackContext, state: object) -> None:
        """Note which question comes first for this person: it can differ per person (someone with one
        initiative skips "which initiative?"), and the first question offers no /terug."""
        context.user_data.setdefault(FIRST_STEPS_KEY, {})[self.name] = state

    def is_first(self, context: CallbackContext, state: object) -> bool:
        return state is not None and context.user_data.get(FIRST_STEPS_KEY, {}).get(self.name) == state

    def hint(self, context: CallbackContext, state: object, *, skip: bool = False) -> str:
        """step_hint for `state`: without "Terug" at the first question this person got."""
        return step_hint(context.gettext, back=not self.is_first(context, state), skip=skip)

    async def state(self, update: Update, context: CallbackContext) -> object | None:
        """The step this person is at (None: not in this conversation)."""
        state = noted_state(context, self.name, update)
        if state is None and self.resume is not None:
            state = await self.resume(update, context)
        return state

    async def first_question(self, update: Update, context: CallbackContext) -> None:
        """/terug where there is no earlier question."""
        await update.effective_message.reply_text(context.gettext("Dit is de eerste vraag. Stoppen? Typ /stop."))
        await self.reask(update, context, await self.state(update, context))

    async def cannot_skip(self, update: Update, context: CallbackContext) -> None:
        await update.effective_message.reply_text(context.gettext("Deze vraag kun je niet overslaan."))
        await self.reask(update, context, await self.state(update, context))


STEP_GUIDES: dict[str, Steps] = {}
FIRST_STEPS_KEY = "first_steps"  # user_data: conversation name -> the state its first question had


def add_typed_answer(  # noqa: PLR0913 - the parts of one short conversation
    application: Application,
    steps: Steps,
    pattern: str,
    ask: Callable[..., Awaitable[object]],
    state: object,
    answered: Callable[..., Awaitable[object]],
    stop: Callable[..., Awaitable[object]],
) -> ConversationHandler:
    """A button (callback data matching `pattern`) whose `ask` asks one question, answered by typing
    in the private chat (`answered`, at `state`); /stop, /terug and /overslaan as in every conversation."""
    return add_conversation(
        application,
        lambda: ConversationHandler(
            entry_points=[CallbackQueryHandler(ask, pattern=pattern)],
            states={state: [MessageHandler(PRIVATE & filters.TEXT & ~filters.COMMAND, answered)]},
            fallbacks=steps.fallbacks(stop),
            name=steps.name,
            allow_reentry=True,
        ),
    )


async def busy_with(update: Update, context: CallbackContext) -> tuple[Steps, object] | None:
    """The conversation this person is halfway (its guide and step), if any is still alive."""
    for guide in STEP_GUIDES.values():
        state = await guide.state(update, context)
        if state is None or state == ConversationHandler.END:
            continue
        if guide.alive is not None and not await guide.alive(update, context):
            return None
        return guide, state
    return None


def still_busy_text(context: CallbackContext, guide: Steps) -> str:
    _ = context.gettext
    return (_("Je bent nog bezig met {topic}.").format(topic=_(guide.topic)) + " "
            + _("Beantwoord eerst de vraag hieronder, of typ /stop om te stoppen."))


async def _main_button_in_conversation(update: Update, context: CallbackContext) -> None:
    """A main-keyboard button (or the location button) pressed halfway a conversation is not an answer:
    the conversation stays and its question comes again. A location where a place is asked passes."""
    busy = await busy_with(update, context)
    if busy is None:
        return
    guide, state = busy
    if update.effective_message.location and guide.takes_location(context, state):
        return
    await update.effective_message.reply_text(still_busy_text(context, guide))
    await guide.reask(update, context, state)
    raise ApplicationHandlerStop


STEP_GUARD_GROUP = -5  # after the bookkeeping (-10), before the capabilities (0)


def register_step_guard(application: Application) -> None:
    labels = {get_translator(language).gettext(label) for language in available_languages() for label in MAIN_BUTTONS}
    pattern = "^(" + "|".join(re.escape(text) for text in sorted(labels)) + ")$"
    buttons = (filters.TEXT & filters.Regex(pattern)) | filters.LOCATION
    application.add_handler(MessageHandler(PRIVATE & buttons, _main_button_in_conversation), STEP_GUARD_GROUP)
