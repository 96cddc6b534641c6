"""First contact: /start, /help (/hulp) and the help button."""

from __future__ import annotations

from telegram import Update
from telegram.constants import ChatType
from telegram.ext import Application, CommandHandler, MessageHandler

from bot.context import KnooppuntContext
from bot.i18n import N_
from handlers.common import BUTTON_HELP, DEEP_LINKS, MenuCommand, button_filter, escape, main_keyboard

COMMANDS = [
    MenuCommand("start", N_("Begin hier"), private=True),
    MenuCommand("hulp", N_("Wat kan deze bot?"), private=True, group=True),
]


def help_lines(context: KnooppuntContext, private: bool) -> str:
    from handlers import all_commands  # the registry knows every capability's commands

    _ = context.gettext
    lines = [
        f"/{item.command} – {_(item.description)}"
        for item in all_commands()
        if (item.private if private else item.group)
    ]
    return "\n".join(lines)


async def start(update: Update, context: KnooppuntContext) -> None:
    """Greets a resident and shows the main keyboard; in a group, points to the private chat."""
    _ = context.gettext
    message = update.effective_message
    if update.effective_chat.type != ChatType.PRIVATE:
        await message.reply_text(
            _("Hallo! Stuur mij een privébericht, dan help ik je daar: @{bot}").format(bot=context.bot.username)
        )
        return
    if context.args:
        prefix, _sep, payload = context.args[0].partition("-")
        handler = DEEP_LINKS.get(prefix)
        if handler is not None:
            await handler(update, context, payload)
            return
    name = escape(update.effective_user.first_name) if update.effective_user else ""
    text = "\n".join(
        [
            _("Hallo {name}! 👋").format(name=name),
            _("Ik ben Knooppunt. Ik help je de buurt te vinden."),
            "",
            _("Wat kan ik voor je doen?"),
            _("📍 Buurtplekken vinden, zoals een buurthuiskamer of speeltuin."),
            _("📅 Laten zien wat er te doen is."),
            _("➕ Je eigen initiatief aanmelden."),
            "",
            _("Stuur je locatie, een postcode of een vraag. Bijvoorbeeld: <i>buurthuiskamer 3026</i>"),
            _("Andere taal? Kies /taal."),
        ]
    )
    await message.reply_text(text, reply_markup=main_keyboard(context.language))


async def help_command(update: Update, context: KnooppuntContext) -> None:
    _ = context.gettext
    private = update.effective_chat.type == ChatType.PRIVATE
    text = "\n".join(
        [
            _("<b>Zo werkt Knooppunt</b>"),
            _("Stuur je locatie, een postcode of een vraag, en ik zoek buurtplekken bij jou in de buurt."),
            "",
            _("Dit kun je typen:"),
            help_lines(context, private),
        ]
    )
    if private:
        await update.effective_message.reply_text(text, reply_markup=main_keyboard(context.language))
    else:
        await update.effective_message.reply_text(text)


def register(application: Application) -> None:
    application.add_handler(CommandHandler("start", start))
    application.add_handler(CommandHandler(["help", "hulp"], help_command))
    application.add_handler(MessageHandler(button_filter(BUTTON_HELP), help_command))
