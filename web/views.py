"""Turn places and activities into what the pages and the open data show (reusing the bot's rules)."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from bot.i18n import get_translator, language_name_in
from domain import datefmt
from domain.agenda import occurrences, window
from domain.audience import is_for_children
from domain.calendar_file import CalendarEvent
from domain.opening_hours import describe_status, status_at
from domain.recurrence import to_utc
from domain.taxonomy import get_category
from domain.address_part import join_address
from storage.activity_facts import calendar_event, upcoming, where_words
from storage.models import Activity, Initiative
from storage.repositories.directory import weekly_schedule


@dataclass(frozen=True)
class PlaceView:
    id: int
    name: str
    category: str
    category_label: str
    description: str | None
    address: str
    buurt: str | None
    latitude: float
    longitude: float
    approximate: bool
    open_now: bool | None  # None: hours unknown
    status: str | None  # "Nu open, tot 16:00" / "Gesloten. Morgen open vanaf 10:00"
    languages: tuple[str, ...]  # names in the reader's language
    wheelchair: str  # yes / limited / no / unknown
    website: str | None
    phone: str | None
    email: str | None


def category_label(code: str, language: str) -> str:
    category = get_category(code)
    return category.display_name(get_translator(language)) if category else code


def place_view(initiative: Initiative, *, now: datetime, language: str, tz) -> PlaceView:  # noqa: ANN001
    translator = get_translator(language)
    schedule = weekly_schedule(initiative)
    status = status_at(schedule, now, tz) if schedule is not None else None
    location = initiative.location
    return PlaceView(
        id=initiative.id,
        name=initiative.name,
        category=initiative.category,
        category_label=category_label(initiative.category, language),
        description=initiative.description,
        address=join_address(location.address, location.postcode),
        buurt=location.buurt,
        latitude=location.latitude,
        longitude=location.longitude,
        approximate=location.approximate,
        open_now=status.is_open if status else None,
        status=describe_status(status, translator) if status else initiative.hours_note,
        languages=tuple(sorted(language_name_in(row.language, language) for row in initiative.languages)),
        wheelchair=initiative.wheelchair,
        website=initiative.website,
        phone=initiative.phone,
        email=initiative.email,
    )


@dataclass(frozen=True)
class Happening:
    """One occurrence of an activity on the agenda."""

    activity: Activity
    start: datetime
    end: datetime | None
    when: str
    where: str | None
    for_children: bool


def agenda_days(activities: Iterable[Activity], *, now: datetime, tz, language: str, days: int = 28,  # noqa: ANN001
                children_only: bool = False, per_activity: int = 10) -> list[tuple[date, str, list[Happening]]]:
    """The coming occurrences grouped by local day: [(day, 'vandaag' / 'zaterdag 5 december', items)]."""
    lo, hi = window("month", now, tz)
    hi = min(hi, now + timedelta(days=days))
    translator = get_translator(language)
    by_day: dict[date, list[Happening]] = {}
    for activity in activities:
        if activity.status != "published" or activity.initiative.status != "active":
            continue
        children = is_for_children(activity.initiative.category, activity.title, activity.description)
        if children_only and not children:
            continue
        for slot in occurrences(activity.starts_at, activity.ends_at, activity.rrule, lo, hi, now, tz, limit=per_activity):
            when = datefmt.format_time(slot.start, tz) + (f" – {datefmt.format_time(slot.end, tz)}" if slot.end else "")
            by_day.setdefault(slot.start.astimezone(tz).date(), []).append(
                Happening(activity, slot.start, slot.end, when, where_words(activity), children)
            )
    today = now.astimezone(tz).date()
    return [
        (day, datefmt.day_label(day, today, translator=translator, locale=language),
         sorted(items, key=lambda h: (to_utc(h.start), h.activity.id)))
        for day, items in sorted(by_day.items())
    ]


def public_calendar_event(activity: Activity, url: str | None = None) -> CalendarEvent:
    """The bot's calendar event without the initiative's e-mail (the public feeds name no person)."""
    return dataclasses.replace(calendar_event(activity, bot_link=url), organizer_email=None)


def still_coming(activity: Activity, now: datetime, tz) -> bool:  # noqa: ANN001
    return activity.status == "published" and bool(upcoming(activity, now, tz, count=1))
