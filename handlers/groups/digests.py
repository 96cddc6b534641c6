"""Coordinators set their groups' digest: /digest_tijd, /digest_pauze, /digest_hervat,
/digest_leeg, /digest_taal and /digest_voorbeeld; on start-up the schedules go into the JobQueue."""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.error import Forbidden, TelegramError
from telegram.ext import Application, CallbackQueryHandler, CommandHandler

from bot.context import KnooppuntContext
from bot.i18n import N_, SOURCE_LANGUAGE, available_languages, language_name
from domain.datefmt import weekday_name
from domain.digest_slots import read_slot
from domain.weekdays import WEEKDAYS
from handlers.groups import digest_jobs
from handlers.core.common import MenuCommand, escape, show_result
from handlers.groups.linking import GROUP_TYPES, may_manage
from storage.models import GroupChat
from storage.repositories import audit, groups, roles

COMMANDS = [
    MenuCommand("digest_tijd", N_("Wanneer het weekoverzicht komt (coördinator)"), private=True, group=True,
                audience="coordinator", english="digest_time"),
    MenuCommand("digest_pauze", N_("Weekoverzicht even stoppen (coördinator)"), private=True, group=True,
                audience="coordinator", english="digest_pause"),
    MenuCommand("digest_hervat", N_("Weekoverzicht weer aanzetten (coördinator)"), private=True, group=True,
                audience="coordinator", english="digest_resume"),
    MenuCommand("digest_leeg", N_("Wat het weekoverzicht doet in een week zonder nieuws (coördinator)"), private=True, group=True,
                audience="coordinator", english="digest_empty"),
    MenuCommand("digest_taal", N_("In welke taal het weekoverzicht komt (coördinator)"), private=True, group=True,
                audience="coordinator", english="digest_language"),
    MenuCommand("digest_voorbeeld", N_("Stuur mij nu het volgende weekoverzicht (coördinator)"), private=True, group=True,
                audience="coordinator", english="digest_preview"),
]
on_startup = digest_jobs.on_startup


async def _targets(update: Update, context: KnooppuntContext, session, attempted: str) -> list[GroupChat] | None:  # noqa: ANN001
    """The groups this command is about: this group, or (in private) every group of the user's networks.

    None when the user may not manage them (recorded as denied).
    """
    chat, user = update.effective_chat, update.effective_user
    if chat.type in GROUP_TYPES:
        group = await groups.get_group(session, chat.id)
        if group is None or group.network_id is None:
            return []
        if not await may_manage(session, context, user.id, group.network_id):
            audit.record_denied(session, user.id, attempted, "group_chat", chat.id)
            return None
        return [group]
    if roles.is_admin(context.settings.admin_ids, user.id):
        return await groups.linked_groups(session, None, include_inactive=True)  # admins: every linked group
    network_ids = await roles.coordinated_network_ids(session, user.id)
    if not network_ids:
        audit.record_denied(session, user.id, attempted)
        return None
    return await groups.linked_groups(session, network_ids, include_inactive=True)


async def _refuse_or_empty(update: Update, context: KnooppuntContext, targets: list[GroupChat] | None) -> bool:
    _ = context.gettext
    if targets is None:
        await update.effective_message.reply_text(_("Dit kan alleen een coördinator van het netwerk."))
        return True
    if not targets:
        await update.effective_message.reply_text(_("Er is nog geen gekoppelde groep. Voeg mij toe aan de groep en stuur daar /koppel."))
        return True
    return False


def _names(targets: list[GroupChat]) -> str:
    return ", ".join(escape(group.title or str(group.chat_id)) for group in targets)


def _when(context: KnooppuntContext, weekday: int | None, hhmm: str) -> str:
    _ = context.gettext
    if weekday is None:
        return _("elke dag om {time}").format(time=hhmm)
    return _("elke {day} om {time}").format(day=weekday_name(weekday, locale=context.language), time=hhmm)


