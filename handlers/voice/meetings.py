"""/overleg (/meeting): a coordinator records an upcoming meeting (wijkraad of a buurt,
studieontbijt, werkgroep) with its date. Two weeks before, the linked groups of the networks of
that buurt get a call for input with links to /idee and /stem, through the outbox, once (a job
scheduled from the database at start-up; `meetings.called_at` and the outbox keys make it idempotent).
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.constants import ChatType
from telegram.ext import Application, CallbackQueryHandler, CommandHandler, ConversationHandler, MessageHandler, filters

from bot.context import KnooppuntContext
from bot.i18n import N_, get_translator
from domain import datefmt, gazetteer
from domain.ids import choice_index
from domain.meetings import MEETING_KINDS, call_at, call_due, get_kind
from domain.when import WhenError, parse_when
from handlers.activities.post import WHEN_CHOICES, ask_when_again_remembered, chosen_reading
from handlers.activities.reminders import wake_outbox
from handlers.core.common import MenuCommand, Steps, add_conversation, deep_link, escape, register_deep_link
from storage.repositories import audit, groups, outbox
from storage.repositories import meetings as repo
from storage.repositories import voice as voice_repo
from storage.tables_polls import Meeting

logger = logging.getLogger(__name__)

COMMANDS = [MenuCommand("overleg", N_("Een overleg met de wijk vastleggen (coördinator)"), private=True,
                        audience="coordinator", english="meeting")]

KIND, BUURT, WHEN, CONFIRM = range(190, 194)
DRAFT = "meeting_draft"
CALL_GRACE_S = 7 * 24 * 3600


async def buurten_for(session: AsyncSession, context: KnooppuntContext, user_id: int) -> list[str]:
    """The buurten this person may act for: every buurt for admins, else those of their networks."""
    if user_id in context.settings.admin_ids:
        return sorted({b.name for b in gazetteer.buurten()})
    return sorted(await voice_repo.coordinated_buurten(session, user_id))


def buurt_number(buurt: str) -> int:
    """The buurt's place in the gazetteer, 1-based as /stem's views count it (0: all buurten)."""
    names = [b.name for b in gazetteer.buurten()]
    return names.index(buurt) + 1 if buurt in names else 0


def buurt_slug(buurt: str) -> str:
    """A buurt as a deep-link payload: "Nieuwe Westen" -> "nieuwe_westen"."""
    return "_".join(gazetteer.normalize_text(buurt).split())[:50] or "buurt"


# -- the conversation -----------------------------------------------------------------------------

def draft(context: KnooppuntContext) -> dict:
    return context.user_data.setdefault(DRAFT, {})


async def start(update: Update, context: KnooppuntContext) -> int:
    _ = context.gettext
    if update.effective_chat.type != ChatType.PRIVATE:
        await update.effective_message.reply_text(_("Een overleg vastleggen doe je in een privébericht: @{bot}").format(bot=context.bot.username))
        return ConversationHandler.END
    user_id = update.effective_user.id
    async with context.session() as session:
        buurten = await buurten_for(session, context, user_id)
        if not buurten:
            audit.record_denied(session, user_id, "meeting.create")
    if not buurten:
        await update.effective_message.reply_text(_("Alleen coördinatoren van een netwerk in de buurt kunnen een overleg vastleggen."))
        return ConversationHandler.END
    context.user_data[DRAFT] = {"buurten": buurten}
    STEPS.begin_at(context, KIND)
    return await ask(update, context, KIND)


async def ask(update: Update, context: KnooppuntContext, state: int) -> int:
    _ = context.gettext
    message = update.effective_message
    hint = STEPS.hint(context, state)
    if state == KIND:
        markup = InlineKeyboardMarkup([[InlineKeyboardButton(_(kind.name), callback_data=f"ovk:{kind.code}")] for kind in MEETING_KINDS])
        await message.reply_text(_("Wat voor overleg is het?") + "\n\n" + hint, reply_markup=markup)
    elif state == BUURT:
        names = draft(context).get("buurten", [])
        rows = [[InlineKeyboardButton(name, callback_data=f"ovb:{i}")] for i, name in enumerate(names)]
        await message.reply_text(_("Over welke buurt gaat het?") + "\n\n" + hint, reply_markup=InlineKeyboardMarkup(rows))
    elif state == WHEN:
        await message.reply_text(_("Wanneer is het? Typ een dag en tijd, bijvoorbeeld: 14 januari 19:30") + "\n\n" + hint)
    elif state == CONFIRM:
        d = draft(context)
        kind = get_kind(d["kind"])
        text = _("<b>{kind}</b> over {buurt}, {when}.").format(
            kind=escape(_(kind.name) if kind else d["kind"]), buurt=escape(d["buurt"]), when=when_words(datetime.fromisoformat(d["when"]), context))
        text += "\n" + _("Twee weken ervoor vraag ik de groepen van de buurt om ideeën en steun.")
        markup = InlineKeyboardMarkup([[InlineKeyboardButton(_("✅ Vastleggen"), callback_data="ovc:ok"),
                                        InlineKeyboardButton(_("❌ Stoppen"), callback_data="ovc:stop")]])
        await message.reply_text(text, reply_markup=markup)
    return state


async def reask(update: Update, context: KnooppuntContext, state: object) -> None:
    if isinstance(state, int):
        await ask(update, context, state)


STEPS = Steps("meeting", N_("je overleg"), reask)
PREVIOUS = {BUURT: KIND, WHEN: BUURT, CONFIRM: WHEN}


def when_words(moment: datetime, context: KnooppuntContext) -> str:
    return datefmt.format_moment(moment, locale=context.language, tz=context.settings.timezone)


async def kind_chosen(update: Update, context: KnooppuntContext) -> int:
    query = update.callback_query
    await query.answer()
    kind = get_kind(query.data.removeprefix("ovk:"))
    if kind is None:
        return await ask(update, context, KIND)
    draft(context)["kind"] = kind.code
    return await ask(update, context, BUURT)


async def buurt_chosen(update: Update, context: KnooppuntContext) -> int:
    query = update.callback_query
    await query.answer()
    d = draft(context)
    names = d.get("buurten", [])
    index = choice_index(query.data.removeprefix("ovb:"), len(names))
    name = names[index] if index is not None else None
    if name is None:
        return await ask(update, context, BUURT)
    async with context.session() as session:
        allowed = name in await buurten_for(session, context, update.effective_user.id)
        if not allowed:
            audit.record_denied(session, update.effective_user.id, "meeting.create", "buurt", name)
    if not allowed:
        await query.message.reply_text(context.gettext("Voor die buurt mag je geen overleg vastleggen. Kies een van de knoppen."))
        return BUURT
    d["buurt"] = name
    return await ask(update, context, WHEN)


async def when_given(update: Update, context: KnooppuntContext) -> int:
    text = update.effective_message.text or ""
    d = draft(context)
    d.pop(WHEN_CHOICES, None)
    try:
        found = parse_when(text, context.now(), context.settings.timezone)
    except WhenError as exc:
        await ask_when_again_remembered(update, context, exc, text, "ovw:c", d, option=lambda choice: choice["start"])
        return WHEN
    if found.rrule is not None:
        await update.effective_message.reply_text(context.gettext("Leg één overleg vast, op één dag. Typ bijvoorbeeld: 14 januari 19:30"))
        return WHEN
    d["when"] = found.start.isoformat()
    return await ask(update, context, CONFIRM)


async def when_chosen(update: Update, context: KnooppuntContext) -> int:
    query = update.callback_query
    await query.answer()
    d = draft(context)
    reading = chosen_reading(query, d, "ovw:c")
    if reading is None:
        await query.message.reply_text(context.gettext("Die knop hoort bij een oudere vraag. Typ opnieuw wanneer het overleg is."))
        return WHEN
    d["when"] = reading
    return await ask(update, context, CONFIRM)


async def confirm(update: Update, context: KnooppuntContext) -> int:
    query = update.callback_query
    await query.answer()
    _ = context.gettext
    d = context.user_data.pop(DRAFT, {})
    if query.data != "ovc:ok" or "when" not in d:
        await query.message.reply_text(_("Gestopt. Er is niets vastgelegd."))
        return ConversationHandler.END
    user_id = update.effective_user.id
    now = context.now()
    starts_at = datetime.fromisoformat(d["when"])
    async with context.session() as session:
        allowed = d["buurt"] in await buurten_for(session, context, user_id)
        if not allowed:
            audit.record_denied(session, user_id, "meeting.create", "buurt", d["buurt"])
            meeting = None
        else:
            meeting = await repo.add_meeting(session, d["kind"], d["buurt"], starts_at, user_id, now)
            audit.record(session, user_id, "meeting.created", "meeting", meeting.id, buurt=d["buurt"], kind=d["kind"])
    if meeting is None:
        await query.message.reply_text(_("Voor die buurt mag je geen overleg vastleggen. Er is niets vastgelegd."))
        return ConversationHandler.END
    schedule_call(context.application, meeting)
    call = call_at(starts_at, now)
    if call <= now:
        await call_for_input(context.application, meeting.id)
        await query.message.reply_text(_("Vastgelegd. Het overleg is binnen twee weken: de groepen van {buurt} krijgen nu de vraag om ideeën en steun.")
                                       .format(buurt=escape(d["buurt"])))
    else:
        await query.message.reply_text(_("Vastgelegd. Op {day} vraag ik de groepen van {buurt} om ideeën en steun.").format(
            day=datefmt.format_full_date(call.astimezone(context.settings.timezone).date(), locale=context.language), buurt=escape(d["buurt"])))
    return ConversationHandler.END


async def back(update: Update, context: KnooppuntContext) -> int:
    state = await STEPS.state(update, context)
    previous = PREVIOUS.get(state) if isinstance(state, int) else None
    if previous is None:
        await STEPS.first_question(update, context)
        return state if isinstance(state, int) else KIND
    return await ask(update, context, previous)


async def stop(update: Update, context: KnooppuntContext) -> int:
    context.user_data.pop(DRAFT, None)
    await update.effective_message.reply_text(context.gettext("Gestopt. Er is niets vastgelegd."))
    return ConversationHandler.END


async def other_input(update: Update, context: KnooppuntContext) -> int:
    state = await STEPS.state(update, context)
    state = state if isinstance(state, int) else KIND
    await update.effective_message.reply_text(context.gettext("Typ je antwoord als tekst.") if state == WHEN else context.gettext("Tik op een van de knoppen."))
    return await ask(update, context, state)


def conversation() -> ConversationHandler:
    private = filters.ChatType.PRIVATE & ~filters.COMMAND
    return ConversationHandler(
        entry_points=[CommandHandler(COMMANDS[0].names(), start)],
        states={
            KIND: [CallbackQueryHandler(kind_chosen, pattern=r"^ovk:"), MessageHandler(private, other_input)],
            BUURT: [CallbackQueryHandler(buurt_chosen, pattern=r"^ovb:"), MessageHandler(private, other_input)],
            WHEN: [MessageHandler(private & filters.TEXT, when_given), CallbackQueryHandler(when_chosen, pattern=r"^ovw:c:\d$"),
                   MessageHandler(private, other_input)],
            CONFIRM: [CallbackQueryHandler(confirm, pattern=r"^ovc:(ok|stop)$"), MessageHandler(private, other_input)],
        },
        fallbacks=STEPS.fallbacks(stop, back),
        name="meeting",
        allow_reentry=True,
    )


# -- the call for input ---------------------------------------------------------------------------

def call_text(meeting: Meeting, translator, bot_username: str, tz) -> str:  # noqa: ANN001
    _ = translator.gettext
    kind = get_kind(meeting.kind)
    local = meeting.starts_at.astimezone(tz)
    lines = [
        _("🗣 <b>{kind} over {buurt}</b> op {day}.").format(kind=escape(_(kind.name) if kind else meeting.kind), buurt=escape(meeting.buurt),
                                                            day=datefmt.format_full_date(local.date(), locale=getattr(translator, "language", "nl"))),
        _("Wat moet daar op tafel? Wij nemen mee wat de buurt vraagt, met het aantal mensen dat het steunt."),
        "",
        _("💡 Heb je een idee of zie je iets wat beter kan? <a href=\"{link}\">Stuur het in</a> (/idee).").format(
            link=deep_link(bot_username, CALL_LINK, "idee")),
        _("👍 Steun de ideeën van anderen: <a href=\"{link}\">bekijk ze</a> (/stem).").format(
            link=deep_link(bot_username, CALL_LINK, f"stem-{buurt_number(meeting.buurt)}")),
    ]
    return "\n".join(lines)


async def call_for_input(application: Application, meeting_id: int) -> int:
    """Queue the call for input in every linked group of the buurt's networks, once; returns how many."""
    services = application.bot_data
    now = services.now()
    count = 0
    async with services.session_factory.begin() as session:
        meeting = await repo.get_meeting(session, meeting_id)
        if meeting is None or not call_due(meeting.starts_at, now):
            return 0
        if not await repo.mark_called(session, meeting_id, now):
            return 0
        networks = set(await voice_repo.network_ids_of_buurt(session, meeting.buurt))
        targets = await groups.linked_groups(session, networks) if networks else []
        for group in targets:
            text = call_text(meeting, get_translator(group.language), application.bot.username, services.settings.timezone)
            count += await outbox.enqueue(session, group.chat_id, "meeting_call", text, f"meeting-call:{meeting_id}:{group.chat_id}", now,
                                          thread_id=group.message_thread_id, expires_at=meeting.starts_at)
        audit.record(session, None, "meeting.called", "meeting", meeting_id, groups=count)
    wake_outbox(application)
    return count


