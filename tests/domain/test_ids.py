"""Ids from callback data and deep links are bounded in one place (issue 12 point 4)."""

import pytest

from domain.ids import DB_ID_MAX, db_id, db_id_after, db_id_field, page_number, telegram_id


@pytest.mark.parametrize("text", ["", "0", "-1", "+5", " 5", "5 ", "1e3", "²", "٣", "2147483648", "99999999999999999999", None, "abc"])
def test_what_cannot_be_a_row_is_none(text):
    assert db_id(text) is None


@pytest.mark.parametrize(("text", "value"), [("1", 1), ("42", 42), ("007", 7), (str(DB_ID_MAX), DB_ID_MAX)])
def test_plain_ids_within_int32(text, value):
    assert db_id(text) == value


def test_telegram_ids_are_64_bit():
    assert telegram_id("9223372036854775807") == 2**63 - 1
    assert telegram_id("9223372036854775808") is None
    assert telegram_id("2147483648") == 2147483648


def test_fields_and_prefixes():
    assert db_id_field("own:v:42", 2) == 42
    assert db_id_field("own:v", 2) is None
    assert db_id_field("adm:n:2147483648", 2) is None
    assert db_id_after("lnk:7", "lnk:") == 7
    assert db_id_after("lnk:", "lnk:") is None
    assert db_id_after("xx:7", "lnk:") is None


def test_page_numbers():
    assert page_number("3") == 3
    assert page_number("0") == 0
    assert page_number("99999999999999") == 0
    assert page_number("x") == 0


def test_choice_index_is_a_button_position_within_bounds():
    from domain.ids import choice_index

    assert choice_index("0", 2) == 0 and choice_index("1", 2) == 1
    assert choice_index("2", 2) is None and choice_index("-1", 2) is None and choice_index("x", 2) is None
    assert choice_index(None, 2) is None and choice_index("99999", 100000) is None
