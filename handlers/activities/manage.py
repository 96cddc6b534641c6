"""Members edit or cancel their activities; coordinators hide one with a reason for the poster.

Every button is checked again on the server (callback data proves nothing); a refused press
changes nothing, is answered politely and written to the audit log.
"""

from __future__ import annotations

import re

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import Application, CallbackQueryHandler, ConversationHandler, MessageHandler, filters

from domain.ids import db_id
from bot.context import KnooppuntContext
from bot.i18n import N_
from handlers.activities.post import (
    ask_when_again,
    WHEN_EXAMPLES,
    cost_problem,
    description_problem,
    place_from_point,
    place_from_text,
    title_problem,
    when_dict,
    when_readback,
)
from domain.when import WhenError, parse_when
from handlers.core.common import Steps, add_conversation, escape, step_hint
from handlers.activities.reminders import job_name, notify, schedule_reminder
from handlers.activities.agenda import gone
from storage.models import Activity
from storage.repositories import activities as repo
from storage.repositories import audit

EDIT_VALUE, HIDE_REASON = range(20, 22)
FIELDS = {
    "title": N_("Naam"),
    "when": N_("Wanneer"),
    "where": N_("Waar"),
    "desc": N_("Beschrijving"),
    "cost": N_("Kosten"),
}
REASON_MAX = 300


def _id(data: str, pattern: str) -> re.Match[str] | None:
    """The match when `data` fits `pattern` and its first group is a possible row id (domain.ids)."""
    match = re.fullmatch(pattern, data)
    return match if match is not None and db_id(match.group(1)) is not None else None


async def _load_checked(update: Update, context: KnooppuntContext, activity_id: int, attempted: str,
                        moderator: bool = False) -> Activity | None:
    """The activity if this user may do `attempted` to it; else answers, audits and returns None."""
    _ = context.gettext
    user_id = update.effective_user.id
    async with context.session() as session:
        activity = await repo.get_activity(session, activity_id)
        if activity is None:
            allowed = None
        elif moderator:
            allowed = await repo.may_moderate(session, context.settings.admin_ids, user_id, activity)
        else:
            allowed = await repo.may_edit_activity(session, user_id, activity)
        if allowed is False:
            audit.record_denied(session, user_id, attempted, "activity", activity_id)
    if allowed is None:
        await gone(update.callback_query, context)
        return None
    if not allowed:
        await update.effective_message.reply_text(_("Dat mag je niet doen bij deze activiteit. Er is niets veranderd."))
        return None
    return activity


# -- edit ---------------------------------------------------------------------------------------


async def edit_menu(update: Update, context: KnooppuntContext) -> None:
    query = update.callback_query
    await query.answer()
    _ = context.gettext
    match = _id(query.data, r"ac:e:(\d{1,10})")
    activity = await _load_checked(update, context, int(match.group(1)), "activity.edit") if match else None
    if activity is None:
        return
    buttons = [[InlineKeyboardButton(_(label), callback_data=f"ae:{activity.id}:{key}")] for key, label in FIELDS.items()]
    await query.message.reply_text(_("Wat wil je veranderen aan <b>{title}</b>?").format(title=escape_title(activity)),
                                   reply_markup=InlineKeyboardMarkup(buttons))


def escape_title(activity: Activity) -> str:
    return escape(activity.title)


async def edit_field(update: Update, context: KnooppuntContext) -> int:
    query = update.callback_query
    await query.answer()
    _ = context.gettext
    match = _id(query.data, r"ae:(\d{1,10}):(title|when|where|desc|cost)")
    activity = await _load_checked(update, context, int(match.group(1)), "activity.edit") if match else None
    if activity is None:
        return ConversationHandler.END
    field = match.group(2)
    context.user_data["activity_edit"] = (activity.id, field)
    await ask(update, context, EDIT_VALUE)
    return EDIT_VALUE


async def ask(update: Update, context: KnooppuntContext, state: object) -> None:
    """The question of an edit or of hiding (also when it is asked again)."""
    _ = context.gettext
    if state == HIDE_REASON:
        async with context.read_session() as session:
            activity = await repo.get_activity(session, context.user_data.get("activity_hide") or 0)
        title = escape_title(activity) if activity else ""
        question = context.ngettext(
            "Waarom verberg je <b>{title}</b>? Wie hem plaatste, krijgt je uitleg. Gebruik hoogstens {max} teken.",
            "Waarom verberg je <b>{title}</b>? Wie hem plaatste, krijgt je uitleg. Gebruik hoogstens {max} tekens.", REASON_MAX,
        ).format(title=title, max=REASON_MAX)
    else:
        questions = {
            "title": _("Typ de nieuwe naam."),
            "when": _("Typ het nieuwe moment.") + "\n" + _(WHEN_EXAMPLES),
            "where": _("Typ het nieuwe adres met postcode, of stuur een locatie."),
            "desc": _("Typ de nieuwe beschrijving."),
            "cost": _("Typ de nieuwe prijs, of 'gratis'."),
        }
        question = questions[context.user_data.get("activity_edit", (None, "title"))[1]]
    await update.effective_message.reply_text(question + "\n\n" + step_hint(_, back=False))


