"""/idee (/idea): a resident sends an idea or need for their buurt, in five short steps.

What (at most 500 characters), theme (buttons), buurt (buttons, a postcode or a shared location),
how they are shown ("een bewoner van Spangen" or their first name), then a read-back before it is
sent. Free text such as "ik heb een idee" starts it too (domain.intent's IDEA route). At most
three new signals per person per day. A sent signal goes to the buurt's coordinators as a card
(handlers.voice.moderation).
"""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.ext import Application, CallbackQueryHandler, CommandHandler, ConversationHandler, MessageHandler, filters

from bot.context import KnooppuntContext
from bot.i18n import N_
from domain import gazetteer, intent
from domain import voice as rules
from domain.geo import InvalidCoordinates, validate_coordinates
from domain.ids import db_id
from handlers.core.common import MenuCommand, Steps, add_conversation, escape, main_keyboard, show_result
from handlers.voice import moderation
from handlers.voice.common import wake_outbox
from storage.repositories import audit
from storage.repositories import voice as repo

COMMANDS = [
    MenuCommand("idee", N_("Stuur een idee of wens voor je buurt in"), private=True, english="idea"),
]
CONVERSATION = "idee"
END = ConversationHandler.END
WHAT, THEME, BUURT, NAME, CONFIRM = "what", "theme", "buurt", "name", "confirm"
ORDER = (WHAT, THEME, BUURT, NAME, CONFIRM)
DRAFT = "voice_draft"  # user_data: {"text", "theme", "buurt", "show"}
PRIVATE = filters.ChatType.PRIVATE
TEXT = PRIVATE & filters.TEXT & ~filters.COMMAND
NOT_TEXT = PRIVATE & ~filters.TEXT & ~filters.COMMAND & ~filters.LOCATION & ~filters.StatusUpdate.ALL


class _IdeaText(filters.MessageFilter):
    """Free text that domain.intent reads as "I have an idea" (in any of our languages)."""

    def filter(self, message: Message) -> bool:
        return bool(message.text) and intent.understand(message.text).route == intent.IDEA


IDEA_TEXT = _IdeaText(name="idea_text")


def _draft(context: KnooppuntContext) -> dict:
    return context.user_data.setdefault(DRAFT, {})


def _hint(context: KnooppuntContext, state: str) -> str:
    return STEPS.hint(context, state)


def _rows(buttons: list[InlineKeyboardButton], per_row: int) -> list[list[InlineKeyboardButton]]:
    return [buttons[i : i + per_row] for i in range(0, len(buttons), per_row)]


def buurt_buttons(prefix: str, names: list[str] | None = None) -> list[list[InlineKeyboardButton]]:
    """A button per buurt (all of Delfshaven, or `names`); the data carries its place in gazetteer.buurten() + 1."""
    everyone = gazetteer.buurten()
    chosen = [(i, b) for i, b in enumerate(everyone) if names is None or b.name in names]
    return _rows([InlineKeyboardButton(b.name, callback_data=f"{prefix}{i + 1}") for i, b in chosen], 2)


def buurt_from_data(data: str) -> str | None:
    """The buurt name of a button made by buurt_buttons; None for anything forged or old."""
    index = db_id(data.rsplit(":", 1)[-1])
    everyone = gazetteer.buurten()
    return everyone[index - 1].name if index is not None and index <= len(everyone) else None


def _author_name(update: Update) -> str | None:
    user = update.effective_user
    return (user.first_name or "").strip()[:64] or None if user else None


