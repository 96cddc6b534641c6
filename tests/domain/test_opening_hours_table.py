"""The opening-hours phrasing table (tests/domain/tables/opening_hours_phrasings.txt)."""

from domain.opening_hours import OpeningHoursError, parse_free_text
from tests.domain.phrasing_tables import Score, load

ROWS = load("opening_hours_phrasings.txt", with_now=False)


def score() -> Score:
    result = Score()
    for row in ROWS:
        try:
            schedule = parse_free_text(row.text)
        except OpeningHoursError as error:
            result.add(row, f"{error.reason}: {error.fragment}", kind="ask" if error.asks else "error")
            continue
        result.add(row, schedule.to_osm(), kind="reading")
    return result


def test_table_is_large_enough():
    assert len(ROWS) >= 100


def test_no_silently_wrong_reading_and_95_percent_right():
    result = score()
    print(result.report())
    assert not result.wrong, result.report()
    assert result.right_share >= 0.95, result.report()


def test_every_reading_survives_storing_as_osm_text():
    """After a button choice the flows store ``to_osm()``; reading it again gives the same week."""
    for row in ROWS:
        try:
            schedule = parse_free_text(row.text)
        except OpeningHoursError as error:
            for option in error.options:
                assert parse_free_text(option.to_osm()) == option, row.text
            continue
        assert parse_free_text(schedule.to_osm()) == schedule, row.text


if __name__ == "__main__":  # python -m tests.domain.test_opening_hours_table: the measured numbers
    print(score().report())
