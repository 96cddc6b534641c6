"""/vraag (/ask) and /aanbod (/offer): a member of an active initiative asks or offers something.

Steps: which initiative (only when they have several), kind (buttons), a short text, until when
(a date, read by domain.when; two readings become buttons), which networks (default: the
initiative's own), then a read-back and "Plaatsen". Posting queues one message per linked group
of those networks in the outbox, in the same transaction.
"""

from __future__ import annotations

from datetime import date

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import Application, CallbackQueryHandler, CommandHandler, ConversationHandler, MessageHandler, filters

from bot.context import KnooppuntContext
from bot.i18n import N_
from domain import together as rules
from domain.datefmt import format_day
from domain.i18n_markers import NN_
from domain.ids import db_id
from domain.when import WhenError
from handlers.core.common import PRIVATE, MenuCommand, Steps, add_conversation, escape
from handlers.together import posts
from storage.repositories import audit
from storage.repositories import together as repo

COMMANDS = [
    MenuCommand("vraag", N_("Iets vragen aan andere initiatieven"), private=True, audience="volunteer", english="ask"),
    MenuCommand("aanbod", N_("Iets aanbieden aan andere initiatieven"), private=True, audience="volunteer", english="offer"),
    MenuCommand("vraagaanbod", N_("Vraag & aanbod van initiatieven bekijken"), private=True, audience="volunteer", english="exchange"),
]
INITIATIVE, KIND, TEXT, UNTIL, NETWORKS, CONFIRM = range(60, 66)
END = ConversationHandler.END
DRAFT = "together_draft"
NAME = "vraag_aanbod"


# The limit on open items, counted through ngettext; NN_ marks the pair for the extractor.
OPEN_LIMIT = NN_(
    "Je initiatief heeft al {max} open vraag of aanbieding. Zet die eerst op 'geregeld' bij /mijn.",
    "Je initiatief heeft al {max} open vragen en aanbiedingen. Zet er eerst een op 'geregeld' bij /mijn.",
)


def _draft(context: KnooppuntContext) -> dict:
    return context.user_data.setdefault(DRAFT, {})


async def _start(update: Update, context: KnooppuntContext, direction: str) -> int:
    _ = context.gettext
    context.user_data[DRAFT] = {"direction": direction}
    now = context.now()
    async with context.session() as session:
        mine = await repo.active_initiatives_of(session, update.effective_user.id)
        with_room = [(i.id, i.name) for i in mine if rules.room_for_another(await repo.open_count(session, i.id, now))]
    if not mine:
        context.user_data.pop(DRAFT, None)
        await update.effective_message.reply_text(
            _("Vraag en aanbod is voor leden van een actief initiatief. Meld je initiatief aan met /aanmelden."))
        return END
    if not with_room:
        context.user_data.pop(DRAFT, None)
        await update.effective_message.reply_text(
            context.ngettext(*OPEN_LIMIT, rules.MAX_OPEN_PER_INITIATIVE).format(max=rules.MAX_OPEN_PER_INITIATIVE))
        return END
    if len(mine) == 1:
        _draft(context).update(initiative_id=with_room[0][0], initiative_name=with_room[0][1])
        STEPS.begin_at(context, KIND)
        return await ask(update, context, KIND)
    _draft(context)["choices"] = dict(with_room)
    STEPS.begin_at(context, INITIATIVE)
    return await ask(update, context, INITIATIVE)


async def start_ask(update: Update, context: KnooppuntContext) -> int:
    return await _start(update, context, rules.ASK)


async def start_offer(update: Update, context: KnooppuntContext) -> int:
    return await _start(update, context, rules.OFFER)


