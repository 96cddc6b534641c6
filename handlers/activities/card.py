"""Showing one activity: the card text, its buttons, and its calendar data.

Shared by the agenda (residents), the posting conversation (preview) and the reminders.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import datetime

from babel.dates import format_date
from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.i18n import get_translator
from domain import datefmt
from domain.agenda import Slot, occurrences
from domain.htmltext import truncate
from handlers.core.common import escape
from handlers.governance.initiative_text import GettextTranslator
from storage.activity_facts import upcoming, where_words
from storage.models import Activity

CAPTION_LIMIT = 1024
_BARE_AMOUNT = re.compile(r"\d{1,4}(?:[.,]\d{1,2})?(?:,-)?")  # occurrences of a recurring activity on its card


def when_words(start: datetime, end: datetime | None, language: str, tz) -> str:  # noqa: ANN001
    """'zaterdag 5 december 2026, 14:00 – 16:00' in the reader's language."""
    return datefmt.format_moment(start, end, locale=language, tz=tz)


def series_words(activity: Activity, gettext, language: str, tz) -> str:  # noqa: ANN001
    """'Elke dinsdag, 10:00 – 12:00' (or a plain 'Komt vaker terug' for a rule we cannot word)."""
    try:
        text = datefmt.format_recurrence(activity.rrule, activity.starts_at, activity.ends_at,
                                         translator=GettextTranslator(gettext, language), locale=language, tz=tz)
    except ValueError:
        return gettext("Komt vaker terug.")
    return text[:1].upper() + text[1:]


def day_words(start: datetime, language: str, tz) -> str:  # noqa: ANN001
    """'dinsdag 8 december': the date an RSVP of a series is about."""
    return datefmt.format_day(start.astimezone(tz).date(), locale=language)


def short_day(start: datetime, language: str, tz) -> str:  # noqa: ANN001
    """'za 5 dec 14:00' for list buttons."""
    local = start.astimezone(tz)
    return f"{format_date(local.date(), 'EEE d MMM', locale=language)} {local:%H:%M}"


def cost_words(cost: str) -> str:
    """ "1,50" -> "€ 1,50": a bare amount gets its euro sign; "€ 2,50" or "vrije gift" stay as typed."""
    return f"€ {cost.strip()}" if _BARE_AMOUNT.fullmatch(cost.strip()) else cost


def card_text(activity: Activity, *, gettext, language: str, tz, now: datetime, going: int, limit: int = 4096,  # noqa: ANN001
              going_on: str | None = None, together_with: Sequence[str] = ()) -> str:
    """The card; `going_on` names the date the count is about (a series counts per date)."""
    _ = gettext
    ngettext = get_translator(language).ngettext
    lines = [f"<b>{escape(activity.title)}</b>"]
    if activity.status == "cancelled":
        lines.append(_("❌ Deze activiteit gaat niet door."))
    elif activity.status == "hidden":
        lines.append(_("🙈 Verborgen door een coördinator."))
        if activity.hidden_reason:
            lines.append(_("Reden: {reason}").format(reason=escape(activity.hidden_reason)))
    slots = upcoming(activity, now, tz)
    if activity.rrule is not None:
        lines.append("🔁 " + escape(series_words(activity, gettext, language, tz)))
        for slot in slots:
            lines.append("🗓 " + escape(when_words(slot.start, slot.end, language, tz)))
        if not slots:
            lines.append(_("Er komen geen nieuwe keren meer."))
    else:
        lines.append("🗓 " + escape(when_words(activity.starts_at, activity.ends_at, language, tz)))
        if not slots:
            lines.append(_("Deze activiteit is al voorbij."))
    where = where_words(activity)
    if where:
        lines.append("📍 " + escape(where))
    lines.append("💶 " + (escape(cost_words(activity.cost)) if activity.cost else _("Gratis")))
    lines.append("🏠 " + escape(activity.initiative.name))
    if together_with:  # initiatives that accepted to organise it together (handlers.together.coorganise)
        lines.append(_("🤝 Samen met: {names}").format(names=escape(", ".join(together_with))))
    if going_on is not None:
        if activity.max_attendees is not None:
            lines.append(ngettext("👥 {going} van {max} plek bezet op {day}", "👥 {going} van {max} plekken bezet op {day}",
                                  activity.max_attendees).format(going=going, max=activity.max_attendees, day=escape(going_on)))
        elif going:
            lines.append(ngettext("👥 {going} persoon komt op {day}", "👥 {going} mensen komen op {day}", going).format(
                going=going, day=escape(going_on)))
    elif activity.max_attendees is not None:
        lines.append(ngettext("👥 {going} van {max} plek bezet", "👥 {going} van {max} plekken bezet", activity.max_attendees).format(
            going=going, max=activity.max_attendees))
    elif going:
        lines.append(ngettext("👥 {going} persoon komt", "👥 {going} komen", going).format(going=going))
    text = "\n".join(lines)
    if activity.description:
        room = limit - len(text) - 2
        if room > 20:
            text += "\n\n" + truncate(escape(activity.description), room)
    return text


