"""/bericht (/announce): a member sends a short announcement to the groups of the initiative's
networks. A network can ask for a coordinator's approval first; at most 3 per initiative per week."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.constants import ChatType
from telegram.ext import Application, CallbackQueryHandler, CommandHandler, ConversationHandler, MessageHandler, filters

from domain.ids import db_id
from bot.context import KnooppuntContext
from bot.i18n import N_, get_translator, user_language
from handlers.activities.reminders import queue_notice, wake_outbox
from handlers.core.common import SKIP_COMMANDS, MenuCommand, Steps, add_conversation, escape, step_hint
from storage.models import Initiative
from storage.repositories import activities as repo
from storage.repositories import audit, roles
from storage.repositories import outbox
from storage.tables_activities import Announcement

logger = logging.getLogger(__name__)

COMMANDS = [MenuCommand("bericht", N_("Een bericht sturen naar de groepen van je netwerk"), private=True, audience="volunteer", english="announce")]

PICK, TEXT, PHOTO, NETWORKS, CONFIRM = range(40, 45)
TEXT_MAX = 800  # with the heading it still fits a photo caption (1024)
WEEKLY_LIMIT = 3
DRAFT = "announcement_draft"


def group_text(initiative_name: str, text: str, translator) -> str:  # noqa: ANN001
    return translator.gettext("📢 Bericht van <b>{name}</b>").format(name=escape(initiative_name)) + "\n\n" + escape(text)


async def over_limit(context: KnooppuntContext, initiative_id: int) -> bool:
    since = context.now() - timedelta(days=7)
    async with context.read_session() as session:
        return await repo.announcements_since(session, initiative_id, since) >= WEEKLY_LIMIT


async def start(update: Update, context: KnooppuntContext) -> int:
    _ = context.gettext
    if update.effective_chat.type != ChatType.PRIVATE:
        await update.effective_message.reply_text(_("Een bericht sturen doe je in een privébericht: @{bot}").format(bot=context.bot.username))
        return ConversationHandler.END
    user_id = update.effective_user.id
    async with context.session() as session:
        mine = await roles.member_initiatives(session, user_id, ("active",))
        if not mine:
            audit.record_denied(session, user_id, "announcement.post")
    if not mine:
        await update.effective_message.reply_text(_("Alleen vrijwilligers van een goedgekeurd initiatief kunnen een bericht sturen."))
        return ConversationHandler.END
    context.user_data[DRAFT] = {}
    if len(mine) == 1:
        return await chosen(update, context, mine[0])
    return await ask_initiative(update, context)


async def ask_initiative(update: Update, context: KnooppuntContext) -> int:
    _ = context.gettext
    async with context.read_session() as session:
        mine = await roles.member_initiatives(session, update.effective_user.id, ("active",))
    buttons = [[InlineKeyboardButton(i.name[:60], callback_data=f"bi:{i.id}")] for i in mine]
    await update.effective_message.reply_text(_("Voor welk initiatief is het bericht?") + "\n\n" + step_hint(_, back=False),
                                              reply_markup=InlineKeyboardMarkup(buttons))
    return PICK


async def pick(update: Update, context: KnooppuntContext) -> int:
    query = update.callback_query
    await query.answer()
    raw = query.data.removeprefix("bi:")
    async with context.session() as session:
        initiative = await roles.active_initiative_of_member(session, update.effective_user.id, raw)
        ok = initiative is not None
        if not ok:
            audit.record_denied(session, update.effective_user.id, "announcement.post", "initiative", raw)
    if not ok:
        await query.message.reply_text(context.gettext("Voor dat initiatief mag je geen bericht sturen. Kies een van de knoppen."))
        return PICK
    return await chosen(update, context, initiative)


async def chosen(update: Update, context: KnooppuntContext, initiative: Initiative) -> int:
    _ = context.gettext
    if await over_limit(context, initiative.id):
        await update.effective_message.reply_text(
            context.ngettext("{name} heeft deze week al {n} bericht gestuurd. Dat is het maximum. Probeer het over een paar dagen weer.",
                             "{name} heeft deze week al {n} berichten gestuurd. Dat is het maximum. Probeer het over een paar dagen weer.",
                             WEEKLY_LIMIT).format(
                name=escape(initiative.name), n=WEEKLY_LIMIT))
        return ConversationHandler.END
    context.user_data[DRAFT] = {"initiative_id": initiative.id, "name": initiative.name, "networks": []}
    return await ask_text(update, context)


async def ask_text(update: Update, context: KnooppuntContext) -> int:
    _ = context.gettext
    await update.effective_message.reply_text(
        context.ngettext("Typ je bericht. Kort en duidelijk, maximaal {max} teken.", "Typ je bericht. Kort en duidelijk, maximaal {max} tekens.", TEXT_MAX).format(max=TEXT_MAX) + "\n\n" + step_hint(_))
    return TEXT


async def ask_photo(update: Update, context: KnooppuntContext) -> int:
    _ = context.gettext
    await update.effective_message.reply_text(_("Wil je er een foto bij? Stuur die dan. Dat hoeft niet.") + "\n\n" + step_hint(_, skip=True))
    return PHOTO


async def text_given(update: Update, context: KnooppuntContext) -> int:
    _ = context.gettext
    text = (update.effective_message.text or "").strip()
    if not text or len(text) > TEXT_MAX:
        await update.effective_message.reply_text(
            context.ngettext("Je bericht is {n} teken. Het mag hoogstens {max} tekens zijn. Maak het korter.",
                             "Je bericht is {n} tekens. Het mag hoogstens {max} tekens zijn. Maak het korter.", len(text)).format(
                n=len(text), max=TEXT_MAX))
        return TEXT
    context.user_data[DRAFT]["text"] = text
    return await ask_photo(update, context)


async def text_expected(update: Update, context: KnooppuntContext) -> int:
    await update.effective_message.reply_text(context.gettext("Stuur eerst je bericht als tekst.") + "\n\n" + step_hint(context.gettext))
    return TEXT


async def photo_given(update: Update, context: KnooppuntContext) -> int:
    context.user_data[DRAFT]["photo"] = update.effective_message.photo[-1].file_id
    return await ask_networks(update, context)


async def photo_skipped(update: Update, context: KnooppuntContext) -> int:
    context.user_data[DRAFT]["photo"] = None
    return await ask_networks(update, context)


async def photo_expected(update: Update, context: KnooppuntContext) -> int:
    await update.effective_message.reply_text(context.gettext("Stuur een foto, of typ /overslaan."))
    return PHOTO


async def network_markup(context: KnooppuntContext) -> InlineKeyboardMarkup | None:
    _ = context.gettext
    d = context.user_data[DRAFT]
    async with context.read_session() as session:
        networks = await repo.networks_of_initiative(session, d["initiative_id"])
    if not networks:
        return None
    rows = [[InlineKeyboardButton(("✅ " if n.id in d["networks"] else "▫️ ") + n.name[:50], callback_data=f"bn:{n.id}")]
            for n in networks]
    rows.append([InlineKeyboardButton(_("Klaar ➡️"), callback_data="bn:done")])
    return InlineKeyboardMarkup(rows)


async def ask_networks(update: Update, context: KnooppuntContext) -> int:
    _ = context.gettext
    markup = await network_markup(context)
    if markup is None:
        await update.effective_message.reply_text(_("Je initiatief hoort nog bij geen enkel netwerk. Er is niets verstuurd."))
        context.user_data.pop(DRAFT, None)
        return ConversationHandler.END
    await update.effective_message.reply_text(_("Voor welke netwerken is het? Tik ze aan en dan op Klaar.") + "\n\n" + step_hint(_), reply_markup=markup)
    return NETWORKS


async def network_toggled(update: Update, context: KnooppuntContext) -> int:
    query = update.callback_query
    await query.answer()
    _ = context.gettext
    d = context.user_data[DRAFT]
    if query.data == "bn:done":
        if not d["networks"]:
            await query.message.reply_text(_("Kies minstens één netwerk."))
            return NETWORKS
        await show_preview(update, context)
        return CONFIRM
    raw = query.data.removeprefix("bn:")
    async with context.read_session() as session:
        allowed = {n.id for n in await repo.networks_of_initiative(session, d["initiative_id"])}
    if db_id(raw) in allowed:
        network_id = db_id(raw)
        d["networks"] = [n for n in d["networks"] if n != network_id] if network_id in d["networks"] else [*d["networks"], network_id]
    await query.edit_message_reply_markup(reply_markup=await network_markup(context))
    return NETWORKS


async def show_preview(update: Update, context: KnooppuntContext) -> int:
    _ = context.gettext
    d = context.user_data[DRAFT]
    preview = group_text(d["name"], d["text"], context.translator)
    buttons = InlineKeyboardMarkup([[InlineKeyboardButton(_("✅ Versturen"), callback_data="bp:ok"),
                                     InlineKeyboardButton(_("❌ Stoppen"), callback_data="bp:stop")]])
    intro = _("<b>Zo ziet je bericht eruit:</b>") + "\n\n"
    if d.get("photo"):
        await update.effective_message.reply_photo(d["photo"], caption=intro + preview, reply_markup=buttons)
    else:
        await update.effective_message.reply_text(intro + preview, reply_markup=buttons)
    return CONFIRM


async def queue_for_groups(session: AsyncSession, announcement: Announcement, initiative_name: str, network_id: int, now: datetime) -> int:
    """Put the announcement in the outbox for every active group of the network, in the caller's
    transaction; returns how many groups. The outbox sends, retries, and marks removed groups."""
    count = 0
    for group in await repo.active_groups(session, network_id):
        body = group_text(initiative_name, announcement.text, get_translator(group.language))
        key = f"announcement:{announcement.id}:{network_id}:{group.chat_id}"
        count += await outbox.enqueue(session, group.chat_id, "announcement", body, key, now,
                                      photo=announcement.photo_file_id, thread_id=group.message_thread_id)
    return count


def queued_line(translator, network_name: str, count: int) -> str:  # noqa: ANN001
    """ "✅ gaat naar 2 groepen", and no success tick when the network has no group to send to."""
    if count == 0:
        return translator.gettext("⚠️ {network}: niet verstuurd. Ik kon geen enkele groep bereiken.").format(network=escape(network_name))
    return translator.ngettext("✅ {network}: gaat naar {n} groep.", "✅ {network}: gaat naar {n} groepen.", count).format(
        network=escape(network_name), n=count)


async def confirm(update: Update, context: KnooppuntContext) -> int:
    query = update.callback_query
    await query.answer()
    _ = context.gettext
    d = context.user_data.pop(DRAFT, {})
    if query.data != "bp:ok" or "text" not in d:
        await query.message.reply_text(_("Gestopt. Er is niets verstuurd."))
        return ConversationHandler.END
    user_id = update.effective_user.id
    now = context.now()
    async with context.session() as session:
        initiative = await repo.get_initiative(session, d["initiative_id"])
        allowed = initiative is not None and initiative.status == "active" and \
            await roles.member_role(session, user_id, d["initiative_id"]) is not None
        if not allowed:
            audit.record_denied(session, user_id, "announcement.post", "initiative", d["initiative_id"])
            outcome = "denied"
        elif await repo.announcements_since(session, d["initiative_id"], now - timedelta(days=7)) >= WEEKLY_LIMIT:
            outcome = "limit"
        else:
            outcome = "ok"
            networks = {n.id: n for n in await repo.networks_of_initiative(session, d["initiative_id"])}
            announcement, targets = await repo.create_announcement(
                session, initiative_id=d["initiative_id"], text=d["text"], photo_file_id=d.get("photo"), created_by=user_id, now=now,
                targets=[(network_id, "pending" if networks[network_id].announcements_need_approval else "posted")
                         for network_id in d["networks"] if network_id in networks],
            )
            audit.record(session, user_id, "announcement.created", "announcement", announcement.id)
            lines = []
            for target in targets:
                network_name = networks[target.network_id].name
                if target.status == "posted":
                    count = await queue_for_groups(session, announcement, d["name"], target.network_id, now)
                    lines.append(queued_line(context.translator, network_name, count))
                else:
                    lines.append(_("⏳ {network}: een coördinator kijkt er eerst naar.").format(network=escape(network_name)))
                    await ask_coordinators(session, context.application, await repo.coordinator_ids(session, target.network_id),
                                           target.id, d, network_name, now)
    if outcome == "denied":
        await query.message.reply_text(_("Voor dat initiatief mag je geen bericht sturen. Er is niets verstuurd."))
        return ConversationHandler.END
    if outcome == "limit":
        await query.message.reply_text(context.ngettext(
            "Dit initiatief heeft deze week al {n} bericht gestuurd. Er is niets verstuurd.",
            "Dit initiatief heeft deze week al {n} berichten gestuurd. Er is niets verstuurd.", WEEKLY_LIMIT).format(n=WEEKLY_LIMIT))
        return ConversationHandler.END
    wake_outbox(context.application)
    await query.message.reply_text("\n".join(lines) or _("Er is niets verstuurd."))
    return ConversationHandler.END


async def ask_coordinators(session: AsyncSession, application: Application, coordinator_ids: list[int], target_id: int, d: dict, network_name: str, now: datetime) -> None:  # noqa: PLR0913
    """The approval question to each coordinator, queued in the caller's transaction."""
    people = await repo.users_by_id(session, coordinator_ids)
    for coordinator in coordinator_ids:
        translator = get_translator(user_language(people.get(coordinator), application.bot_data.settings.default_language))
        _ = translator.gettext
        text = _("Nieuw bericht voor {network}. Mag het naar de groepen?").format(network=escape(network_name)) + "\n\n" + \
            group_text(d["name"], d["text"], translator)
        buttons = InlineKeyboardMarkup([[InlineKeyboardButton(_("✅ Goedkeuren"), callback_data=f"an:ok:{target_id}"),
                                         InlineKeyboardButton(_("❌ Afwijzen"), callback_data=f"an:no:{target_id}")]])
        await outbox.enqueue(session, coordinator, "announcement_ask", text, f"announcement-ask:{target_id}:{coordinator}", now,
                             reply_markup=buttons.to_dict())


