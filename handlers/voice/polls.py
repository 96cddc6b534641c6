"""/peiling (/poll): a coordinator asks the groups of their networks one question as a native
Telegram poll, counts the answers per group and in total, and closes it on the chosen date.

In a linked group `/peiling` is for that group; the questions follow in the private chat (the
conversation is kept per person, not per chat, so the answers typed there continue it). Privately
the coordinator picks networks with buttons. Each group's poll is one outbox row (method "poll");
the sender records Telegram's poll id and message id on the group's copy, so poll updates
(anonymous totals) and poll answers (non-anonymous, one row per person) find their group. At the
closing date a job (scheduled from the database at start-up) stops every copy and posts the
result in every group. See docs/voice.md.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.constants import ChatType
from telegram.error import Forbidden
from telegram.ext import (
    Application,
    CallbackQueryHandler,
    CommandHandler,
    ConversationHandler,
    MessageHandler,
    PollAnswerHandler,
    PollHandler,
    filters,
)

from bot.context import KnooppuntContext
from bot.i18n import N_, get_translator, user_language
from domain import datefmt
from domain.ids import db_id
from domain.polls import MAX_OPTIONS, OPTION_MAX, QUESTION_MAX, PollResult, bar, options_problem, question_problem, split_options
from domain.when import WhenError, parse_when
from handlers.activities.post import WHEN_CHOICES, ask_when_again_remembered, chosen_reading
from handlers.activities.reminders import wake_outbox
from handlers.core.common import MenuCommand, Steps, add_conversation, escape
from handlers.core.outbox import register_sender
from handlers.groups.linking import may_manage, networks_for
from storage.repositories import audit, groups, users
from storage.repositories import outbox
from storage.repositories import polls as repo
from storage.tables_outbox import OutboxMessage
from storage.tables_polls import Poll

logger = logging.getLogger(__name__)

COMMANDS = [MenuCommand("peiling", N_("Een peiling in de groepen zetten (coördinator)"), private=True, group=True,
                        audience="coordinator", english="poll")]

NETWORKS, QUESTION, OPTIONS, ANONYMOUS, MULTIPLE, CLOSES, CONFIRM = range(180, 187)
DRAFT = "poll_draft"
CLOSE_GRACE_S = 7 * 24 * 3600  # a closing missed while the bot was down is caught up at start-up anyway
GROUPS_LISTED = 12  # groups named one by one in a result; more are summed up
SHORT_OPTIONS = 60  # answers this short together are repeated in each group's line; longer ones are numbered
TEXT_LIMIT = 3900  # a result stays below Telegram's 4096 characters, with room for "en 3 andere groepen"


# -- starting -------------------------------------------------------------------------------------

async def start(update: Update, context: KnooppuntContext) -> int:
    _ = context.gettext
    user_id = update.effective_user.id
    if update.effective_chat.type != ChatType.PRIVATE:
        return await start_in_group(update, context)
    async with context.session() as session:
        networks = await networks_for(session, context, user_id)
        if not networks:
            audit.record_denied(session, user_id, "poll.create")
    if not networks:
        await update.effective_message.reply_text(_("Alleen coördinatoren van een netwerk kunnen een peiling maken."))
        return ConversationHandler.END
    context.user_data[DRAFT] = {"networks": [], "groups": []}
    STEPS.begin_at(context, NETWORKS)
    return await ask(update, context, NETWORKS)


async def start_in_group(update: Update, context: KnooppuntContext) -> int:
    """/peiling in a linked group: a poll for this group; the questions come in the private chat."""
    _ = context.gettext
    user_id, chat_id = update.effective_user.id, update.effective_chat.id
    async with context.session() as session:
        group = await groups.get_group(session, chat_id)
        linked = group is not None and group.active and group.network_id is not None
        allowed = linked and await may_manage(session, context, user_id, group.network_id)
        if linked and not allowed:
            audit.record_denied(session, user_id, "poll.create", "group_chat", chat_id)
    if not linked:
        await update.effective_message.reply_text(_("Deze groep is nog niet gekoppeld aan een netwerk. Een coördinator kan dat doen met /koppel."))
        return ConversationHandler.END
    if not allowed:
        await update.effective_message.reply_text(_("Alleen coördinatoren van dit netwerk kunnen een peiling maken."))
        return ConversationHandler.END
    context.user_data[DRAFT] = {"networks": [group.network_id], "groups": [chat_id], "from_group": True}
    STEPS.begin_at(context, QUESTION)
    try:
        await context.bot.send_message(user_id, _("Je maakt een peiling voor de groep {group}.").format(group=escape(group.title or "")))
    except Forbidden:
        context.user_data.pop(DRAFT, None)
        await update.effective_message.reply_text(
            _("Ik kan je nog geen privébericht sturen. Start eerst een gesprek met mij: @{bot}. Typ daarna opnieuw /peiling in de groep.").format(
                bot=context.bot.username))
        return ConversationHandler.END
    await update.effective_message.reply_text(_("Ik stel je de vragen in een privébericht."))
    await context.bot.send_message(user_id, question_text(context, QUESTION))
    return QUESTION


# -- the questions --------------------------------------------------------------------------------

def draft(context: KnooppuntContext) -> dict:
    return context.user_data.setdefault(DRAFT, {"networks": [], "groups": []})


def question_text(context: KnooppuntContext, state: int) -> str:
    _ = context.gettext
    hint = STEPS.hint(context, state)
    if state == QUESTION:
        return _("Wat is je vraag? Maximaal {max} tekens.").format(max=QUESTION_MAX) + "\n\n" + hint
    if state == OPTIONS:
        return (_("Typ de antwoorden. Zet elk antwoord op een eigen regel: 2 tot {max} antwoorden, elk maximaal {length} tekens.")
                .format(max=MAX_OPTIONS, length=OPTION_MAX) + "\n\n" + hint)
    if state == CLOSES:
        return _("Wanneer sluit de peiling? Typ een dag en tijd, bijvoorbeeld: vrijdag 18:00 of 12 december 20:00") + "\n\n" + hint
    return ""


async def network_markup(context: KnooppuntContext, user_id: int) -> InlineKeyboardMarkup:
    _ = context.gettext
    chosen = draft(context)["networks"]
    async with context.session() as session:
        networks = await networks_for(session, context, user_id)
    rows = [[InlineKeyboardButton(("✅ " if n.id in chosen else "▫️ ") + n.name[:50], callback_data=f"pln:{n.id}")] for n in networks]
    rows.append([InlineKeyboardButton(_("Klaar ➡️"), callback_data="pln:done")])
    return InlineKeyboardMarkup(rows)


async def ask(update: Update, context: KnooppuntContext, state: int) -> int:
    """Ask the question of `state` (going forward and for /terug)."""
    _ = context.gettext
    message = update.effective_message
    hint = STEPS.hint(context, state)
    if state == NETWORKS:
        await message.reply_text(_("In de groepen van welke netwerken zet je de peiling? Tik ze aan en dan op Klaar.") + "\n\n" + hint,
                                 reply_markup=await network_markup(context, update.effective_user.id))
    elif state in (QUESTION, OPTIONS, CLOSES):
        await message.reply_text(question_text(context, state))
    elif state == ANONYMOUS:
        markup = InlineKeyboardMarkup([[InlineKeyboardButton(_("🙈 Anoniem"), callback_data="pla:1"),
                                        InlineKeyboardButton(_("👤 Met naam"), callback_data="pla:0")]])
        await message.reply_text(_("Mag iedereen zien wie wat kiest? Bij anoniem ziet niemand dat, ook jij niet.") + "\n\n" + hint,
                                 reply_markup=markup)
    elif state == MULTIPLE:
        markup = InlineKeyboardMarkup([[InlineKeyboardButton(_("Eén antwoord"), callback_data="plm:0"),
                                        InlineKeyboardButton(_("Meer antwoorden"), callback_data="plm:1")]])
        await message.reply_text(_("Mag iemand één antwoord kiezen, of meer?") + "\n\n" + hint, reply_markup=markup)
    elif state == CONFIRM:
        await show_preview(update, context)
    return state


async def reask(update: Update, context: KnooppuntContext, state: object) -> None:
    if isinstance(state, int):
        await ask(update, context, state)


STEPS = Steps("poll", N_("je peiling"), reask)
PREVIOUS = {QUESTION: NETWORKS, OPTIONS: QUESTION, ANONYMOUS: OPTIONS, MULTIPLE: ANONYMOUS, CLOSES: MULTIPLE, CONFIRM: CLOSES}


async def network_toggled(update: Update, context: KnooppuntContext) -> int:
    query = update.callback_query
    await query.answer()
    _ = context.gettext
    d = draft(context)
    user_id = update.effective_user.id
    if query.data == "pln:done":
        async with context.session() as session:
            allowed = {n.id for n in await networks_for(session, context, user_id)}
            chosen = [n for n in d["networks"] if n in allowed]
            targets = await groups.linked_groups(session, set(chosen)) if chosen else []
        if not chosen:
            await query.message.reply_text(_("Kies minstens één netwerk."))
            return NETWORKS
        if not targets:
            await query.message.reply_text(_("Die netwerken hebben nog geen gekoppelde groep. Kies een ander netwerk."))
            return NETWORKS
        d["networks"], d["groups"] = chosen, [g.chat_id for g in targets]
        return await ask(update, context, QUESTION)
    network_id = db_id(query.data.removeprefix("pln:"))
    async with context.session() as session:
        allowed = {n.id for n in await networks_for(session, context, user_id)}
    if network_id in allowed:
        d["networks"] = [n for n in d["networks"] if n != network_id] if network_id in d["networks"] else [*d["networks"], network_id]
    await query.edit_message_reply_markup(reply_markup=await network_markup(context, user_id))
    return NETWORKS


async def question_given(update: Update, context: KnooppuntContext) -> int:
    _ = context.gettext
    text = update.effective_message.text or ""
    problem = question_problem(text)
    if problem == "too_long":
        await update.effective_message.reply_text(
            _("Je vraag is {n} tekens. Het mag hoogstens {max} tekens zijn. Maak hem korter.").format(n=len(" ".join(text.split())), max=QUESTION_MAX))
        return QUESTION
    if problem:
        return await ask(update, context, QUESTION)
    draft(context)["question"] = " ".join(text.split())
    return await ask(update, context, OPTIONS)


async def options_given(update: Update, context: KnooppuntContext) -> int:
    _ = context.gettext
    options = split_options(update.effective_message.text or "")
    problem = options_problem(options)
    answers = {
        "too_few": _("Typ minstens 2 antwoorden, elk op een eigen regel."),
        "too_many": _("Dat zijn {n} antwoorden. Het mogen er hoogstens {max} zijn.").format(n=len(options), max=MAX_OPTIONS),
        "too_long": _("Een antwoord mag hoogstens {max} tekens zijn. Maak het korter.").format(max=OPTION_MAX),
        "double": _("Twee antwoorden zijn hetzelfde. Maak ze verschillend."),
    }
    if problem:
        await update.effective_message.reply_text(answers[problem] + "\n\n" + STEPS.hint(context, OPTIONS))
        return OPTIONS
    draft(context)["options"] = options
    return await ask(update, context, ANONYMOUS)


async def anonymous_chosen(update: Update, context: KnooppuntContext) -> int:
    await update.callback_query.answer()
    draft(context)["anonymous"] = update.callback_query.data == "pla:1"
    return await ask(update, context, MULTIPLE)


async def multiple_chosen(update: Update, context: KnooppuntContext) -> int:
    await update.callback_query.answer()
    draft(context)["multiple"] = update.callback_query.data == "plm:1"
    return await ask(update, context, CLOSES)


async def closes_given(update: Update, context: KnooppuntContext) -> int:
    _ = context.gettext
    text = update.effective_message.text or ""
    d = draft(context)
    d.pop(WHEN_CHOICES, None)
    try:
        found = parse_when(text, context.now(), context.settings.timezone)
    except WhenError as exc:
        await ask_when_again_remembered(update, context, exc, text, "plw:c", d, option=lambda choice: choice["start"])
        return CLOSES
    if found.rrule is not None:
        await update.effective_message.reply_text(_("Een peiling sluit één keer. Typ één dag en tijd, bijvoorbeeld: vrijdag 18:00"))
        return CLOSES
    if found.start - context.now() < timedelta(minutes=10):
        await update.effective_message.reply_text(_("Geef de groepen wat meer tijd: minstens 10 minuten."))
        return CLOSES
    d["closes_at"] = found.start.isoformat()
    return await ask(update, context, CONFIRM)


async def closes_chosen(update: Update, context: KnooppuntContext) -> int:
    """One of two readings of the closing time tapped; an older question's button is refused."""
    query = update.callback_query
    await query.answer()
    d = draft(context)
    reading = chosen_reading(query, d, "plw:c")
    if reading is None:
        await query.message.reply_text(context.gettext("Die knop hoort bij een oudere vraag. Typ opnieuw wanneer de peiling sluit."))
        return CLOSES
    d["closes_at"] = reading
    return await ask(update, context, CONFIRM)


