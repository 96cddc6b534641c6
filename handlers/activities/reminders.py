"""Reminders for those who said "Ik kom" for a date: the day before, or 3 hours before for who
signed up later (domain.agenda.reminder_stage), planned with the JobQueue from the database (jobs
live in memory only), and /herinneringen to switch them off and on."""

from __future__ import annotations

import logging
import uuid
from datetime import datetime, timedelta

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import Application, CallbackQueryHandler, CommandHandler, ContextTypes, filters

from bot.context import KnooppuntContext
from bot.i18n import N_, get_translator, user_language
from domain.agenda import REMINDER_DAY_BEFORE, REMINDER_SOON_BEFORE
from domain.recurrence import to_utc
from handlers.activities.card import when_words
from storage.activity_facts import upcoming
from handlers.core.common import MenuCommand, escape, show_result
from storage.models import Activity
from storage.repositories import activities as repo
from storage.repositories import outbox

logger = logging.getLogger(__name__)

COMMANDS = [MenuCommand("herinneringen", N_("Herinneringen aan of uit"), private=True, english="reminders")]

REMINDER_BEFORE = REMINDER_DAY_BEFORE
REMINDER_GRACE_S = 6 * 3600  # a reminder that is late (the bot was down) still goes out


def job_name(activity_id: int) -> str:
    return f"act-reminder:{activity_id}"


def schedule_reminder(application: Application, activity: Activity, now: datetime, *, day_round: bool = True) -> None:
    """(Re)plan the reminder of the next occurrence; a moment already past fires at once.

    The day-before round is caught up when it passed less than REMINDER_GRACE_S ago (the bot was
    down then); running it twice queues nothing twice (idempotency keys). After it ran, only the
    3-hours-before round for later sign-ups is left (`day_round=False`).
    """
    if application.job_queue is None:
        return
    tz = application.bot_data.settings.timezone
    slots = upcoming(activity, now, tz, count=2)
    slots = [s for s in slots if to_utc(s.start) > to_utc(now)]
    if not slots:
        return
    start, moment = to_utc(slots[0].start), to_utc(now)
    day, soon = start - REMINDER_DAY_BEFORE, start - REMINDER_SOON_BEFORE
    if day_round and day > moment - timedelta(seconds=REMINDER_GRACE_S) and soon > moment:
        fire_at = max(day, moment + timedelta(seconds=1))  # the day before (caught up if the bot was down)
    elif soon > moment:
        fire_at = soon
    else:
        fire_at = moment + timedelta(seconds=1)  # both passed (the bot was down): catch up
    name = job_name(activity.id)
    for job in application.job_queue.get_jobs_by_name(name):
        job.schedule_removal()
    application.job_queue.run_once(
        send_reminders,
        when=fire_at,
        data=activity.id,
        name=name,
        job_kwargs={"id": name, "replace_existing": True, "misfire_grace_time": REMINDER_GRACE_S, "coalesce": True},
    )


def reminder_key(activity_id: int, user_id: int, occurrence: datetime) -> str:
    return f"reminder:{activity_id}:{user_id}:{to_utc(occurrence).isoformat()}"


async def send_reminders(context: ContextTypes.DEFAULT_TYPE) -> None:
    """Queue the reminders of the next occurrence, each (person, occurrence) exactly once.

    The reminder rows and their outbox rows are written in one transaction; the unique keys make
    a second run (a restart, another process) a no-op. The outbox sends, retries until the
    activity begins (`expires_at`), and marks people who blocked the bot.
    """
    application = context.application
    activity_id: int = context.job.data
    settings = application.bot_data.settings
    tz = settings.timezone
    now = application.bot_data.now()
    try:
        async with application.bot_data.session_factory.begin() as session:
            activity = await repo.get_activity(session, activity_id)
            if activity is None or activity.status != "published" or activity.initiative.status != "active":
                return
            slots = [s for s in upcoming(activity, now, tz, count=2) if to_utc(s.start) > to_utc(now)]
            if not slots:
                return
            slot = slots[0]
            if to_utc(slot.start) - REMINDER_BEFORE > to_utc(now) + timedelta(minutes=1):
                schedule_reminder(application, activity, now)  # woke too early (e.g. the time changed)
                return
            occurrence = to_utc(slot.start)
            # The day before: who came before then. Later: who signed up after that, up to 3 hours ahead.
            stage = "day" if occurrence - REMINDER_SOON_BEFORE > to_utc(now) + timedelta(minutes=1) else "soon"
            joined_before = occurrence - (REMINDER_DAY_BEFORE if stage == "day" else REMINDER_SOON_BEFORE)
            candidates = await repo.reminder_candidates(session, activity_id, occurrence, joined_before=joined_before)
            people = await repo.users_by_id(session, candidates)
            for user_id in candidates:
                if not await repo.claim_reminder(session, activity_id, user_id, occurrence, now):
                    continue
                language = user_language(people.get(user_id), settings.default_language)
                text, markup = reminder_message(activity, slot, language, tz, stage)
                await outbox.enqueue(session, user_id, "reminder", text, reminder_key(activity_id, user_id, occurrence), now,
                                     reply_markup=markup.to_dict(), expires_at=occurrence)
                (await repo.reminder_row(session, activity_id, user_id, occurrence)).status = repo.REMINDER_QUEUED
    except IntegrityError:
        logger.info("Reminders for activity %s were queued by another process", activity_id)
        return
    wake_outbox(application)
    if stage == "day":
        schedule_reminder(application, activity, now, day_round=False)  # the 3-hours-before round for later sign-ups
    elif activity.rrule is not None:
        schedule_reminder(application, activity, slot.start)


