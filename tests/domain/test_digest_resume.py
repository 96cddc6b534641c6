"""At start-up: which group digests are owed (issue 12 point 2)."""

from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from domain.digest_resume import FINISH, MISSED, NOTHING, SEND, resume_decision

AMS = ZoneInfo("Europe/Amsterdam")
FIRE = datetime(2026, 12, 7, 9, 0, tzinfo=AMS)  # Monday 09:00
LONG_AGO = datetime(2026, 1, 1, tzinfo=timezone.utc)


def decide(now: datetime, linked_at=LONG_AGO, schedule_set_at=None, status=None) -> str:  # noqa: ANN001
    return resume_decision(fire=FIRE, now=now, delivery_status=status, linked_at=linked_at, schedule_set_at=schedule_set_at)


def test_missed_by_less_than_twelve_hours_is_sent_late():
    assert decide(FIRE + timedelta(hours=3)) == SEND


def test_missed_by_more_is_recorded_missed():
    assert decide(FIRE + timedelta(hours=12, minutes=1)) == MISSED


def test_group_linked_after_the_fire_time_is_not_due():
    linked = datetime(2026, 12, 7, 12, 4, tzinfo=AMS)  # Monday 12:04, schedule Monday 09:00
    assert decide(FIRE + timedelta(hours=4), linked_at=linked) == NOTHING
    assert decide(FIRE + timedelta(hours=20), linked_at=linked) == NOTHING  # not "missed" either


def test_schedule_set_after_the_fire_time_is_not_due():
    changed = datetime(2026, 12, 7, 10, 30, tzinfo=AMS)
    assert decide(FIRE + timedelta(hours=2), schedule_set_at=changed) == NOTHING


def test_schedule_set_before_the_fire_time_still_owes_it():
    changed = datetime(2026, 12, 6, 10, 30, tzinfo=AMS)
    assert decide(FIRE + timedelta(hours=2), schedule_set_at=changed) == SEND


def test_linked_exactly_at_the_fire_time_is_due():
    assert decide(FIRE + timedelta(hours=1), linked_at=FIRE.astimezone(timezone.utc)) == SEND


def test_an_interrupted_delivery_is_finished_and_a_done_one_left_alone():
    late = FIRE + timedelta(hours=30)
    assert decide(late, status="sending") == FINISH
    for status in ("sent", "failed", "missed", "skipped"):
        assert decide(FIRE + timedelta(hours=1), status=status) == NOTHING


def test_unknown_link_time_sends_within_grace_and_never_records_missed():
    assert decide(FIRE + timedelta(hours=1), linked_at=None) == SEND
    assert decide(FIRE + timedelta(hours=13), linked_at=None) == NOTHING