def closes_words(moment: datetime, context: KnooppuntContext) -> str:
    return datefmt.format_moment(moment, locale=context.language, tz=context.settings.timezone)


async def show_preview(update: Update, context: KnooppuntContext) -> None:
    _ = context.gettext
    d = draft(context)
    lines = [_("<b>Zo komt je peiling in de groepen:</b>"), "", f"<b>{escape(d['question'])}</b>"]
    lines += [f"▫️ {escape(option)}" for option in d["options"]]
    lines += ["", _("🙈 Anoniem") if d["anonymous"] else _("👤 Met naam"),
              _("Meer antwoorden") if d["multiple"] else _("Eén antwoord"),
              _("Sluit: {when}").format(when=closes_words(datetime.fromisoformat(d["closes_at"]), context)),
              context.ngettext("Gaat naar {n} groep.", "Gaat naar {n} groepen.", len(d["groups"])).format(n=len(d["groups"]))]
    markup = InlineKeyboardMarkup([[InlineKeyboardButton(_("✅ Versturen"), callback_data="plc:ok"),
                                    InlineKeyboardButton(_("❌ Stoppen"), callback_data="plc:stop")]])
    await update.effective_message.reply_text("\n".join(lines), reply_markup=markup)


async def confirm(update: Update, context: KnooppuntContext) -> int:
    query = update.callback_query
    await query.answer()
    _ = context.gettext
    d = context.user_data.pop(DRAFT, {})
    if query.data != "plc:ok" or "closes_at" not in d:
        await query.message.reply_text(_("Gestopt. Er is niets verstuurd."))
        return ConversationHandler.END
    user_id = update.effective_user.id
    now = context.now()
    closes_at = datetime.fromisoformat(d["closes_at"])
    async with context.session() as session:
        # Checked again on the server: roles and links may have changed since the first question.
        targets = []
        for group in await groups.linked_groups(session, set(d["networks"])):
            if group.chat_id in d["groups"] and await may_manage(session, context, user_id, group.network_id):
                targets.append(group)
        if not targets:
            audit.record_denied(session, user_id, "poll.create")
            poll = None
        else:
            poll = await repo.create_poll(session, d["question"], d["options"], anonymous=d["anonymous"], multiple=d["multiple"],
                                          closes_at=closes_at, created_by=user_id, now=now)
            for group in targets:
                await repo.add_group(session, poll, group, len(d["options"]))
                await outbox.enqueue(session, group.chat_id, "poll", d["question"], poll_key(poll.id, group.chat_id), now,
                                     thread_id=group.message_thread_id, method="poll")
            audit.record(session, user_id, "poll.created", "poll", poll.id, groups=len(targets))
    if poll is None:
        await query.message.reply_text(_("Je mag in geen van die groepen een peiling zetten. Er is niets verstuurd."))
        return ConversationHandler.END
    schedule_close(context.application, poll.id, closes_at)
    wake_outbox(context.application)
    await query.message.reply_text(
        context.ngettext("✅ De peiling gaat naar {n} groep. Ze sluit op {when}. Dan zet ik de uitslag in de groep.",
                         "✅ De peiling gaat naar {n} groepen. Ze sluit op {when}. Dan zet ik de uitslag in elke groep.", len(targets))
        .format(n=len(targets), when=closes_words(closes_at, context)))
    return ConversationHandler.END


