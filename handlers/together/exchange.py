"""Responding, accepting, settling and extending items; /vraagaanbod; the hourly expiry job.

Buttons (callback data proves nothing; every press is checked on the server and refusals audited):
  tg:v:<item>      show the item (private chat)
  tg:h:<item>      "Ik kan helpen" / "Ik heb interesse"
  tg:a:<response>  the asking initiative accepts: both get the other's contact
  tg:d:<response>  "Nee dank je"
  tg:s:<item>      "Geregeld" (members of the item's initiative)
  tg:x:<item>      extend once (from the reminder)
  tl:<network>:<page>  /vraagaanbod, filtered by network (0 = all), paged, edited in place

In a group the bot may not be able to write to the presser (Telegram lets a bot write only to
people who started it), so a press in a group is answered with a link that opens the bot on the
item (t.me/<bot>?start=tg-<id>); the response is made there, where the bot can answer.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.constants import ChatType
from telegram.ext import Application, CallbackQueryHandler, CommandHandler

from bot.context import KnooppuntContext
from bot.i18n import get_translator
from domain import together as rules
from domain.ids import db_id, db_id_field, page_number
from domain.htmltext import truncate
from domain.paging import page_of
from handlers.core.common import PRIVATE, escape, page_buttons, page_heading, register_deep_link, show_result
from handlers.together import posts
from storage.repositories import audit, outbox
from storage.repositories import together as repo
from storage.repositories import users

logger = logging.getLogger(__name__)

LIST_PAGE = 5
EXPIRY_JOB = "together-expiry"
EXPIRY_EVERY = timedelta(hours=1)


def card_key(response_id: int, user_id: int | None = None) -> str:
    return f"card:tgr:{response_id}:" + ("" if user_id is None else str(user_id))


# -- one item in the private chat ---------------------------------------------------------------


async def _item_view(context: KnooppuntContext, item_id: int, user_id: int) -> tuple[str, InlineKeyboardMarkup | None] | None:
    _ = context.gettext
    now = context.now()
    async with context.read_session() as session:
        item = await repo.get_item(session, item_id)
        if item is None:
            return None
        name = await repo.initiative_name(session, item.initiative_id)
        own = await repo.is_active_member(session, user_id, item.initiative_id)
    text = posts.item_text(item, name, _, context.language, context.settings.timezone)
    if not rules.is_listed(item.status, item.expires_at, now):
        return text, None
    if own:
        return text, InlineKeyboardMarkup([[InlineKeyboardButton(_("✅ Geregeld"), callback_data=f"tg:s:{item.id}")]])
    return text, InlineKeyboardMarkup([[InlineKeyboardButton(posts.respond_label(item, _), callback_data=f"tg:h:{item.id}")]])


async def view(update: Update, context: KnooppuntContext) -> None:
    query = update.callback_query
    await query.answer()
    shown = await _item_view(context, db_id_field(query.data, 2) or 0, update.effective_user.id)
    if shown is None:
        await query.message.reply_text(context.gettext("Deze vraag of dit aanbod bestaat niet meer."))
        return
    await context.bot.send_message(update.effective_chat.id, shown[0], reply_markup=shown[1])


async def open_from_link(update: Update, context: KnooppuntContext, payload: str) -> None:
    """/start tg-<id>: the item, with its button, in the private chat."""
    shown = await _item_view(context, db_id(payload) or 0, update.effective_user.id)
    if shown is None:
        await update.effective_message.reply_text(context.gettext("Deze vraag of dit aanbod bestaat niet meer."))
        return
    await update.effective_message.reply_text(shown[0], reply_markup=shown[1])


# -- "Ik kan helpen" ----------------------------------------------------------------------------


async def respond(update: Update, context: KnooppuntContext) -> None:
    query = update.callback_query
    _ = context.gettext
    user = update.effective_user
    item_id = db_id_field(query.data, 2)
    now = context.now()
    if update.effective_chat is not None and update.effective_chat.type != ChatType.PRIVATE:
        async with context.read_session() as session:
            item = await repo.get_item(session, item_id) if item_id else None
        if item is None or not rules.is_listed(item.status, item.expires_at, now):
            await query.answer(_closed_text(context, item.status if item is not None else None), show_alert=True)
            return
        # The bot may not be able to write to this person (Telegram: only to people who started
        # it): open the private chat on this item, where the response is made and answered.
        await query.answer(url=posts.item_link(context.bot.username, item.id))
        return
    default = context.settings.default_language
    async with context.session() as session:
        item = await repo.get_item(session, item_id) if item_id else None
        mine = [i.id for i in await repo.active_initiatives_of(session, user.id)]
        helping = rules.responding_initiative(mine, item.initiative_id) if item is not None else None
        if item is None or not rules.is_listed(item.status, item.expires_at, now):
            outcome = "gone"
        elif helping is None:
            audit.record_denied(session, user.id, "together.respond", "together_item", item_id)
            outcome = "denied"
        else:
            response, new = await repo.add_response(session, item.id, helping, user.id, user.username, now)
            outcome = "ok" if new else "already"
            if new:
                audit.record(session, user.id, "together.responded", "together_item", item.id, response=response.id, initiative=helping)
                helper_name = await repo.initiative_name(session, helping)
                asker_name = await repo.initiative_name(session, item.initiative_id)
                for member in await repo.member_ids(session, item.initiative_id):
                    language = await posts.language_of(session, member, default)
                    gettext = get_translator(language).gettext
                    text = _card_text(gettext, item.direction, item.text, helper_name, user.first_name or "?")
                    markup = InlineKeyboardMarkup([[InlineKeyboardButton(gettext("✅ Accepteren"), callback_data=f"tg:a:{response.id}"),
                                                    InlineKeyboardButton(gettext("Nee dank je"), callback_data=f"tg:d:{response.id}")]])
                    await outbox.enqueue(session, member, "together", text, card_key(response.id, member), now, reply_markup=markup.to_dict())
    if outcome == "gone":
        await query.answer(_closed_text(context, item.status if item is not None else None), show_alert=True)
        return
    if outcome == "denied":
        await query.answer(_("Alleen leden van een ander actief initiatief kunnen hierop reageren."), show_alert=True)
        return
    await query.answer()
    if outcome == "already":
        await query.message.reply_text(_("Je hebt hier al op gereageerd. Je hoort het als ze antwoorden."))
        return
    context.bot_data.outbox.wake()
    await query.message.reply_text(_("Dank je! {initiative} krijgt je reactie. Als ze die aannemen, krijg je hun contact.").format(
        initiative=escape(asker_name)))


def _closed_text(context: KnooppuntContext, status: str | None) -> str:
    """Why an item's button does nothing any more: settled, expired, or gone."""
    _ = context.gettext
    if status == rules.SETTLED:
        return _("Dit is al geregeld. Reageren kan niet meer.")
    if status in (rules.EXPIRED, rules.OPEN):  # open but past its last day: it expires within the hour
        return _("De datum is voorbij. Reageren kan niet meer.")
    return _("Deze vraag of dit aanbod bestaat niet meer.")


