"""What "Ik kom" answers, the same in the bot and the Mini App: the date it is for, and only the
reminder that will really come. Pure: a translator's gettext, the slot and the clock.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from zoneinfo import ZoneInfo

from domain.agenda import Slot, reminder_stage
from domain.datefmt import format_day
from domain.i18n_markers import N_
from domain.recurrence import to_utc

# What "Ik kom" answers when there is no date to sign up for, by try_rsvp's outcome.
RSVP_ANSWERS = {
    "cancelled": N_("Deze activiteit gaat niet door. Je kunt je er niet meer voor aanmelden."),
    "over": N_("Deze activiteit is al voorbij."),
}


def rsvp_answer(gettext: Callable[[str], str], language: str, tz: ZoneInfo, result: str, slot: Slot | None, now: datetime,
                reminders_on: bool = True) -> str:
    """What "Ik kom" answers, the same in the bot and the Mini App: the date it is for, and only the
    reminder that will really come."""
    _ = gettext
    if result in RSVP_ANSWERS or slot is None:
        return _(RSVP_ANSWERS.get(result, RSVP_ANSWERS["over"]))
    day = format_day(slot.start.astimezone(tz).date(), locale=language)
    if result == "already":
        return _("Je had je al aangemeld voor {day}.").format(day=day)
    if result == "waiting":
        return _("Het is vol op {day}. Je staat op de wachtlijst. Komt er een plek vrij, dan hoor je het van mij.").format(day=day)
    return " ".join([_("Fijn dat je komt op {day}! 🎉").format(day=day), reminder_promise(gettext, tz, slot, now, reminders_on)])


def reminder_promise(gettext: Callable[[str], str], tz: ZoneInfo, slot: Slot, now: datetime, reminders_on: bool) -> str:
    """Only what will really happen: a reminder the day before, a few hours before, or none."""
    _ = gettext
    if not reminders_on:
        return _("Je herinneringen staan uit. Aanzetten? Typ /herinneringen.")
    moment = reminder_stage(to_utc(now), to_utc(slot.start))
    if moment == "day":
        return _("Je krijgt de dag ervoor een herinnering. Liever niet? Typ /herinneringen.")
    if moment == "soon":
        return _("Je krijgt 3 uur van tevoren een herinnering. Liever niet? Typ /herinneringen.")
    return _("Het begint om {time}. Tot straks!").format(time=slot.start.astimezone(tz).strftime("%H:%M"))