async def decide(update: Update, context: KnooppuntContext) -> None:
    """A coordinator approves or rejects one network's copy of an announcement."""
    query = update.callback_query
    await query.answer()
    _ = context.gettext
    parts = query.data.split(":")
    user_id = update.effective_user.id
    if len(parts) != 3 or parts[1] not in ("ok", "no") or db_id(parts[2]) is None:
        await query.message.reply_text(_("Deze knop werkt niet meer."))
        return
    approve = parts[1] == "ok"
    async with context.session() as session:
        found = await repo.get_target(session, db_id(parts[2]))
        if found is None:
            result = "gone"
        else:
            target, announcement, initiative, network = found
            allowed = roles.is_admin(context.settings.admin_ids, user_id) or await roles.is_coordinator(session, user_id, network.id)
            if not allowed:
                audit.record_denied(session, user_id, "announcement.decide", "announcement", announcement.id)
                result = "denied"
            elif target.status != "pending":
                result = "done"
            elif approve and initiative.status != "active":
                result = "gone"  # paused or closed since it was written: nothing goes out in its name
            else:
                now = context.now()
                repo.decide_target(target, approve=approve, decided_by=user_id, now=now)
                audit.record(session, user_id, "announcement.approved" if approve else "announcement.rejected",
                             "announcement", announcement.id, network=network.id)
                result = "ok"
                if approve:
                    count = await queue_for_groups(session, announcement, initiative.name, network.id, now)
                await queue_notice(session, context.application, announcement.created_by,
                                   N_("Je bericht voor {network} is goedgekeurd en verstuurd.") if approve
                                   else N_("Je bericht voor {network} is niet goedgekeurd."),
                                   f"announcement-decided:{target.id}", network=network.name)
    if result == "gone":
        await query.message.reply_text(_("Dit bericht bestaat niet meer."))
        return
    if result == "denied":
        await query.message.reply_text(_("Alleen coördinatoren van dit netwerk kunnen dit beslissen. Er is niets veranderd."))
        return
    if result == "done":
        await query.message.reply_text(_("Over dit bericht is al beslist."))
        return
    wake_outbox(context.application)
    if approve:
        if count:
            await query.message.reply_text(context.ngettext("Goedgekeurd. Het gaat naar {n} groep.", "Goedgekeurd. Het gaat naar {n} groepen.", count).format(n=count))
        else:
            await query.message.reply_text(_("Goedgekeurd.") + " " + queued_line(context.translator, network.name, 0))
    else:
        await query.message.reply_text(_("Afgewezen. De schrijver krijgt bericht."))


