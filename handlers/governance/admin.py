"""/beheer: admins manage networks and coordinators in a private chat.

Only ADMIN_IDS may use it; every press is checked again (callback data proves nothing) and a
refusal is recorded. A coordinator is added by forwarding a message of theirs or by numeric id.
"""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, MessageOriginHiddenUser, MessageOriginUser, Update
from telegram.ext import Application, CallbackQueryHandler, CommandHandler, ConversationHandler, MessageHandler, filters

from domain.ids import db_id_field, page_number, telegram_id
from bot.context import KnooppuntContext
from bot.i18n import N_
from domain.paging import page_of
from handlers.core.common import PAGE_SIZE, MenuCommand, Steps, add_conversation, escape, page_buttons, page_heading, refuse, step_hint
from storage.repositories import audit, networks, roles, users

COMMANDS = [MenuCommand("beheer", N_("Netwerken en coördinatoren beheren (beheerders)"), private=True, audience="admin", english="admin")]
END = ConversationHandler.END
NETWORK_NAME, COORDINATOR = "network_name", "coordinator"
PRIVATE = filters.ChatType.PRIVATE


async def _is_admin(update: Update, context: KnooppuntContext, attempted: str, subject_id: object | None = None) -> bool:
    user_id = update.effective_user.id
    if roles.is_admin(context.settings.admin_ids, user_id):
        return True
    async with context.session() as session:
        audit.record_denied(session, user_id, attempted, "network" if subject_id is not None else None, subject_id)
    text = context.gettext("Dit is alleen voor beheerders.")
    await refuse(update, text)
    return False


async def _overview(context: KnooppuntContext, number: int = 0) -> tuple[str, InlineKeyboardMarkup]:
    """One page of networks (PAGE_SIZE), so many networks never exceed a message or a keyboard."""
    _ = context.gettext
    async with context.read_session() as session:
        found = await networks.list_networks(session)
        coordinators = await networks.coordinators_by_network(session)
    page = page_of(found, number, PAGE_SIZE)
    lines = [page_heading(_, _("Beheer: netwerken"), page)]
    if not found:
        lines.append(_("Er zijn nog geen netwerken."))
    for network in page.items:
        count = len(coordinators.get(network.id, []))
        lines.append(context.ngettext("• {name} ({count} coördinator)", "• {name} ({count} coördinatoren)", count).format(
            name=escape(network.name), count=count))
    rows = [[InlineKeyboardButton(f"⚙️ {network.name}", callback_data=f"adm:n:{network.id}")] for network in page.items]
    if nav := page_buttons(_, page, "adm:list:"):
        rows.append(nav)
    rows.append([InlineKeyboardButton(_("➕ Netwerk toevoegen"), callback_data="adm:add")])
    return "\n".join(lines), InlineKeyboardMarkup(rows)


async def _network_card(context: KnooppuntContext, network_id: int) -> tuple[str, InlineKeyboardMarkup] | None:
    _ = context.gettext
    async with context.read_session() as session:
        network = await networks.get_network(session, network_id)
        if network is None:
            return None
        ids = (await networks.coordinators_by_network(session)).get(network_id, [])
        people = [(uid, await users.get_user(session, uid)) for uid in ids]
    lines = [f"<b>{escape(network.name)}</b>", _("Coördinatoren:")]
    lines += [f"• {escape(user.first_name) if user and user.first_name else ''} ({uid})" for uid, user in people] or [_("nog niemand")]
    rows = [
        [InlineKeyboardButton(_("✏️ Naam wijzigen"), callback_data=f"adm:ren:{network_id}")],
        [InlineKeyboardButton(_("➕ Coördinator toevoegen"), callback_data=f"adm:ca:{network_id}")],
        *[[InlineKeyboardButton(_("➖ {who} weghalen").format(who=(user.first_name if user and user.first_name else str(uid))),
                                callback_data=f"adm:cr:{network_id}:{uid}")] for uid, user in people],
        [InlineKeyboardButton(_("⬅️ Alle netwerken"), callback_data="adm:list")],
    ]
    return "\n".join(lines), InlineKeyboardMarkup(rows)


