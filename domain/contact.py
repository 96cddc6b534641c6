"""Phone numbers and e-mail addresses: the one rule for registration, edits and the CSV import.

Validation by `phonenumbers` (Google's libphonenumber: numbers without a country code are read
as Dutch) and `email-validator` (syntax only: no DNS lookup).
"""

from __future__ import annotations

import re

import phonenumbers
from email_validator import EmailNotValidError, validate_email

PHONE_REGION = "NL"  # numbers typed without +country are Dutch
_PHONE_CHARACTERS = re.compile(r"^\+?[0-9 ()./-]+$")  # no letters: "ext 5" or words are not a number
EMAIL_MAX = 254


def clean_phone(text: str) -> str | None:
    """The number as written (spaces tidied) when it is a valid phone number, else None."""
    phone = " ".join(text.split())
    if not phone or not _PHONE_CHARACTERS.match(phone):
        return None
    try:
        number = phonenumbers.parse(phone, PHONE_REGION)
    except phonenumbers.NumberParseException:
        return None
    if number.extension or not phonenumbers.is_valid_number(number):
        return None
    return phone


def clean_email(text: str) -> str | None:
    """The address (domain in lower case) when it is a valid e-mail address, else None."""
    email = text.strip()
    if not email or len(email) > EMAIL_MAX:
        return None
    try:
        return validate_email(email, check_deliverability=False).normalized
    except EmailNotValidError:
        return None
