"""A place given as a distance and a direction from a town lies there, not at the town."""

from __future__ import annotations

import datetime as dt
import math

import pytest

from bot.domain import GeoPrecision
from bot.extract.bearings import (
    MAX_OFFSET_KM,
    measured_from,
    measures_the_one_before,
    offset_before,
    offset_between,
    shifted,
)
from bot.extract.pipeline import RulesExtractor

PUBLISHED = dt.datetime(2025, 5, 10, 12, 0, tzinfo=dt.UTC)


def _km(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Great-circle distance, independent of the flat steps ``shifted`` takes."""
    lat1, lon1, lat2, lon2 = map(math.radians, (*a, *b))
    h = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    return 2 * 6371.0 * math.asin(math.sqrt(h))


class TestReading:
    @pytest.mark.parametrize(
        ("before", "expected"),
        [
            ("a farm about 40 km north of ", (40.0, 0.0)),
            ("some 25 kilometres south-west of the town of ", (25.0, 225.0)),
            ("roughly 60 km (37 miles) north-east of ", (60.0, 45.0)),
            ("a camp 12 kilometers southeast of the city of ", (12.0, 135.0)),
            ("a hamlet ten miles west of ", (16.1, 270.0)),
            ("the convoy, 30-km east of ", (30.0, 90.0)),
            ("a post 8 km to the north west of ", (8.0, 315.0)),
        ],
    )
    def test_distance_and_direction(self, before: str, expected: tuple[float, float]) -> None:
        assert offset_before(before) == expected

    @pytest.mark.parametrize(
        "before",
        [
            "villages north of ",  # a direction without a distance: somewhere that way
            "about 40 km from ",  # a distance without a direction
            "the capital, 400 km west of ",  # too far to be the town's surroundings
            "40 km north of the road, near ",  # the offset is from something else
            "a 5 km stretch of road in ",
        ],
    )
    def test_no_offset(self, before: str) -> None:
        assert offset_before(before) is None

    def test_the_farthest_offset_read(self) -> None:
        assert offset_before(f"{int(MAX_OFFSET_KM)} km south of ") == (MAX_OFFSET_KM, 180.0)


class TestGeometry:
    @pytest.mark.parametrize("bearing", [0.0, 45.0, 90.0, 135.0, 180.0, 225.0, 270.0, 315.0])
    @pytest.mark.parametrize("start", [(1.56, 30.25), (33.3, 44.4), (-12.9, 40.5), (50.0, 36.2)])
    def test_moves_the_distance_asked(self, start: tuple[float, float], bearing: float) -> None:
        end = shifted(*start, 60.0, bearing)
        assert _km(start, end) == pytest.approx(60.0, rel=0.02)

    def test_moves_the_way_asked(self) -> None:
        lat, lon = shifted(10.0, 20.0, 30.0, 45.0)  # north-east: both grow
        assert lat > 10.0
        assert lon > 20.0
        lat, lon = shifted(10.0, 20.0, 30.0, 225.0)  # south-west: both shrink
        assert lat < 10.0
        assert lon < 20.0


class TestIncidents:
    def test_a_village_far_from_its_reference_town(self, engine: RulesExtractor) -> None:
        text = (
            "Militiamen stormed a farming village about 50 km north-east of Bunia in Ituri "
            "province on Thursday night, killing eleven people, a local administrator said."
        )
        [incident] = engine.extract_text(text, PUBLISHED)
        town = next(e for e in engine.pipeline.gazetteer.lookup("Bunia") if e.kind == "place")
        location = incident.location
        assert location.name == "Bunia"  # subscribers to the town still hear of it
        assert location.geo_precision is GeoPrecision.NEAR
        assert location.lat is not None
        assert location.lon is not None
        point = (location.lat, location.lon)
        assert _km((town.lat, town.lon), point) == pytest.approx(50.0, rel=0.03)
        assert location.lat > town.lat
        assert location.lon > town.lon

    def test_a_town_named_plainly_keeps_its_point(self, engine: RulesExtractor) -> None:
        text = "Militiamen attacked Bunia in Ituri province on Thursday, killing four people."
        [incident] = engine.extract_text(text, PUBLISHED)
        town = next(e for e in engine.pipeline.gazetteer.lookup("Bunia") if e.kind == "place")
        assert (incident.location.lat, incident.location.lon) == pytest.approx(
            (town.lat, town.lon)
        )


def test_a_town_measured_from_the_village_points_back_to_the_village() -> None:
    text = "treated in Kaduna, about 40 kilometres south of the village, relatives said"
    end = text.index("Kaduna") + len("Kaduna")
    assert measured_from(text, end) == ((40.0, 0.0), "the village")


def test_an_apposition_may_stand_between_the_town_and_its_distance() -> None:
    text = "a trader in Djibo, the provincial capital, some 25 miles north-east of Kabrousso"
    end = text.index("Djibo") + len("Djibo")
    (km, bearing), named = measured_from(text, end) or ((0.0, 0.0), "")
    assert (round(km), bearing, named) == (40, 225.0, "Kabrousso")


def test_a_known_place_the_town_is_measured_from_is_left_to_the_usual_reading() -> None:
    text = "in Baqubah, 60 km north-east of Baghdad, on Friday"
    end = text.index("Baqubah") + len("Baqubah")
    baghdad = text.index("Baghdad")
    assert measured_from(text, end, [(baghdad, baghdad + 7, None)]) is None
    assert measured_from(text, end) == ((60.0, 225.0), "Baghdad")


def test_no_distance_after_the_town_measures_nothing() -> None:
    text = "in Kaduna, the state capital, on Tuesday"
    assert measured_from(text, text.index(",")) is None


@pytest.mark.parametrize(("km", "bearing"), [(19.0, 230.0), (40.0, 0.0), (75.5, 135.0)])
def test_offset_between_undoes_shifted(km: float, bearing: float) -> None:
    lat, lon = shifted(2.14, 45.12, km, bearing)
    got_km, got_bearing = offset_between(2.14, 45.12, lat, lon)
    assert abs(got_km - km) < 0.2
    assert abs(got_bearing - bearing) < 0.5


def _lead_location(engine: RulesExtractor, text: str) -> tuple[str, str | None]:
    location = engine.extract_text(text, PUBLISHED)[0].location
    return location.name, location.admin1


def test_a_point_moved_far_from_its_town_takes_the_governorate_it_lands_in(
    engine: RulesExtractor,
) -> None:
    text = (
        "Gunmen on motorbikes attacked an army post about 120 km north of the capital, "
        "Niamey, on Saturday, killing seven soldiers, the ministry said."
    )
    name, admin1 = _lead_location(engine, text)
    assert name == "Niamey"  # the town the text measures from, for its readers
    assert admin1 is not None
    assert admin1.startswith("Tillab")  # where the post is


def test_a_point_moved_a_little_stays_in_its_town_s_governorate(engine: RulesExtractor) -> None:
    text = (
        "Gunmen attacked a checkpoint about 10 km north of Baqubah on Saturday, killing "
        "two policemen, police said."
    )
    assert _lead_location(engine, text) == ("Baqubah", "Diyala")


@pytest.mark.parametrize(
    ("gap", "expected"),
    [
        (", 100 km north of ", True),
        (", about 60 km (37 miles) south-west of ", True),
        (", some 30 kilometres east of the town of ", True),
        (", ", False),
        (" and ", False),
        (", where police said gunmen 30 km north of ", False),
    ],
)
def test_words_measuring_one_mention_from_the_next(gap: str, expected: bool) -> None:
    assert measures_the_one_before(gap) is expected
