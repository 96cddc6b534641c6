"""Street addresses to points, through an online geocoder chosen by GEOCODER (none/pdok/nominatim).

Postcodes and buurt names never come here: domain.gazetteer answers them offline. Answers (hits
and misses) are cached in the database by the caller (storage.repositories.directory), so each
address is asked once. Nominatim's usage policy is respected: one request per second for the
whole bot, a real User-Agent, and results credited to OpenStreetMap in docs/directory.md.
"""

from __future__ import annotations

import asyncio
import logging
import re
import time
from dataclasses import dataclass
from typing import Protocol

import httpx

logger = logging.getLogger(__name__)

PDOK_URL = "https://api.pdok.nl/bzk/locatieserver/search/v3_1/free"
NOMINATIM_URL = "https://nominatim.openstreetmap.org/search"
TIMEOUT_S = 5.0
# Indirections so tests can check the spacing without waiting (and without touching the loop's clock).
_monotonic = time.monotonic
_sleep = asyncio.sleep
_POINT = re.compile(r"POINT\(\s*([-\d.]+)\s+([-\d.]+)\s*\)")


@dataclass(frozen=True)
class GeocodedPlace:
    lat: float
    lon: float
    label: str


class GeocoderUnavailable(Exception):
    """The service did not answer usefully (network, timeout, HTTP error): try again later."""


class Geocoder(Protocol):
    name: str

    async def geocode(self, query: str) -> GeocodedPlace | None:
        """The best match for an address, None when the service knows no such place."""


class PdokGeocoder:
    """PDOK Locatieserver (Dutch government, free, no key): addresses in the Netherlands."""

    name = "pdok"

    def __init__(self, user_agent: str, url: str = PDOK_URL, transport: httpx.AsyncBaseTransport | None = None) -> None:
        self._url = url
        self._headers = {"User-Agent": user_agent}
        self._transport = transport

    async def geocode(self, query: str) -> GeocodedPlace | None:
        params = {"q": query, "fq": "type:(adres OR straat OR postcode OR woonplaats)", "rows": "1", "fl": "weergavenaam,centroide_ll"}
        data = await _get_json(self._url, params, self._headers, self._transport)
        docs = (data.get("response") or {}).get("docs") or [] if isinstance(data, dict) else []
        if not docs:
            return None
        match = _POINT.search(docs[0].get("centroide_ll") or "")
        if match is None:
            return None
        return GeocodedPlace(lat=float(match.group(2)), lon=float(match.group(1)), label=str(docs[0].get("weergavenaam") or query))


class NominatimGeocoder:
    """OpenStreetMap Nominatim: at most one request per second, identified by a real User-Agent."""

    name = "nominatim"
    MIN_INTERVAL_S = 1.0

    def __init__(self, user_agent: str, url: str = NOMINATIM_URL, transport: httpx.AsyncBaseTransport | None = None) -> None:
        self._url = url
        self._headers = {"User-Agent": user_agent}
        self._transport = transport
        self._lock = asyncio.Lock()
        self._last_request = float("-inf")

    async def geocode(self, query: str) -> GeocodedPlace | None:
        async with self._lock:  # one request at a time, spaced a second apart
            wait = self._last_request + self.MIN_INTERVAL_S - _monotonic()
            if wait > 0:
                await _sleep(wait)
            try:
                data = await _get_json(
                    self._url,
                    {"q": query, "format": "jsonv2", "limit": "1", "countrycodes": "nl"},
                    self._headers,
                    self._transport,
                )
            finally:
                self._last_request = _monotonic()
        if not isinstance(data, list) or not data:
            return None
        first = data[0]
        try:
            return GeocodedPlace(lat=float(first["lat"]), lon=float(first["lon"]), label=str(first.get("display_name") or query))
        except (KeyError, TypeError, ValueError):
            return None


async def _get_json(url: str, params: dict, headers: dict, transport: httpx.AsyncBaseTransport | None) -> object:
    try:
        async with httpx.AsyncClient(transport=transport, timeout=TIMEOUT_S, headers=headers) as client:
            response = await client.get(url, params=params)
            response.raise_for_status()
            return response.json()
    except (httpx.HTTPError, ValueError) as exc:
        logger.warning("Geocoder %s failed: %s", url, type(exc).__name__)
        raise GeocoderUnavailable(str(exc)) from None


def make_geocoder(kind: str, user_agent: str, url: str | None = None) -> Geocoder | None:
    """The configured geocoder, or None for GEOCODER=none."""
    if kind == "pdok":
        return PdokGeocoder(user_agent, url or PDOK_URL)
    if kind == "nominatim":
        return NominatimGeocoder(user_agent, url or NOMINATIM_URL)
    return None
