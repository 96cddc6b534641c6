"""domain.polls: what Telegram accepts as a poll, and how answers add up per group and in total."""

from __future__ import annotations

from domain.polls import GroupTally, PollResult, bar, counts_from_answers, options_problem, percentages, question_problem, split_options


def test_answers_are_one_per_line_without_their_bullets():
    assert split_options("- ja\n* nee\n\n1. misschien\nb) weet   ik niet\n•  later") == ["ja", "nee", "misschien", "weet ik niet", "later"]
    assert split_options("2026 wordt mooi\n10 uur") == ["2026 wordt mooi", "10 uur"], "a number that is no list mark stays"


def test_telegrams_limits_on_answers_and_question():
    assert options_problem(["ja"]) == "too_few"
    assert options_problem([str(i) for i in range(11)]) == "too_many"
    assert options_problem(["ja", "x" * 101]) == "too_long"
    assert options_problem(["Ja", "ja "[:2]]) == "double"
    assert options_problem(["ja", "nee"]) is None
    assert options_problem([str(i) for i in range(10)]) is None
    assert question_problem("   ") == "empty"
    assert question_problem("x" * 301) == "too_long"
    assert question_problem("Wil je een buurtfeest?") is None


def test_counts_from_answers_count_people_once_and_ignore_strange_positions():
    counts, voters = counts_from_answers([[0], [0, 2], [], [2, 2], [7]], 3)
    assert (counts, voters) == ([2, 0, 2], 3)


def test_results_add_up_per_group_and_in_total():
    result = PollResult("Welke avond?", ("di", "wo", "do"),
                        (GroupTally("A", (2, 0, 0), 2), GroupTally("B", (1, 0, 1), 2)), anonymous=False, closed=True)
    assert result.totals == (3, 0, 1) and result.voters == 4
    assert result.ranked() == [("di", 3, 75), ("wo", 0, 0), ("do", 1, 25)]
    assert result.winners() == ["di"]
    assert PollResult("?", ("a", "b")).winners() == [], "nobody answered: no winner"
    tie = PollResult("?", ("a", "b"), (GroupTally("A", (1, 1), 2),))
    assert tie.winners() == ["a", "b"]


def test_percentages_of_people_with_several_answers_can_add_up_to_more():
    assert percentages([2, 2], 2) == [100, 100]
    assert percentages([0, 0], 0) == [0, 0]
    assert bar(40) == "▓▓▓▓░░░░░░" and bar(0) == "░" * 10 and bar(100) == "▓" * 10