def reminder_message(activity: Activity, slot, language: str, tz, stage: str) -> tuple[str, InlineKeyboardMarkup]:  # noqa: ANN001
    """The reminder of one date, in the reader's language: 'morgen' the day before, else 'straks'."""
    _ = get_translator(language).gettext
    heading = _("⏰ Herinnering: morgen is <b>{title}</b>.") if stage == "day" else _("⏰ Herinnering: straks is <b>{title}</b>.")
    text = "\n".join([heading.format(title=escape(activity.title)), "🗓 " + escape(when_words(slot.start, slot.end, language, tz)),
                      _("Geen herinneringen meer? Typ /herinneringen.")])
    markup = InlineKeyboardMarkup([[InlineKeyboardButton(_("Bekijk de activiteit"), callback_data=f"ac:o:{activity.id}")]])
    return text, markup


async def reminders_toggle(update: Update, context: KnooppuntContext) -> None:
    _ = context.gettext
    async with context.read_session() as session:
        user = await repo.get_user(session, update.effective_user.id)
        enabled = True if user is None else user.reminders_enabled
    buttons = InlineKeyboardMarkup([[
        InlineKeyboardButton(_("🔕 Uitzetten") if enabled else _("🔔 Aanzetten"), callback_data="rm:off" if enabled else "rm:on")
    ]])
    text = _("Herinneringen staan aan.") if enabled else _("Herinneringen staan uit.")
    await update.effective_message.reply_text(text, reply_markup=buttons)


async def reminders_set(update: Update, context: KnooppuntContext) -> None:
    query = update.callback_query
    await query.answer()
    _ = context.gettext
    enabled = query.data == "rm:on"
    async with context.session() as session:
        try:
            await repo.set_reminders(session, update.effective_user.id, enabled)
            if not enabled:
                await outbox.cancel_for_chat(session, update.effective_user.id, "reminder", "no longer wanted")
        except LookupError:
            await query.edit_message_text(_("Typ eerst /start."))
            return
    await show_result(update, context,
        _("Herinneringen staan aan. 🔔") if enabled else _("Herinneringen staan uit. 🔕 Aanzetten? Typ /herinneringen.")
    )


def wake_outbox(application: Application) -> None:
    """Rows were committed: let this process's outbox worker look now."""
    if application.bot_data.outbox is not None:
        application.bot_data.outbox.wake()


async def queue_notice(session: AsyncSession, application: Application, user_id: int, message: str, key: str | None = None, **values: str) -> bool:
    """A short message to one person in their language, queued in the caller's transaction.

    `key` makes it once-only (e.g. one per decision); without one every call queues a message.
    """
    user = await repo.get_user(session, user_id)
    _ = get_translator(user_language(user, application.bot_data.settings.default_language)).gettext
    text = _(message).format(**{k: escape(v) for k, v in values.items()})
    return await outbox.enqueue(session, user_id, "notice", text, key or f"notice:{user_id}:{uuid.uuid4().hex}",
                                application.bot_data.now())


async def notify(application: Application, user_id: int, message: str, **values: str) -> None:
    """queue_notice in a transaction of its own (for callers whose change is already committed)."""
    async with application.bot_data.session_factory.begin() as session:
        await queue_notice(session, application, user_id, message, **values)
    wake_outbox(application)


async def on_startup(application: Application) -> None:
    """Plan every reminder from the database (jobs live in memory only)."""
    now = application.bot_data.now()
    async with application.bot_data.session_factory() as session:
        found = await repo.activities_with_rsvps(session)
    for activity in found:
        schedule_reminder(application, activity, now)


def register(application: Application) -> None:
    application.add_handler(CommandHandler(["herinneringen", "reminders"], reminders_toggle, filters=filters.ChatType.PRIVATE))
    application.add_handler(CallbackQueryHandler(reminders_set, pattern=r"^rm:(on|off)$"))