async def ask(update: Update, context: KnooppuntContext, state: object) -> None:
    """Ask the question of `state` (also after /terug, or when a main button interrupted)."""
    _ = context.gettext
    draft = _draft(context)
    chat_id = update.effective_chat.id
    markup: InlineKeyboardMarkup | None = None
    if state == WHAT:
        text = "\n".join([
            _("💡 <b>Je idee voor de buurt</b>"),
            _("Wat wil je voorstellen, of wat mist er in je buurt? Schrijf het in een paar zinnen (maximaal {limit} tekens).").format(
                limit=rules.MAX_SIGNAL_CHARS),
            _("Noem geen namen, adressen of telefoonnummers van anderen."),
        ])
    elif state == THEME:
        text = _("Over welk thema gaat het?")
        markup = InlineKeyboardMarkup(_rows(
            [InlineKeyboardButton(theme.label(context.translator), callback_data=f"vi:t:{theme.code}") for theme in rules.THEMES], 2))
    elif state == BUURT:
        text = _("Over welke buurt gaat het? Kies een buurt, typ een postcode of deel je locatie met 📍.")
        markup = InlineKeyboardMarkup(buurt_buttons("vi:b:"))
    elif state == NAME:
        buurt = draft.get("buurt", "")
        text = _("Hoe zien anderen wie het schreef?")
        rows = [[InlineKeyboardButton(_("👤 Als: {who}").format(who=rules.author_line(buurt, None, False, context.translator)),
                                      callback_data="vi:n:0")]]
        first_name = _author_name(update)
        if first_name:
            rows.append([InlineKeyboardButton(_("🙋 Met mijn voornaam: {name}").format(name=first_name), callback_data="vi:n:1")])
        markup = InlineKeyboardMarkup(rows)
    else:
        text = read_back(update, context)
        markup = InlineKeyboardMarkup([
            [InlineKeyboardButton(_("✅ Versturen"), callback_data="vi:send")],
            [InlineKeyboardButton(_("✏️ Opnieuw schrijven"), callback_data="vi:again")],
        ])
    await context.bot.send_message(chat_id, text + "\n\n" + _hint(context, str(state)), reply_markup=markup)


def read_back(update: Update, context: KnooppuntContext) -> str:
    _ = context.gettext
    draft = _draft(context)
    who = rules.author_line(draft["buurt"], _author_name(update), bool(draft.get("show")), context.translator)
    return "\n".join([
        _("<b>Klopt dit?</b>"),
        "",
        f"<i>{escape(draft['text'])}</i>",
        "",
        _("Thema: {theme}").format(theme=escape(rules.theme_label(draft["theme"], context.translator))),
        _("Buurt: {buurt}").format(buurt=escape(draft["buurt"])),
        _("Anderen zien: {who}").format(who=escape(who)),
        "",
        _("Een coördinator kijkt er eerst naar. Daarna staat het op /stem en kan de buurt het steunen."),
    ])


def limit_text(context: KnooppuntContext) -> str:
    return context.ngettext(
        "Je hebt vandaag al {count} idee gestuurd. Dat is het maximum per dag. Morgen kan het weer.",
        "Je hebt vandaag al {count} ideeën gestuurd. Dat is het maximum per dag. Morgen kan het weer.",
        rules.MAX_SIGNALS_PER_DAY,
    ).format(count=rules.MAX_SIGNALS_PER_DAY)


async def _limit_reached(update: Update, context: KnooppuntContext) -> bool:
    now = context.now()
    async with context.read_session() as session:
        sent = await repo.count_submitted_since(session, update.effective_user.id, rules.day_start_utc(now, context.settings.timezone))
    if rules.may_submit(sent):
        return False
    await context.bot.send_message(update.effective_chat.id, limit_text(context))
    return True


async def start(update: Update, context: KnooppuntContext) -> str | int:
    context.user_data.pop(DRAFT, None)
    if await _limit_reached(update, context):
        return END
    STEPS.begin_at(context, WHAT)
    await ask(update, context, WHAT)
    return WHAT


async def got_what(update: Update, context: KnooppuntContext) -> str:
    text = update.effective_message.text or ""
    try:
        cleaned = rules.check_signal_text(text)
    except rules.SignalTextError as error:
        await update.effective_message.reply_text(
            context.gettext(error.message).format(count=len(rules.clean_text(text)), limit=error.limit)
        )
        return WHAT
    _draft(context)["text"] = cleaned
    await ask(update, context, THEME)
    return THEME


async def not_text(update: Update, context: KnooppuntContext) -> None:
    """A photo, voice message or sticker halfway: words only, then the question again."""
    await update.effective_message.reply_text(context.gettext("Ik kan alleen tekst lezen. Typ je antwoord, of kies een knop."))
    await ask(update, context, (await STEPS.state(update, context)) or WHAT)


