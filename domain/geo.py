"""Distances on the earth's surface, as the place directory needs them.

The bot ranks places by straight-line (great-circle) distance: good enough inside a city, and it
needs no routing service. Everything here is pure and fast.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache
from decimal import ROUND_HALF_UP, Decimal

from babel.numbers import format_decimal

from domain.i18n_markers import Translator, language_of

EARTH_RADIUS_M = 6_371_008.8  # IUGG mean radius
WALKING_SPEED_KMH = 4.8  # a relaxed pace, also for older residents
CYCLING_SPEED_KMH = 16.0  # an easy city pace, traffic lights included
WALK_LIMIT_M = 3000.0  # beyond this nobody is told to walk: the bike is the honest suggestion
OUT_OF_AREA_M = 15_000.0  # further than this from every place: outside what Knooppunt covers
_FLOAT_MARGIN_DEG = 1e-9  # ~0.1 mm, so float rounding never drops a point on the circle's edge


class InvalidCoordinates(ValueError):
    """Raised for a latitude/longitude pair that cannot be a point on earth."""


def validate_coordinates(lat: float, lon: float) -> tuple[float, float]:
    """Return (lat, lon) as floats, or raise: shared locations and data files can be garbage."""
    try:
        lat_f, lon_f = float(lat), float(lon)
    except (TypeError, ValueError) as exc:
        raise InvalidCoordinates(f"not a number: {lat!r}, {lon!r}") from exc
    if not (math.isfinite(lat_f) and math.isfinite(lon_f)):
        raise InvalidCoordinates(f"not finite: {lat_f}, {lon_f}")
    if not -90.0 <= lat_f <= 90.0:
        raise InvalidCoordinates(f"latitude out of range -90..90: {lat_f}")
    if not -180.0 <= lon_f <= 180.0:
        raise InvalidCoordinates(f"longitude out of range -180..180: {lon_f}")
    return lat_f, lon_f


def haversine_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in metres (haversine: stable for the short distances we use)."""
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    dphi = phi2 - phi1
    dlmb = math.radians(lon2 - lon1)
    a = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlmb / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(a)))


def walking_minutes(metres: float) -> int:
    """Minutes on foot, rounded up and at least 1: 'about 0 minutes' helps nobody."""
    if metres < 0 or not math.isfinite(metres):
        raise ValueError(f"distance must be a finite number >= 0, got {metres}")
    minutes = metres / (WALKING_SPEED_KMH * 1000 / 60)
    return max(1, math.ceil(round(minutes, 9)))


def cycling_minutes(metres: float) -> int:
    """Minutes by bike, rounded up and at least 1."""
    if metres < 0 or not math.isfinite(metres):
        raise ValueError(f"distance must be a finite number >= 0, got {metres}")
    return max(1, math.ceil(round(metres / (CYCLING_SPEED_KMH * 1000 / 60), 9)))


def out_of_area(nearest_m: float | None) -> bool:
    """True when the nearest place of all is more than OUT_OF_AREA_M away (or there is none):
    the point is outside Delfshaven/Rotterdam, and a list of far places would mislead."""
    return nearest_m is None or nearest_m > OUT_OF_AREA_M


def describe_trip(metres: float, translator: Translator, *, approximate: bool = False) -> str:
    """How far, said honestly: walking minutes under WALK_LIMIT_M, bike minutes up to
    OUT_OF_AREA_M, and beyond that the distance alone ('58,6 km', never '733 minuten lopen')."""
    distance = format_distance(metres, translator, approximate=approximate)
    if metres < WALK_LIMIT_M:
        minutes = walking_minutes(metres)
        how = translator.ngettext("{minutes} minuut lopen", "{minutes} minuten lopen", minutes)
    elif metres <= OUT_OF_AREA_M:
        minutes = cycling_minutes(metres)
        how = translator.ngettext("{minutes} minuut fietsen", "{minutes} minuten fietsen", minutes)
    else:
        return distance
    return f"{distance} · {how.format(minutes=minutes)}"


@dataclass(frozen=True)
class BoundingBox:
    """A lat/lon rectangle for a cheap database prefilter before exact distances are computed."""

    min_lat: float
    max_lat: float
    min_lon: float
    max_lon: float

    def contains(self, lat: float, lon: float) -> bool:
        return self.min_lat <= lat <= self.max_lat and self.min_lon <= lon <= self.max_lon


def bounding_box(lat: float, lon: float, radius_m: float) -> BoundingBox:
    """The smallest rectangle that holds every point within `radius_m` of (lat, lon).

    It may hold more (the corners): the caller filters by exact distance afterwards. Near a pole
    or across the antimeridian it falls back to the full longitude range, never to a smaller box.
    """
    lat, lon = validate_coordinates(lat, lon)
    if radius_m < 0 or not math.isfinite(radius_m):
        raise ValueError(f"radius must be a finite number >= 0, got {radius_m}")
    angular = radius_m / EARTH_RADIUS_M
    dlat = math.degrees(angular) + _FLOAT_MARGIN_DEG
    min_lat, max_lat = lat - dlat, lat + dlat
    if min_lat <= -90.0 or max_lat >= 90.0 or angular >= math.pi / 2:
        return BoundingBox(max(min_lat, -90.0), min(max_lat, 90.0), -180.0, 180.0)
    # Widest longitude span of the circle (at the tangent latitude, not at the centre).
    dlon = math.degrees(math.asin(min(1.0, math.sin(angular) / math.cos(math.radians(lat))))) + _FLOAT_MARGIN_DEG
    min_lon, max_lon = lon - dlon, lon + dlon
    if min_lon < -180.0 or max_lon > 180.0:
        return BoundingBox(min_lat, max_lat, -180.0, 180.0)
    return BoundingBox(min_lat, max_lat, min_lon, max_lon)


def format_distance(metres: float, translator: Translator, *, approximate: bool = False) -> str:
    """A distance as people say it: '350 m' below 1 km, '1,2 km' (nl) / '1.2 km' (en) above.

    `approximate` is for distances from a postcode centroid, which can be off by a kilometre; below
    100 m it says 'minder dan 100 m' rather than 'ongeveer 0 m'.
    """
    _ = translator.gettext
    if metres < 0 or not math.isfinite(metres):
        raise ValueError(f"distance must be a finite number >= 0, got {metres}")
    rounded = int(_half_up(metres, "10"))
    if approximate and rounded < 100:
        return _("minder dan 100 m")
    if rounded < 1000:
        text = f"{rounded} m"
    else:
        text = _kilometres(_half_up(metres / 1000.0, "0.1"), language_of(translator))
    if approximate:
        return _("ongeveer {distance}").format(distance=text)
    return text


@lru_cache(maxsize=4096)
def _kilometres(km: Decimal, language: str) -> str:
    """'1,2 km': Babel reads the pattern and the locale's symbols on every call, on the path of every
    answer (five distances each); the same few hundred values per language come back all the time."""
    return f"{format_decimal(km, format='#,##0.0', locale=language)} km"


def _half_up(value: float, step: str) -> Decimal:
    """Round as people do (345 m -> 350 m), not to even as round() does."""
    quantum = Decimal(step)
    return (Decimal(repr(value)) / quantum).quantize(Decimal(1), rounding=ROUND_HALF_UP) * quantum