def card_buttons(activity: Activity, *, gettext, rsvp: str | None, going: int, member: bool, moderator: bool,  # noqa: ANN001
                 going_on: str | None = None, inviter: bool = False, coorganiser: int | None = None) -> InlineKeyboardMarkup:
    _ = gettext
    rows: list[list[InlineKeyboardButton]] = []
    if activity.status == "published":
        if rsvp == "going" and going_on is not None:
            rows.append([InlineKeyboardButton(_("✅ Je komt op {day} – afmelden").format(day=going_on), callback_data=f"ac:x:{activity.id}")])
        elif rsvp == "going":
            rows.append([InlineKeyboardButton(_("✅ Je komt ({n}) – afmelden").format(n=going), callback_data=f"ac:x:{activity.id}")])
        elif rsvp == "waiting":
            rows.append([InlineKeyboardButton(_("⏳ Op de wachtlijst – afmelden"), callback_data=f"ac:x:{activity.id}")])
        else:
            rows.append([InlineKeyboardButton(_("🙋 Ik kom ({n})").format(n=going), callback_data=f"ac:r:{activity.id}")])
    rows.append([InlineKeyboardButton(_("📅 Zet in mijn agenda"), callback_data=f"ac:i:{activity.id}")])
    if activity.location is not None:
        rows[-1].append(InlineKeyboardButton(_("🧭 Route"), callback_data=f"ac:p:{activity.id}"))
    manage: list[InlineKeyboardButton] = []
    if member and activity.status != "cancelled":
        manage.append(InlineKeyboardButton(_("✏️ Wijzigen"), callback_data=f"ac:e:{activity.id}"))
        manage.append(InlineKeyboardButton(_("❌ Afzeggen"), callback_data=f"ac:k:{activity.id}"))
    if moderator and activity.status == "published":
        manage.append(InlineKeyboardButton(_("🙈 Verbergen"), callback_data=f"ac:h:{activity.id}"))
    if manage:
        rows.append(manage)
    if inviter and activity.status == "published":  # a member of the posting initiative: invite a co-organiser
        rows.append([InlineKeyboardButton(_("🤝 Samen organiseren"), callback_data=f"tc:i:{activity.id}")])
    if coorganiser is not None and activity.status != "cancelled":  # a member of a co-organising initiative: leave again
        rows.append([InlineKeyboardButton(_("🚪 Niet meer samen organiseren"), callback_data=f"tc:l:{activity.id}:{coorganiser}")])
    return InlineKeyboardMarkup(rows)


def slot_in_window(activity: Activity, lo: datetime, hi: datetime, now: datetime, tz) -> Slot | None:  # noqa: ANN001
    found = occurrences(activity.starts_at, activity.ends_at, activity.rrule, lo, hi, now, tz, limit=1)
    return found[0] if found else None
