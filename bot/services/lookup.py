"""What the services need from the gazetteer and the actor registry (structural Protocols).

``bot.extract.gazetteer.Gazetteer`` and ``bot.extract.actors.ActorRegistry`` satisfy these; tests
may pass small fakes. Keeping the services on Protocols keeps them free of data loading.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Protocol

from bot.domain import ActorRef


class PlaceEntry(Protocol):
    """One gazetteer entry: a place, a governorate ("admin1") or a country."""

    @property
    def key(self) -> str:
        """ "gn:<geonameid>" for places, ISO 3166-2 ("IQ-BA") for governorates."""
        ...

    @property
    def kind(self) -> str:
        """ "place", "admin1" or "country"."""
        ...

    @property
    def name(self) -> str:
        """English display name."""
        ...

    @property
    def country(self) -> str:
        """ISO 3166-1 alpha-2."""
        ...

    @property
    def admin1(self) -> str | None:
        """Canonical governorate name."""
        ...

    @property
    def admin1_code(self) -> str | None:
        """ISO 3166-2 code of the governorate."""
        ...

    @property
    def population(self) -> int:
        """Population (0 when unknown)."""
        ...

    @property
    def timezone(self) -> str | None:
        """IANA timezone of the place."""
        ...

    @property
    def parent_key(self) -> str | None:
        """The city a neighbourhood belongs to (as listed: check with ``near_city``)."""
        ...

    @property
    def lat(self) -> float | None:
        """Latitude (WGS84)."""
        ...

    @property
    def lon(self) -> float | None:
        """Longitude (WGS84)."""
        ...


class PlaceLookup(Protocol):
    """The gazetteer operations the services use."""

    def get(self, key: str) -> PlaceEntry | None:
        """One entry by key."""
        ...

    def lookup(self, name: str, *, country: str | None = None) -> Sequence[PlaceEntry]:
        """Forgiving exact match, best first."""
        ...

    def suggest(self, name: str, limit: int = 5) -> Sequence[PlaceEntry]:
        """Fuzzy "did you mean" candidates."""
        ...

    def children(self, key: str) -> Sequence[PlaceEntry]:
        """Entries whose parent is ``key``: a city's neighbourhoods."""
        ...


class ActorLookup(Protocol):
    """The actor-registry operations the services use."""

    def get(self, actor_id: str) -> ActorRef | None:
        """One actor by id."""
        ...

    def lookup(self, name: str) -> Sequence[ActorRef]:
        """By canonical name or alias."""
        ...

    def suggest(self, name: str, limit: int = 5) -> Sequence[ActorRef]:
        """Fuzzy "did you mean" candidates."""
        ...

    def with_extra(self, extra: Sequence[tuple[ActorRef, Sequence[str]]]) -> ActorLookup:
        """A registry with admin-added actors on top."""
        ...


# A place counts as part of a city only when it lies in or next to it: within this many km of
# the city's point, or more for a metropolis (about sqrt(population) / 110 km: 24 km for
# Baghdad, 31 km for Karachi). A district town 37 km out (Daquq for Kirkuk) is not the city.
MIN_CITY_RADIUS_KM = 16.0
_EARTH_KM = 6371.0


def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in kilometres."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    half = (
        math.sin((p2 - p1) / 2) ** 2
        + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2
    )
    return 2 * _EARTH_KM * math.asin(math.sqrt(half))


def city_radius_km(city: PlaceEntry) -> float:
    """How far from a city's point a place may lie and still be in or next to the city."""
    return max(MIN_CITY_RADIUS_KM, math.sqrt(max(city.population, 0)) / 110)


def near_city(place: PlaceEntry, city: PlaceEntry) -> bool:
    """True when ``place`` plausibly lies in or next to ``city`` (both need coordinates)."""
    if place.lat is None or place.lon is None or city.lat is None or city.lon is None:
        return False
    return distance_km(place.lat, place.lon, city.lat, city.lon) <= city_radius_km(city)
