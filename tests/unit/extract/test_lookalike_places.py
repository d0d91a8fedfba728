"""A look-alike town abroad does not place an incident the text puts in another country."""

from __future__ import annotations

import datetime as dt
from collections import Counter

from bot.extract.annotate_places import choose_entry
from bot.extract.pipeline import RulesExtractor

PUBLISHED = dt.datetime(2024, 3, 5, 12, 0, tzinfo=dt.UTC)


def test_a_name_repeated_does_not_confirm_its_own_foreign_country(engine: RulesExtractor) -> None:
    # GeoNames knows Palma in Spain, not the Mozambican town: the report names Mozambique.
    text = (
        "Insurgents overran the town of Palma in Mozambique on Monday, killing at least 30 "
        "people. Palma was deserted by Tuesday, and aid groups said Palma had no food left."
    )
    incidents = engine.extract_text(text, PUBLISHED, title="Palma falls to insurgents")
    assert incidents
    assert {i.location.country for i in incidents} == {"MZ"}


def test_a_foreign_province_needs_its_full_name(engine: RulesExtractor) -> None:
    # "Yoro" is a Honduran department; in a report about Mali it is a Malian village.
    text = (
        "Gunmen attacked the village of Yoro in central Mali on Monday, killing 24 people, "
        "the mayor of Yoro said. Mali has faced years of violence."
    )
    incidents = engine.extract_text(text, PUBLISHED)
    assert incidents
    assert all(i.location.country == "ML" for i in incidents)


def test_a_nationality_alone_leaves_a_sizeable_town_possible(engine: RulesExtractor) -> None:
    text = "A Turkish drone strike on Friday hit a car near Sinjar, killing two fighters."
    [incident] = engine.extract_text(text, PUBLISHED)
    assert (incident.location.name, incident.location.country) == ("Sinjar", "IQ")


def test_any_nationality_s_own_forces_say_where_a_small_town_is(engine: RulesExtractor) -> None:
    # No place but a small town, which needs its country from elsewhere in the text: the
    # army that reports it is the country's own, whatever its nationality adjective.
    text = (
        "Insurgents ambushed a patrol near Bacungan on Monday, killing three soldiers, the "
        "Philippine army said."
    )
    [incident] = engine.extract_text(text, PUBLISHED)
    assert (incident.location.name, incident.location.country) == ("Bacungan", "PH")
    [thai] = engine.extract_text(
        "Gunmen shot dead two rubber tappers on Monday, the Thai army said.", PUBLISHED
    )
    assert thai.location.country == "TH"


def test_a_short_form_is_the_place_its_long_form_named(engine: RulesExtractor) -> None:
    # "Juarez" alone is also a town in Chiapas; after "Ciudad Juarez" it is the same city,
    # and the January attack the report recalls is background with its own toll.
    text = (
        "Gunmen burst into a party in Ciudad Juarez on Friday, killing nine people. The "
        "shooting had echoes of an attack on a Juarez birthday party in January in which "
        "15 people died."
    )
    lead, *rest = engine.extract_text(text, PUBLISHED)
    assert (lead.location.admin1, lead.killed.min, lead.killed.max) == ("Chihuahua", 9, 9)
    assert [(i.location.admin1, i.is_background, i.killed.min) for i in rest] == [
        ("Chihuahua", True, 15)
    ]


def test_a_country_named_by_its_name_is_not_a_town_abroad(engine: RulesExtractor) -> None:
    # GeoNames gives an Iranian city "Iraq" as another name; a report full of Iranian words
    # must still read "Iraq" as the country.
    text = (
        "Iranian pilgrims were wounded when a bomb exploded beside their bus in Iraq on Sunday, "
        "killing two of them, Iran's state media said. Tehran condemned the attack and Iranian "
        "officials said the Iranian visitors would be flown home."
    )
    incidents = engine.extract_text(text, PUBLISHED)
    assert incidents
    assert {i.location.country for i in incidents} == {"IQ"}


def test_a_country_name_can_still_be_a_town_when_the_text_says_so(
    engine: RulesExtractor,
) -> None:
    text = "Gunmen killed three farmers near the town of Jordan in the Philippines on Monday."
    [incident] = engine.extract_text(text, PUBLISHED)
    assert (incident.location.name, incident.location.country) == ("Jordan", "PH")


