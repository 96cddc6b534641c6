"""Checks for what a volunteer types while registering an initiative, and freshness rules.

Pure functions: each returns the cleaned value or raises FieldError with a Dutch message id the
handler translates. Freshness: an initiative whose `last_verified_at` is NULL counts as verified at
its `created_at` (agreed with the directory, which hides initiatives older than HIDE_AFTER_DAYS).
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from urllib.parse import urlparse

from domain import contact
from domain.i18n_markers import N_, NN_, Translator

NAME_MAX = 80
DESCRIPTION_MAX = 1000
MAX_PENDING_PER_PERSON = 3
REASON_MAX = 300
FLAG_AFTER_DAYS = 90
HIDE_AFTER_DAYS = 180
DRAFT_EXPIRES_AFTER = timedelta(days=1)
INVITATION_VALID_FOR = timedelta(days=7)

# Languages offered as buttons (ISO 639-1, as stored in initiative_languages).
LANGUAGE_CHOICES = ("nl", "en", "ar", "tr", "pl", "es", "fr", "pt", "uk", "so")
WHEELCHAIR_CHOICES = ("yes", "limited", "no", "unknown")



class FieldError(ValueError):
    """`message` is a Dutch msgid (marked with N_) to translate and show, or a plural pair (NN_) counted
    by `limit`, which fills {limit}. Show it with `describe_field_error`."""

    def __init__(self, message: str | tuple[str, str], limit: int | None = None) -> None:
        singular, plural = message if isinstance(message, tuple) else (message, None)
        super().__init__(singular)
        self.message = singular
        self.plural = plural
        self.limit = limit


def describe_field_error(error: FieldError, translator: Translator) -> str:
    """The error in the reader's language, its count through ngettext."""
    if error.limit is None:
        return translator.gettext(error.message)
    if error.plural is not None:
        return translator.ngettext(error.message, error.plural, error.limit).format(limit=error.limit)
    return translator.gettext(error.message).format(limit=error.limit)


def clean_name(text: str) -> str:
    name = " ".join(text.split())
    if len(name) < 2:
        raise FieldError(N_("Die naam is te kort. Typ de naam van je initiatief."))
    if len(name) > NAME_MAX:
        raise FieldError(NN_("Die naam is te lang. Gebruik hoogstens {limit} teken.", "Die naam is te lang. Gebruik hoogstens {limit} tekens."), NAME_MAX)
    return name


def clean_description(text: str) -> str:
    description = text.strip()
    if len(description) < 10:
        raise FieldError(N_("Vertel iets meer, in minstens een zin."))
    if len(description) > DESCRIPTION_MAX:
        raise FieldError(NN_("Die beschrijving is te lang. Gebruik hoogstens {limit} teken.", "Die beschrijving is te lang. Gebruik hoogstens {limit} tekens."), DESCRIPTION_MAX)
    return description


def clean_phone(text: str) -> str:
    """Dutch numbers (010 123 4567, 06-12345678) or international ones (+31 ...): domain.contact's rule."""
    phone = contact.clean_phone(text)
    if phone is None:
        raise FieldError(N_("Dat lijkt geen telefoonnummer. Bijvoorbeeld: 010 123 4567 of 06 12345678."))
    return phone


def clean_email(text: str) -> str:
    email = contact.clean_email(text)
    if email is None:
        raise FieldError(N_("Dat lijkt geen e-mailadres. Bijvoorbeeld: info@buurthuis.nl"))
    return email


def clean_website(text: str) -> str:
    """Adds https:// when left out; only http(s) addresses with a dotted host name."""
    website = text.strip()
    if not re.match(r"^[a-z][a-z0-9+.-]*://", website, re.IGNORECASE):
        website = "https://" + website
    parsed = urlparse(website)
    host = parsed.hostname or ""
    if parsed.scheme.lower() not in ("http", "https") or "." not in host or " " in website or len(website) > 300:
        raise FieldError(N_("Dat lijkt geen website. Bijvoorbeeld: www.buurthuis.nl"))
    return website


def clean_reason(text: str) -> str:
    reason = " ".join(text.split())
    if not reason:
        raise FieldError(N_("Typ een korte reden."))
    if len(reason) > REASON_MAX:
        raise FieldError(NN_("Die reden is te lang. Gebruik hoogstens {limit} teken.", "Die reden is te lang. Gebruik hoogstens {limit} tekens."), REASON_MAX)
    return reason


def verified_at(last_verified_at: datetime | None, created_at: datetime) -> datetime:
    """NULL means verified when created."""
    return last_verified_at or created_at


def days_unverified(last_verified_at: datetime | None, created_at: datetime, now: datetime) -> int:
    return (now - verified_at(last_verified_at, created_at)).days


def is_flagged(last_verified_at: datetime | None, created_at: datetime, now: datetime) -> bool:
    """Coordinators hear about it: not confirmed for FLAG_AFTER_DAYS days."""
    return days_unverified(last_verified_at, created_at, now) >= FLAG_AFTER_DAYS


def is_hidden(last_verified_at: datetime | None, created_at: datetime, now: datetime) -> bool:
    """Residents no longer see it: not confirmed for HIDE_AFTER_DAYS days."""
    return days_unverified(last_verified_at, created_at, now) >= HIDE_AFTER_DAYS


def hidden_before(now: datetime) -> datetime:
    """Initiatives verified (or, if never, created) before this moment are hidden from residents."""
    return now - timedelta(days=HIDE_AFTER_DAYS)
