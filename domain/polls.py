"""Polls without Telegram: what a question and its answers may be, and how results add up.

Telegram's own limits (Bot API sendPoll): a question of 1-300 characters, 2-10 answers of
1-100 characters each. A poll goes to several groups; every group's copy has its own totals,
and the result is shown per group and in total.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

QUESTION_MAX = 300
OPTION_MAX = 100
MIN_OPTIONS = 2
MAX_OPTIONS = 10

_BULLET = re.compile(r"^\s*(?:[-*•·‣▪–]|\d{1,2}[.)]|[a-jA-J][.)])\s+")


def split_options(text: str) -> list[str]:
    """Answers typed one per line ("- ja", "1. nee", "b) misschien" lose their marks); empty lines go."""
    found: list[str] = []
    for line in text.splitlines():
        cleaned = " ".join(_BULLET.sub("", line).split())
        if cleaned:
            found.append(cleaned)
    return found


def options_problem(options: Sequence[str]) -> str | None:
    """None when Telegram accepts these answers, else why not: too_few, too_many, too_long or double."""
    if len(options) < MIN_OPTIONS:
        return "too_few"
    if len(options) > MAX_OPTIONS:
        return "too_many"
    if any(len(option) > OPTION_MAX for option in options):
        return "too_long"
    if len({option.casefold() for option in options}) != len(options):
        return "double"
    return None


def question_problem(text: str) -> str | None:
    """None for a usable question, else empty or too_long."""
    cleaned = " ".join(text.split())
    if not cleaned:
        return "empty"
    if len(cleaned) > QUESTION_MAX:
        return "too_long"
    return None


def counts_from_answers(answers: Iterable[Sequence[int]], option_count: int) -> tuple[list[int], int]:
    """Votes per option and the number of people, from each person's chosen positions."""
    counts = [0] * option_count
    voters = 0
    for chosen in answers:
        positions = {position for position in chosen if 0 <= position < option_count}
        if not positions:
            continue
        voters += 1
        for position in positions:
            counts[position] += 1
    return counts, voters


def percentages(counts: Sequence[int], voters: int) -> list[int]:
    """Share of the people who answered, per option, rounded (with several answers they add up to more)."""
    if voters <= 0:
        return [0 for _ in counts]
    return [round(100 * count / voters) for count in counts]


@dataclass(frozen=True)
class GroupTally:
    """One group's totals."""

    title: str
    counts: tuple[int, ...]
    voters: int


@dataclass(frozen=True)
class PollResult:
    """A poll's results per group and in total; `closed` once it was stopped."""

    question: str
    options: tuple[str, ...]
    groups: tuple[GroupTally, ...] = field(default_factory=tuple)
    anonymous: bool = True
    multiple: bool = False
    closed: bool = False

    @property
    def totals(self) -> tuple[int, ...]:
        sums = [0] * len(self.options)
        for group in self.groups:
            for position, count in enumerate(group.counts[: len(self.options)]):
                sums[position] += count
        return tuple(sums)

    @property
    def voters(self) -> int:
        return sum(group.voters for group in self.groups)

    def ranked(self) -> list[tuple[str, int, int]]:
        """(answer, votes, percent) in the poll's own order."""
        return list(zip(self.options, self.totals, percentages(self.totals, self.voters), strict=True))

    def winners(self) -> list[str]:
        """The answer(s) with the most votes; none when nobody answered."""
        totals = self.totals
        best = max(totals, default=0)
        return [option for option, count in zip(self.options, totals, strict=True) if best and count == best]


def bar(percent: int, width: int = 10) -> str:
    """A text bar for chat: "▓▓▓▓░░░░░░" for 40 %."""
    filled = max(0, min(width, round(percent * width / 100)))
    return "▓" * filled + "░" * (width - filled)
