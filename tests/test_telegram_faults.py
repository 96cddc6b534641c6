"""Reading RetryAfter without PTB's deprecation warning, and sorting errors by what to do."""

from __future__ import annotations

import warnings
from datetime import timedelta

import pytest
from telegram.error import BadRequest, ChatMigrated, Forbidden, NetworkError, RetryAfter, TimedOut

from handlers.core.telegram_faults import BLOCKED, MIGRATED, REFUSED, TRANSIENT, classify, retry_after_seconds


def _retry_after(value):  # noqa: ANN001, ANN202
    with warnings.catch_warnings():  # PTB's own constructor reads the deprecated property
        warnings.simplefilter("ignore")
        return RetryAfter(value)


@pytest.mark.parametrize("value, seconds", [(7, 7.0), (timedelta(seconds=12), 12.0)])
def test_retry_after_is_read_without_a_warning(value, seconds):
    exc = _retry_after(value)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # any warning (PTBDeprecationWarning included) fails the test
        assert retry_after_seconds(exc) == seconds


def test_retry_after_of_an_older_ptb_is_an_int():
    class OldRetryAfter(Exception):
        retry_after = 5

    assert retry_after_seconds(OldRetryAfter()) == 5.0


@pytest.mark.parametrize("exc, kind", [
    (Forbidden("blocked"), BLOCKED),
    (ChatMigrated(-1001), MIGRATED),
    (BadRequest("message is too long"), REFUSED),
    (TimedOut(), TRANSIENT),
    (NetworkError("Bad Gateway"), TRANSIENT),
    (_retry_after(3), TRANSIENT),
])
def test_classify(exc, kind):
    assert classify(exc) == kind