async def ask(update: Update, context: KnooppuntContext, state: object) -> int:
    """The question of `state` (going forward, and again after a wrong answer or /terug)."""
    _ = context.gettext
    d = _draft(context)
    hint = "\n\n" + STEPS.hint(context, state)
    message = update.effective_message
    if state == INITIATIVE:
        rows = [[InlineKeyboardButton(name, callback_data=f"tq:i:{initiative_id}")] for initiative_id, name in d.get("choices", {}).items()]
        await message.reply_text(_("Voor welk initiatief?") + hint, reply_markup=InlineKeyboardMarkup(rows))
        return INITIATIVE
    if state == KIND:
        buttons = [InlineKeyboardButton(_(label), callback_data=f"tq:k:{code}") for code, label in rules.KINDS.items()]
        question = _("Wat zoek je?") if d["direction"] == rules.ASK else _("Wat bied je aan?")
        await message.reply_text(question + hint, reply_markup=InlineKeyboardMarkup([buttons[i:i + 2] for i in range(0, len(buttons), 2)]))
        return KIND
    if state == TEXT:
        example = _("Bijvoorbeeld: Wie kan ons zaterdag een partytent lenen?") if d["direction"] == rules.ASK else _(
            "Bijvoorbeeld: Onze zaal is op dinsdagavond vrij voor een taalcafé.")
        await message.reply_text(context.ngettext("Beschrijf het kort, in hoogstens {max} teken.", "Beschrijf het kort, in hoogstens {max} tekens.",
                                                    rules.TEXT_MAX).format(max=rules.TEXT_MAX) + "\n" + example + hint)
        return TEXT
    if state == UNTIL:
        await message.reply_text(_("Tot wanneer is het nodig? Typ een datum, bijvoorbeeld: zaterdag, 12 december of 31-1.") + hint)
        return UNTIL
    if state == NETWORKS:
        await message.reply_text(_("Welke netwerken mogen het zien? Tik om aan of uit te zetten.") + hint,
                                 reply_markup=await _network_markup(context))
        return NETWORKS
    await message.reply_text(_readback(context) + hint, reply_markup=InlineKeyboardMarkup(
        [[InlineKeyboardButton(_("✅ Plaatsen"), callback_data="tq:ok")]]))
    return CONFIRM


async def _network_markup(context: KnooppuntContext) -> InlineKeyboardMarkup:
    _ = context.gettext
    chosen = set(_draft(context).get("networks", []))
    async with context.read_session() as session:
        found = await repo.networks(session)
    rows = [[InlineKeyboardButton(("✅ " if n.id in chosen else "▫️ ") + n.name, callback_data=f"tq:n:{n.id}")] for n in found]
    rows.append([InlineKeyboardButton(_("Alle netwerken"), callback_data="tq:n:all"), InlineKeyboardButton(_("Klaar ✔️"), callback_data="tq:n:done")])
    return InlineKeyboardMarkup(rows)


def _readback(context: KnooppuntContext) -> str:
    _ = context.gettext
    d = _draft(context)
    title = _("<b>Jullie vraag</b>") if d["direction"] == rules.ASK else _("<b>Jullie aanbod</b>")
    until = format_day(date.fromisoformat(d["until"]), locale=context.language)
    return "\n".join([
        title,
        _("Initiatief: {name}").format(name=escape(d["initiative_name"])),
        _("Soort: {kind}").format(kind=escape(_(rules.kind_label(d["kind"])))),
        _("Tekst: {text}").format(text=escape(d["text"])),
        _("Tot en met: {day}").format(day=escape(until)),
        _("Netwerken: {names}").format(names=escape(", ".join(d.get("network_names", [])))),
        "",
        _("Klopt dit? Tik op Plaatsen."),
    ])


async def chose_initiative(update: Update, context: KnooppuntContext) -> int:
    query = update.callback_query
    await query.answer()
    d = _draft(context)
    initiative_id = db_id(query.data.removeprefix("tq:i:"))
    if initiative_id not in d.get("choices", {}):
        return await ask(update, context, INITIATIVE)
    d.update(initiative_id=initiative_id, initiative_name=d["choices"][initiative_id])
    return await ask(update, context, KIND)


async def chose_kind(update: Update, context: KnooppuntContext) -> int:
    query = update.callback_query
    await query.answer()
    kind = query.data.removeprefix("tq:k:")
    if kind not in rules.KINDS:
        return await ask(update, context, KIND)
    _draft(context)["kind"] = kind
    return await ask(update, context, TEXT)


async def use_buttons(update: Update, context: KnooppuntContext) -> int:
    """Typed text where a button is the answer: say so, and ask the same question again."""
    state = await STEPS.state(update, context)
    await update.effective_message.reply_text(context.gettext("Kies met de knoppen hierboven."))
    return await ask(update, context, state if state in (INITIATIVE, KIND, NETWORKS, CONFIRM) else KIND)


