"""Agenda windows and occurrences, including a week with the autumn clock change."""

from datetime import datetime
from zoneinfo import ZoneInfo

import icalendar

from domain.agenda import next_occurrence, occurrences, window
from domain.calendar_file import CalendarEvent, build_calendar, google_calendar_link

TZ = ZoneInfo("Europe/Amsterdam")
THURSDAY = datetime(2026, 12, 3, 9, 0, tzinfo=TZ)


def test_windows_on_a_thursday():
    assert window("today", THURSDAY, TZ) == (THURSDAY, datetime(2026, 12, 4, tzinfo=TZ))
    assert window("weekend", THURSDAY, TZ) == (datetime(2026, 12, 5, tzinfo=TZ), datetime(2026, 12, 7, tzinfo=TZ))
    assert window("week", THURSDAY, TZ) == (THURSDAY, datetime(2026, 12, 10, tzinfo=TZ))


def test_weekend_on_a_sunday_is_the_rest_of_today():
    sunday = datetime(2026, 12, 6, 15, 0, tzinfo=TZ)
    assert window("weekend", sunday, TZ) == (sunday, datetime(2026, 12, 7, tzinfo=TZ))


def test_weekly_keeps_wall_clock_across_dst():
    start = datetime(2026, 10, 20, 10, 0, tzinfo=TZ)  # a Tuesday in summer time
    now = datetime(2026, 10, 21, 12, 0, tzinfo=TZ)
    found = occurrences(start, None, "FREQ=WEEKLY;BYDAY=TU", now, datetime(2026, 11, 4, tzinfo=TZ), now, TZ)
    assert [(s.start.day, s.start.hour, s.start.utcoffset().total_seconds() / 3600) for s in found] == [(27, 10, 1.0), (3, 10, 1.0)]
    nxt = next_occurrence(start, None, "FREQ=WEEKLY;BYDAY=TU", now, TZ)
    assert nxt.start == datetime(2026, 10, 27, 10, 0, tzinfo=TZ)


def test_ongoing_one_off_counts_until_it_ends():
    start, end = datetime(2026, 12, 3, 8, 0, tzinfo=TZ), datetime(2026, 12, 3, 10, 0, tzinfo=TZ)
    assert len(occurrences(start, end, None, THURSDAY, datetime(2026, 12, 4, tzinfo=TZ), THURSDAY, TZ)) == 1
    assert occurrences(start, None, None, THURSDAY, datetime(2026, 12, 4, tzinfo=TZ), THURSDAY, TZ) == []
    assert next_occurrence(start, end, None, THURSDAY, TZ) is None


def test_calendar_file_round_trip_and_google_link():
    event = CalendarEvent("a-1@k", "Koffie", datetime(2026, 12, 1, 10, tzinfo=TZ), None, "FREQ=WEEKLY;BYDAY=TU",
                          location="Pijlstraat 1, 3024 AB", organizer="Buurthuiskamer")
    calendar = icalendar.Calendar.from_ical(build_calendar([event], tz=TZ, now=THURSDAY))
    [vevent] = calendar.walk("VEVENT")
    assert vevent["DTSTART"].params["TZID"] == "Europe/Amsterdam"
    assert vevent.decoded("DTEND") == datetime(2026, 12, 1, 12, tzinfo=TZ)  # two hours when no end is given
    summer = vevent.decoded("DTSTART").replace(month=7, day=7)
    assert summer.utcoffset().total_seconds() == 7200
    link = google_calendar_link(event)
    assert "dates=20261201T090000Z%2F20261201T110000Z" in link and "recur=RRULE%3AFREQ%3DWEEKLY%3BBYDAY%3DTU" in link