def _takes_location(context: KnooppuntContext, state: object) -> bool:
    return state == EDIT_VALUE and context.user_data.get("activity_edit", (None, None))[1] == "where"


STEPS = Steps("activity_manage", N_("een wijziging"), ask, takes_location=_takes_location)


async def edit_value(update: Update, context: KnooppuntContext) -> int:
    _ = context.gettext
    _activity_id, field = context.user_data.get("activity_edit", (None, None))
    message = update.effective_message
    text = message.text or ""
    changes: dict = {}
    problem = None
    if field == "where":
        if message.location:
            place = place_from_point(message.location.latitude, message.location.longitude)
        else:
            place = place_from_text(text)
        if place is None:
            problem = _("Die plek kan ik niet vinden. Typ er een postcode bij, bijvoorbeeld: Pijlstraat 1, 3024 AB. Of stuur een locatie.")
        changes["place"] = place
    elif message.text is None:
        problem = _("Stuur je antwoord als tekst.") + "\n\n" + step_hint(_, back=False)
    elif field == "title":
        problem = title_problem(text, context.translator)
        changes["title"] = " ".join(text.split())
    elif field == "when":
        try:
            changes["when"] = when_dict(parse_when(text, context.now(), context.settings.timezone))
        except WhenError as error:
            return await _ask_when_again(update, context, error, text)
    elif field == "desc":
        problem = description_problem(text, context.translator)
        changes["description"] = text.strip() or None
    elif field == "cost":
        problem = cost_problem(text, context.translator)
        changes["cost"] = None if text.strip().lower() in ("gratis", "free", "0") else " ".join(text.split())
    if problem:
        await message.reply_text(problem)
        return EDIT_VALUE
    return await _apply(update, context, changes)


async def _ask_when_again(update: Update, context: KnooppuntContext, error: WhenError, text: str) -> int:
    """The new time is unclear: ask, with a button for each of two readings."""
    sent, choices = await ask_when_again(update, context, error, text, "aw:c")
    context.user_data["activity_edit_choices"] = {"message_id": sent.message_id, "options": choices}
    return EDIT_VALUE


async def when_chosen(update: Update, context: KnooppuntContext) -> int:
    """One of two readings of the new time, tapped on the latest question only."""
    query = update.callback_query
    await query.answer()
    choices = context.user_data.get("activity_edit_choices") or {}
    index = int(query.data.removeprefix("aw:c:"))
    _activity_id, field = context.user_data.get("activity_edit", (None, None))
    if field != "when" or choices.get("message_id") != query.message.message_id or index >= len(choices.get("options", [])):
        await query.message.reply_text(context.gettext("Die knop hoort bij een oudere vraag. Typ opnieuw wanneer het is."))
        return EDIT_VALUE
    context.user_data.pop("activity_edit_choices")
    return await _apply(update, context, {"when": choices["options"][index]})


async def _apply(update: Update, context: KnooppuntContext, changes: dict) -> int:
    """Store the checked change (authorised again here) and tell whoever is coming."""
    _ = context.gettext
    activity_id, field = context.user_data.get("activity_edit", (None, None))
    message = update.effective_message
    user_id = update.effective_user.id
    async with context.session() as session:
        activity = await repo.get_activity(session, activity_id) if activity_id else None
        if activity is None or not await repo.may_edit_activity(session, user_id, activity):
            if activity is not None:
                audit.record_denied(session, user_id, "activity.edit", "activity", activity_id)
            activity = None
        else:
            await repo.apply_changes(session, activity, changes)
            audit.record(session, user_id, "activity.edited", "activity", activity.id, field=field)
            attendees = await repo.attendee_ids(session, activity.id)
    context.user_data.pop("activity_edit", None)
    if activity is None:
        await message.reply_text(_("Dat mag je niet doen bij deze activiteit. Er is niets veranderd."))
        return ConversationHandler.END
    confirmation = _("Opgeslagen. ✅")
    if "when" in changes:
        confirmation += "\n" + _("Nieuw moment: {when}").format(when=when_readback(changes["when"], context))
        schedule_reminder(context.application, activity, context.now())
    await message.reply_text(confirmation)
    if field in ("when", "where"):
        for attendee in attendees:
            await notify(context.application, attendee,
                         N_("Let op: bij \"{title}\" is de tijd of de plek veranderd. Kijk in /agenda voor de nieuwe gegevens."),
                         title=activity.title)
    return ConversationHandler.END


# -- cancel -------------------------------------------------------------------------------------


