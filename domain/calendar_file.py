"""iCalendar (.ics) files and Google Calendar links for activities.

Times go out as local Europe/Amsterdam wall-clock times with a TZID and a matching VTIMEZONE, so a
weekly "dinsdag 10:00" stays 10:00 in the resident's calendar after a daylight-saving change (a
UTC DTSTART with an RRULE would move by an hour).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event, vCalAddress, vRecur, vText

PRODID = "-//Knooppunt Delfshaven//Activiteiten//NL"
DEFAULT_LENGTH = timedelta(hours=2)  # used when an activity has no end: calendars need one


@dataclass(frozen=True)
class CalendarEvent:
    """What a calendar needs to know about one activity (pure data, no database objects)."""

    uid: str  # stable, e.g. "activity-17@knooppunt"
    title: str
    start: datetime  # aware
    end: datetime | None
    rrule: str | None  # RFC 5545 rule without the "RRULE:" prefix
    description: str | None = None
    location: str | None = None
    latitude: float | None = None
    longitude: float | None = None
    organizer: str | None = None  # the initiative's name
    organizer_email: str | None = None
    url: str | None = None
    updated: datetime | None = None


def _event(item: CalendarEvent, tz: ZoneInfo, stamp: datetime) -> Event:
    event = Event()
    event.add("uid", item.uid)
    event.add("dtstamp", stamp.astimezone(timezone.utc))
    start = item.start.astimezone(tz)
    end = (item.end or item.start + DEFAULT_LENGTH).astimezone(tz)
    event.add("dtstart", start)
    event.add("dtend", end)
    event.add("summary", item.title)
    if item.rrule:
        event.add("rrule", vRecur.from_ical(item.rrule.removeprefix("RRULE:")))
    if item.description:
        event.add("description", item.description)
    if item.location:
        event.add("location", item.location)
    if item.latitude is not None and item.longitude is not None:
        event.add("geo", (item.latitude, item.longitude))
    if item.organizer:
        organizer = vCalAddress(f"mailto:{item.organizer_email or 'noreply@knooppunt.invalid'}")
        organizer.params["cn"] = vText(item.organizer)
        event.add("organizer", organizer)
    if item.url:
        event.add("url", item.url)
    if item.updated:
        event.add("last-modified", item.updated.astimezone(timezone.utc))
    return event


def build_calendar(items: Iterable[CalendarEvent], *, tz: ZoneInfo, now: datetime, name: str | None = None) -> bytes:
    """A VCALENDAR with one VEVENT per item and the VTIMEZONE its TZIDs refer to."""
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    if name:
        calendar.add("x-wr-calname", name)
        calendar.add("x-wr-timezone", tz.key)
    items = list(items)
    for item in items:
        calendar.add_component(_event(item, tz, now))
    # The VTIMEZONE starts in the first activity's year (the library default starts in 1970).
    first = min((item.start for item in items), default=now).astimezone(tz).date()
    calendar.add_missing_timezones(first_date=date(first.year, 1, 1), last_date=max(date(2038, 1, 1), date(now.year + 3, 1, 1)))
    ical: bytes = calendar.to_ical()  # icalendar leaves to_ical() unannotated
    return ical


def google_calendar_link(item: CalendarEvent) -> str:
    """A link that opens Google Calendar's "new event" form filled in (UTC times, RRULE via recur)."""
    def utc(value: datetime) -> str:
        return value.astimezone(timezone.utc).strftime("%Y%m%dT%H%M%SZ")

    end = item.end or item.start + DEFAULT_LENGTH
    params = {"action": "TEMPLATE", "text": item.title, "dates": f"{utc(item.start)}/{utc(end)}"}
    if item.description:
        params["details"] = item.description[:500]
    if item.location:
        params["location"] = item.location
    if item.rrule:
        params["recur"] = "RRULE:" + item.rrule.removeprefix("RRULE:")
    params["ctz"] = "Europe/Amsterdam"
    return "https://calendar.google.com/calendar/render?" + urlencode(params)