async def got_text(update: Update, context: KnooppuntContext) -> int:
    _ = context.gettext
    text = update.effective_message.text or ""
    problem = rules.text_problem(text)
    if problem == "short":
        await update.effective_message.reply_text(_("Dat is wel erg kort. Schrijf in een paar woorden wat je zoekt of aanbiedt."))
        return TEXT
    if problem == "long":
        length = len(rules.clean_text(text))
        await update.effective_message.reply_text(
            context.ngettext("Je tekst heeft {n} teken.", "Je tekst heeft {n} tekens.", length).format(n=length) + " "
            + _("Maak hem korter: hoogstens {max} tekens.").format(max=rules.TEXT_MAX))
        return TEXT
    _draft(context)["text"] = rules.clean_text(text)
    return await ask(update, context, UNTIL)


async def _set_until(update: Update, context: KnooppuntContext, day: date) -> int:
    _ = context.gettext
    today = context.now().astimezone(context.settings.timezone).date()
    problem = rules.until_problem(day, today)
    if problem == "past":
        await update.effective_message.reply_text(_("Die datum is al voorbij. Typ een datum vanaf vandaag."))
        return UNTIL
    if problem == "far":
        await update.effective_message.reply_text(_("Dat is te ver weg. Kies een datum binnen een half jaar."))
        return UNTIL
    d = _draft(context)
    d["until"] = day.isoformat()
    if "networks" not in d:
        async with context.read_session() as session:
            d["networks"] = await repo.initiative_network_ids(session, d["initiative_id"])
    return await ask(update, context, NETWORKS)


async def got_until(update: Update, context: KnooppuntContext) -> int:
    _ = context.gettext
    text = " ".join((update.effective_message.text or "").split())[:80]
    tz = context.settings.timezone
    try:
        day = rules.read_last_day(text, context.now(), tz, context.language)
    except WhenError as error:
        days = sorted({option.start.astimezone(tz).date() for option in error.options})[:2]
        if error.reason == "ambiguous" and len(days) == 2:
            _draft(context)["until_choices"] = [day.isoformat() for day in days]
            buttons = [InlineKeyboardButton(format_day(day, locale=context.language), callback_data=f"tq:u:{index}")
                       for index, day in enumerate(days)]
            await update.effective_message.reply_text(_("Welke datum bedoel je?"), reply_markup=InlineKeyboardMarkup([buttons]))
            return UNTIL
        if error.reason == "in_past":
            await update.effective_message.reply_text(_("Die datum is al voorbij. Typ een datum vanaf vandaag."))
            return UNTIL
        await update.effective_message.reply_text(
            _("Die datum kan ik niet lezen. Typ bijvoorbeeld: zaterdag, 12 december of 31-1."))
        return UNTIL
    return await _set_until(update, context, day)


async def chose_until(update: Update, context: KnooppuntContext) -> int:
    query = update.callback_query
    await query.answer()
    choices = _draft(context).pop("until_choices", [])
    index = query.data.removeprefix("tq:u:")
    if index not in ("0", "1") or int(index) >= len(choices):
        await query.message.reply_text(context.gettext("Die knop hoort bij een oudere vraag. Typ de datum opnieuw."))
        return UNTIL
    return await _set_until(update, context, date.fromisoformat(choices[int(index)]))


async def toggle_network(update: Update, context: KnooppuntContext) -> int:
    query = update.callback_query
    await query.answer()
    d = _draft(context)
    choice = query.data.removeprefix("tq:n:")
    async with context.read_session() as session:
        known = {n.id: n.name for n in await repo.networks(session)}
    chosen = set(d.get("networks", []))
    if choice == "done":
        if not chosen & set(known):
            await query.message.reply_text(context.gettext("Kies minstens één netwerk."))
            return NETWORKS
        d["networks"] = sorted(chosen & set(known))
        d["network_names"] = sorted(known[n] for n in d["networks"])
        return await ask(update, context, CONFIRM)
    if choice == "all":
        chosen = set(known)
    else:
        network_id = db_id(choice)
        if network_id in known:
            chosen ^= {network_id}
    d["networks"] = sorted(chosen)
    await query.edit_message_reply_markup(reply_markup=await _network_markup(context))
    return NETWORKS