async def cancel_ask(update: Update, context: KnooppuntContext) -> None:
    query = update.callback_query
    await query.answer()
    _ = context.gettext
    match = _id(query.data, r"ac:k:(\d{1,10})")
    activity = await _load_checked(update, context, int(match.group(1)), "activity.cancel") if match else None
    if activity is None:
        return
    buttons = InlineKeyboardMarkup([[InlineKeyboardButton(_("Ja, afzeggen"), callback_data=f"ac:K:{activity.id}")]])
    await query.message.reply_text(
        _("Weet je het zeker? <b>{title}</b> gaat dan niet door. Wie komt, krijgt bericht.").format(title=escape_title(activity)),
        reply_markup=buttons,
    )


async def cancel_do(update: Update, context: KnooppuntContext) -> None:
    query = update.callback_query
    await query.answer()
    _ = context.gettext
    match = _id(query.data, r"ac:K:(\d{1,10})")
    activity = await _load_checked(update, context, int(match.group(1)), "activity.cancel") if match else None
    if activity is None:
        return
    async with context.session() as session:
        already = not await repo.cancel_activity(session, activity.id)
        attendees = [] if already else await repo.attendee_ids(session, activity.id)
        if not already:
            audit.record(session, update.effective_user.id, "activity.cancelled", "activity", activity.id)
    for job in context.application.job_queue.get_jobs_by_name(job_name(activity.id)) if context.application.job_queue else []:
        job.schedule_removal()
    await query.message.reply_text(_("De activiteit is afgezegd.") if not already else _("Deze activiteit was al afgezegd."))
    for attendee in attendees:
        await notify(context.application, attendee, N_("Jammer: \"{title}\" gaat niet door. Het initiatief heeft het afgezegd."),
                     title=activity.title)


# -- hide (coordinators) ------------------------------------------------------------------------


async def hide_ask(update: Update, context: KnooppuntContext) -> int:
    query = update.callback_query
    await query.answer()
    _ = context.gettext
    match = _id(query.data, r"ac:h:(\d{1,10})")
    activity = await _load_checked(update, context, int(match.group(1)), "activity.hide", moderator=True) if match else None
    if activity is None:
        return ConversationHandler.END
    context.user_data["activity_hide"] = activity.id
    await ask(update, context, HIDE_REASON)
    return HIDE_REASON


async def hide_reason(update: Update, context: KnooppuntContext) -> int:
    _ = context.gettext
    reason = " ".join((update.effective_message.text or "").split())
    if not reason or len(reason) > REASON_MAX:
        await update.effective_message.reply_text(
            context.ngettext("Typ een korte reden, maximaal {max} teken.", "Typ een korte reden, maximaal {max} tekens.", REASON_MAX).format(max=REASON_MAX) + "\n\n" + step_hint(_, back=False))
        return HIDE_REASON
    activity_id = context.user_data.pop("activity_hide", None)
    user_id = update.effective_user.id
    async with context.session() as session:
        activity = await repo.get_activity(session, activity_id) if activity_id else None
        allowed = activity is not None and await repo.may_moderate(session, context.settings.admin_ids, user_id, activity)
        if activity is not None and not allowed:
            audit.record_denied(session, user_id, "activity.hide", "activity", activity_id)
        if allowed:
            repo.hide_activity(activity, reason)
            audit.record(session, user_id, "activity.hidden", "activity", activity.id, reason=reason)
    if not allowed:
        await update.effective_message.reply_text(_("Dat mag je niet doen bij deze activiteit. Er is niets veranderd."))
        return ConversationHandler.END
    await update.effective_message.reply_text(_("De activiteit is verborgen. Wie hem plaatste, krijgt bericht."))
    if activity.created_by:
        await notify(context.application, activity.created_by,
                     N_("Je activiteit \"{title}\" is verborgen door een coördinator. De reden: {reason}"),
                     title=activity.title, reason=reason)
    return ConversationHandler.END


async def stop(update: Update, context: KnooppuntContext) -> int:
    context.user_data.pop("activity_edit", None)
    context.user_data.pop("activity_hide", None)
    await update.effective_message.reply_text(context.gettext("Gestopt. Er is niets veranderd."))
    return ConversationHandler.END


def conversation() -> ConversationHandler:
    return ConversationHandler(
        entry_points=[CallbackQueryHandler(edit_field, pattern=r"^ae:"), CallbackQueryHandler(hide_ask, pattern=r"^ac:h:")],
        states={
            EDIT_VALUE: [MessageHandler(~filters.COMMAND, edit_value), CallbackQueryHandler(when_chosen, pattern=r"^aw:c:[01]$")],
            HIDE_REASON: [MessageHandler(~filters.COMMAND, hide_reason)],
        },
        fallbacks=STEPS.fallbacks(stop),
        name="activity_manage",
        allow_reentry=True,
    )


def register(application: Application) -> None:
    add_conversation(application, conversation)
    application.add_handler(CallbackQueryHandler(edit_menu, pattern=r"^ac:e:"))
    application.add_handler(CallbackQueryHandler(cancel_ask, pattern=r"^ac:k:"))
    application.add_handler(CallbackQueryHandler(cancel_do, pattern=r"^ac:K:"))
