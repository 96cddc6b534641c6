"""/taal: the user picks a language; the choice is stored and wins over Telegram's app language."""

from __future__ import annotations

from telegram import Update
from telegram.ext import Application, CallbackQueryHandler, CommandHandler, filters

from bot.context import KnooppuntContext
from bot.i18n import N_, available_languages, get_translator, language_name
from handlers.core.common import (
    LANGUAGE_CALLBACK_PREFIX, MenuCommand, busy_with, language_buttons, main_keyboard, show_result, still_busy_text,
)
from storage.repositories import users

COMMANDS = [MenuCommand("taal", N_("Kies je taal / Choose your language"), private=True, english="language",
                        aliases=(("tr", "dil"), ("pl", "jezyk"), ("pt", "idioma")))]
CALLBACK_PREFIX = LANGUAGE_CALLBACK_PREFIX


async def choose_language(update: Update, context: KnooppuntContext) -> None:
    _ = context.gettext
    await update.effective_message.reply_text(
        _("In welke taal wil je berichten krijgen?"), reply_markup=language_buttons(context.language, per_row=2)
    )


def language_links(current: str) -> str:
    """Every other language named in itself with its command, e.g. "Türkçe /tr": Telegram makes each
    command a link, so the greeting offers the languages in the same message as the main keyboard."""
    return "\n".join(f"{language_name(code)} /{code}" for code in available_languages() if code != current)


async def remember_language(update: Update, context: KnooppuntContext, code: str) -> None:
    async with context.session() as session:
        await users.set_language(session, update.effective_user.id, code)
    context.user_data["chosen_language"] = code
    context.user_data["lang"] = code


async def language_chosen(update: Update, context: KnooppuntContext) -> None:
    query = update.callback_query
    await query.answer()
    code = query.data.removeprefix(CALLBACK_PREFIX)
    if code not in available_languages():
        await query.edit_message_text(context.gettext("Deze taal ken ik niet. Kies opnieuw met /taal."))
        return
    await remember_language(update, context, code)
    _ = get_translator(code).gettext
    await show_result(update, context, _("De taal is nu: {language}.").format(language=language_name(code)))
    await context.bot.send_message(update.effective_chat.id, _("Kies hieronder wat je wilt doen."), reply_markup=main_keyboard(code))


async def language_command(update: Update, context: KnooppuntContext) -> None:
    """/tr, /ar, /en…: a language link of the greeting was tapped; one answer, in the new language.
    Halfway a conversation (the greeting's link tapped late) its question comes again, in that language."""
    code = update.effective_message.text.split()[0].split("@")[0].removeprefix("/").lower()
    await remember_language(update, context, code)
    _ = get_translator(code).gettext
    busy = await busy_with(update, context)
    text = _("De taal is nu: {language}.").format(language=language_name(code)) + "\n"
    text += still_busy_text(context, busy[0]) if busy else _("Kies hieronder wat je wilt doen.")
    await update.effective_message.reply_text(text, reply_markup=main_keyboard(code))
    if busy:
        await busy[0].reask(update, context, busy[1])


def register(application: Application) -> None:
    application.add_handler(CommandHandler(COMMANDS[0].names(), choose_language))
    application.add_handler(CommandHandler(list(available_languages()), language_command, filters=filters.ChatType.PRIVATE))
    application.add_handler(CallbackQueryHandler(language_chosen, pattern=f"^{CALLBACK_PREFIX}"))
