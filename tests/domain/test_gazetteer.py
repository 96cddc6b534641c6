import pytest

from domain.gazetteer import (
    Location,
    PlaceMatch,
    UnknownPostcode,
    buurt_for_point,
    buurten,
    edit_distance,
    find_place_in_text,
    geocode,
    lookup_buurt,
    normalize_text,
    pc4_index,
)

def test_pc4_data_loads_from_package_copy():
    index = pc4_index()
    assert len(index) == 4086  # 4,334 rows, some PC4s listed once per municipality
    assert index["3027"].place_name == "Rotterdam"
    assert (index["3027"].lat, index["3027"].lon) == (51.9169, 4.4361)
    assert index["1096"].place_name == "Amsterdam"  # first of its two rows


def test_nine_buurten():
    assert [b.name for b in buurten()] == [
        "Delfshaven", "Bospolder", "Tussendijken", "Spangen", "Nieuwe Westen",
        "Middelland", "Oud-Mathenesse", "Witte Dorp", "Schiemond",
    ]
    nieuwe_westen = buurten()[4]
    assert nieuwe_westen.pc4s == ("3022", "3023")
    assert nieuwe_westen.aliases == ("Het Nieuwe Westen",)


@pytest.mark.parametrize("text", ["3024", "3024AB", "3024 ab", "3024-AB", " 3024 - ab ", "3024ab"])
def test_postcode_forms(text):
    found = geocode(text)
    assert isinstance(found, Location)
    assert (found.lat, found.lon, found.pc4, found.name, found.buurt, found.approximate) == (
        51.9054, 4.457, "3024", "Rotterdam", "Delfshaven", True,
    )
    assert found.postcode == ("3024" if text == "3024" else "3024 AB")


def test_postcode_outside_delfshaven_has_no_buurt():
    assert geocode("9999") == Location(53.3507, 6.6023, "Kantens", pc4="9999", postcode="9999")


@pytest.mark.parametrize(("text", "postcode"), [("3000", "3000"), ("1000 aa", "1000 AA"), ("3030", "3030")])
def test_unknown_but_well_formed_postcode(text, postcode):
    assert geocode(text) == UnknownPostcode(postcode)


@pytest.mark.parametrize("text", ["0123", "302", "30245", "3024 ABC", "", "   ", "🙂"])
def test_not_a_postcode_nor_buurt(text):
    assert geocode(text) is None


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("Oud Mathenesse", "Oud-Mathenesse"),
        ("oud-mathenesse", "Oud-Mathenesse"),
        ("OUD   MATHENESSE", "Oud-Mathenesse"),
        ("oud mathenese", "Oud-Mathenesse"),
        ("het Nieuwe Westen", "Nieuwe Westen"),
        ("nieuwe westen", "Nieuwe Westen"),
        ("Spangen", "Spangen"),
        ("spagen", "Spangen"),
        ("Delfshaven", "Delfshaven"),
        ("delfshavn", "Delfshaven"),
        ("Historisch Delfshaven", "Delfshaven"),
        ("Coolhaven", "Delfshaven"),
        ("Middeland", "Middelland"),
        ("Lloydkwartier", "Schiemond"),
        ("het witte dorp", "Witte Dorp"),
        ("Tussendijken", "Tussendijken"),
        ("Bospolder", "Bospolder"),
    ],
)
def test_buurt_names_and_typos(text, name):
    found = geocode(text)
    assert isinstance(found, Location)
    assert (found.name, found.buurt, found.approximate, found.postcode) == (name, name, True, None)


def test_botu_is_the_joint_area_of_bospolder_and_tussendijken():
    for text in ("BoTu", "botu", "Bospolder-Tussendijken", "bospolder tussendijken"):
        found = lookup_buurt(text)
        assert (found.name, found.buurt, found.pc4) == ("Bospolder-Tussendijken", "Bospolder-Tussendijken", None)
        assert (found.lat, found.lon) == pytest.approx((51.91065, 4.44315))  # mean of the two centres


def test_short_names_need_exact_spelling():
    assert lookup_buurt("bot") is None
    assert lookup_buurt("spa") is None