async def confirm(update: Update, context: KnooppuntContext) -> int:
    """Post: authorised again (still a member, initiative still active, still room)."""
    query = update.callback_query
    await query.answer()
    _ = context.gettext
    d = context.user_data.pop(DRAFT, None)
    if not d or "networks" not in d:
        return END
    user_id = update.effective_user.id
    now = context.now()
    tz = context.settings.timezone
    async with context.session() as session:
        if not await repo.is_active_member(session, user_id, d["initiative_id"]):
            audit.record_denied(session, user_id, "together.post", "initiative", d["initiative_id"])
            refused = _("Dat mag je niet doen. Je bent geen lid (meer) van een actief initiatief.")
        elif not rules.room_for_another(await repo.open_count(session, d["initiative_id"], now)):
            refused = context.ngettext(*OPEN_LIMIT, rules.MAX_OPEN_PER_INITIATIVE).format(max=rules.MAX_OPEN_PER_INITIATIVE)
        else:
            refused = None
            item = await repo.create_item(
                session, initiative_id=d["initiative_id"], direction=d["direction"], kind=d["kind"], text=d["text"],
                expires_at=rules.expires_at(date.fromisoformat(d["until"]), tz), network_ids=d["networks"],
                created_by=user_id, now=now)
            audit.record(session, user_id, "together.posted", "together_item", item.id, direction=d["direction"], kind=d["kind"],
                         networks=d["networks"])
            groups = await posts.queue_group_posts(session, context.application, item, d["initiative_name"])
            item_id = item.id
    if refused:
        await query.message.reply_text(refused)
        return END
    context.bot_data.outbox.wake()
    await query.message.reply_text(
        context.ngettext("Geplaatst! Het gaat naar {n} groep. Je ziet het terug bij /vraagaanbod en /mijn.",
                         "Geplaatst! Het gaat naar {n} groepen. Je ziet het terug bij /vraagaanbod en /mijn.", groups).format(n=groups),
        reply_markup=InlineKeyboardMarkup([[InlineKeyboardButton(_("✅ Geregeld"), callback_data=f"tg:s:{item_id}")]]))
    return END


async def stop(update: Update, context: KnooppuntContext) -> int:
    context.user_data.pop(DRAFT, None)
    await update.effective_message.reply_text(context.gettext("Gestopt. Er is niets geplaatst."))
    return END


async def back(update: Update, context: KnooppuntContext) -> int:
    order = [INITIATIVE, KIND, TEXT, UNTIL, NETWORKS, CONFIRM]
    state = await STEPS.state(update, context)
    index = order.index(state) if state in order else 1
    previous = order[max(index - 1, 0)]
    if previous == INITIATIVE and "choices" not in _draft(context):
        previous = KIND
    return await ask(update, context, previous)


STEPS = Steps(NAME, N_("je vraag of aanbod"), ask)


def register(application: Application) -> None:
    text = PRIVATE & filters.TEXT & ~filters.COMMAND
    add_conversation(
        application,
        lambda: ConversationHandler(
            entry_points=[CommandHandler(["vraag", "ask"], start_ask, filters=PRIVATE),
                          CommandHandler(["aanbod", "offer"], start_offer, filters=PRIVATE)],
            states={
                INITIATIVE: [CallbackQueryHandler(chose_initiative, pattern=r"^tq:i:"), MessageHandler(text, use_buttons)],
                KIND: [CallbackQueryHandler(chose_kind, pattern=r"^tq:k:"), MessageHandler(text, use_buttons)],
                TEXT: [MessageHandler(text, got_text)],
                UNTIL: [MessageHandler(text, got_until), CallbackQueryHandler(chose_until, pattern=r"^tq:u:")],
                NETWORKS: [CallbackQueryHandler(toggle_network, pattern=r"^tq:n:"), MessageHandler(text, use_buttons)],
                CONFIRM: [CallbackQueryHandler(confirm, pattern=r"^tq:ok$"), MessageHandler(text, use_buttons)],
            },
            fallbacks=STEPS.fallbacks(stop, back),
            name=NAME,
            allow_reentry=True,
        ),
    )
