"""Ids read from callback data, deep links and typed text: the one place that bounds them.

Anyone can type `/start act-99999999999999999999` or forge callback data. An id that cannot be a
row (not plain digits, zero, or beyond the database's integer) is simply "not found": passing it
on would raise in the driver (asyncpg's int32 DataError, SQLite's OverflowError).
"""

from __future__ import annotations

import re

DB_ID_MAX = 2**31 - 1  # primary keys are INTEGER: int4 on PostgreSQL
TELEGRAM_ID_MAX = 2**63 - 1  # Telegram user and chat ids fit in a signed 64-bit integer
_DIGITS = re.compile(r"[0-9]{1,19}")  # ASCII digits only ("²" and "٣" are digits to str.isdigit)


def _bounded(text: str | None, maximum: int) -> int | None:
    if text is None or not _DIGITS.fullmatch(text):
        return None
    value = int(text)
    return value if 1 <= value <= maximum else None


def db_id(text: str | None) -> int | None:
    """A database row id, or None when `text` cannot be one."""
    return _bounded(text, DB_ID_MAX)


def telegram_id(text: str | None) -> int | None:
    """A (positive) Telegram user id, or None."""
    return _bounded(text, TELEGRAM_ID_MAX)


def db_id_field(data: str, index: int, separator: str = ":") -> int | None:
    """The database id in field `index` of callback data such as "own:v:42" (index 2)."""
    parts = data.split(separator)
    return db_id(parts[index]) if 0 <= index < len(parts) else None


def db_id_after(data: str, prefix: str) -> int | None:
    """The database id that is all of `data` after `prefix`, e.g. "lnk:7" after "lnk:"."""
    return db_id(data[len(prefix):]) if data.startswith(prefix) else None


def page_number(text: str | None, last: int = 9999) -> int:
    """A page number from callback data; anything odd is the first page (0)."""
    return _bounded(text, last) or 0


def choice_index(text: str | None, count: int) -> int | None:
    """A 0-based index of one of `count` buttons (callback data such as "ovb:3"), or None."""
    if text is None or not _DIGITS.fullmatch(text) or len(text) > 4:
        return None
    value = int(text)
    return value if 0 <= value < count else None
