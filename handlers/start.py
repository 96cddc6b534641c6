"""First contact: /start, /help (/hulp) and the help button."""

from __future__ import annotations

from telegram import Update
from telegram.constants import ChatType
from telegram.ext import Application, CommandHandler, MessageHandler

from bot.context import KnooppuntContext
from bot.i18n import N_
from handlers.common import AUDIENCES, BUTTON_HELP, DEEP_LINKS, MenuCommand, button_filter, escape, language_buttons, main_keyboard

COMMANDS = [
    MenuCommand("start", N_("Begin hier"), private=True),
    MenuCommand("hulp", N_("Wat kan deze bot?"), private=True, group=True, english="help",
                aliases=(("tr", "yardim"), ("pl", "pomoc"), ("pt", "ajuda"))),
]


AUDIENCE_HEADINGS = {
    "resident": N_("<b>Voor iedereen</b>"),
    "volunteer": N_("<b>Voor vrijwilligers van een initiatief</b>"),
    "coordinator": N_("<b>Voor coördinatoren</b>"),
    "admin": N_("<b>Voor beheerders</b>"),
}


def help_lines(context: KnooppuntContext, private: bool) -> str:
    """Every command for this kind of chat, grouped by who it is for (residents first)."""
    from handlers import all_commands  # the registry knows every capability's commands

    _ = context.gettext
    grouped: dict[str, list[str]] = {audience: [] for audience in AUDIENCES}
    for item in all_commands():
        if item.private if private else item.group:
            grouped[item.audience].append(f"/{item.name(context.language)} – {_(item.description)}")
    blocks = ["\n".join([_(AUDIENCE_HEADINGS[audience]), *lines]) for audience, lines in grouped.items() if lines]
    return "\n\n".join(blocks)


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
        ]
    )
    chosen = bool(context.user_data.get("chosen_language"))
    if chosen:
        text += "\n" + _("Andere taal? Kies /taal.")
    await message.reply_text(text, reply_markup=main_keyboard(context.language))
    if not chosen:  # until someone picks a language: every language named in itself, one tap away
        await message.reply_text(_("Andere taal? Kies /taal."), reply_markup=language_buttons(context.language))


async def help_command(update: Update, context: KnooppuntContext) -> None:
    _ = context.gettext
    private = update.effective_chat.type == ChatType.PRIVATE
    lines = [
        _("<b>Zo werkt Knooppunt</b>"),
        _("Stuur je locatie, een postcode of een vraag, en ik zoek buurtplekken bij jou in de buurt."),
        "",
        help_lines(context, private),
    ]
    if private:
        lines += ["", _("Bij vragen in stappen: /terug gaat een stap terug, /overslaan slaat een vraag over (als dat kan), /stop stopt.")]
        await update.effective_message.reply_text("\n".join(lines), reply_markup=main_keyboard(context.language))
    else:
        await update.effective_message.reply_text("\n".join(lines))


def register(application: Application) -> None:
    application.add_handler(CommandHandler("start", start))
    application.add_handler(CommandHandler(COMMANDS[1].names(), help_command))
    application.add_handler(MessageHandler(button_filter(BUTTON_HELP), help_command))
