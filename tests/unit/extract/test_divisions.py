"""Districts, provinces and LGAs that no town stands for: placed at district precision, in
their own governorate; a town named with its division is the more precise place."""

from __future__ import annotations

import datetime as dt

from bot.domain.enums import GeoPrecision
from bot.extract.pipeline import RulesExtractor

PUBLISHED = dt.datetime(2023, 5, 10, 12, 0, tzinfo=dt.UTC)


def test_an_lga_no_town_is_named_after_places_the_attack(engine: RulesExtractor) -> None:
    text = (
        "Bandits shot dead four farmers in Ganjuwa local government area of Bauchi State "
        "on Monday."
    )
    [incident] = engine.extract_text(text, PUBLISHED)
    location = incident.location
    assert (location.name, location.admin1, location.country) == ("Ganjuwa", "Bauchi", "NG")
    assert location.geo_precision is GeoPrecision.ADMIN2
    assert incident.killed.min == 4


def test_a_province_of_a_country_whose_regions_are_the_first_level(
    engine: RulesExtractor,
) -> None:
    text = (
        "Troops fought communist guerrillas near a remote village of Apayao province on Sunday, "
        "leaving three rebels dead, the Philippine army said."
    )
    [incident] = engine.extract_text(text, PUBLISHED)
    assert (incident.location.name, incident.location.country) == ("Apayao", "PH")
    assert incident.location.geo_precision is GeoPrecision.ADMIN2


def test_a_town_named_with_its_division_is_the_place(engine: RulesExtractor) -> None:
    text = (
        "Gunmen stormed Kafin Madaki, in Ganjuwa LGA of Bauchi State, on Monday, killing six "
        "villagers."
    )
    [incident] = engine.extract_text(text, PUBLISHED)
    assert incident.location.name == "Kafin Madaki"
    assert incident.location.geo_precision is GeoPrecision.POINT


def test_a_lead_measured_from_its_destination_lies_in_the_division_named_later(
    engine: RulesExtractor,
) -> None:
    text = (
        "Insurgents ambushed a supply convoy bound for the town of Catarman on Monday, killing "
        "five soldiers, military sources said. The trucks came under fire roughly 20 km west of "
        "Catarman, near a river crossing. In a statement, the army confirmed an attack on a "
        "supply convoy in Northern Samar province."
    )
    [incident] = engine.extract_text(text, PUBLISHED)
    location = incident.location
    assert location.name == "Catarman"
    assert location.geo_precision is GeoPrecision.NEAR
    assert location.lon is not None
    assert 124.40 < location.lon < 124.50  # 20 km west of the town


def test_the_city_s_district_known_only_in_another_city_is_this_city_s(
    engine: RulesExtractor,
) -> None:
    text = (
        "The regional administration of Kherson said Russian artillery pounded the city again "
        "on Tuesday. \"Shells struck the city's Dniprovskyi district in the morning, killing two "
        'pensioners," it said.'
    )
    [incident] = engine.extract_text(text, PUBLISHED)
    assert (incident.location.name, incident.killed.min) == ("Kherson", 2)


def test_a_district_told_with_its_city_stays_that_city_s(engine: RulesExtractor) -> None:
    text = "Shelling hit the Kyivskyi district of Donetsk on Monday, killing three."
    [incident] = engine.extract_text(text, PUBLISHED)
    assert incident.location.admin1 == "Donetsk"


def test_a_dateline_city_s_district_is_not_placed_in_another_city(
    engine: RulesExtractor,
) -> None:
    text = (
        "Odesa: The mayor said a drone struck a residential area of the Kyivskyi district "
        "overnight, killing a woman and wounding four people."
    )
    [incident] = engine.extract_text(text, PUBLISHED)
    assert incident.location.name != "Kyivskyi"


def test_a_town_the_operation_was_carried_out_in_refines_the_district(
    engine: RulesExtractor,
) -> None:
    text = (
        "Two soldiers and five militants were killed during an operation in Khyber district on "
        "Tuesday, the army said. The operation was carried out in the general area of Bara on "
        "reports that militants were hiding there."
    )
    [incident] = engine.extract_text(text, PUBLISHED)
    assert incident.location.name == "Bara"
    assert incident.killed.min == 7


def test_a_known_town_a_later_sentence_measures_stays_itself(engine: RulesExtractor) -> None:
    text = (
        "A car bomb exploded at the gate of an army base on the outskirts of Afgooye on "
        "Monday, killing six soldiers. Afgooye, which lies about 30 kilometres north-west of "
        "the capital Mogadishu, is a key town on the road to Baidoa."
    )
    [incident] = engine.extract_text(text, PUBLISHED)
    assert (incident.location.name, incident.location.admin1) == ("Afgooye", "Lower Shabelle")
