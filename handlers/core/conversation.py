"""Free text and everything else a resident sends in the private chat, routed by domain.intent.

Registered last: conversations and buttons above take their own messages first. A typed question
goes to the places answer, the agenda, help or registration; when the words point two ways the
bot asks with buttons; what it cannot place, and voice, stickers, photos, contacts, get a short
answer with what does work. Never silence.
"""

from __future__ import annotations

from dataclasses import replace

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import Application, CallbackQueryHandler, MessageHandler, filters

from bot.context import KnooppuntContext
from domain import intent
from domain.query import MAX_QUERY_CHARS
from handlers.activities import agenda
from handlers.directory import search as directory
from handlers.core import start
from handlers.core.common import BUTTON_HELP, BUTTON_REGISTER, main_keyboard

PENDING = "conv_pending"  # user_data: {message id of a question with buttons: the text it asks about}
PENDING_KEPT = 10  # older questions' buttons say they have expired
NOT_TEXT = (filters.VOICE | filters.AUDIO | filters.Sticker.ALL | filters.PHOTO | filters.VIDEO | filters.VIDEO_NOTE
            | filters.Document.ALL | filters.CONTACT | filters.ANIMATION | filters.POLL | filters.Dice.ALL)


def what_i_can_do(context: KnooppuntContext) -> InlineKeyboardMarkup:
    _ = context.gettext
    return InlineKeyboardMarkup([
        [InlineKeyboardButton(_("📍 Plekken in de buurt"), callback_data="cv:p")],
        [InlineKeyboardButton(_("📅 Wat is er te doen?"), callback_data="cv:a")],
        [InlineKeyboardButton(_(BUTTON_REGISTER), callback_data="cv:r"),
         InlineKeyboardButton(_(BUTTON_HELP), callback_data="cv:h")],
    ])


async def answer_places(update: Update, context: KnooppuntContext, text: str, understood: intent.Understanding) -> None:
    """The one call into the directory answer: the understood question, and the text for a street address in it."""
    query = understood.places
    if not query.category and understood.children:  # "iets voor kinderen": a playground
        query = replace(query, category="speeltuin")
    await directory.answer_place_question(update, context, query, text)


async def answer_agenda(update: Update, context: KnooppuntContext, understood: intent.Understanding) -> None:
    period = {"this_week": "week"}.get(understood.period or "", understood.period) or "month"
    await agenda.answer_question(update, context, agenda.AgendaQuestion(
        period=period, buurt=agenda.buurt_index(understood.buurt), category=understood.category, children=understood.children,
    ))


async def on_text(update: Update, context: KnooppuntContext) -> None:
    text = (update.effective_message.text or "")[:MAX_QUERY_CHARS]
    if context.user_data.get(directory.AWAITING) == "search":  # the 🔎 button asked for a name
        await directory.on_text(update, context)
        return
    await route(update, context, text, intent.understand(text, context.language))


async def route(update: Update, context: KnooppuntContext, text: str, understood: intent.Understanding) -> None:
    _ = context.gettext
    message = update.effective_message
    if understood.route == intent.PLACES:
        await answer_places(update, context, text, understood)
    elif understood.route == intent.AGENDA:
        await answer_agenda(update, context, understood)
    elif understood.route == intent.HELP:
        await start.help_command(update, context)
    elif understood.route == intent.REGISTER:
        await message.reply_text(_("Wil je je initiatief aanmelden? Tik op /aanmelden. Ik stel je dan een paar vragen."))
    elif understood.route == intent.LANGUAGE:
        await message.reply_text(_("Wil je een andere taal? Tik op /taal."))
    elif understood.route == intent.THANKS:
        await message.reply_text(_("Graag gedaan! 😊 Vraag gerust nog iets."), reply_markup=main_keyboard(context.language))
    elif understood.route == intent.GREETING:
        await message.reply_text(_("Hallo! 👋 Waarmee kan ik je helpen?"), reply_markup=what_i_can_do(context))
    elif understood.route == intent.ASK:
        sent = await message.reply_text(
            _("Zoek je een plek of een activiteit?"),
            reply_markup=InlineKeyboardMarkup([[
                InlineKeyboardButton(_("📍 Een plek"), callback_data="cv:q:p"),
                InlineKeyboardButton(_("📅 Een activiteit"), callback_data="cv:q:a"),
            ]]),
        )
        pending = context.user_data.setdefault(PENDING, {})
        pending[sent.message_id] = text
        for old in sorted(pending)[:-PENDING_KEPT]:
            del pending[old]
    else:
        await message.reply_text(
            _("Dat begrijp ik niet. 🙂 Dit kan ik wel:") + "\n" + _("Typ bijvoorbeeld <i>buurthuiskamer in Spangen</i> of <i>wat is er zaterdag te doen?</i>"),
            reply_markup=what_i_can_do(context),
        )


async def on_button(update: Update, context: KnooppuntContext) -> None:
    """cv:p places, cv:a agenda, cv:r register, cv:h help; cv:q:p|a answers "een plek of een activiteit?"."""
    query = update.callback_query
    await query.answer()
    _ = context.gettext
    data = query.data or ""
    if data.startswith("cv:q:"):
        text = context.user_data.get(PENDING, {}).pop(query.message.message_id, None)
        if text is None:
            await query.edit_message_text(_("Deze knop is verlopen. Vraag het opnieuw."))
            return
        understood = intent.understand(text, context.language)
        await query.edit_message_reply_markup(reply_markup=None)
        if data == "cv:q:a":
            await answer_agenda(update, context, understood)
        else:
            await answer_places(update, context, text, understood)
        return
    if data == "cv:p":
        await directory.ask_category(update, context)
    elif data == "cv:a":
        await agenda.agenda(update, context)
    elif data == "cv:r":
        await query.message.reply_text(_("Wil je je initiatief aanmelden? Tik op /aanmelden. Ik stel je dan een paar vragen."))
    elif data == "cv:h":
        await start.help_command(update, context)
    else:
        await query.message.reply_text(_("Deze knop is verlopen. Vraag het opnieuw."))


async def on_not_text(update: Update, context: KnooppuntContext) -> None:
    """Voice, stickers, photos, videos, files, contacts: say what does work instead of staying silent."""
    _ = context.gettext
    await update.effective_message.reply_text(
        _("Ik kan alleen tekst lezen. Typ je vraag, deel je locatie met 📍, of kies een knop hieronder."),
        reply_markup=what_i_can_do(context),
    )


def register(application: Application) -> None:
    private = filters.ChatType.PRIVATE
    application.add_handler(CallbackQueryHandler(on_button, pattern=r"^cv:"))
    application.add_handler(MessageHandler(filters.TEXT & ~filters.COMMAND & private, on_text))
    application.add_handler(MessageHandler(NOT_TEXT & private, on_not_text))