def test_a_force_named_after_its_province_places_the_province(engine: RulesExtractor) -> None:
    # Uruzgan is a province and a small town; "Uruzgan police" is the province's force.
    text = "the officer, said the head of Uruzgan police's criminal branch."
    start = text.index("Uruzgan")
    candidates = engine.pipeline.gazetteer.lookup("Uruzgan")
    assert candidates[0].kind == "place"
    entry = choose_entry(text, start, start + len("Uruzgan"), candidates, Counter({"AF": 6}))
    assert entry is not None
    assert (entry.name, entry.kind) == ("Uruzgan", "admin1")


def test_a_respelled_province_the_text_calls_a_province_is_that_province(
    engine: RulesExtractor,
) -> None:
    # The gazetteer spells the Somali region "Hiran"; reports also write "Hiiraan", "Hiraan".
    text = (
        "Fighters stormed an army outpost in the Hiiraan region on Sunday; the army said it "
        "killed seven of them."
    )
    (incident,) = engine.extract_text(text.replace("Hiiraan", "Hiraan"), PUBLISHED)
    assert (incident.location.admin1, incident.location.country) == ("Hiran", "SO")
    # Without the word that makes it a province, a respelling alone places nothing abroad.
    bare = "Fighters stormed an army outpost near Hiraan on Sunday, killing seven soldiers."
    assert all(i.location.country != "SO" for i in engine.extract_text(bare, PUBLISHED))


def test_a_village_measured_far_from_its_namesake_is_not_the_namesake(
    engine: RulesExtractor,
) -> None:
    # The only Kyaukpyu the gazetteer knows is a coastal town 400 km from Shwebo: the village
    # the text measures is another, which it lacks, so the attack lies at the measured point,
    # and a later mention of the village is not the coastal town either.
    text = (
        "Jets bombed Kyaukpyu village, about 12 miles west of Shwebo, on Saturday afternoon, "
        "killing nine villagers. Rescuers said the dead of Kyaukpyu were buried on Sunday."
    )
    [incident] = engine.extract_text(text, PUBLISHED)
    assert incident.location.name == "Shwebo"
    assert incident.location.admin1 == "Sagaing"
    assert incident.location.lon is not None
    assert incident.location.lon < 95.6  # west of Shwebo (95.70 E), not on the coast (93.55 E)


def test_an_indian_district_under_its_english_spelling(engine: RulesExtractor) -> None:
    # GeoNames writes "Rajaori" and "Dantewara"; news writes "Rajouri" and "Dantewada".
    text = (
        "Two soldiers and three militants were killed in a gunfight in the Rajouri district "
        "of Jammu and Kashmir on Wednesday, officials said."
    )
    [incident] = engine.extract_text(text, PUBLISHED)
    assert (incident.location.name, incident.location.admin1) == ("Rajaori", "Jammu and Kashmir")
    text = "Maoists killed two policemen in Dantewada district of Chhattisgarh on Monday."
    [incident] = engine.extract_text(text, PUBLISHED)
    assert incident.location.geo_precision.value != "admin1"


def test_the_parties_say_where_when_nothing_else_does(engine: RulesExtractor) -> None:
    # No country, no nationality: the M23 fight in Congo, so the small Congolese town is
    # theirs; "the Ugandan border" is a neighbour's and says nothing of where.
    text = "Fighters of the M23 rebel group seized the town of Bunagana near the Ugandan border."
    [incident] = engine.extract_text(text, PUBLISHED)
    assert (incident.location.name, incident.location.country) == ("Bunagana", "CD")
    assert incident.event_type.value == "Battles"


def test_a_small_town_abroad_with_its_province_s_name_is_that_province(
    engine: RulesExtractor,
) -> None:
    # Saudi Arabia is named and Yemen is not, so the small town of Marib is doubted; the
    # governorate of that name, named in full, is not.
    text = (
        "A drone strike killed three fighters near Marib on Monday. Saudi Arabia denied any "
        "part in it."
    )
    [incident] = engine.extract_text(text, PUBLISHED)
    assert (incident.location.name, incident.location.country) == ("Marib", "YE")
    assert incident.location.geo_precision.value == "admin1"