async def use_buttons(update: Update, context: KnooppuntContext) -> None:
    await update.effective_message.reply_text(context.gettext("Kies een van de knoppen."))
    await ask(update, context, (await STEPS.state(update, context)) or WHAT)


async def got_theme(update: Update, context: KnooppuntContext) -> str:
    query = update.callback_query
    await query.answer()
    theme = rules.get_theme(query.data.rsplit(":", 1)[-1])
    if theme is None or "text" not in _draft(context):
        await use_buttons(update, context)
        return THEME
    _draft(context)["theme"] = theme.code
    await show_result(update, context, context.gettext("Thema: {theme}").format(theme=escape(theme.label(context.translator))))
    await ask(update, context, BUURT)
    return BUURT


async def _buurt_chosen(update: Update, context: KnooppuntContext, buurt: str) -> str:
    _draft(context)["buurt"] = buurt
    await ask(update, context, NAME)
    return NAME


async def got_buurt_button(update: Update, context: KnooppuntContext) -> str:
    query = update.callback_query
    await query.answer()
    buurt = buurt_from_data(query.data)
    if buurt is None or "theme" not in _draft(context):
        await use_buttons(update, context)
        return BUURT
    await show_result(update, context, context.gettext("Buurt: {buurt}").format(buurt=escape(buurt)))
    return await _buurt_chosen(update, context, buurt)


def buurten_for_text(text: str) -> list[str]:
    """The Delfshaven buurten a typed postcode or buurt name points at (several: ask which)."""
    found = gazetteer.geocode(text)
    if found is None:
        match = gazetteer.find_place_in_text(text)
        found = match.result if match is not None else None
    if not isinstance(found, gazetteer.Location):
        return []
    everyone = gazetteer.buurten()
    if found.pc4 and found.postcode:  # a postcode: every buurt with that PC4
        return [b.name for b in everyone if found.pc4 in b.pc4s]
    if found.buurt in {b.name for b in everyone}:
        return [found.buurt]
    key = gazetteer.normalize_text(found.buurt or found.name)  # a name shared by several ("BoTu")
    return [b.name for b in everyone if key in {gazetteer.normalize_text(alias) for alias in b.aliases}]


async def got_buurt_text(update: Update, context: KnooppuntContext) -> str:
    _ = context.gettext
    names = buurten_for_text(update.effective_message.text or "")
    if len(names) == 1:
        return await _buurt_chosen(update, context, names[0])
    if names:
        await update.effective_message.reply_text(
            _("Dat kan over meer buurten gaan. Welke bedoel je?"), reply_markup=InlineKeyboardMarkup(buurt_buttons("vi:b:", names))
        )
        return BUURT
    await update.effective_message.reply_text(
        _("Die buurt of postcode ken ik niet in Delfshaven. Kies een buurt met een knop, of typ een postcode zoals 3027.")
    )
    await ask(update, context, BUURT)
    return BUURT


async def got_location(update: Update, context: KnooppuntContext) -> str:
    location = update.effective_message.location
    try:
        lat, lon = validate_coordinates(location.latitude, location.longitude)
    except InvalidCoordinates:
        lat = lon = None
    buurt = gazetteer.buurt_for_point(lat, lon) if lat is not None and lon is not None else None
    if buurt is None:
        await update.effective_message.reply_text(
            context.gettext("Die plek ligt niet in een buurt van Delfshaven die ik ken. Kies een buurt met een knop.")
        )
        await ask(update, context, BUURT)
        return BUURT
    await update.effective_message.reply_text(
        context.gettext("Buurt: {buurt}").format(buurt=escape(buurt.name)), reply_markup=main_keyboard(context.language)
    )
    return await _buurt_chosen(update, context, buurt.name)


async def got_name(update: Update, context: KnooppuntContext) -> str:
    query = update.callback_query
    await query.answer()
    draft = _draft(context)
    if "buurt" not in draft:
        await use_buttons(update, context)
        return NAME
    draft["show"] = query.data == "vi:n:1" and _author_name(update) is not None
    who = rules.author_line(draft["buurt"], _author_name(update), draft["show"], context.translator)
    await show_result(update, context, context.gettext("Anderen zien: {who}").format(who=escape(who)))
    await ask(update, context, CONFIRM)
    return CONFIRM


