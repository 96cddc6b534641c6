"""Network groups: the bot joins or leaves, /koppel links a group to a network, /ontkoppel unlinks,
upgrades to a supergroup keep the link, and residents' private commands get a pointer."""

from __future__ import annotations

import logging
import re

from telegram import ChatMember, InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.constants import ChatType
from telegram.error import TelegramError
from telegram.ext import Application, CallbackQueryHandler, ChatMemberHandler, CommandHandler, MessageHandler, filters

from domain.ids import db_id
from bot.context import KnooppuntContext
from bot.i18n import N_
from handlers.core.common import MenuCommand, escape, show_result
from handlers.groups.digest_jobs import schedule_group, unschedule_group
from storage.models import Network
from storage.repositories import audit, groups, roles
from storage.repositories import networks as networks_repo

logger = logging.getLogger(__name__)

COMMANDS = [
    MenuCommand("koppel", N_("Koppel deze groep aan je netwerk (coördinator)"), private=False, group=True,
                audience="coordinator", english="link"),
    MenuCommand("ontkoppel", N_("Haal de koppeling van deze groep weg (coördinator)"), private=False, group=True,
                audience="coordinator", english="unlink"),
]
LINK_PREFIX = "lnk:"
GROUP_TYPES = (ChatType.GROUP, ChatType.SUPERGROUP)
PRESENT = (ChatMember.MEMBER, ChatMember.ADMINISTRATOR, ChatMember.OWNER, ChatMember.RESTRICTED)
GONE = (ChatMember.LEFT, ChatMember.BANNED)


def group_language(context: KnooppuntContext) -> str:
    return context.settings.default_language


async def networks_for(session, context: KnooppuntContext, user_id: int) -> list[Network]:  # noqa: ANN001
    """Admins may link any network; coordinators their own."""
    if roles.is_admin(context.settings.admin_ids, user_id):
        return await groups.networks(session)
    return await groups.networks(session, await roles.coordinated_network_ids(session, user_id))


async def may_manage(session, context: KnooppuntContext, user_id: int, network_id: int | None) -> bool:  # noqa: ANN001
    if roles.is_admin(context.settings.admin_ids, user_id):
        return True
    return network_id is not None and await roles.is_coordinator(session, user_id, network_id)


async def membership_changed(update: Update, context: KnooppuntContext) -> None:
    change = update.my_chat_member
    chat = change.chat
    if chat.type not in GROUP_TYPES:
        return
    was, is_now = change.old_chat_member.status, change.new_chat_member.status
    if is_now in PRESENT and was in GONE:
        async with context.session() as session:
            group = await groups.bot_added(session, chat.id, chat.title, group_language(context))
            audit.record(session, change.from_user.id if change.from_user else None, "group_joined", "group_chat", chat.id)
        schedule_group(context.application, group)
        from bot.i18n import get_translator

        _ = get_translator(group.language).gettext
        text = "\n".join(
            [
                _("Hallo allemaal! 👋 Ik ben Knooppunt, de bot van de buurtnetwerken."),
                _("Ik zet hier elke week wat er te doen is in het netwerk."),
                _("Coördinator? Stuur hier /koppel en kies je netwerk."),
                _("Vragen of zelf iets aanmelden? Stuur mij een privébericht: @{bot}").format(bot=context.bot.username),
            ]
        )
        try:
            await context.bot.send_message(chat.id, text)
        except TelegramError as exc:
            logger.warning("Could not greet group %s: %s", chat.id, exc)
    elif is_now in GONE and was not in GONE:
        async with context.session() as session:
            await groups.mark_inactive(session, chat.id, "removed" if is_now == ChatMember.LEFT else "kicked")
            audit.record(session, change.from_user.id if change.from_user else None, "group_left", "group_chat", chat.id, status=is_now)
        unschedule_group(context.application, chat.id)


async def link_command(update: Update, context: KnooppuntContext) -> None:
    _ = context.gettext
    message, user = update.effective_message, update.effective_user
    if update.effective_chat.type not in GROUP_TYPES:
        await message.reply_text(_("Stuur /koppel in de groep die je wilt koppelen. Voeg mij daar eerst toe."))
        return
    async with context.session() as session:
        options = await networks_for(session, context, user.id)
        if not options:
            audit.record_denied(session, user.id, "group_link", "group_chat", update.effective_chat.id)
    if not options:
        await message.reply_text(_("Alleen een coördinator van een netwerk kan deze groep koppelen."))
        return
    buttons = [[InlineKeyboardButton(network.name, callback_data=f"{LINK_PREFIX}{network.id}")] for network in options]
    await message.reply_text(_("Aan welk netwerk koppel ik deze groep?"), reply_markup=InlineKeyboardMarkup(buttons))