async def open_call_link(update: Update, context: KnooppuntContext, payload: str) -> None:
    """The links of a call for input: "stem-<buurt>" shows that buurt's ideas on /stem (with their
    support buttons); "idee" points to /idee, whose short conversation starts with one tap."""
    what, _sep, raw = payload.partition("-")
    if what == "stem":
        from handlers.voice import board

        number = choice_index(raw, len(gazetteer.buurten()) + 1) or 0
        text, markup = await board.render(context, update.effective_user.id, board.View(buurt=number))
        await update.effective_message.reply_text(text, reply_markup=markup)
        return
    await update.effective_message.reply_text(context.gettext("Heb je een idee voor de buurt, of zie je iets wat beter kan? Tik op /idee. Ik stel je een paar korte vragen."))


CALL_LINK = "wijk"  # t.me/<bot>?start=wijk-idee and wijk-stem-<buurt number>
register_deep_link(CALL_LINK, open_call_link)  # once per process: the table is module-wide


def job_name(meeting_id: int) -> str:
    return f"meeting-call:{meeting_id}"


def schedule_call(application: Application, meeting: Meeting) -> None:
    if application.job_queue is None or meeting.called_at is not None:
        return
    now = application.bot_data.now()
    if meeting.starts_at <= now:
        return
    name = job_name(meeting.id)
    application.job_queue.run_once(call_job, when=max(call_at(meeting.starts_at, now), now + timedelta(seconds=1)), data=meeting.id, name=name,
                                   job_kwargs={"id": name, "replace_existing": True, "misfire_grace_time": CALL_GRACE_S, "coalesce": True})


async def call_job(context: KnooppuntContext) -> None:
    await call_for_input(context.application, int(context.job.data))


async def on_startup(application: Application) -> None:
    """Meetings still ahead get their call job again (jobs live in memory)."""
    async with application.bot_data.session_factory.begin() as session:
        ahead = await repo.upcoming(session, application.bot_data.now())
    for meeting in ahead:
        schedule_call(application, meeting)


def register(application: Application) -> None:
    add_conversation(application, conversation)
