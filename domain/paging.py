"""Pages of a long list, so a message and its buttons stay within Telegram's limits.

A message holds at most 4096 characters and a keyboard about 100 buttons; lists that grow with the
bot's use (networks in /beheer, initiatives in /mijn) are shown a page at a time.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

T = TypeVar("T")


@dataclass(frozen=True)
class Page(Generic[T]):
    items: Sequence[T]
    number: int  # 0-based, clamped into range
    count: int  # how many pages (at least 1)
    first: int  # 1-based position of the first item, for "11–20 van 45"
    total: int

    @property
    def last(self) -> int:
        return self.first + len(self.items) - 1

    @property
    def has_previous(self) -> bool:
        return self.number > 0

    @property
    def has_next(self) -> bool:
        return self.number < self.count - 1


def page_of(items: Sequence[T], number: int, size: int) -> Page[T]:
    """Page `number` of `items` (an old button for a page that no longer exists shows the last one)."""
    if size < 1:
        raise ValueError("page size must be at least 1")
    count = max(1, -(-len(items) // size))
    number = min(max(number, 0), count - 1)
    start = number * size
    return Page(items[start : start + size], number, count, start + 1, len(items))