def _card_text(gettext, direction: str, text: str, helper: str, member: str) -> str:  # noqa: ANN001
    _ = gettext
    template = _("🙋 <b>{initiative}</b> kan helpen met jullie vraag:") if direction == rules.ASK else _(
        "🙋 <b>{initiative}</b> heeft interesse in jullie aanbod:")
    return "\n".join([template.format(initiative=escape(helper)), f"<i>{escape(text)}</i>", "",
                      _("Van: {member}").format(member=escape(member)), "",
                      _("Neem je het aan? Dan krijgen jullie elkaars contact.")])


async def decide(update: Update, context: KnooppuntContext) -> None:
    """Accept or decline a response: only members of the asking (active) initiative."""
    query = update.callback_query
    _ = context.gettext
    user = update.effective_user
    action = "accept" if query.data.startswith("tg:a:") else "decline"
    response_id = db_id_field(query.data, 2)
    now = context.now()
    default = context.settings.default_language
    async with context.session() as session:
        response = await repo.get_response(session, response_id) if response_id else None
        item = await repo.get_item(session, response.item_id) if response is not None else None
        allowed = item is not None and await repo.is_active_member(session, user.id, item.initiative_id)
        if not allowed:
            audit.record_denied(session, user.id, f"together.{action}", "together_response", response_id)
            outcome = "denied"
        elif not await repo.decide_response(session, response.id, action, user.id, now):
            outcome = "already"
            decided = (await repo.get_response(session, response.id)).status  # type: ignore[union-attr]
        else:
            outcome = action
            audit.record(session, user.id, f"together.{action}ed" if action == "accept" else "together.declined",
                         "together_response", response.id, item=item.id)
            await outbox.cancel(session, card_key(response.id), "decided")
            asker = await repo.initiative_name(session, item.initiative_id)
            helper_user = await users.get_user(session, response.user_id)
            helper_initiative = await repo.initiative_name(session, response.initiative_id)
            language = await posts.language_of(session, response.user_id, default)
            gettext = get_translator(language).gettext
            if action == "accept":
                me = await users.get_user(session, user.id)
                contact = rules.contact_link(user.id, user.first_name or (me.first_name if me else None), user.username)
                note = gettext("🤝 {initiative} neemt je reactie aan op: <i>{text}</i>\nNeem contact op met {contact}.").format(
                    initiative=escape(asker), text=escape(item.text), contact=contact)
                helper_contact = rules.contact_link(response.user_id, helper_user.first_name if helper_user else None, response.username)
            else:
                note = gettext("{initiative} heeft nu geen hulp nodig bij: <i>{text}</i>\nDank je wel voor je aanbod!").format(
                    initiative=escape(asker), text=escape(item.text))
            await outbox.enqueue(session, response.user_id, "together", note, f"decision:tgr:{response.id}", now)
    if outcome == "denied":
        await query.answer(_("Dit mag je niet doen."), show_alert=True)
        return
    await query.answer()
    if outcome == "already":
        await query.message.reply_text(
            _("Deze reactie is al aangenomen. Er is niets veranderd.") if decided == rules.ACCEPTED
            else _("Deze reactie is al afgeslagen. Er is niets veranderd."))
        return
    context.bot_data.outbox.wake()
    if outcome == "accept":
        text = _("✅ Aangenomen. Neem contact op met {contact} van {initiative}. Zij krijgen jouw contact ook.").format(
            contact=helper_contact, initiative=escape(helper_initiative))
        markup = InlineKeyboardMarkup([[InlineKeyboardButton(_("✅ Geregeld"), callback_data=f"tg:s:{item.id}")]])
    else:
        text = _("Oké, je hebt het aanbod van {initiative} afgeslagen. Zij krijgen een vriendelijk bericht.").format(
            initiative=escape(helper_initiative))
        markup = None
    await show_result(update, context, text, markup)


