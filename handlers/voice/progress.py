"""Wat is ermee gedaan: a coordinator records what came of a published signal.

`/voortgang <nummer>` (/progress), or "📌 Voortgang" under a signal in /stem: choose a step
(ingebracht, toegezegd, in het wijkakkoord, gerealiseerd, niet gelukt), for "ingebracht" the
meeting and its date, then a short text; a read-back shows what people will get. The author and
every supporter then get the news through the outbox, each in their own language (one row per
step and person: the idempotency key). Coordinators of the signal's buurt and admins only;
every press and command is checked on the server.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import Application, CallbackQueryHandler, CommandHandler, ConversationHandler, MessageHandler, filters

from bot.context import KnooppuntContext
from bot.i18n import N_, get_translator
from domain import voice as rules
from domain.datefmt import format_long_date
from domain.htmltext import truncate
from domain.ids import db_id, db_id_field
from handlers.core.common import MenuCommand, Steps, add_conversation, escape, show_result
from handlers.voice.common import language_of, queue_notice, refuse_press, stem_link, wake_outbox
from storage.repositories import audit
from storage.repositories import voice as repo

COMMANDS = [
    MenuCommand("voortgang", N_("Vertel wat er met een idee gebeurd is"), private=True, audience="coordinator", english="progress"),
]
CONVERSATION = "voortgang"
END = ConversationHandler.END
STATUS, MEETING, DATE, TEXT_STEP, CONFIRM = "status", "meeting", "date", "text", "confirm"
DRAFT = "voice_progress"  # user_data: {"signal", "status", "meeting", "date", "text"}
PRIVATE = filters.ChatType.PRIVATE
TEXT = PRIVATE & filters.TEXT & ~filters.COMMAND


def _draft(context: KnooppuntContext) -> dict:
    return context.user_data.setdefault(DRAFT, {})


async def _may(update: Update, context: KnooppuntContext, signal_id: int | None) -> bool:
    """A published signal of a buurt this person coordinates (or an admin); else refused and audited."""
    async with context.read_session() as session:
        signal = await repo.get_published(session, signal_id) if signal_id is not None else None
        allowed = signal is not None and await repo.may_moderate(session, context.settings.admin_ids,
                                                                 update.effective_user.id, signal.buurt)
    if not allowed:
        await refuse_press(update, context, "signal_progress", signal_id, "not allowed")
    return allowed


async def begin(update: Update, context: KnooppuntContext, signal_id: int | None) -> str | int:
    if not await _may(update, context, signal_id):
        return END
    context.user_data[DRAFT] = {"signal": signal_id}
    STEPS.begin_at(context, STATUS)
    await ask(update, context, STATUS)
    return STATUS


async def command(update: Update, context: KnooppuntContext) -> str | int:
    if not context.args:
        await update.effective_message.reply_text(context.gettext(
            "Bij welk idee? Open het idee in /stem en tik op 📌 Voortgang. Of typ /voortgang met het nummer van het idee, "
            "zoals /voortgang 12."))
        return END
    return await begin(update, context, db_id(context.args[0].lstrip("#")))


async def pressed(update: Update, context: KnooppuntContext) -> str | int:
    signal_id = db_id_field(update.callback_query.data, 2)
    if not await _may(update, context, signal_id):
        return END
    await update.callback_query.answer()
    return await begin(update, context, signal_id)


async def ask(update: Update, context: KnooppuntContext, state: object) -> None:
    _ = context.gettext
    draft = _draft(context)
    markup: InlineKeyboardMarkup | None = None
    if state == STATUS:
        async with context.read_session() as session:
            signal = await repo.get_signal(session, draft.get("signal") or 0)
        quoted = f"<i>{escape(truncate(signal.text, 300))}</i>" if signal is not None else ""
        text = "\n".join([_("📌 <b>Wat is ermee gedaan?</b>"), quoted, "", _("Kies wat er gebeurd is.")])
        markup = InlineKeyboardMarkup([[InlineKeyboardButton(rules.progress_label(status.code, context.translator),
                                                             callback_data=f"vp:s:{status.code}")] for status in rules.PROGRESS_STATUSES])
    elif state == MEETING:
        text = _("Bij welk overleg is het ingebracht? Bijvoorbeeld: Wijkraad Delfshaven.")
    elif state == DATE:
        text = _("Op welke datum was dat? Typ bijvoorbeeld 12-01-2027, of tik op Vandaag.")
        markup = InlineKeyboardMarkup([[InlineKeyboardButton(_("Vandaag"), callback_data="vp:d:0"),
                                        InlineKeyboardButton(_("Gisteren"), callback_data="vp:d:1")]])
    elif state == TEXT_STEP:
        if draft.get("status") == rules.NIET_GELUKT:
            text = _("Waarom is het niet gelukt? Schrijf het kort (maximaal {limit} tekens).")
        else:
            text = _("Wat wil je erover vertellen? Schrijf het kort (maximaal {limit} tekens).")
        text = text.format(limit=rules.MAX_PROGRESS_CHARS) + "\n" + _("Iedereen die het idee steunt krijgt dit te lezen.")
    else:
        async with context.read_session() as session:
            count = len(await _recipients(session, draft["signal"]))
        text = "\n".join([
            _("<b>Klopt dit?</b> Dit krijgen de schrijver en iedereen die het steunt:"),
            "",
            rules.progress_line(_step(draft, context), context.translator, context.settings.timezone),
        ])
        markup = InlineKeyboardMarkup([
            [InlineKeyboardButton(context.ngettext("✅ Bewaren en {n} persoon laten weten", "✅ Bewaren en {n} mensen laten weten",
                                                   count).format(n=count), callback_data="vp:ok")],
        ])
    await context.bot.send_message(update.effective_chat.id, text + "\n\n" + STEPS.hint(context, str(state)), reply_markup=markup)


def _step(draft: dict, context: KnooppuntContext) -> rules.ProgressStep:
    meeting_date = date.fromisoformat(draft["date"]) if draft.get("date") else None
    return rules.ProgressStep(draft["status"], draft["text"], draft.get("meeting"), meeting_date, context.now())


async def _recipients(session, signal_id: int) -> list[int]:  # noqa: ANN001
    signal = await repo.get_signal(session, signal_id)
    people = set(await repo.supporter_ids(session, signal_id))
    if signal is not None and signal.created_by is not None:
        people.add(signal.created_by)
    return sorted(people)


async def got_status(update: Update, context: KnooppuntContext) -> str:
    query = update.callback_query
    await query.answer()
    status = rules.get_progress_status(query.data.rsplit(":", 1)[-1])
    if status is None or "signal" not in _draft(context):
        await use_buttons(update, context)
        return STATUS
    _draft(context)["status"] = status.code
    await show_result(update, context, escape(rules.progress_label(status.code, context.translator)))
    following = MEETING if status.needs_meeting else TEXT_STEP
    await ask(update, context, following)
    return following


async def got_meeting(update: Update, context: KnooppuntContext) -> str:
    meeting = rules.check_short_text(update.effective_message.text, rules.MAX_MEETING_CHARS)
    if meeting is None:
        await update.effective_message.reply_text(
            context.gettext("Typ de naam van het overleg, hooguit {limit} tekens.").format(limit=rules.MAX_MEETING_CHARS))
        return MEETING
    _draft(context)["meeting"] = meeting
    await ask(update, context, DATE)
    return DATE


def _today(context: KnooppuntContext) -> date:
    return context.now().astimezone(context.settings.timezone).date()


async def got_date_text(update: Update, context: KnooppuntContext) -> str:
    found = rules.read_meeting_date(update.effective_message.text or "", _today(context))
    if found is None:
        await update.effective_message.reply_text(
            context.gettext("Die datum kan ik niet lezen. Typ dag-maand-jaar, zoals 12-01-2027, of tik op Vandaag."))
        return DATE
    _draft(context)["date"] = found.isoformat()
    await ask(update, context, TEXT_STEP)
    return TEXT_STEP


async def got_date_button(update: Update, context: KnooppuntContext) -> str:
    await update.callback_query.answer()
    days_back = 1 if update.callback_query.data == "vp:d:1" else 0
    found = _today(context) - timedelta(days=days_back)
    _draft(context)["date"] = found.isoformat()
    await show_result(update, context, format_long_date(found, locale=context.language))
    await ask(update, context, TEXT_STEP)
    return TEXT_STEP


async def got_text(update: Update, context: KnooppuntContext) -> str:
    text = rules.check_short_text(update.effective_message.text, rules.MAX_PROGRESS_CHARS)
    if text is None:
        await update.effective_message.reply_text(
            context.gettext("Schrijf een korte tekst van hooguit {limit} tekens.").format(limit=rules.MAX_PROGRESS_CHARS))
        return TEXT_STEP
    _draft(context)["text"] = text
    await ask(update, context, CONFIRM)
    return CONFIRM


def _news(signal_text: str, line: str, link: str, author: bool) -> Callable[[Callable[[str], str], Callable[[str, str, int], str]], str]:
    def build(_: Callable[[str], str], _n: Callable[[str, str, int], str]) -> str:
        heading = _("📣 <b>Nieuws over jouw idee</b>") if author else _("📣 <b>Nieuws over een idee dat je steunt</b>")
        return "\n".join([heading, f"<i>{escape(truncate(signal_text, 300))}</i>", "", line, "",
                          _("Bekijk het hier: {link}").format(link=link)])

    return build


async def save(update: Update, context: KnooppuntContext) -> int:
    query = update.callback_query
    draft = dict(_draft(context))
    if not {"signal", "status", "text"} <= set(draft):
        await query.answer(context.gettext("Deze knop is verlopen. Begin opnieuw met /voortgang."), show_alert=True)
        return END
    if not await _may(update, context, draft["signal"]):
        context.user_data.pop(DRAFT, None)
        return END
    await query.answer()
    user_id = update.effective_user.id
    meeting_date = _step(draft, context).meeting_date
    async with context.session() as session:
        step = await repo.add_progress(session, draft["signal"], draft["status"], draft["text"], by=user_id, now=context.now(),
                                       meeting_name=draft.get("meeting"), meeting_date=meeting_date)
        audit.record(session, user_id, "signal_progress", "signal", draft["signal"], status=step.status, step=step.id)
        signal = await repo.get_signal(session, draft["signal"])
        assert signal is not None
        link = stem_link(context, signal.id)
        recipients = await _recipients(session, signal.id)
        for person in recipients:
            translator = get_translator(await language_of(session, context, person))
            line = rules.progress_line(_step(draft, context), translator, context.settings.timezone)
            await queue_notice(session, context, person, _news(signal.text, line, link, person == signal.created_by),
                               f"voice-progress:{step.id}:{person}")
    context.user_data.pop(DRAFT, None)
    await show_result(update, context, context.ngettext(
        "Bewaard. {n} persoon krijgt bericht.", "Bewaard. {n} mensen krijgen bericht.", len(recipients)).format(n=len(recipients)))
    wake_outbox(context)
    return END


async def use_buttons(update: Update, context: KnooppuntContext) -> None:
    await update.effective_message.reply_text(context.gettext("Kies een van de knoppen."))
    await ask(update, context, (await STEPS.state(update, context)) or STATUS)


async def stop(update: Update, context: KnooppuntContext) -> int:
    context.user_data.pop(DRAFT, None)
    await update.effective_message.reply_text(context.gettext("Gestopt. Er is niets bewaard."))
    return END


async def back(update: Update, context: KnooppuntContext) -> str:
    state = await STEPS.state(update, context)
    needs_meeting = _draft(context).get("status") == rules.INGEBRACHT
    order = [STATUS, MEETING, DATE, TEXT_STEP, CONFIRM] if needs_meeting else [STATUS, TEXT_STEP, CONFIRM]
    previous = order[max(order.index(state) - 1, 0)] if state in order else STATUS
    await ask(update, context, previous)
    return previous


STEPS = Steps(CONVERSATION, N_("de voortgang van een idee"), ask)


def register(application: Application) -> None:
    button = CallbackQueryHandler
    add_conversation(
        application,
        lambda: ConversationHandler(
            entry_points=[CommandHandler(["voortgang", "progress"], command, filters=PRIVATE),
                          button(pressed, pattern=r"^vp:n:")],
            states={
                STATUS: [button(got_status, pattern=r"^vp:s:"), MessageHandler(TEXT, use_buttons)],
                MEETING: [MessageHandler(TEXT, got_meeting)],
                DATE: [button(got_date_button, pattern=r"^vp:d:[01]$"), MessageHandler(TEXT, got_date_text)],
                TEXT_STEP: [MessageHandler(TEXT, got_text)],
                CONFIRM: [button(save, pattern=r"^vp:ok$"), MessageHandler(TEXT, use_buttons)],
            },
            fallbacks=STEPS.fallbacks(stop, back),
            name=CONVERSATION,
            allow_reentry=True,
        ),
    )
