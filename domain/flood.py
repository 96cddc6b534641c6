"""Flood control per user: a sliding window of recent updates and a mute after too many.

Pure and in memory on purpose: it must cost next to nothing for the people who are not flooding,
and a restart forgetting who was muted is harmless. The clock is injectable for tests.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable
from enum import Enum

SWEEP_EVERY = 1000  # checks between sweeps that forget users who went quiet


class Verdict(Enum):
    OK = "ok"  # handle the update
    WARN = "warn"  # too many: tell the user once, then ignore
    DROP = "drop"  # muted: ignore silently


class FloodControl:
    def __init__(
        self,
        limit: int = 20,
        window: float = 10.0,
        mute: float = 60.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.limit, self.window, self.mute = limit, window, mute
        self.clock = clock
        self._recent: dict[int, deque[float]] = {}
        self._muted_until: dict[int, float] = {}
        self._checks = 0

    def check(self, user_id: int) -> Verdict:
        """Count one update of `user_id`: more than `limit` within `window` seconds mutes for `mute` seconds."""
        now = self.clock()
        self._checks += 1
        if self._checks % SWEEP_EVERY == 0:
            self._sweep(now)
        until = self._muted_until.get(user_id)
        if until is not None:
            if now < until:
                return Verdict.DROP
            del self._muted_until[user_id]
        recent = self._recent.setdefault(user_id, deque())
        recent.append(now)
        while recent and recent[0] <= now - self.window:
            recent.popleft()
        if len(recent) > self.limit:
            self._muted_until[user_id] = now + self.mute
            del self._recent[user_id]
            return Verdict.WARN
        return Verdict.OK

    def is_muted(self, user_id: int) -> bool:
        until = self._muted_until.get(user_id)
        return until is not None and self.clock() < until

    def tracked_users(self) -> int:
        return len(self._recent) + len(self._muted_until)

    def _sweep(self, now: float) -> None:
        for user_id in [u for u, recent in self._recent.items() if not recent or recent[-1] <= now - self.window]:
            del self._recent[user_id]
        for user_id in [u for u, until in self._muted_until.items() if until <= now]:
            del self._muted_until[user_id]