async def back(update: Update, context: KnooppuntContext) -> int:
    state = await STEPS.state(update, context)
    previous = PREVIOUS.get(state) if isinstance(state, int) else None
    if previous is None or (previous == NETWORKS and draft(context).get("from_group")):
        await STEPS.first_question(update, context)
        return state if isinstance(state, int) else QUESTION
    return await ask(update, context, previous)


async def stop(update: Update, context: KnooppuntContext) -> int:
    context.user_data.pop(DRAFT, None)
    await update.effective_message.reply_text(context.gettext("Gestopt. Er is niets verstuurd."))
    return ConversationHandler.END


async def text_expected(update: Update, context: KnooppuntContext) -> int:
    state = await STEPS.state(update, context)
    await update.effective_message.reply_text(context.gettext("Typ je antwoord als tekst."))
    return await ask(update, context, state if isinstance(state, int) else QUESTION)


async def button_expected(update: Update, context: KnooppuntContext) -> int:
    state = await STEPS.state(update, context)
    await update.effective_message.reply_text(context.gettext("Tik op een van de knoppen."))
    return await ask(update, context, state if isinstance(state, int) else QUESTION)


def conversation() -> ConversationHandler:
    private_text = filters.ChatType.PRIVATE & filters.TEXT & ~filters.COMMAND
    private_other = filters.ChatType.PRIVATE & ~filters.COMMAND
    return ConversationHandler(
        entry_points=[CommandHandler(COMMANDS[0].names(), start)],
        states={
            NETWORKS: [CallbackQueryHandler(network_toggled, pattern=r"^pln:"), MessageHandler(private_other, button_expected)],
            QUESTION: [MessageHandler(private_text, question_given), MessageHandler(private_other, text_expected)],
            OPTIONS: [MessageHandler(private_text, options_given), MessageHandler(private_other, text_expected)],
            ANONYMOUS: [CallbackQueryHandler(anonymous_chosen, pattern=r"^pla:[01]$"), MessageHandler(private_other, button_expected)],
            MULTIPLE: [CallbackQueryHandler(multiple_chosen, pattern=r"^plm:[01]$"), MessageHandler(private_other, button_expected)],
            CLOSES: [MessageHandler(private_text, closes_given), CallbackQueryHandler(closes_chosen, pattern=r"^plw:c:\d$"),
                     MessageHandler(private_other, text_expected)],
            CONFIRM: [CallbackQueryHandler(confirm, pattern=r"^plc:(ok|stop)$"), MessageHandler(private_other, button_expected)],
        },
        fallbacks=STEPS.fallbacks(stop, back),
        name="poll",
        per_chat=False,  # /peiling in a group continues in the private chat of the same person
        allow_reentry=True,
    )


