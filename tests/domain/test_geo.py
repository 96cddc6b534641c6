import math

import pytest

from domain.geo import (
    EARTH_RADIUS_M,
    OUT_OF_AREA_M,
    InvalidCoordinates,
    bounding_box,
    cycling_minutes,
    describe_trip,
    format_distance,
    haversine_m,
    out_of_area,
    validate_coordinates,
    walking_minutes,
)
from tests.domain.test_taxonomy import NL, english

ROTTERDAM_CENTRAAL = (51.9244, 4.4690)
DELFSHAVEN = (51.9054, 4.4570)


def test_rotterdam_centraal_to_delfshaven():
    # 2267.37 m, cross-checked with the spherical law of cosines on the same radius.
    assert haversine_m(*ROTTERDAM_CENTRAAL, *DELFSHAVEN) == pytest.approx(2267.37, abs=1.0)


def test_one_degree_of_latitude_is_r_times_pi_over_180():
    assert haversine_m(0, 0, 1, 0) == pytest.approx(111_195.08, abs=0.01)
    assert haversine_m(51.9, 4.4, 52.9, 4.4) == pytest.approx(111_195.08, abs=0.01)


def test_distance_is_symmetric_and_zero_for_same_point():
    assert haversine_m(*DELFSHAVEN, *DELFSHAVEN) == 0.0
    assert haversine_m(*ROTTERDAM_CENTRAAL, *DELFSHAVEN) == haversine_m(*DELFSHAVEN, *ROTTERDAM_CENTRAAL)


def test_antipodes_are_half_the_circumference():
    assert haversine_m(0, 0, 0, 180) == pytest.approx(math.pi * EARTH_RADIUS_M)


@pytest.mark.parametrize(
    ("metres", "minutes"),
    [(0, 1), (1, 1), (80, 1), (81, 2), (800, 10), (801, 11), (2267.37, 29), (4800, 60)],
)
def test_walking_minutes_round_up_at_4_8_kmh(metres, minutes):
    assert walking_minutes(metres) == minutes


@pytest.mark.parametrize("bad", [-1, math.nan, math.inf])
def test_walking_minutes_rejects_nonsense(bad):
    with pytest.raises(ValueError):
        walking_minutes(bad)


def test_bounding_box_delfshaven_1km():
    box = bounding_box(*DELFSHAVEN, 1000)
    assert box.max_lat - DELFSHAVEN[0] == pytest.approx(0.0089932, abs=1e-6)
    assert DELFSHAVEN[0] - box.min_lat == pytest.approx(0.0089932, abs=1e-6)
    # Longitude degrees are shorter at 51.9 N: about 1/cos(51.9) times wider in degrees.
    assert box.max_lon - DELFSHAVEN[1] == pytest.approx(0.0145823, abs=1e-5)


def test_bounding_box_holds_every_point_on_the_circle():
    lat0, lon0 = DELFSHAVEN
    radius = 2500
    box = bounding_box(lat0, lon0, radius)
    for bearing in range(0, 360, 5):
        b = math.radians(bearing)
        d = radius / EARTH_RADIUS_M
        lat1 = math.asin(math.sin(math.radians(lat0)) * math.cos(d) + math.cos(math.radians(lat0)) * math.sin(d) * math.cos(b))
        lon1 = math.radians(lon0) + math.atan2(
            math.sin(b) * math.sin(d) * math.cos(math.radians(lat0)),
            math.cos(d) - math.sin(math.radians(lat0)) * math.sin(lat1),
        )
        point = (math.degrees(lat1), math.degrees(lon1))
        assert haversine_m(lat0, lon0, *point) == pytest.approx(radius, abs=0.01)
        assert box.contains(*point)


def test_bounding_box_zero_radius_is_the_point():
    box = bounding_box(10, 20, 0)
    assert box.contains(10, 20)
    assert (box.max_lat - box.min_lat, box.max_lon - box.min_lon) == pytest.approx((0, 0), abs=1e-8)


