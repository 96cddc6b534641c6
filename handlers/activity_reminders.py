"""Reminders the day before, for those who said "Ik kom", planned with the JobQueue from the
database (jobs live in memory only), and /herinneringen to switch them off and on."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.error import Forbidden, TelegramError
from telegram.ext import Application, CallbackQueryHandler, CommandHandler, ContextTypes, filters

from bot.context import KnooppuntContext
from bot.i18n import N_, get_translator
from domain.recurrence import to_utc
from handlers.activity_card import now_of, upcoming, when_words
from handlers.common import MenuCommand, escape
from storage.models import Activity
from storage.repositories import activities as repo

logger = logging.getLogger(__name__)

COMMANDS = [MenuCommand("herinneringen", N_("Herinneringen aan of uit"), private=True)]

REMINDER_BEFORE = timedelta(hours=24)
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
    fire_at = max(to_utc(slots[0].start) - REMINDER_BEFORE, to_utc(now) + timedelta(seconds=1))
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


async def send_reminders(context: ContextTypes.DEFAULT_TYPE) -> None:
    """Remind those who come; each (person, occurrence) is written down before it is sent."""
    application = context.application
    activity_id: int = context.job.data
    tz = application.bot_data.settings.timezone
    now = now_of(application)
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
        recipients = await repo.reminder_recipients(session, activity_id, occurrence, joined_before=occurrence - REMINDER_BEFORE)
        for user_id in recipients:
            repo.mark_reminded(session, activity_id, user_id, occurrence, now)
        languages = await repo.languages_of(session, recipients)
    settings = application.bot_data.settings
    for user_id in recipients:
        language = languages.get(user_id) or settings.default_language
        _ = get_translator(language).gettext
        text = _("⏰ Herinnering: morgen is <b>{title}</b>.\n🗓 {when}\nGeen herinneringen meer? Typ /herinneringen.").format(
            title=escape(activity.title), when=escape(when_words(slot.start, slot.end, language, tz))
        )
        markup = InlineKeyboardMarkup([[InlineKeyboardButton(_("Bekijk de activiteit"), callback_data=f"ac:o:{activity.id}")]])
        try:
            await application.bot.send_message(user_id, text, reply_markup=markup)
        except Forbidden:
            logger.info("Reminder for activity %s: user %s blocked the bot", activity_id, user_id)
        except TelegramError as exc:
            logger.warning("Reminder for activity %s to %s failed: %s", activity_id, user_id, exc)
    if activity.rrule is not None:
        schedule_reminder(application, activity, slot.start)


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
    await query.edit_message_text(
        _("Herinneringen staan aan. 🔔") if enabled else _("Herinneringen staan uit. 🔕 Aanzetten? Typ /herinneringen.")
    )


async def notify(application: Application, user_id: int, message: str, **values: str) -> None:
    """A short message to one person in their language; blocked users are skipped."""
    async with application.bot_data.session_factory() as session:
        user = await repo.get_user(session, user_id)
    language = (user.language if user and user.language else None) or application.bot_data.settings.default_language
    _ = get_translator(language).gettext
    try:
        await application.bot.send_message(user_id, _(message).format(**{k: escape(v) for k, v in values.items()}))
    except TelegramError as exc:
        logger.info("Could not notify %s: %s", user_id, exc)


async def on_startup(application: Application) -> None:
    """Plan every pending reminder from the database (jobs live in memory only)."""
    now = now_of(application)
    async with application.bot_data.session_factory() as session:
        found = await repo.activities_with_rsvps(session)
    for activity in found:
        schedule_reminder(application, activity, now)


def register(application: Application) -> None:
    application.add_handler(CommandHandler(["herinneringen", "reminders"], reminders_toggle, filters=filters.ChatType.PRIVATE))
    application.add_handler(CallbackQueryHandler(reminders_set, pattern=r"^rm:(on|off)$"))