# -- sending and stopping through the outbox ------------------------------------------------------

def poll_key(poll_id: int, chat_id: int) -> str:
    return f"poll:{poll_id}:{chat_id}"


def _key_ids(key: str) -> tuple[int, int] | None:
    """(poll id, chat id) from "poll:…", "poll-stop:…" or "poll-result:…" keys; None when malformed."""
    parts = key.split(":")
    if len(parts) != 3 or db_id(parts[1]) is None:
        return None
    try:
        return int(parts[1]), int(parts[2])
    except ValueError:
        return None


async def send_poll(application: Application, row: OutboxMessage, extra: dict) -> Message | None:
    """Outbox sender of method "poll": the native poll, then its ids on the group's copy."""
    services = application.bot_data
    ids = _key_ids(row.idempotency_key)
    async with services.session_factory.begin() as session:
        poll = await repo.get_poll(session, ids[0]) if ids else None
        copy = await repo.get_copy(session, ids[0], ids[1]) if poll is not None and ids else None
        options = await repo.options_of(session, poll.id) if poll is not None else []
    if poll is None or copy is None or poll.status != repo.OPEN:
        return None  # closed (or gone) before it could go out: nothing to ask any more
    message = await application.bot.send_poll(row.chat_id, poll.question, options, is_anonymous=poll.anonymous,
                                              allows_multiple_answers=poll.multiple, **extra)
    async with services.session_factory.begin() as session:
        await repo.record_sent(session, copy.id, message.poll.id, message.message_id, services.now())
    return message