def test_bounding_box_near_pole_and_antimeridian_uses_all_longitudes():
    polar = bounding_box(89.99, 0, 5000)
    assert (polar.min_lon, polar.max_lon, polar.max_lat) == (-180.0, 180.0, 90.0)
    dateline = bounding_box(0, 179.999, 5000)
    assert (dateline.min_lon, dateline.max_lon) == (-180.0, 180.0)


@pytest.mark.parametrize(
    ("lat", "lon"),
    [(91, 0), (-90.0001, 0), (0, 180.5), (0, -181), (math.nan, 0), (0, math.inf), ("x", 0), (None, 0)],
)
def test_validate_coordinates_rejects(lat, lon):
    with pytest.raises(InvalidCoordinates):
        validate_coordinates(lat, lon)


def test_validate_coordinates_accepts_edges_and_strings():
    assert validate_coordinates(90, -180) == (90.0, -180.0)
    assert validate_coordinates("51.9", "4.45") == (51.9, 4.45)


@pytest.mark.parametrize(
    ("metres", "nl", "en"),
    [
        (0, "0 m", "0 m"),
        (4, "0 m", "0 m"),
        (345, "350 m", "350 m"),
        (344.9, "340 m", "340 m"),
        (994.9, "990 m", "990 m"),
        (995, "1,0 km", "1.0 km"),
        (1249, "1,2 km", "1.2 km"),
        (1250, "1,3 km", "1.3 km"),
        (2267.37, "2,3 km", "2.3 km"),
        (12_345, "12,3 km", "12.3 km"),
        (1_234_567, "1.234,6 km", "1,234.6 km"),
    ],
)
def test_format_distance_by_locale(metres, nl, en):
    assert format_distance(metres, NL) == nl
    assert format_distance(metres, english()) == en


def test_format_distance_approximate():
    assert format_distance(1200, NL, approximate=True) == "ongeveer 1,2 km"
    assert format_distance(350, english(), approximate=True) == "about 350 m"
    assert format_distance(100, NL, approximate=True) == "ongeveer 100 m"


@pytest.mark.parametrize("metres", [0, 4, 60, 94.9])
def test_format_distance_approximate_and_close_never_says_zero(metres):
    assert format_distance(metres, NL, approximate=True) == "minder dan 100 m"
    assert format_distance(metres, english(), approximate=True) == "less than 100 m"


def test_format_distance_rejects_negative():
    with pytest.raises(ValueError):
        format_distance(-5, NL)


# -- honest distances: walk, bike, or just how far ----------------------------------------------


@pytest.mark.parametrize(
    ("metres", "dutch"),
    [
        (30, "30 m · 1 minuut lopen"),
        (640, "640 m · 8 minuten lopen"),
        (2999, "3,0 km · 38 minuten lopen"),
        (3000, "3,0 km · 12 minuten fietsen"),
        (4200, "4,2 km · 16 minuten fietsen"),
        (15_000, "15,0 km · 57 minuten fietsen"),
        (58_600, "58,6 km"),  # never "733 min lopen"
    ],
)
def test_describe_trip_walks_only_under_3_km_and_bikes_up_to_15(metres, dutch):
    assert describe_trip(metres, NL) == dutch


def test_describe_trip_in_english_and_approximate():
    assert describe_trip(4200, english()) == "4.2 km · 16 minutes by bike"
    assert describe_trip(400, english(), approximate=True) == "about 400 m · 5 minutes on foot"
    assert describe_trip(60, english()) == "60 m · 1 minute on foot"


def test_cycling_minutes_round_up_and_reject_nonsense():
    assert cycling_minutes(0) == 1
    assert cycling_minutes(16_000) == 60
    with pytest.raises(ValueError):
        cycling_minutes(-1)


def test_out_of_area_beyond_15_km_or_with_no_place_at_all():
    assert not out_of_area(0) and not out_of_area(OUT_OF_AREA_M)
    assert out_of_area(OUT_OF_AREA_M + 1) and out_of_area(58_600) and out_of_area(None)
    amsterdam_dam, delfshaven = (52.3730, 4.8930), (51.9054, 4.4570)
    assert out_of_area(haversine_m(*amsterdam_dam, *delfshaven))