async def back(update: Update, context: KnooppuntContext) -> int:
    """/terug: write the message again (the one question most worth going back to)."""
    d = context.user_data.get(DRAFT) or {}
    if "initiative_id" not in d:
        return await start(update, context)
    d.pop("text", None)
    d["networks"] = []
    return await ask_text(update, context)


async def stop(update: Update, context: KnooppuntContext) -> int:
    context.user_data.pop(DRAFT, None)
    await update.effective_message.reply_text(context.gettext("Gestopt. Er is niets verstuurd."))
    return ConversationHandler.END


async def reask(update: Update, context: KnooppuntContext, state: object) -> None:
    asks = {PICK: ask_initiative, TEXT: ask_text, PHOTO: ask_photo, NETWORKS: ask_networks, CONFIRM: show_preview}
    await asks[state](update, context)


STEPS = Steps("announcement", N_("je bericht"), reask)


def conversation() -> ConversationHandler:
    return ConversationHandler(
        entry_points=[CommandHandler(["bericht", "announce"], start)],
        states={
            PICK: [CallbackQueryHandler(pick, pattern=r"^bi:")],
            TEXT: [MessageHandler(filters.TEXT & ~filters.COMMAND, text_given),
                   MessageHandler(~filters.TEXT & ~filters.COMMAND, text_expected)],
            PHOTO: [MessageHandler(filters.PHOTO, photo_given), CommandHandler(SKIP_COMMANDS, photo_skipped),
                    MessageHandler(~filters.COMMAND, photo_expected)],
            NETWORKS: [CallbackQueryHandler(network_toggled, pattern=r"^bn:")],
            CONFIRM: [CallbackQueryHandler(confirm, pattern=r"^bp:(ok|stop)$")],
        },
        fallbacks=STEPS.fallbacks(stop, back),
        name="announcement",
        allow_reentry=True,
    )


def register(application: Application) -> None:
    add_conversation(application, conversation)
    application.add_handler(CallbackQueryHandler(decide, pattern=r"^an:"))
