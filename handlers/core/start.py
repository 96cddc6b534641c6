"""First contact: /start, /help (/hulp) and the help button."""

from __future__ import annotations

from telegram import Update
from telegram.constants import ChatType
from telegram.ext import Application, CommandHandler, MessageHandler

from bot.context import KnooppuntContext
from bot.i18n import N_
from handlers.core.common import AUDIENCES, BUTTON_HELP, DEEP_LINKS, MenuCommand, button_filter, escape, main_keyboard
from handlers.core.language import language_links
from storage.repositories import roles

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


def help_lines(context: KnooppuntContext, private: bool, audiences: frozenset[str] = frozenset({"resident"})) -> str:
    """The commands for this kind of chat that this person may use, grouped by role (residents first).

    A resident sees only the resident commands, without a heading; volunteers, coordinators and
    admins see their own blocks added.
    """
    from handlers import all_commands  # the registry knows every capability's commands

    _ = context.gettext
    grouped: dict[str, list[str]] = {audience: [] for audience in AUDIENCES if audience in audiences}
    for item in all_commands():
        if item.audience in grouped and (item.private if private else item.group):
            grouped[item.audience].append(f"/{item.name(context.language)} – {_(item.description)}")
    filled = {audience: lines for audience, lines in grouped.items() if lines}
    if list(filled) == ["resident"]:
        return "\n".join(filled["resident"])
    return "\n\n".join("\n".join([_(AUDIENCE_HEADINGS[audience]), *lines]) for audience, lines in filled.items())


async def audiences_of(context: KnooppuntContext, user_id: int) -> frozenset[str]:
    """Which help blocks this person gets: everyone is a resident; roles come from the database."""
    found = {"resident"}
    async with context.session() as session:
        if await roles.member_initiatives(session, user_id):
            found.add("volunteer")
        if await roles.coordinated_network_ids(session, user_id):
            found.add("coordinator")
    if roles.is_admin(context.settings.admin_ids, user_id):
        found.add("admin")
    return frozenset(found)


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
            _("Ik ben Knooppunt. Ik help je plekken en activiteiten in je buurt te vinden."),
            "",
            _("Wat kan ik voor je doen?"),
            _("📍 Buurtplekken vinden, zoals een buurthuiskamer of speeltuin."),
            _("📅 Laten zien wat er te doen is."),
            _("➕ Je eigen initiatief aanmelden."),
            "",
            _("Stuur je locatie, een postcode of een vraag. Bijvoorbeeld: <i>buurthuiskamer 3026</i>"),
        ]
    )
    if context.user_data.get("chosen_language"):
        text += "\n" + _("Andere taal? Kies /taal.")
    else:  # until someone picks a language: every language named in itself, one tap away (a /code link)
        text += "\n\n" + _("Andere taal? Tik op je taal:") + "\n" + language_links(context.language)
    await message.reply_text(text, reply_markup=main_keyboard(context.language))  # one message: one answer


async def help_command(update: Update, context: KnooppuntContext) -> None:
    _ = context.gettext
    private = update.effective_chat.type == ChatType.PRIVATE
    audiences = await audiences_of(context, update.effective_user.id) if update.effective_user else frozenset({"resident"})
    lines = [
        _("<b>Zo werkt Knooppunt</b>"),
        _("Typ een vraag, zoals <i>buurthuiskamer in Spangen</i> of <i>wat is er zaterdag te doen?</i> Of deel je locatie."),
        "",
        help_lines(context, private, audiences),
    ]
    if private and audiences != {"resident"}:
        lines += ["", _("Bij vragen in stappen: /terug gaat een stap terug, /overslaan slaat een vraag over (als dat kan), /stop stopt.")]
        await update.effective_message.reply_text("\n".join(lines), reply_markup=main_keyboard(context.language))
    else:
        await update.effective_message.reply_text("\n".join(lines))


def register(application: Application) -> None:
    application.add_handler(CommandHandler("start", start))
    application.add_handler(CommandHandler(COMMANDS[1].names(), help_command))
    application.add_handler(MessageHandler(button_filter(BUTTON_HELP), help_command))