async def beheer(update: Update, context: KnooppuntContext) -> int:
    if not await _is_admin(update, context, "beheer"):
        return END
    text, markup = await _overview(context)
    await update.effective_message.reply_text(text, reply_markup=markup)
    return END


async def show_list(update: Update, context: KnooppuntContext) -> int:
    if not await _is_admin(update, context, "beheer"):
        return END
    await update.callback_query.answer()
    text, markup = await _overview(context, page_number(_field(update.callback_query.data, 2)))
    await update.callback_query.edit_message_text(text, reply_markup=markup)
    return END


def _field(data: str, index: int) -> str | None:
    parts = data.split(":")
    return parts[index] if len(parts) > index else None


async def show_network(update: Update, context: KnooppuntContext) -> int:
    network_id = db_id_field(update.callback_query.data, 2)
    if not await _is_admin(update, context, "beheer", network_id):
        return END
    await update.callback_query.answer()
    card = await _network_card(context, network_id) if network_id is not None else None
    if card is None:
        await update.callback_query.edit_message_text(context.gettext("Dit netwerk bestaat niet meer. Kies opnieuw met /beheer."))
        return END
    await update.callback_query.edit_message_text(card[0], reply_markup=card[1])
    return END


async def _ask(update: Update, context: KnooppuntContext, state: object) -> None:
    """The question of `state` (also when it is asked again)."""
    _ = context.gettext
    if state == COORDINATOR:
        question = _("Wie wordt coördinator? Stuur een bericht van die persoon door, of typ het Telegram-nummer (id).")
    elif context.user_data.get("admin_network") is None:
        question = _("Hoe heet het nieuwe netwerk?")
    else:
        question = _("Wat wordt de nieuwe naam?")
    await update.effective_message.reply_text(question + "\n\n" + step_hint(_, back=False))


STEPS = Steps("beheer", N_("het beheer van een netwerk"), _ask)


async def ask_new_network(update: Update, context: KnooppuntContext) -> str | int:
    if not await _is_admin(update, context, "network_add"):
        return END
    await update.callback_query.answer()
    context.user_data["admin_network"] = None
    await _ask(update, context, NETWORK_NAME)
    return NETWORK_NAME


async def ask_rename(update: Update, context: KnooppuntContext) -> str | int:
    network_id = db_id_field(update.callback_query.data, 2)
    if not await _is_admin(update, context, "network_rename", network_id):
        return END
    await update.callback_query.answer()
    context.user_data["admin_network"] = network_id
    await _ask(update, context, NETWORK_NAME)
    return NETWORK_NAME


async def got_network_name(update: Update, context: KnooppuntContext) -> str | int:
    if not await _is_admin(update, context, "network_add"):
        return END
    _ = context.gettext
    network_id = context.user_data.get("admin_network")
    user_id = update.effective_user.id
    try:
        async with context.session() as session:
            if network_id is None:
                network = await networks.add_network(session, update.effective_message.text)
                audit.record(session, user_id, "network_add", "network", network.id, name=network.name)
            else:
                network = await networks.get_network(session, network_id)
                if network is None:
                    await update.effective_message.reply_text(_("Dit netwerk bestaat niet meer. Kies opnieuw met /beheer."))
                    return END
                old = await networks.rename_network(session, network, update.effective_message.text)
                audit.record(session, user_id, "network_rename", "network", network.id, old=old, new=network.name)
            network_id, name = network.id, network.name
    except networks.NetworkNameError as error:
        problem = {
            "taken": _("Die naam bestaat al. Kies een andere naam."),
            "too long": context.ngettext("Die naam is te lang. Gebruik hoogstens {limit} teken.", "Die naam is te lang. Gebruik hoogstens {limit} tekens.", networks.NETWORK_NAME_MAX).format(limit=networks.NETWORK_NAME_MAX),
        }.get(str(error), _("Typ een naam."))
        await update.effective_message.reply_text(problem)
        return NETWORK_NAME
    await update.effective_message.reply_text(_("Bewaard: {name}").format(name=escape(name)))
    card = await _network_card(context, network_id)
    await update.effective_message.reply_text(card[0], reply_markup=card[1])
    return END


