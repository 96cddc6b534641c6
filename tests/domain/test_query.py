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


# -- the question an answer's buttons carry -------------------------------------------------------

from domain.gazetteer import buurten, lookup_buurt, lookup_postcode  # noqa: E402
from domain.query import CALLBACK_LIMIT, Origin, Question  # noqa: E402
from domain.taxonomy import CATEGORIES  # noqa: E402


def all_origins() -> list[Origin]:
    places = [lookup_buurt(b.name) for b in buurten()] + [lookup_buurt(a) for b in buurten() for a in b.aliases]
    origins = [Origin.of_place(p) for p in places]
    origins += [Origin.of_place(lookup_postcode("3024")), Origin.of_place(lookup_postcode("3024", "ab"))]
    origins += [Origin("here", 51.91372, 4.45018), Origin("address", -89.99999, -179.99999), Origin("here", 89.9999, 179.9999)]
    return origins


@pytest.mark.parametrize("origin", all_origins(), ids=lambda o: o.encode())
def test_every_question_round_trips_and_fits_in_a_button(origin):
    longest_category = max((c.code for c in CATEGORIES), key=len)
    for question in (Question(origin), Question(origin, longest_category, True, True, "ar", 200)):
        encoded = question.encode()
        back = Question.decode(encoded)
        assert back.encode() == encoded
        if origin.approximate:  # a named place comes back exactly; a point to 4 decimals
            assert back == question
        assert back.origin.approximate == origin.approximate
        # the longest button: details of place 9,999,999
        assert len(f"dir:i:9999999:{encoded}".encode()) <= CALLBACK_LIMIT


def test_coordinates_are_kept_to_about_ten_metres():
    back = Question.decode(Question(Origin("here", 51.913725, 4.450187)).encode())
    assert (back.origin.lat, back.origin.lon) == (51.9137, 4.4502)
    assert back.origin.kind == "here" and not back.origin.approximate


def test_a_postcode_or_buurt_comes_back_with_its_label():
    assert Question.decode("p3027:::0").origin.label == "Spangen"
    assert Question.decode("bbotu:::0").origin.label == "Bospolder-Tussendijken"


@pytest.mark.parametrize(
    "forged",
    ["", "5", "p3024::", "p3024:::", "p1000:::0", "p3024:evil::0", "p3024:::201", "p3024:::-5", "p3024::Oxx1:0",
     "h999999_0:::0", "hx_y:::0", "bnowhere:::0", "q123:::0", "p3024:::0:extra", "h519137_44502::O:abc"],
)
def test_forged_or_old_questions_decode_to_none(forged):
    assert Question.decode(forged) is None


def test_changing_what_is_asked_starts_at_page_one():
    question = Question(Origin("here", 51.9, 4.4), "speeltuin", offset=10)
    assert question.changed(open_now=True).offset == 0
    assert question.changed(category=None) == Question(Origin("here", 51.9, 4.4))
    assert question.changed(offset=15).offset == 15