async def again(update: Update, context: KnooppuntContext) -> str:
    await update.callback_query.answer()
    context.user_data.pop(DRAFT, None)
    await show_result(update, context, context.gettext("Goed, we beginnen opnieuw."))
    await ask(update, context, WHAT)
    return WHAT


async def send(update: Update, context: KnooppuntContext) -> str | int:
    query = update.callback_query
    await query.answer()
    _ = context.gettext
    draft = dict(_draft(context))
    if not {"text", "theme", "buurt"} <= set(draft):
        await show_result(update, context, _("Deze knop is verlopen. Begin opnieuw met /idee."))
        return END
    user = update.effective_user
    now = context.now()
    async with context.session() as session:
        sent = await repo.count_submitted_since(session, user.id, rules.day_start_utc(now, context.settings.timezone))
        if not rules.may_submit(sent):
            signal_id = None
        else:
            signal = await repo.add_signal(
                session, text=draft["text"], theme=draft["theme"], buurt=draft["buurt"], created_by=user.id, now=now,
                show_first_name=bool(draft.get("show")), first_name=_author_name(update), language=context.language,
            )
            signal_id = signal.id
            audit.record(session, user.id, "signal_submit", "signal", signal.id, buurt=signal.buurt, theme=signal.theme)
            await moderation.queue_cards(session, context, signal)
    context.user_data.pop(DRAFT, None)
    if signal_id is None:
        await show_result(update, context, limit_text(context))
        return END
    await show_result(update, context, "\n".join([
        _("✅ <b>Verstuurd.</b> Dank je wel!"),
        _("Een coördinator van {buurt} kijkt ernaar. Je krijgt bericht als het op /stem staat.").format(buurt=escape(draft["buurt"])),
    ]))
    wake_outbox(context)
    return END


async def stop(update: Update, context: KnooppuntContext) -> int:
    context.user_data.pop(DRAFT, None)
    await context.bot.send_message(
        update.effective_chat.id, context.gettext("Gestopt. Er is niets verstuurd. Opnieuw beginnen? Typ /idee."),
        reply_markup=main_keyboard(context.language),
    )
    return END


async def back(update: Update, context: KnooppuntContext) -> str:
    state = await STEPS.state(update, context)
    previous = ORDER[max(ORDER.index(state) - 1, 0)] if state in ORDER else WHAT
    await ask(update, context, previous)
    return previous


async def stale(update: Update, context: KnooppuntContext) -> None:
    await update.callback_query.answer(context.gettext("Deze knop is verlopen. Begin opnieuw met /idee."), show_alert=True)


STEPS = Steps(CONVERSATION, N_("je idee"), ask, takes_location=lambda context, state: state == BUURT)


def build_conversation() -> ConversationHandler:
    button = CallbackQueryHandler
    others = [MessageHandler(NOT_TEXT, not_text)]
    return ConversationHandler(
        entry_points=[
            CommandHandler(["idee", "idea"], start, filters=PRIVATE),
            MessageHandler(TEXT & IDEA_TEXT, start),
        ],
        states={
            WHAT: [MessageHandler(TEXT, got_what), *others],
            THEME: [button(got_theme, pattern=r"^vi:t:"), MessageHandler(TEXT, use_buttons), *others],
            BUURT: [button(got_buurt_button, pattern=r"^vi:b:"), MessageHandler(PRIVATE & filters.LOCATION, got_location),
                    MessageHandler(TEXT, got_buurt_text), *others],
            NAME: [button(got_name, pattern=r"^vi:n:[01]$"), MessageHandler(TEXT, use_buttons), *others],
            CONFIRM: [button(send, pattern=r"^vi:send$"), button(again, pattern=r"^vi:again$"), MessageHandler(TEXT, use_buttons),
                      *others],
        },
        # /idee again starts afresh; free text never re-enters (it may be the answer: "ik heb een idee: ...").
        fallbacks=[*STEPS.fallbacks(stop, back), CommandHandler(["idee", "idea"], start, filters=PRIVATE),
                   CallbackQueryHandler(stale, pattern=r"^vi:")],
        name=CONVERSATION,
    )


def register(application: Application) -> None:
    add_conversation(application, build_conversation)
