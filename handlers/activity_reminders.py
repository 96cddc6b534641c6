"""Reminders for those who said "Ik kom" for a date: the day before, or 3 hours before for who
signed up later (domain.agenda.reminder_stage), planned with the JobQueue from the database (jobs
live in memory only), and /herinneringen to switch them off and on."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from sqlalchemy.exc import IntegrityError
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.error import RetryAfter, TelegramError
from telegram.ext import Application, CallbackQueryHandler, CommandHandler, ContextTypes, filters

from bot.context import KnooppuntContext
from bot.i18n import N_, get_translator, user_language
from domain.agenda import REMINDER_DAY_BEFORE, REMINDER_SOON_BEFORE
from domain.recurrence import to_utc
from domain.retry_policy import backoff_delay
from handlers.activity_card import now_of, upcoming, when_words
from handlers.common import MenuCommand, escape, show_result
from handlers.telegram_faults import BLOCKED, TRANSIENT, classify, retry_after_seconds
from storage.models import Activity
from storage.repositories import activities as repo

logger = logging.getLogger(__name__)

COMMANDS = [MenuCommand("herinneringen", N_("Herinneringen aan of uit"), private=True, english="reminders")]

REMINDER_BEFORE = REMINDER_DAY_BEFORE
REMINDER_GRACE_S = 6 * 3600  # a reminder that is late (the bot was down) still goes out


def job_name(activity_id: int) -> str:
    return f"act-reminder:{activity_id}"


def schedule_reminder(application: Application, activity: Activity, now: datetime) -> None:
    """(Re)plan the reminder of the next occurrence; a moment already past fires at once."""
    if application.job_queue is None:
        return
    tz = application.bot_data.settings.timezone
    slots = upcoming(activity, now, tz, count=2)
    slots = [s for s in slots if to_utc(s.start) > to_utc(now)]
    if not slots:
        return
    start = to_utc(slots[0].start)
    due = [moment for moment in (start - REMINDER_DAY_BEFORE, start - REMINDER_SOON_BEFORE) if moment > to_utc(now)]
    fire_at = due[0] if due else to_utc(now) + timedelta(seconds=1)  # both passed (the bot was down): catch up
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


def retry_job_name(activity_id: int) -> str:
    return f"act-reminder-retry:{activity_id}"


def schedule_retry(application: Application, activity_id: int, at: datetime, now: datetime) -> None:
    """Try the pending reminders of an activity again at `at` (at once when that has passed)."""
    if application.job_queue is None:
        return
    name = retry_job_name(activity_id)
    for job in application.job_queue.get_jobs_by_name(name):
        job.schedule_removal()
    application.job_queue.run_once(
        send_reminders,
        when=max(to_utc(at), to_utc(now) + timedelta(seconds=1)),
        data=activity_id,
        name=name,
        job_kwargs={"id": name, "replace_existing": True, "misfire_grace_time": REMINDER_GRACE_S, "coalesce": True},
    )


async def send_reminders(context: ContextTypes.DEFAULT_TYPE) -> None:
    """Remind those who come, each (person, occurrence) exactly once.

    Per person: claim (a row "sending", committed) -> send -> "sent". Telegram being down or
    busy makes it "pending" with a later try (backoff; the retry job, or start-up, picks it up);
    blocked or refused makes it "failed". A row left "sending" by a crash counts as sent.
    """
    application = context.application
    activity_id: int = context.job.data
    tz = application.bot_data.settings.timezone
    now = now_of(application)
    async with application.bot_data.session_factory.begin() as session:
        await repo.expire_pending_reminders(session, activity_id, now)
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
        pending = {row.user_id: row for row in await repo.pending_reminders(session, activity_id, occurrence)}
        for user_id, row in pending.items():
            if user_id not in candidates:  # no longer coming, or switched reminders off meanwhile
                row.status, row.error, row.next_try_at = repo.REMINDER_FAILED, "no longer wanted", None
        waiting = [pending[u].next_try_at for u in candidates if u in pending and pending[u].next_try_at and to_utc(pending[u].next_try_at) > to_utc(now)]
        due = [u for u in candidates if u not in pending or not pending[u].next_try_at or to_utc(pending[u].next_try_at) <= to_utc(now)]
        people = await repo.users_by_id(session, due)
    settings = application.bot_data.settings
    for user_id in due:
        retry_at = await _remind(application, activity, slot, occurrence, user_id,
                                 user_language(people.get(user_id), settings.default_language), now, stage)
        if retry_at is not None:
            waiting.append(retry_at)
    if waiting:
        schedule_retry(application, activity_id, min(waiting), now)
    if stage == "day":
        schedule_reminder(application, activity, now)  # the 3-hours-before round for later sign-ups
    elif activity.rrule is not None:
        schedule_reminder(application, activity, slot.start)


async def _remind(application: Application, activity: Activity, slot, occurrence: datetime, user_id: int, language: str,  # noqa: ANN001, PLR0913
                  now: datetime, stage: str = "day") -> datetime | None:
    """One reminder through claim -> send -> settle; returns when to try again, if it should be."""
    factory = application.bot_data.session_factory
    try:
        async with factory.begin() as session:
            if not await repo.claim_reminder(session, activity.id, user_id, occurrence, now):
                return None
    except IntegrityError:
        return None  # another run claimed it first
    tz = application.bot_data.settings.timezone
    _ = get_translator(language).gettext
    heading = _("⏰ Herinnering: morgen is <b>{title}</b>.") if stage == "day" else _("⏰ Herinnering: straks is <b>{title}</b>.")
    text = "\n".join([heading.format(title=escape(activity.title)), "🗓 " + escape(when_words(slot.start, slot.end, language, tz)),
                      _("Geen herinneringen meer? Typ /herinneringen.")])
    markup = InlineKeyboardMarkup([[InlineKeyboardButton(_("Bekijk de activiteit"), callback_data=f"ac:o:{activity.id}")]])
    try:
        await application.bot.send_message(user_id, text, reply_markup=markup)
    except TelegramError as exc:
        kind = classify(exc)
        retry_at = None
        async with factory.begin() as session:
            row = await repo.reminder_row(session, activity.id, user_id, occurrence)
            row.error = str(exc)[:200]
            if kind == TRANSIENT:
                row.attempts += 1
                wait = retry_after_seconds(exc) if isinstance(exc, RetryAfter) else 0
                retry_at = to_utc(now) + backoff_delay(row.attempts, at_least=wait)
                if retry_at >= occurrence:
                    row.status, retry_at = repo.REMINDER_FAILED, None
                else:
                    row.status, row.next_try_at = repo.REMINDER_PENDING, retry_at
            else:
                row.status, row.next_try_at = repo.REMINDER_FAILED, None
        if kind == BLOCKED:
            logger.info("Reminder for activity %s: user %s blocked the bot", activity.id, user_id)
        elif retry_at is not None:
            logger.warning("Reminder for activity %s to %s failed (%s); trying again at %s", activity.id, user_id, exc, retry_at.isoformat())
        else:
            logger.warning("Reminder for activity %s to %s not delivered: %s", activity.id, user_id, exc)
        return retry_at
    async with factory.begin() as session:
        row = await repo.reminder_row(session, activity.id, user_id, occurrence)
        row.status, row.next_try_at, row.error = repo.REMINDER_SENT, None, None
        row.sent_at = now
    return None


async def reminders_toggle(update: Update, context: KnooppuntContext) -> None:
    _ = context.gettext
    async with context.session() as session:
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
        except LookupError:
            await query.edit_message_text(_("Typ eerst /start."))
            return
    await show_result(update, context,
        _("Herinneringen staan aan. 🔔") if enabled else _("Herinneringen staan uit. 🔕 Aanzetten? Typ /herinneringen.")
    )


async def notify(application: Application, user_id: int, message: str, **values: str) -> None:
    """A short message to one person in their language; blocked users are skipped."""
    async with application.bot_data.session_factory() as session:
        user = await repo.get_user(session, user_id)
    language = user_language(user, application.bot_data.settings.default_language)
    _ = get_translator(language).gettext
    try:
        await application.bot.send_message(user_id, _(message).format(**{k: escape(v) for k, v in values.items()}))
    except TelegramError as exc:
        logger.info("Could not notify %s: %s", user_id, exc)


async def on_startup(application: Application) -> None:
    """Plan every reminder from the database (jobs live in memory only): the coming ones, and
    the retries of those Telegram could not take; a reminder in flight at a crash counts as sent."""
    now = now_of(application)
    async with application.bot_data.session_factory.begin() as session:
        for row in await repo.settle_in_flight_reminders(session):
            logger.warning("Reminder for activity %s to %s was in flight at a restart; counted as sent", row.activity_id, row.user_id)
        found = await repo.activities_with_rsvps(session)
        retries = await repo.reminder_retries(session)
    for activity in found:
        schedule_reminder(application, activity, now)
    for activity_id, at in retries.items():
        schedule_retry(application, activity_id, at or now, now)


def register(application: Application) -> None:
    application.add_handler(CommandHandler(["herinneringen", "reminders"], reminders_toggle, filters=filters.ChatType.PRIVATE))
    application.add_handler(CallbackQueryHandler(reminders_set, pattern=r"^rm:(on|off)$"))