async def stop_poll(application: Application, row: OutboxMessage, extra: dict) -> Message | None:
    """Outbox sender of method "stop_poll": close the group's poll (its result comes as the next row)."""
    services = application.bot_data
    ids = _key_ids(row.idempotency_key)
    async with services.session_factory.begin() as session:
        copy = await repo.get_copy(session, ids[0], ids[1]) if ids else None
    if copy is None or copy.message_id is None or copy.stopped_at is not None:
        return None
    kwargs = {"rate_limit_args": extra["rate_limit_args"]} if "rate_limit_args" in extra else {}
    await application.bot.stop_poll(row.chat_id, copy.message_id, **kwargs)
    async with services.session_factory.begin() as session:
        await repo.record_stopped(session, copy.id, services.now())
    return None


register_sender("poll", send_poll)
register_sender("stop_poll", stop_poll)


# -- counting -------------------------------------------------------------------------------------

async def poll_updated(update: Update, context: KnooppuntContext) -> None:
    """Telegram's new totals of one group's poll: kept for anonymous polls (who is never known)."""
    poll = update.poll
    async with context.session() as session:
        found = await repo.by_telegram_poll(session, poll.id)
        if found is None:
            return
        copy, asked = found
        if asked.anonymous and asked.status == repo.OPEN:  # after the close the posted result is the kept one
            await repo.set_totals(session, copy, [option.voter_count for option in poll.options], poll.total_voter_count)