@pytest.mark.parametrize(
    ("text", "name", "span"),
    [
        ("is er een speeltuin in Spangen", "Spangen", "Spangen"),
        ("buurthuiskamer 3026", "Rotterdam", "3026"),
        ("near 3021?", "Rotterdam", "3021"),
        ("3026 in Spangen", "Rotterdam", "3026"),
        ("postcode 3024AB graag", "Rotterdam", "3024AB"),
        ("postcode 3024 AB graag", "Rotterdam", "3024 AB"),
        ("moestuin oud mathenesse", "Oud-Mathenesse", "oud mathenesse"),
        ("rolstoeltoegankelijke buurthuiskamer in BoTu", "Bospolder-Tussendijken", "BoTu"),
        ("iets in het nieuwe westen?", "Nieuwe Westen", "het nieuwe westen"),
        ("wonen in oud-mathenesse", "Oud-Mathenesse", "oud-mathenesse"),
        ("speeltuin spagen", "Spangen", "spagen"),
    ],
)
def test_find_place_in_text(text, name, span):
    match = find_place_in_text(text)
    assert isinstance(match, PlaceMatch)
    assert match.result.name == name
    assert text[match.start : match.end] == span


def test_find_place_in_text_postcode_letters_in_lowercase_stay_words():
    match = find_place_in_text("3026 in Spangen")
    assert match.result.postcode == "3026"


def test_find_place_in_text_unknown_postcode():
    assert find_place_in_text("iets bij 3000?") == PlaceMatch(UnknownPostcode("3000"), 9, 13)


@pytest.mark.parametrize("text", ["", "waar is een speeltuin", "bel 0612345678", "om 10:00 uur", "€12,50", "🙂🙂"])
def test_find_place_in_text_nothing(text):
    assert find_place_in_text(text) is None


def test_buurt_for_point():
    assert buurt_for_point(51.9054, 4.4570).name == "Delfshaven"
    assert buurt_for_point(51.9170, 4.4365).name == "Spangen"
    assert buurt_for_point(51.9150, 4.4260).name == "Witte Dorp"
    assert buurt_for_point(52.3700, 4.8900) is None  # Amsterdam
    assert buurt_for_point(51.9200, 4.5200) is None  # Kralingen side, > 1.5 km from any centre


def test_normalize_text():
    assert normalize_text("  Taalcafé  Oud-Mathenesse! ") == "taalcafe oud mathenesse"
    assert normalize_text("🙂") == ""


@pytest.mark.parametrize(
    ("a", "b", "distance"),
    [("spangen", "spangen", 0), ("spagen", "spangen", 1), ("spnagen", "spangen", 1), ("middeland", "middelland", 1), ("abc", "xyz", 3)],
)
def test_edit_distance(a, b, distance):
    assert edit_distance(a, b, limit=3) == distance


def test_edit_distance_is_capped():
    assert edit_distance("aaaaaaaa", "bbbbbbbb", limit=2) == 3


def test_fuzzy_index_agrees_with_measuring_every_name():
    """The deletion index (FuzzyIndex) finds exactly what measuring every name finds: typos of
    real words of every table (insertions, deletions, swaps, substitutions), and exact words."""
    import random

    from domain.gazetteer import FuzzyIndex, _buurt_names, _scan
    from domain.taxonomy import _terms

    rng = random.Random(7)
    for table in (list(_terms()), list(_buurt_names())):
        index = FuzzyIndex(table)
        keys = list(table[:200])
        for word in rng.sample(table, min(300, len(table))):
            for _ in range(3):
                typo, spot = list(word), rng.randrange(len(word) + 1)
                kind = rng.choice("idsx")
                if kind == "i":
                    typo.insert(spot, rng.choice("aeiouknst"))
                elif kind == "d" and spot < len(typo):
                    del typo[spot]
                elif kind == "s" and spot < len(typo):
                    typo[spot] = rng.choice("aeiouknst")
                elif spot + 1 < len(typo):
                    typo[spot], typo[spot + 1] = typo[spot + 1], typo[spot]
                keys.append("".join(typo))
        for key in keys:
            assert index.lookup(key) == _scan(key, table), key
