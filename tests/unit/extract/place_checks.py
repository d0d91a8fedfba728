"""Shared checks for the place-coverage tests: where the engine puts a sentence's incident."""

from __future__ import annotations

import datetime as dt

from bot.domain.models import Location
from bot.extract.merge import haversine_km
from bot.extract.pipeline import RulesExtractor

PUBLISHED = dt.datetime(2024, 5, 9, 9, 0, tzinfo=dt.UTC)


def location_of(engine: RulesExtractor, text: str) -> Location:
    """The location of the first incident the engine reads from ``text``."""
    incidents = engine.extract_text(text, PUBLISHED)
    assert incidents, f"no incident in {text!r}"
    location = incidents[0].location
    assert location is not None, f"no location in {text!r}"
    return location


def assert_near(location: Location, lat: float, lon: float, km: float = 10.0) -> None:
    """The location lies within ``km`` of the expected point."""
    assert location.lat is not None
    assert location.lon is not None
    distance = haversine_km(location.lat, location.lon, lat, lon)
    assert distance <= km, f"{location.name} is {distance:.0f} km from ({lat}, {lon})"


def assert_place(
    engine: RulesExtractor,
    text: str,
    place: tuple[str, str, float, float],
    country: str | None = None,
) -> None:
    """``text`` puts its incident at ``place`` (name, admin1 code, lat, lon), in ``country``."""
    name, admin1, lat, lon = place
    location = location_of(engine, text)
    assert location.name == name
    assert location.admin1_code == admin1
    if country is not None:
        assert location.country == country
    assert_near(location, lat, lon)