async def poll_answered(update: Update, context: KnooppuntContext) -> None:
    """One person's answer to a non-anonymous poll (no options: taken back); the group's totals follow."""
    answer = update.poll_answer
    if answer.user is None:  # answered on behalf of a channel: not a resident we can count once
        return
    async with context.session() as session:
        found = await repo.by_telegram_poll(session, answer.poll_id)
        if found is None:
            return
        copy, asked = found
        if asked.anonymous or asked.status != repo.OPEN:
            return
        options = await repo.options_of(session, asked.id)
        await repo.set_answer(session, copy, answer.user.id, list(answer.option_ids), len(options), context.now())


# -- closing --------------------------------------------------------------------------------------

def job_name(poll_id: int) -> str:
    return f"poll-close:{poll_id}"


def schedule_close(application: Application, poll_id: int, closes_at: datetime) -> None:
    if application.job_queue is None:
        return
    name = job_name(poll_id)
    for job in application.job_queue.get_jobs_by_name(name):
        job.schedule_removal()
    now = application.bot_data.now()
    application.job_queue.run_once(close_job, when=max(closes_at, now + timedelta(seconds=1)), data=poll_id, name=name,
                                   job_kwargs={"id": name, "replace_existing": True, "misfire_grace_time": CLOSE_GRACE_S,
                                               "coalesce": True})


async def close_job(context: KnooppuntContext) -> None:
    await close_poll(context.application, int(context.job.data))