def _day_words(language: str) -> str:
    """The day names /digest_tijd reads (domain.weekdays: Dutch and English), in the reader's language where it can."""
    column = 0 if language == SOURCE_LANGUAGE else 1
    return ", ".join(names[column] for names in WEEKDAYS)


async def set_time(update: Update, context: KnooppuntContext) -> None:
    _ = context.gettext
    usage = _("Zo werkt het: /digest_tijd maandag 09:00 (of een andere dag, of: dagelijks 09:00).")
    if not context.args:
        await update.effective_message.reply_text(usage)
        return
    try:
        weekday, hhmm = read_slot(" ".join(context.args))
    except ValueError as exc:
        reasons = {
            "day": _("Die dag ken ik niet. Kies uit: {days} of dagelijks.").format(days=_day_words(context.language)),
            "time": _("Ik snap de tijd niet. Schrijf er een tijd bij, bijvoorbeeld: /digest_tijd vrijdag 16:00"),
            "dst": _("Kies een tijd buiten 02:00–03:00; die tijd bestaat niet altijd door de zomertijd."),
        }
        await update.effective_message.reply_text(reasons[str(exc)] + "\n" + usage)
        return
    async with context.session() as session:
        targets = await _targets(update, context, session, "digest_time")
        for group in targets or []:
            groups.set_digest_options(group, slot=(weekday, hhmm))
            audit.record(session, update.effective_user.id, "digest_time", "group_chat", group.chat_id, weekday=weekday, time=hhmm)
    if await _refuse_or_empty(update, context, targets):
        return
    for group in targets:
        digest_jobs.schedule_group(context.application, group)
    await update.effective_message.reply_text(
        _("✅ Het weekoverzicht komt nu {when}. Geldt voor: {groups}").format(when=_when(context, weekday, hhmm), groups=_names(targets))
    )


async def _set_paused(update: Update, context: KnooppuntContext, paused: bool) -> None:
    _ = context.gettext
    async with context.session() as session:
        targets = await _targets(update, context, session, "digest_pause" if paused else "digest_resume")
        for group in targets or []:
            groups.set_digest_options(group, paused=paused)
            audit.record(session, update.effective_user.id, "digest_pause" if paused else "digest_resume", "group_chat", group.chat_id)
    if await _refuse_or_empty(update, context, targets):
        return
    for group in targets:
        digest_jobs.schedule_group(context.application, group)
    if paused:
        text = _("⏸ Het weekoverzicht is gestopt voor: {groups}. Weer aanzetten: /digest_hervat").format(groups=_names(targets))
    else:
        text = _("▶️ Het weekoverzicht staat weer aan voor: {groups}.").format(groups=_names(targets))
    await update.effective_message.reply_text(text)


async def pause(update: Update, context: KnooppuntContext) -> None:
    await _set_paused(update, context, True)


async def resume(update: Update, context: KnooppuntContext) -> None:
    await _set_paused(update, context, False)


async def empty_weeks(update: Update, context: KnooppuntContext) -> None:
    """/digest_leeg stil|melden (/digest_empty quiet|notify): in a week without news, send nothing or a short line."""
    _ = context.gettext
    choice = {"quiet": "stil", "notify": "melden"}.get(context.args[0].lower(), context.args[0].lower()) if context.args else ""
    if choice not in ("stil", "melden"):
        await update.effective_message.reply_text(
            _("Zo werkt het: /digest_leeg stil (niets sturen in een lege week) of /digest_leeg melden (een korte regel sturen).")
        )
        return
    async with context.session() as session:
        targets = await _targets(update, context, session, "digest_empty")
        for group in targets or []:
            groups.set_digest_options(group, skip_empty=choice == "stil")
    if await _refuse_or_empty(update, context, targets):
        return
    if choice == "stil":
        await update.effective_message.reply_text(_("✅ In een week zonder nieuws stuur ik niets."))
    else:
        await update.effective_message.reply_text(_("✅ In een week zonder nieuws stuur ik een korte regel."))