async def ask_coordinator(update: Update, context: KnooppuntContext) -> str | int:
    network_id = db_id_field(update.callback_query.data, 2)
    if not await _is_admin(update, context, "coordinator_add", network_id):
        return END
    await update.callback_query.answer()
    context.user_data["admin_network"] = network_id
    await _ask(update, context, COORDINATOR)
    return COORDINATOR


async def got_coordinator(update: Update, context: KnooppuntContext) -> str | int:
    if not await _is_admin(update, context, "coordinator_add"):
        return END
    _ = context.gettext
    message = update.effective_message
    origin = message.forward_origin
    if isinstance(origin, MessageOriginUser):
        person_id, person_name = origin.sender_user.id, origin.sender_user.first_name
    elif isinstance(origin, MessageOriginHiddenUser):
        await message.reply_text(_("Deze persoon laat doorsturen niet toe. Vraag het Telegram-nummer (id) en typ dat."))
        return COORDINATOR
    elif message.text and telegram_id(message.text.strip()) is not None:
        person_id, person_name = telegram_id(message.text.strip()), None
    else:
        await message.reply_text(_("Stuur een doorgestuurd bericht van de persoon, of typ alleen het nummer.") + "\n\n" + step_hint(_, back=False))
        return COORDINATOR
    network_id = context.user_data.get("admin_network")
    async with context.session() as session:
        network = await networks.get_network(session, network_id) if network_id is not None else None
        if network is None:
            await message.reply_text(_("Dit netwerk bestaat niet meer. Kies opnieuw met /beheer."))
            return END
        added = await networks.add_coordinator(session, network.id, person_id, update.effective_user.id)
        if added:
            audit.record(session, update.effective_user.id, "coordinator_add", "network", network.id, user=person_id)
        name = network.name
    who = escape(person_name) if person_name else str(person_id)
    text = _("{who} is nu coördinator van {network}.") if added else _("{who} was al coördinator van {network}.")
    await message.reply_text(text.format(who=who, network=escape(name)))
    card = await _network_card(context, network_id)
    await message.reply_text(card[0], reply_markup=card[1])
    return END


async def remove_coordinator(update: Update, context: KnooppuntContext) -> int:
    data = update.callback_query.data
    network_id, person_id = db_id_field(data, 2), telegram_id(_field(data, 3))
    if not await _is_admin(update, context, "coordinator_remove", network_id):
        return END
    await update.callback_query.answer()
    if network_id is None or person_id is None:
        return END
    async with context.session() as session:
        removed = await networks.remove_coordinator(session, network_id, person_id)
        if removed:
            audit.record(session, update.effective_user.id, "coordinator_remove", "network", network_id, user=person_id)
    card = await _network_card(context, network_id)
    if card is None:
        await update.callback_query.edit_message_text(context.gettext("Dit netwerk bestaat niet meer. Kies opnieuw met /beheer."))
        return END
    await update.callback_query.edit_message_text(card[0], reply_markup=card[1])
    return END


async def cancel(update: Update, context: KnooppuntContext) -> int:
    context.user_data.pop("admin_network", None)
    await update.effective_message.reply_text(context.gettext("Gestopt. Er is niets veranderd."))
    return END


def register(application: Application) -> None:
    text = PRIVATE & filters.TEXT & ~filters.COMMAND
    add_conversation(
        application,
        lambda: ConversationHandler(
                entry_points=[
                    CallbackQueryHandler(ask_new_network, pattern=r"^adm:add$"),
                    CallbackQueryHandler(ask_rename, pattern=r"^adm:ren:"),
                    CallbackQueryHandler(ask_coordinator, pattern=r"^adm:ca:"),
                ],
                states={
                    NETWORK_NAME: [MessageHandler(text, got_network_name)],
                    COORDINATOR: [MessageHandler(PRIVATE & ~filters.COMMAND, got_coordinator)],
                },
                fallbacks=STEPS.fallbacks(cancel),
                name="beheer",
                allow_reentry=True,
            ),
    )
    application.add_handler(CommandHandler(["beheer", "admin"], beheer))
    application.add_handler(CallbackQueryHandler(show_list, pattern=r"^adm:list(:\d{1,4})?$"))
    application.add_handler(CallbackQueryHandler(show_network, pattern=r"^adm:n:"))
    application.add_handler(CallbackQueryHandler(remove_coordinator, pattern=r"^adm:cr:"))