# -- settled, extended ---------------------------------------------------------------------------


async def settle(update: Update, context: KnooppuntContext) -> None:
    query = update.callback_query
    _ = context.gettext
    user_id = update.effective_user.id
    item_id = db_id_field(query.data, 2)
    async with context.session() as session:
        item = await repo.get_item(session, item_id) if item_id else None
        allowed = item is not None and await repo.is_active_member(session, user_id, item.initiative_id)
        if not allowed:
            audit.record_denied(session, user_id, "together.settle", "together_item", item_id)
            done = False
        else:
            done = await repo.settle(session, item.id, user_id, context.now())
            if done:
                audit.record(session, user_id, "together.settled", "together_item", item.id)
    if not allowed:
        await query.answer(_("Dit mag je niet doen."), show_alert=True)
        return
    await query.answer()
    if not done:
        await query.message.reply_text(_("Dit is al geregeld. Er is niets veranderd.") if item.status == rules.SETTLED
                                       else _("Dit is al verlopen. Er is niets veranderd."))
        return
    await posts.update_group_posts(context.application, context.bot_data.session_factory, item.id)
    await show_result(update, context, _("✅ Geregeld! Het staat niet meer in de lijsten. Fijn dat het gelukt is."))


async def extend(update: Update, context: KnooppuntContext) -> None:
    query = update.callback_query
    _ = context.gettext
    user_id = update.effective_user.id
    item_id = db_id_field(query.data, 2)
    async with context.session() as session:
        item = await repo.get_item(session, item_id) if item_id else None
        allowed = item is not None and await repo.is_active_member(session, user_id, item.initiative_id)
        if not allowed:
            audit.record_denied(session, user_id, "together.extend", "together_item", item_id)
            new_expiry = None
        else:
            new_expiry = await repo.extend(session, item.id, context.now())
            if new_expiry is not None:
                audit.record(session, user_id, "together.extended", "together_item", item.id)
    if not allowed:
        await query.answer(_("Dit mag je niet doen."), show_alert=True)
        return
    await query.answer()
    if new_expiry is None:
        await query.message.reply_text(_("Verlengen kan één keer, en alleen zolang het nog openstaat."))
        return
    from domain.datefmt import format_day

    day = format_day(rules.last_day(new_expiry, context.settings.timezone), locale=context.language)
    await show_result(update, context, _("⏳ Verlengd tot en met {day}.").format(day=escape(day)))


