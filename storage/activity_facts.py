"""What an activity row says in words and dates, for every reader: the bot's card, the web pages,
the open-data feed and the iCalendar export (bot/cli_activities.py). Pure: reads the row's loaded
attributes (its location and initiative must be loaded), no session, no telegram.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from domain.address_part import join_address
from domain.agenda import Slot, next_occurrence
from domain.calendar_file import CalendarEvent
from domain.recurrence import to_utc
from storage.models import Activity

UPCOMING_SHOWN = 3  # occurrences of a recurring activity on its card


def where_words(activity: Activity) -> str | None:
    location = activity.location
    if location is None:
        return None
    return join_address(location.name, location.address, location.postcode) or location.buurt or None


def upcoming(activity: Activity, now: datetime, tz: ZoneInfo, count: int = UPCOMING_SHOWN) -> list[Slot]:
    """The next occurrence(s): one for a one-off (while it lasts), a few for a series."""
    if activity.rrule is None:
        end = activity.ends_at or activity.starts_at
        if to_utc(end) < to_utc(now):
            return []
        return [Slot(activity.starts_at.astimezone(tz), activity.ends_at.astimezone(tz) if activity.ends_at else None)]
    found: list[Slot] = []
    after = now
    while len(found) < count:
        slot = next_occurrence(activity.starts_at, activity.ends_at, activity.rrule, after, tz)
        if slot is None:
            break
        found.append(slot)
        after = slot.start
    return found


def next_slot(activity: Activity, now: datetime, tz: ZoneInfo) -> Slot | None:
    """The date "Ik kom" is about now: the next (or current) occurrence."""
    slots = upcoming(activity, now, tz, count=1)
    return slots[0] if slots else None


def calendar_event(activity: Activity, *, bot_link: str | None = None) -> CalendarEvent:
    location = activity.location
    return CalendarEvent(
        uid=f"activity-{activity.id}@knooppunt",
        title=activity.title,
        start=activity.starts_at,
        end=activity.ends_at,
        rrule=activity.rrule,
        description=activity.description,
        location=where_words(activity),
        latitude=location.latitude if location else None,
        longitude=location.longitude if location else None,
        organizer=activity.initiative.name,
        organizer_email=activity.initiative.email,
        url=bot_link,
        updated=activity.updated_at,
    )
