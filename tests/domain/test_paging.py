import pytest

from domain.paging import page_of


def test_pages_cover_every_item_once_in_order():
    items = list(range(45))
    pages = [page_of(items, n, 20) for n in range(3)]
    assert [list(p.items) for p in pages] == [items[:20], items[20:40], items[40:]]
    assert [(p.first, p.last, p.count, p.total) for p in pages] == [(1, 20, 3, 45), (21, 40, 3, 45), (41, 45, 3, 45)]
    assert [(p.has_previous, p.has_next) for p in pages] == [(False, True), (True, True), (True, False)]


def test_out_of_range_numbers_are_clamped_and_empty_lists_have_one_page():
    assert page_of(list(range(5)), 7, 2).number == 2 and list(page_of(list(range(5)), 7, 2).items) == [4]
    assert page_of(list(range(5)), -3, 2).number == 0
    empty = page_of([], 0, 20)
    assert (list(empty.items), empty.count, empty.has_next, empty.has_previous) == ([], 1, False, False)
    with pytest.raises(ValueError):
        page_of([1], 0, 0)
