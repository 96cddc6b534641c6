"""Flood control arithmetic with a fake clock."""

from __future__ import annotations

from domain.flood import SWEEP_EVERY, FloodControl, Verdict


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_twenty_in_ten_seconds_pass_the_twenty_first_warns_then_silence():
    clock = Clock()
    flood = FloodControl(clock=clock)
    verdicts = []
    for _ in range(21):
        verdicts.append(flood.check(1))
        clock.now += 0.4
    assert verdicts[:20] == [Verdict.OK] * 20
    assert verdicts[20] is Verdict.WARN
    assert flood.check(1) is Verdict.DROP
    clock.now += 59
    assert flood.check(1) is Verdict.DROP
    clock.now += 1.5
    assert flood.check(1) is Verdict.OK  # the minute is over; a fresh window


def test_a_steady_pace_is_never_muted():
    clock = Clock()
    flood = FloodControl(clock=clock)
    for _ in range(500):  # 2 per second for four minutes: 20 per 10 s at most
        assert flood.check(1) is Verdict.OK
        clock.now += 0.5


def test_users_are_counted_separately():
    clock = Clock()
    flood = FloodControl(limit=3, window=10, mute=60, clock=clock)
    assert [flood.check(1) for _ in range(4)] == [Verdict.OK, Verdict.OK, Verdict.OK, Verdict.WARN]
    assert flood.check(2) is Verdict.OK
    assert flood.is_muted(1) and not flood.is_muted(2)


def test_quiet_users_are_forgotten():
    clock = Clock()
    flood = FloodControl(limit=3, clock=clock)
    for user_id in range(SWEEP_EVERY - 1):
        flood.check(user_id)
    assert flood.tracked_users() == SWEEP_EVERY - 1
    clock.now += 3600
    flood.check(-1)  # the sweep runs on this check
    assert flood.tracked_users() == 1
