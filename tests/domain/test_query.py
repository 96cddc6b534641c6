import pytest

from domain.gazetteer import Location, UnknownPostcode
from domain.query import MAX_QUERY_CHARS, PlaceQuery, parse_query


def place_name(query: PlaceQuery) -> str | None:
    return query.place.name if isinstance(query.place, Location) else None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("waar is een buurthuiskamer bij mij in de buurt?", dict(category="buurthuiskamer", near_me=True)),
        ("is er een speeltuin in Spangen", dict(category="speeltuin", place="Spangen")),
        ("buurthuiskamer 3026", dict(category="buurthuiskamer", place="Rotterdam")),
        ("inloophuis nu open", dict(category="inloophuis", open_now=True)),
        ("where can I find a community living room near 3021?", dict(category="buurthuiskamer", place="Rotterdam")),
        ("moestuin oud mathenesse", dict(category="groenplek", place="Oud-Mathenesse")),
        ("taalcafé waar ze Arabisch spreken", dict(category="taalcafe", language="ar")),
        ("rolstoeltoegankelijke buurthuiskamer in BoTu",
         dict(category="buurthuiskamer", place="Bospolder-Tussendijken", wheelchair=True)),
        ("playground nearby", dict(category="speeltuin", near_me=True)),
        ("speeltuin dichtbij", dict(category="speeltuin", near_me=True)),
        ("buurthuiskamr near me open now", dict(category="buurthuiskamer", near_me=True, open_now=True)),
        ("Arabischtalige huiswerkklas", dict(category="huiswerkbegeleiding", language="ar")),
        ("waar spreken ze Turks", dict(language="tr")),
        ("a language cafe where they speak english", dict(category="taalcafe", language="en")),
        ("inloop in spagen, wheelchair accessible", dict(category="inloophuis", place="Spangen", wheelchair=True)),
        ("toegankelijk taalcafe in het nieuwe westen", dict(category="taalcafe", place="Nieuwe Westen", wheelchair=True)),
        ("Spangen", dict(place="Spangen")),
    ],
)
def test_parse_query(text, expected):
    query = parse_query(text)
    place = expected.pop("place", None)
    assert place_name(query) == place
    assert query == PlaceQuery(place=query.place, **expected)


def test_postcode_details_are_kept():
    query = parse_query("buurthuiskamer 3026")
    assert (query.place.pc4, query.place.buurt, query.place.approximate) == ("3026", "Tussendijken", True)


def test_unknown_postcode_is_passed_on():
    assert parse_query("speeltuin 3000") == PlaceQuery(category="speeltuin", place=UnknownPostcode("3000"))


def test_open_alone_is_not_open_now():
    assert parse_query("wanneer is het inloophuis open").open_now is False


@pytest.mark.parametrize("text", ["", "   ", "🙂🙂🙂", "?!", "x" * 10_000, "hallo daar"])
def test_nothing_to_find(text):
    query = parse_query(text)
    assert query == PlaceQuery()
    assert query.is_empty


def test_long_input_is_cut():
    tail = "speeltuin in Spangen"
    assert parse_query("bla " * 5_000 + tail).is_empty
    assert parse_query(tail + " bla" * 5_000) == parse_query(tail)
    assert MAX_QUERY_CHARS == 300