# -- /mijn -----------------------------------------------------------------------------------------


async def mine_section(context: KnooppuntContext, initiative_id: int) -> tuple[list[str], list[list[InlineKeyboardButton]]]:
    """What /mijn adds to an initiative's card: its open requests and offers, its co-organised activities."""
    _ = context.gettext
    tz = context.settings.timezone
    now = context.now()
    async with context.read_session() as session:
        items = await repo.listed_items(session, now, initiative_id=initiative_id)
        together = await repo.coorganised_activities(session, initiative_id, now)
    lines: list[str] = []
    rows: list[list[InlineKeyboardButton]] = []
    if items:
        lines.append("<b>" + escape(_("Jullie vraag & aanbod")) + "</b>")
        for item in items:
            lines.append("• " + rules.item_line(item, context.translator, context.language, tz))
            rows.append([InlineKeyboardButton(_("✅ Geregeld: {text}").format(text=truncate(item.text, 30)), callback_data=f"tg:s:{item.item_id}")])
    if together:
        lines.append("<b>" + escape(_("Samen georganiseerd")) + "</b>")
        lines += [f"• {escape(activity.title)}" for activity in together]
        # Where this initiative is the co-organiser (not the poster), it can leave from here too.
        rows += [[InlineKeyboardButton(_("🚪 Niet meer samen: {title}").format(title=truncate(activity.title, 30)),
                                       callback_data=f"tc:l:{activity.id}:{initiative_id}")]
                 for activity in together if activity.initiative_id != initiative_id]
    return lines, rows


# -- /vraagaanbod -------------------------------------------------------------------------------


async def _list_view(context: KnooppuntContext, network_id: int, number: int) -> tuple[str, InlineKeyboardMarkup]:
    _ = context.gettext
    tz = context.settings.timezone
    async with context.read_session() as session:
        found = await repo.listed_items(session, context.now(), network_id=network_id or None)
        all_networks = await repo.networks(session)
    names = {n.id: n.name for n in all_networks}
    title = _("Vraag & aanbod") + (f" – {names[network_id]}" if network_id in names else "")
    page = page_of(found, number, LIST_PAGE)
    lines = [page_heading(_, escape(title), page)]
    if not found:
        lines.append(_("Er staat nu niets open. Vraag iets met /vraag of bied iets aan met /aanbod."))
    current_kind = None
    rows: list[list[InlineKeyboardButton]] = []
    for item in page.items:
        if item.kind != current_kind:
            current_kind = item.kind
            lines += ["", escape(_(rules.kind_label(item.kind)))]
        lines.append("• " + rules.item_line(item, context.translator, context.language, tz))
        label = ("🙋 " if item.direction == rules.ASK else "🎁 ") + truncate(item.text, 40)
        rows.append([InlineKeyboardButton(label, callback_data=f"tg:v:{item.item_id}")])
    if nav := page_buttons(_, page, f"tl:{network_id}:"):
        rows.append(nav)
    filters_row = [InlineKeyboardButton(("✅ " if network_id == 0 else "") + _("Alle"), callback_data="tl:0:0")]
    filters_row += [InlineKeyboardButton(("✅ " if n.id == network_id else "") + n.name, callback_data=f"tl:{n.id}:0") for n in all_networks]
    rows += [filters_row[i:i + 3] for i in range(0, len(filters_row), 3)]
    return "\n".join(lines), InlineKeyboardMarkup(rows)


