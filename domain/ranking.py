"""The order of places in a nearby list: distance bands first, then places that speak the resident's
language, then exact distance. Pure, so the rule is the same wherever places are listed."""

from __future__ import annotations

from bisect import bisect_left

# Upper bounds (metres) of the distance bands a resident feels as "as near": a place 40 m further
# that speaks your language is worth more than the 40 m.
DISTANCE_BANDS_M = (250.0, 500.0, 1000.0, 2000.0, 5000.0)


def distance_band(distance_m: float) -> int:
    """0 for the nearest band; one more per band; everything past the last bound shares the last band."""
    return bisect_left(DISTANCE_BANDS_M, distance_m)


def nearby_rank(distance_m: float, speaks_resident_language: bool, place_id: int = 0) -> tuple[int, int, float, int]:
    """Sort key: band, then speaks the resident's language, then distance, then id (stable paging)."""
    return (distance_band(distance_m), 0 if speaks_resident_language else 1, distance_m, place_id)


def speaks(place_languages: list[str] | tuple[str, ...] | set[str], resident_language: str | None) -> bool:
    """Whether a place lists the resident's language (ISO 639-1, 'tr' for 'tr-TR')."""
    if not resident_language:
        return False
    base = resident_language.split("-")[0].lower()
    return base in {code.lower() for code in place_languages}
