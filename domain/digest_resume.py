"""What a restarted bot does about one group's latest scheduled digest (pure; see handlers.groups.digest_jobs).

A digest is owed only for a fire time the group was already signed up for: a group linked (or
given its schedule) after this week's fire time waits for the next one, even when that fire time
is less than 12 hours ago. Otherwise a restart shortly after linking would send a digest the group
was never due.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from domain.recurrence import to_utc
from domain.schedule import MISSED_GRACE

FINISH = "finish"  # a delivery was interrupted: send its remaining parts
SEND = "send"  # missed by less than the grace: send it late
MISSED = "missed"  # missed by more: record it as missed, wait for the next one
NOTHING = "nothing"  # sent already, or not due for this group


def resume_decision(
    *,
    fire: datetime,
    now: datetime,
    delivery_status: str | None,
    linked_at: datetime | None,
    schedule_set_at: datetime | None = None,
    grace: timedelta = MISSED_GRACE,
) -> str:
    """One of FINISH, SEND, MISSED, NOTHING for the latest fire time `fire` at start-up `now`."""
    if delivery_status is not None:
        return FINISH if delivery_status == "sending" else NOTHING
    signed_up = [to_utc(moment) for moment in (linked_at, schedule_set_at) if moment is not None]
    if signed_up and max(signed_up) > to_utc(fire):
        return NOTHING
    if to_utc(now) - to_utc(fire) < grace:
        return SEND
    return MISSED if signed_up else NOTHING
