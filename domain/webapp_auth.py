"""Telegram Mini App `initData`: check that Telegram signed it for our bot, and that it is recent.

Telegram's rule: secret = HMAC_SHA256(key="WebAppData", msg=bot_token); hash = hex HMAC_SHA256(key=secret,
msg=the "key=value" pairs except hash, sorted by key, joined by newlines). Never trust the page's
initDataUnsafe: only what passes this check says who the user is.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from urllib.parse import parse_qsl, urlencode

MAX_AGE = timedelta(hours=24)
MAX_LENGTH = 4096  # Telegram's initData is well under this; longer is not worth hashing


class InitDataError(ValueError):
    """Forged, malformed (`stale` False) or too old (`stale` True)."""

    def __init__(self, reason: str, *, stale: bool = False) -> None:
        super().__init__(reason)
        self.stale = stale


@dataclass(frozen=True)
class WebAppUser:
    id: int
    language_code: str | None
    auth_date: datetime


def _secret(bot_token: str) -> bytes:
    return hmac.new(b"WebAppData", bot_token.encode(), hashlib.sha256).digest()


def _check_string(fields: dict[str, str]) -> bytes:
    return "\n".join(f"{key}={fields[key]}" for key in sorted(fields)).encode()


def validate_init_data(init_data: str, bot_token: str, now: datetime, max_age: timedelta = MAX_AGE) -> WebAppUser:
    """The user Telegram vouches for; raises InitDataError when the signature or age is wrong."""
    if not init_data or len(init_data) > MAX_LENGTH:
        raise InitDataError("missing or too long")
    try:
        pairs = parse_qsl(init_data, keep_blank_values=True, strict_parsing=True)
    except ValueError:
        raise InitDataError("not a query string") from None
    fields = dict(pairs)
    if len(fields) != len(pairs):
        raise InitDataError("a key appears twice")
    given = fields.pop("hash", "")
    expected = hmac.new(_secret(bot_token), _check_string(fields), hashlib.sha256).hexdigest()
    if not hmac.compare_digest(given.encode(), expected.encode()):
        raise InitDataError("bad signature")
    try:
        auth_date = datetime.fromtimestamp(int(fields["auth_date"]), timezone.utc)
        user = json.loads(fields["user"])
        user_id = int(user["id"])
    except (KeyError, ValueError, TypeError, OverflowError, OSError):
        raise InitDataError("signed but incomplete") from None
    if now - auth_date > max_age or auth_date - now > timedelta(minutes=5):
        raise InitDataError("too old", stale=True)
    language = user.get("language_code")
    return WebAppUser(id=user_id, language_code=language if isinstance(language, str) else None, auth_date=auth_date)


def sign_init_data(fields: dict[str, str], bot_token: str) -> str:
    """initData as Telegram would send it (for tests and local trials)."""
    digest = hmac.new(_secret(bot_token), _check_string(fields), hashlib.sha256).hexdigest()
    return urlencode({**fields, "hash": digest})