async def link_chosen(update: Update, context: KnooppuntContext) -> None:
    query = update.callback_query
    await query.answer()
    _ = context.gettext
    chat, user = query.message.chat, update.effective_user
    raw = query.data.removeprefix(LINK_PREFIX)
    network_id = db_id(raw)
    async with context.session() as session:
        network = await networks_repo.get_network(session, network_id) if network_id is not None else None
        allowed = network is not None and chat.type in GROUP_TYPES and await may_manage(session, context, user.id, network.id)
        current = await groups.get_group(session, chat.id) if allowed else None
        if current is not None and current.network_id not in (None, network.id):
            # Relinking takes the group away from its network: like /ontkoppel, that network's coordinator decides.
            allowed = await may_manage(session, context, user.id, current.network_id)
        if not allowed:
            audit.record_denied(session, user.id, "group_link", "group_chat", chat.id, network=raw[:20])
        else:
            thread_id = query.message.message_thread_id if query.message.is_topic_message else None
            # The group's digest language: that of the coordinator who links it (/digest_taal changes it).
            group = await groups.link(session, chat.id, chat.title, network.id, thread_id, user.id, context.now(), context.language)
            audit.record(session, user.id, "group_linked", "group_chat", chat.id, network_id=network.id, thread_id=thread_id)
    if not allowed:
        await query.message.reply_text(_("Dat mag je niet: alleen een coördinator van dat netwerk kan deze groep koppelen."))
        return
    schedule_group(context.application, group)
    await show_result(update, context,
        _("✅ Deze groep is gekoppeld aan {network}. Elke maandag om 09:00 zet ik hier het overzicht van de week. Ander moment? Stuur /digest_tijd.").format(
            network=escape(network.name)
        )
    )


async def unlink_command(update: Update, context: KnooppuntContext) -> None:
    _ = context.gettext
    chat, user = update.effective_chat, update.effective_user
    if chat.type not in GROUP_TYPES:
        await update.effective_message.reply_text(_("Stuur /ontkoppel in de groep zelf."))
        return
    async with context.session() as session:
        group = await groups.get_group(session, chat.id)
        if group is None or group.network_id is None:
            allowed, linked = True, False
        else:
            linked = True
            allowed = await may_manage(session, context, user.id, group.network_id)
            if allowed:
                await groups.unlink(session, chat.id)
                audit.record(session, user.id, "group_unlinked", "group_chat", chat.id)
            else:
                audit.record_denied(session, user.id, "group_unlink", "group_chat", chat.id)
    if not linked:
        await update.effective_message.reply_text(_("Deze groep is niet gekoppeld."))
    elif not allowed:
        await update.effective_message.reply_text(_("Alleen een coördinator van het netwerk kan de koppeling weghalen."))
    else:
        unschedule_group(context.application, chat.id)
        await update.effective_message.reply_text(_("De koppeling is weg. Ik stuur hier geen overzicht meer."))


async def chat_migrated(update: Update, context: KnooppuntContext) -> None:
    """The migrate service message: in the old group (migrate_to) or the new supergroup (migrate_from)."""
    message = update.effective_message
    if message.migrate_to_chat_id:
        old_id, new_id = message.chat.id, message.migrate_to_chat_id
    else:
        old_id, new_id = message.migrate_from_chat_id, message.chat.id
    async with context.session() as session:
        group = await groups.migrate_chat(session, old_id, new_id)
        if group is not None:
            audit.record(session, None, "group_migrated", "group_chat", new_id, old_id=old_id)
    unschedule_group(context.application, old_id)
    if group is not None:
        schedule_group(context.application, group)


async def private_pointer(update: Update, context: KnooppuntContext) -> None:
    _ = context.gettext
    await update.effective_message.reply_text(
        _("Dat doen we in een privégesprek. Stuur mij een bericht: @{bot}").format(bot=context.bot.username)
    )


def _private_only_commands() -> list[str]:
    from handlers import all_commands

    return sorted({name for item in all_commands() if item.private and not item.group for name in item.names()})


def register(application: Application) -> None:
    application.add_handler(ChatMemberHandler(membership_changed, ChatMemberHandler.MY_CHAT_MEMBER))
    application.add_handler(MessageHandler(filters.StatusUpdate.MIGRATE, chat_migrated))
    application.add_handler(CommandHandler(["koppel", "link"], link_command))
    application.add_handler(CommandHandler(["ontkoppel", "unlink"], unlink_command))
    application.add_handler(CallbackQueryHandler(link_chosen, pattern=f"^{LINK_PREFIX}"))
    private_only = _private_only_commands()
    if private_only:
        pattern = r"^/(" + "|".join(re.escape(name) for name in private_only) + r")(@\w+)?(\s|$)"
        application.add_handler(MessageHandler(filters.ChatType.GROUPS & filters.Regex(pattern), private_pointer))
