from domain.ranking import distance_band, nearby_rank, speaks


def test_bands():
    assert [distance_band(d) for d in (10, 250, 251, 900, 1999, 4000, 9000)] == [0, 0, 1, 2, 3, 4, 5]


def test_a_place_that_speaks_your_language_comes_first_within_its_band_only():
    places = [("near", 120, False), ("speaks", 200, True), ("far speaks", 700, True), ("mid", 450, False)]
    ordered = [name for name, d, s in sorted(places, key=lambda p: nearby_rank(p[1], p[2]))]
    assert ordered == ["speaks", "near", "mid", "far speaks"]


def test_equal_places_keep_distance_then_id_order():
    assert nearby_rank(300, False, 2) < nearby_rank(300, False, 3) < nearby_rank(301, False, 1)


def test_speaks():
    assert speaks(["nl", "tr"], "tr") and speaks({"AR"}, "ar") and speaks(("pt",), "pt-BR")
    assert not speaks(["nl"], "tr") and not speaks(["tr"], None)