async def list_command(update: Update, context: KnooppuntContext) -> None:
    text, markup = await _list_view(context, 0, 0)
    await update.effective_message.reply_text(text, reply_markup=markup)


async def list_page(update: Update, context: KnooppuntContext) -> None:
    query = update.callback_query
    await query.answer()
    parts = query.data.split(":")
    network_id = db_id(parts[1]) if len(parts) == 3 else None
    text, markup = await _list_view(context, network_id or 0, page_number(parts[2] if len(parts) == 3 else None))
    await show_result(update, context, text, markup)


# -- expiry and the reminder the day before ------------------------------------------------------


async def expiry_round(application: Application) -> tuple[int, int]:
    """Queue reminders for items whose last day is tomorrow, expire items past it; (reminded, expired).

    Idempotent: a reminder's outbox key names the item and its expiry, an expired item is
    expired once (conditional update), so two processes or a restart do nothing twice.
    """
    services = application.bot_data
    now = services.now()
    default = services.settings.default_language
    tz = services.settings.timezone
    reminded = 0
    async with services.session_factory.begin() as session:
        for item in await repo.due_for_reminder(session, now):
            name = await repo.initiative_name(session, item.initiative_id)
            for member in await repo.member_ids(session, item.initiative_id):
                language = await posts.language_of(session, member, default)
                gettext = get_translator(language).gettext
                text = "\n\n".join([gettext("⏳ Morgen is de laatste dag van jullie vraag of aanbod. Nog nodig? Verleng het één keer met twee weken."),
                                    posts.item_text(item, name, gettext, language, tz)])
                markup = InlineKeyboardMarkup([[InlineKeyboardButton(gettext("⏳ Verlengen"), callback_data=f"tg:x:{item.id}"),
                                                InlineKeyboardButton(gettext("✅ Geregeld"), callback_data=f"tg:s:{item.id}")]])
                reminded += await outbox.enqueue(session, member, "together", text,
                                                 f"together:remind:{item.id}:{item.expires_at:%Y%m%d}:{member}", now,
                                                 reply_markup=markup.to_dict(), expires_at=item.expires_at)
        expired = await repo.expire_due(session, now)
        for item_id in expired:
            audit.record(session, None, "together.expired", "together_item", item_id)
    for item_id in expired:
        await posts.update_group_posts(application, services.session_factory, item_id)
    if reminded:
        services.outbox.wake()
    return reminded, len(expired)


async def _expiry_job(context: KnooppuntContext) -> None:
    reminded, expired = await expiry_round(context.application)
    if reminded or expired:
        logger.info("Vraag & aanbod: %s reminders queued, %s items expired", reminded, expired)


async def on_startup(application: Application) -> None:
    if application.job_queue is None:
        return
    application.job_queue.run_repeating(
        _expiry_job, interval=EXPIRY_EVERY, first=120, name=EXPIRY_JOB,
        job_kwargs={"id": EXPIRY_JOB, "replace_existing": True, "misfire_grace_time": 600, "coalesce": True},
    )


register_deep_link(posts.DEEP_LINK, open_from_link)


def register(application: Application) -> None:
    application.add_handler(CommandHandler(["vraagaanbod", "exchange"], list_command, filters=PRIVATE))
    application.add_handler(CallbackQueryHandler(list_page, pattern=r"^tl:"))
    application.add_handler(CallbackQueryHandler(view, pattern=r"^tg:v:"))
    application.add_handler(CallbackQueryHandler(respond, pattern=r"^tg:h:"))
    application.add_handler(CallbackQueryHandler(decide, pattern=r"^tg:[ad]:"))
    application.add_handler(CallbackQueryHandler(settle, pattern=r"^tg:s:"))
    application.add_handler(CallbackQueryHandler(extend, pattern=r"^tg:x:"))
