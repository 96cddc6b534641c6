"""Field checks and freshness rules for registrations."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from domain import registration as rules


def test_name_limits():
    assert rules.clean_name("  Huiskamer   Spangen ") == "Huiskamer Spangen"
    assert rules.clean_name("x" * 80) == "x" * 80
    with pytest.raises(rules.FieldError) as error:
        rules.clean_name("x" * 81)
    assert error.value.limit == 80
    with pytest.raises(rules.FieldError):
        rules.clean_name(" a ")


def test_description_limit():
    assert len(rules.clean_description("y" * 1000)) == 1000
    with pytest.raises(rules.FieldError):
        rules.clean_description("y" * 1001)


@pytest.mark.parametrize("text", ["010 123 4567", "06-12345678", "+31 10 123 4567", "(010) 1234567"])
def test_phone_accepted(text):
    assert rules.clean_phone(text)


@pytest.mark.parametrize("text", ["abc", "12345", "06 1234 5678 ext 5", "+31 10 123 4567 8901 234"])
def test_phone_refused(text):
    with pytest.raises(rules.FieldError):
        rules.clean_phone(text)


def test_email_and_website():
    assert rules.clean_email(" info@buurthuis.nl ") == "info@buurthuis.nl"
    for bad in ("info@", "info buurthuis.nl", "a@b", "<x>@y.nl"):
        with pytest.raises(rules.FieldError):
            rules.clean_email(bad)
    assert rules.clean_website("www.buurthuis.nl") == "https://www.buurthuis.nl"
    assert rules.clean_website("http://buurthuis.nl/agenda") == "http://buurthuis.nl/agenda"
    for bad in ("javascript:alert(1)", "ftp://x.nl", "buurthuis", "www.buurt huis.nl"):
        with pytest.raises(rules.FieldError):
            rules.clean_website(bad)


def test_freshness_counts_from_created_when_never_verified():
    created = datetime(2026, 1, 1, tzinfo=timezone.utc)
    assert not rules.is_flagged(None, created, created + timedelta(days=89))
    assert rules.is_flagged(None, created, created + timedelta(days=90))
    assert not rules.is_hidden(None, created, created + timedelta(days=179))
    assert rules.is_hidden(None, created, created + timedelta(days=180))
    verified = created + timedelta(days=170)
    assert not rules.is_flagged(verified, created, created + timedelta(days=200))
    assert rules.hidden_before(created + timedelta(days=180)) == created
