"""Telegram's Mini App initData check (the algorithm from Telegram's documentation)."""

from __future__ import annotations

import hashlib
import hmac
import json
from datetime import datetime, timedelta, timezone
from urllib.parse import urlencode

import pytest

from domain.webapp_auth import InitDataError, sign_init_data, validate_init_data

TOKEN = "123456:TEST-not-a-real-token"
NOW = datetime(2026, 12, 2, 11, 0, tzinfo=timezone.utc)


def fields(auth: datetime = NOW, user_id: int = 1001) -> dict[str, str]:
    return {"auth_date": str(int(auth.timestamp())), "query_id": "AAE",
            "user": json.dumps({"id": user_id, "first_name": "Fatima", "language_code": "en"})}


def test_the_signature_is_telegrams_algorithm_written_out():
    data = fields()
    check = "\n".join(f"{k}={data[k]}" for k in sorted(data)).encode()
    secret = hmac.new(b"WebAppData", TOKEN.encode(), hashlib.sha256).digest()
    signed = urlencode({**data, "hash": hmac.new(secret, check, hashlib.sha256).hexdigest()})
    user = validate_init_data(signed, TOKEN, NOW)
    assert (user.id, user.language_code) == (1001, "en")
    assert signed == sign_init_data(data, TOKEN)


@pytest.mark.parametrize(
    "forge",
    [
        lambda s: s.replace("1001", "1002"),  # another user
        lambda s: s[:-2] + ("00" if not s.endswith("00") else "11"),  # a changed hash
        lambda s: s.replace("hash=", "hash=0"),
        lambda s: "&".join(p for p in s.split("&") if not p.startswith("hash=")),  # no hash
        lambda s: s + "&extra=1",  # a field added after signing
        lambda s: "",
        lambda s: "%%%",
        lambda s: s + "&" + s,  # keys twice
    ],
)
def test_forged_init_data_is_refused(forge):
    with pytest.raises(InitDataError) as error:
        validate_init_data(forge(sign_init_data(fields(), TOKEN)), TOKEN, NOW)
    assert not error.value.stale


def test_signed_with_another_token_is_refused():
    with pytest.raises(InitDataError):
        validate_init_data(sign_init_data(fields(), "999:other"), TOKEN, NOW)


def test_old_or_future_init_data_is_stale():
    old = sign_init_data(fields(NOW - timedelta(hours=24, seconds=1)), TOKEN)
    with pytest.raises(InitDataError) as error:
        validate_init_data(old, TOKEN, NOW)
    assert error.value.stale
    assert validate_init_data(sign_init_data(fields(NOW - timedelta(hours=23)), TOKEN), TOKEN, NOW).id == 1001
    with pytest.raises(InitDataError):
        validate_init_data(sign_init_data(fields(NOW + timedelta(hours=1)), TOKEN), TOKEN, NOW)


def test_signed_but_without_a_user_is_refused():
    with pytest.raises(InitDataError):
        validate_init_data(sign_init_data({"auth_date": str(int(NOW.timestamp()))}, TOKEN), TOKEN, NOW)
