"""Load the phrasing tables (tests/domain/tables/*.txt) and score a reader against them.

A result is *right* when it is the expected reading, or a question where the table expects one
("ask"), or any refusal where the table expects "error". It is *wrong* (silently wrong) when the
reader returns a reading that the table does not expect. Other outcomes (a refusal or a question
where a reading was expected) are neither: they cost "right" but are never harmful.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

TABLES = Path(__file__).parent / "tables"


@dataclass(frozen=True)
class Row:
    line: int
    now: str | None
    text: str
    expected: str


def load(name: str, *, with_now: bool) -> list[Row]:
    rows = []
    for number, raw in enumerate((TABLES / name).read_text(encoding="utf-8").splitlines(), 1):
        if not raw.strip() or raw.lstrip().startswith("#"):
            continue
        parts = raw.split(" | ")
        if with_now:
            now, text, expected = parts[0].strip(), parts[1], parts[2]
        else:
            now, (text, expected) = None, (" | ".join(parts[:-1]), parts[-1])
        rows.append(Row(number, now, text.strip(), expected.strip()))
    return rows


@dataclass
class Score:
    right: list[Row] = field(default_factory=list)
    asked: list[Row] = field(default_factory=list)  # right, as a question
    refused: list[tuple[Row, str]] = field(default_factory=list)  # not right, not harmful
    wrong: list[tuple[Row, str]] = field(default_factory=list)  # silently wrong

    def add(self, row: Row, got: str, *, kind: str) -> None:
        """kind: "reading", "ask" or "error" (what the reader did); got: the reading or reason."""
        if kind == "reading":
            (self.right.append(row) if got == row.expected else self.wrong.append((row, got)))
        elif kind == "ask" and row.expected == "ask":
            self.asked.append(row)
        elif row.expected == "error" or (kind == "ask" and row.expected == "ask"):
            self.right.append(row)
        else:
            self.refused.append((row, f"{kind}: {got}"))

    @property
    def total(self) -> int:
        return len(self.right) + len(self.asked) + len(self.refused) + len(self.wrong)

    @property
    def right_share(self) -> float:
        return (len(self.right) + len(self.asked)) / self.total

    def report(self) -> str:
        lines = [f"{self.total} phrasings: {len(self.right)} right, {len(self.asked)} asked, "
                 f"{len(self.refused)} refused, {len(self.wrong)} wrong ({self.right_share:.1%} right or asked)"]
        lines += [f"  WRONG line {r.line} {r.now or ''} {r.text!r}: got {g!r}, expected {r.expected!r}" for r, g in self.wrong]
        lines += [f"  refused line {r.line} {r.now or ''} {r.text!r}: {g}, expected {r.expected!r}" for r, g in self.refused]
        return "\n".join(lines)