async def preview(update: Update, context: KnooppuntContext) -> None:
    """The next digest of each group, privately to the coordinator, now (nothing is recorded)."""
    _ = context.gettext
    user = update.effective_user
    moment = context.now()
    async with context.session() as session:
        targets = await _targets(update, context, session, "digest_preview")
        previews = []
        for group in targets or []:
            parts = await digest_jobs.compose_group(session, context.application, group, moment)
            previews.append((group, parts))
    if await _refuse_or_empty(update, context, targets):
        return
    try:
        for group, parts in previews:
            await context.bot.send_message(user.id, _("👀 Voorbeeld voor {group}:").format(group=escape(group.title or str(group.chat_id))))
            for part in parts or [_("(In een lege week stuur ik niets; zo heb je het ingesteld.)")]:
                await context.bot.send_message(user.id, part)
    except Forbidden:
        await update.effective_message.reply_text(
            _("Ik kan je nog geen privébericht sturen. Stuur mij eerst een bericht: @{bot}").format(bot=context.bot.username)
        )
        return
    except TelegramError:
        await update.effective_message.reply_text(_("Het voorbeeld kon niet verstuurd worden. Probeer het later nog eens."))
        raise
    if update.effective_chat.type in GROUP_TYPES:
        await update.effective_message.reply_text(_("📬 Ik heb je het voorbeeld privé gestuurd."))


LANGUAGE_PREFIX = "dg:lang:"


async def language_offer(update: Update, context: KnooppuntContext) -> None:
    """/digest_taal: buttons with the languages; the digest's dates and words follow the choice."""
    _ = context.gettext
    async with context.session() as session:
        targets = await _targets(update, context, session, "digest_language")
    if await _refuse_or_empty(update, context, targets):
        return
    buttons = [[InlineKeyboardButton(language_name(code), callback_data=LANGUAGE_PREFIX + code)] for code in available_languages()]
    await update.effective_message.reply_text(
        _("In welke taal komt het weekoverzicht? Geldt voor: {groups}").format(groups=_names(targets)),
        reply_markup=InlineKeyboardMarkup(buttons),
    )


async def language_chosen(update: Update, context: KnooppuntContext) -> None:
    """The choice is checked again here: the press may be forged, or by someone else in the group."""
    query = update.callback_query
    await query.answer()
    _ = context.gettext
    code = query.data.removeprefix(LANGUAGE_PREFIX)
    if code not in available_languages():
        await query.message.reply_text(_("Deze knop werkt niet meer. Stuur /digest_taal opnieuw."))
        return
    async with context.session() as session:
        targets = await _targets(update, context, session, "digest_language")
        for group in targets or []:
            groups.set_digest_options(group, language=code)
            audit.record(session, update.effective_user.id, "digest_language", "group_chat", group.chat_id, language=code)
    if await _refuse_or_empty(update, context, targets):
        return
    await show_result(update, context,
        _("✅ Taal van het weekoverzicht: {language}. Geldt voor: {groups}").format(
            language=language_name(code), groups=_names(targets))
    )


def register(application: Application) -> None:
    application.add_handler(CommandHandler(["digest_tijd", "digest_time"], set_time))
    application.add_handler(CommandHandler(["digest_pauze", "digest_pause"], pause))
    application.add_handler(CommandHandler(["digest_hervat", "digest_resume"], resume))
    application.add_handler(CommandHandler(["digest_leeg", "digest_empty"], empty_weeks))
    application.add_handler(CommandHandler(["digest_voorbeeld", "digest_preview"], preview))
    application.add_handler(CommandHandler(["digest_taal", "digest_language"], language_offer))
    application.add_handler(CallbackQueryHandler(language_chosen, pattern=r"^dg:lang:"))
