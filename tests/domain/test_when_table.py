"""The date phrasing table (tests/domain/tables/when_phrasings.txt): never silently wrong, 95% right."""

from datetime import datetime

from domain.when import TZ, When, WhenError, parse_when
from tests.domain.phrasing_tables import Score, load

NOWS = {
    "A": datetime(2026, 12, 2, 10, 0, tzinfo=TZ),
    "B": datetime(2027, 3, 26, 18, 0, tzinfo=TZ),
    "C": datetime(2026, 10, 22, 15, 0, tzinfo=TZ),
    "D": datetime(2026, 12, 28, 9, 0, tzinfo=TZ),
    "E": datetime(2031, 1, 10, 12, 0, tzinfo=TZ),
}
ROWS = load("when_phrasings.txt", with_now=True)


def shown(found: When) -> str:
    """The table's notation for a reading."""
    start = found.start.astimezone(TZ)
    text = start.strftime("%Y-%m-%d %H:%M")
    if found.end is not None:
        end = found.end.astimezone(TZ)
        if end.date() == start.date() or ((end.date() - start.date()).days == 1 and end.time() < start.time()):
            text += end.strftime("-%H:%M")
        else:
            text += end.strftime("-%Y-%m-%d %H:%M")
    if found.rrule:
        text += " " + found.rrule
    return text


def canonical(expected: str) -> str:
    """Rule parts in a fixed order, so "FREQ=WEEKLY;BYDAY=TU" and "BYDAY=TU;FREQ=WEEKLY" agree;
    an end early on the next day in its short form ("20:00-02:00")."""
    head, _, rule = expected.partition(" FREQ")
    if len(head) == 33:  # "2026-12-05 20:00-2026-12-06 02:00"
        start, end = datetime.strptime(head[:16], "%Y-%m-%d %H:%M"), datetime.strptime(head[17:], "%Y-%m-%d %H:%M")
        if (end.date() - start.date()).days == 1 and end.time() < start.time():
            head = head[:16] + end.strftime("-%H:%M")
    if not rule:
        return head
    return head + " " + ";".join(sorted(("FREQ" + rule).split(";")))


def score() -> Score:
    result = Score()
    for row in ROWS:
        row_expected = canonical(row.expected)
        try:
            found = parse_when(row.text, NOWS[row.now])
        except WhenError as error:
            result.add(row.__class__(row.line, row.now, row.text, row_expected), error.reason,
                       kind="ask" if error.asks else "error")
            continue
        result.add(row.__class__(row.line, row.now, row.text, row_expected), canonical(shown(found)), kind="reading")
    return result


def test_table_is_large_enough():
    assert len(ROWS) >= 300


def test_no_silently_wrong_reading_and_95_percent_right():
    result = score()
    print(result.report())
    assert not result.wrong, result.report()
    assert result.right_share >= 0.95, result.report()


if __name__ == "__main__":  # python -m tests.domain.test_when_table: the measured numbers
    print(score().report())
