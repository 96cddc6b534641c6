from datetime import timedelta

import pytest

from domain.retry_policy import REMINDER_BACKOFF, backoff_delay, seconds_of


@pytest.mark.parametrize("value, expected", [(7, 7.0), (2.5, 2.5), (timedelta(seconds=30), 30.0), (timedelta(minutes=2), 120.0)])
def test_seconds_of_accepts_int_and_timedelta(value, expected):
    assert seconds_of(value) == expected


def test_backoff_grows_then_repeats_its_last_step():
    assert [backoff_delay(n) for n in range(1, 7)] == [
        timedelta(minutes=1), timedelta(minutes=5), timedelta(minutes=15), timedelta(minutes=30),
        timedelta(minutes=30), timedelta(minutes=30),
    ]
    assert REMINDER_BACKOFF[-1] == timedelta(minutes=30)


def test_backoff_honours_what_telegram_asked_for():
    assert backoff_delay(1, at_least=90) == timedelta(seconds=90)
    assert backoff_delay(1, at_least=timedelta(seconds=10)) == timedelta(minutes=1)


def test_backoff_counts_from_one():
    with pytest.raises(ValueError):
        backoff_delay(0)