def result_text(result: PollResult, translator) -> str:  # noqa: ANN001 - a gettext translator
    """The result as posted in the groups: totals with bars, then each group's own numbers.

    Long answers are numbered, so each group's line says "1: 3 · 2: 1" instead of repeating them;
    groups are listed while the message stays within Telegram's 4096 characters.
    """
    _ = translator.gettext
    numbered = sum(len(option) for option in result.options) > SHORT_OPTIONS
    lines = [_("📊 <b>Uitslag van de peiling</b>"), f"<b>{escape(result.question)}</b>", ""]
    for number, (option, count, percent) in enumerate(result.ranked(), 1):
        lines.append(f"{bar(percent)} {percent}% · " + (f"{number}. " if numbered else "") + f"{escape(option)} ({count})")
    lines += ["", translator.ngettext("{n} persoon deed mee.", "{n} mensen deden mee.", result.voters).format(n=result.voters)]
    if len(result.groups) > 1:
        lines += ["", _("<b>Per groep</b>")]
        listed = 0
        for group in result.groups[:GROUPS_LISTED]:
            labels = [str(number) + ":" if numbered else escape(option) for number, option in enumerate(result.options, 1)]
            parts = " · ".join(f"{label} {count}" for label, count in zip(labels, group.counts, strict=True))
            line = translator.ngettext("{group} ({n} persoon): {answers}", "{group} ({n} mensen): {answers}", group.voters).format(
                group=escape(group.title), n=group.voters, answers=parts if group.voters else "–")
            if len("\n".join([*lines, line])) > TEXT_LIMIT:
                break
            lines.append(line)
            listed += 1
        rest = len(result.groups) - listed
        if rest > 0:
            lines.append(translator.ngettext("en {n} andere groep", "en {n} andere groepen", rest).format(n=rest))
    return "\n".join(lines)


async def close_poll(application: Application, poll_id: int) -> bool:
    """Stop every group's poll and post the result in every group (and to its maker), once.

    The poll becomes closed and the outbox rows are written in one transaction; a second run (a
    restart, another process) finds it closed and adds nothing. Each group gets its stop first and
    then the result (rows of one chat go out in order).
    """
    services = application.bot_data
    now = services.now()
    async with services.session_factory.begin() as session:
        if not await repo.close(session, poll_id, now):
            return False
        poll = await repo.get_poll(session, poll_id)
        assert poll is not None
        result = await repo.result(session, poll)
        for copy in await repo.copies(session, poll_id):
            group = await groups.get_group(session, copy.chat_id)
            thread = group.message_thread_id if group is not None else None
            language = group.language if group is not None else services.settings.default_language
            if copy.message_id is not None:
                await outbox.enqueue(session, copy.chat_id, "poll_stop", poll.question, f"poll-stop:{poll_id}:{copy.chat_id}", now,
                                     method="stop_poll", thread_id=thread)
            await outbox.enqueue(session, copy.chat_id, "poll_result", result_text(result, get_translator(language)),
                                 f"poll-result:{poll_id}:{copy.chat_id}", now, thread_id=thread)
        if poll.created_by:
            await queue_result_to_maker(session, application, poll, result, now)
        audit.record(session, None, "poll.closed", "poll", poll_id, voters=result.voters)
    wake_outbox(application)
    return True


async def queue_result_to_maker(session: AsyncSession, application: Application, poll: Poll, result: PollResult, now: datetime) -> None:
    maker = await users.get_user(session, poll.created_by)
    translator = get_translator(user_language(maker, application.bot_data.settings.default_language))
    await outbox.enqueue(session, poll.created_by, "poll_result", result_text(result, translator),
                         f"poll-result:{poll.id}:{poll.created_by}", now)


async def on_startup(application: Application) -> None:
    """Every open poll gets its closing job again (jobs live in memory); a past date closes at once."""
    async with application.bot_data.session_factory.begin() as session:
        open_polls = await repo.due_to_close(session)
    for poll in open_polls:
        schedule_close(application, poll.id, poll.closes_at)


def register(application: Application) -> None:
    add_conversation(application, conversation)
    application.add_handler(PollHandler(poll_updated))
    application.add_handler(PollAnswerHandler(poll_answered))
