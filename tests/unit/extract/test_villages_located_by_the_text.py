"""Villages the gazetteer does not know, placed where the text says they are (issue 11; texts
written for these tests, with invented village names): an offset from a town given in the
event's clause or in a sentence of its own, and a namesake in another province set aside."""

from __future__ import annotations

import datetime as dt

from bot.domain import Incident
from bot.extract.merge import haversine_km
from bot.extract.pipeline import RulesExtractor

PUBLISHED = dt.datetime(2022, 9, 28, 9, 0, tzinfo=dt.UTC)


def _lead(engine: RulesExtractor, text: str) -> Incident:
    return engine.pipeline.extract_text(text, PUBLISHED)[0]


def _km(incident: Incident, lat: float, lon: float) -> float:
    here = incident.location
    assert here.lat is not None
    assert here.lon is not None
    return haversine_km(here.lat, here.lon, lat, lon)


def test_the_offset_in_the_clause_places_it_whichever_mention_of_the_town_is_chosen(
    engine: RulesExtractor,
) -> None:
    text = (
        "Militiamen attacked the village of Wakilibe, some 20 km north of Bunia town in "
        "Bunia territory, on Monday night, killing seven people, the army said."
    )
    lead = _lead(engine, text)
    # Bunia lies near (1.56, 30.25); 20 km north is about 0.18 degrees of latitude.
    assert _km(lead, 1.74, 30.25) < 5
    assert lead.location.name == "Bunia"


def test_a_sentence_that_locates_the_village_places_the_attack(engine: RulesExtractor) -> None:
    text = (
        "Gunmen killed nine people in an overnight raid on Kunkuru, a farming village in "
        "Maru local government area of Zamfara State, residents said on Tuesday. Kunkuru "
        "lies about 30 kilometres south of Gusau, the state capital."
    )
    lead = _lead(engine, text)
    assert _km(lead, 12.16 - 0.27, 6.66) < 6  # Gusau (12.16, 6.66) moved 30 km south
    assert lead.killed.min == 9


def test_a_namesake_outside_the_province_the_clause_measures_from_is_set_aside(
    engine: RulesExtractor,
) -> None:
    # The gazetteer's only El Bejuco is in Guerrero; the text places its own in Michoacan.
    text = (
        "Drones dropped explosives on El Bejuco, about 10 kilometres south of Tepalcatepec, "
        "Michoacan, on Monday, killing two people, state officials said."
    )
    lead = _lead(engine, text)
    assert lead.location.admin1 is not None
    assert "Michoac" in lead.location.admin1


def test_the_attackers_struck_is_an_attack(engine: RulesExtractor) -> None:
    text = (
        "Gunmen killed eight herders in central Mali, officials said. The attackers struck "
        "the hamlet of Sogodaga, about 15 km east of Bankass, on Sunday evening."
    )
    lead = _lead(engine, text)
    assert lead.location.name == "Bankass"
    assert _km(lead, 14.08, -3.38) < 8


def test_a_village_in_a_region_measured_next_from_a_town_of_it(engine: RulesExtractor) -> None:
    text = (
        "Residents of a village in Mali's Segou region say soldiers killed at least nine "
        "civilians on Tuesday. A column of troops reached Sarakala-Peulh, a hamlet about 30 "
        "kilometres north-west of Niono, early in the morning."
    )
    lead = _lead(engine, text)
    assert lead.location.name == "Niono"
    assert _km(lead, 14.44, -6.18) < 5  # Niono (14.25, -5.99) moved 30 km north-west


def test_a_known_town_given_with_its_distance_from_the_capital_stays_itself(
    engine: RulesExtractor,
) -> None:
    text = (
        "A bomb killed six people in a market in the town of Iskandariyah in Iraq's province "
        "of Babil, some 45 km south of Baghdad, on Thursday, police said."
    )
    assert _lead(engine, text).location.name.startswith("Iskandari")


def test_the_capital_named_after_the_word_capital_is_measured_from(
    engine: RulesExtractor,
) -> None:
    text = (
        "Gunmen on motorcycles stormed a gendarmerie post at Bangatoumé, some 60 km north "
        "of the regional capital, Maradi, on Sunday, killing four gendarmes, the ministry said."
    )
    lead = _lead(engine, text)
    # Maradi lies near (13.50, 7.10); 60 km north is about 0.54 degrees of latitude.
    assert _km(lead, 13.50 + 0.54, 7.10) < 6


def test_a_distance_in_words_below_ten_is_read(engine: RulesExtractor) -> None:
    text = (
        "Separatist fighters ambushed a patrol on Saturday at Ngwokang, a village about "
        "eight kilometres east of Kumbo, killing three soldiers, a military source said."
    )
    lead = _lead(engine, text)
    # Kumbo lies near (6.20, 10.68); 8 km east is about 0.07 degrees of longitude.
    assert _km(lead, 6.20, 10.68 + 0.072) < 3


def test_a_town_measured_from_the_village_places_the_village(engine: RulesExtractor) -> None:
    text = (
        "Bandits killed six farmers in Dankoli village on Tuesday night, a community leader "
        "said. He said four others were being treated at a hospital in Kaduna, about 40 "
        "kilometres south of the village."
    )
    lead = _lead(engine, text)
    # Kaduna lies near (10.52, 7.44): the village is 40 km north of it (0.36 degrees).
    assert _km(lead, 10.52 + 0.36, 7.44) < 6
    assert lead.killed.min == 6


def test_a_town_measured_from_the_village_by_its_name_places_the_village(
    engine: RulesExtractor,
) -> None:
    text = (
        "Jihadists attacked volunteer fighters in Kabrousso on Sunday, killing eleven, "
        "security sources said. A resident of Djibo, the provincial capital, some 30 "
        "kilometres north-east of Kabrousso, said the attackers burned the market."
    )
    lead = _lead(engine, text)
    # Djibo lies near (14.10, -1.63): the village is 30 km south-west of it.
    assert _km(lead, 14.10 - 0.19, -1.63 - 0.196) < 6


def test_a_town_measured_from_a_known_place_is_not_read_backwards(
    engine: RulesExtractor,
) -> None:
    # "Baqubah, 60 km north-east of Baghdad": Baghdad is a known place, so Baqubah is simply
    # where the bomb went off, not a point 60 km from Baghdad.
    text = (
        "A car bomb killed five people at a market in Baqubah, 60 km north-east of Baghdad, "
        "on Friday, police said."
    )
    lead = _lead(engine, text)
    assert lead.location.name == "Baqubah"
    assert _km(lead, 33.75, 44.64) < 10


def test_a_distance_from_another_town_that_lands_in_the_named_district_places_it(
    engine: RulesExtractor,
) -> None:
    text = (
        "Al-Shabaab fighters overran an army outpost on Monday, killing six soldiers, "
        "officials said. The outpost, about 40 km south-east of Baidoa in Burhakaba "
        "district, was attacked before dawn."
    )
    lead = _lead(engine, text)
    # Baidoa lies near (3.11, 43.65); 40 km south-east is near (2.86, 43.90), some 20 km
    # from Burhakaba town: named by the district's town, at the measured point.
    assert lead.location.name == "Buurhakaba"
    assert _km(lead, 2.86, 43.90) < 5


def test_a_distance_that_lands_outside_the_named_district_is_not_taken(
    engine: RulesExtractor,
) -> None:
    text = (
        "Al-Shabaab fighters overran an army outpost on Monday, killing six soldiers, "
        "officials said. The outpost, about 120 km north of Baidoa in Burhakaba district, "
        "was attacked before dawn."
    )
    lead = _lead(engine, text)
    assert lead.location.name == "Buurhakaba"
    assert _km(lead, 2.80, 44.08) < 5  # the district's town: the distance contradicts it


def test_a_town_of_the_region_the_village_lies_near_places_it(engine: RulesExtractor) -> None:
    text = (
        "A missile struck a shop in a village in Ukraine's Donetsk region on Tuesday, killing "
        "eight people, officials said. The strike on Zelenyi Hai, a hamlet of 200 people near "
        "the town of Kostiantynivka, was the deadliest there in weeks."
    )
    lead = _lead(engine, text)
    assert lead.location.name == "Kostiantynivka"
    assert lead.killed.min == 8


def test_a_lead_placed_by_its_country_takes_the_distance_the_next_sentence_gives(
    engine: RulesExtractor,
) -> None:
    text = (
        "Jihadists kill 11 soldiers in northern Burkina\n\n"
        "At least 11 soldiers were killed when jihadists ambushed a supply convoy heading for "
        "the besieged town of Djibo on Monday, security sources said.\n\n"
        "The convoy came under fire about 20 kilometres south of Djibo, a source said."
    )
    lead = _lead(engine, text)
    # Djibo lies near (14.10, -1.63): the ambush is 20 km south of it, not in the town it was
    # heading for.
    assert lead.location.name == "Djibo"
    assert _km(lead, 14.10 - 0.18, -1.63) < 5


def test_between_two_near_towns_is_halfway_along_the_road(engine: RulesExtractor) -> None:
    # The far end of the road places nothing by itself, but with the near end it says where.
    text = (
        "A roadside bomb tore through a minibus on the road between Mogadishu and Afgoye on "
        "Wednesday, killing seven passengers, police said."
    )
    lead = _lead(engine, text)
    # Mogadishu (2.04, 45.34) and Afgoye (2.14, 45.12): the middle is near (2.09, 45.23).
    assert _km(lead, 2.09, 45.23) < 5
    assert lead.location.name == "Mogadishu"


def test_between_two_far_cities_says_nothing_about_the_point(engine: RulesExtractor) -> None:
    lead = _lead(engine, "Fighting raged between Baghdad and Basra on Monday, killing 11.")
    assert _km(lead, 33.34, 44.40) < 5  # Baghdad itself: 450 km apart, no middle is meant


def test_a_village_told_only_as_near_a_town_lies_near_it(engine: RulesExtractor) -> None:
    # No direction, but twelve kilometres from Oicha: near Oicha, not at the territory's town.
    text = (
        "Rebels killed 11 people in Kalimbo village in Beni territory on Thursday night. "
        "Kalimbo lies about twelve kilometres from Oicha, the main town of the area."
    )
    lead = _lead(engine, text)
    assert lead.location.name == "Oicha"
    assert lead.location.geo_precision.value == "near"


def test_a_village_far_from_a_town_is_not_near_it(engine: RulesExtractor) -> None:
    text = (
        "Rebels killed 11 people in Kalimbo village in Beni territory on Thursday night. "
        "Kalimbo lies about 70 kilometres from Oicha."
    )
    assert _lead(engine, text).location.name == "Beni"


def test_a_town_a_long_distance_is_told_from_places_nothing(engine: RulesExtractor) -> None:
    # Sixty kilometres from Maiduguri, in no told direction: Borno State, not Maiduguri.
    text = (
        "Gunmen killed 12 people in a village in Borno State about 60 kilometres from "
        "Maiduguri on Monday, residents said."
    )
    lead = _lead(engine, text)
    assert (lead.location.name, lead.location.geo_precision.value) == ("Borno", "admin1")


def test_a_town_near_the_village_but_outside_its_district_gives_way_to_the_district(
    engine: RulesExtractor,
) -> None:
    # Kirkuk city lies some 40 km from Daquq: the village is in the district the text names.
    text = (
        "Gunmen killed 12 people in Hamza village, 20 kilometres from Kirkuk, in the Daquq "
        "district on Monday, police said."
    )
    assert _lead(engine, text).location.name == "Daquq"


def test_a_lead_placed_by_its_district_takes_the_distance_the_next_sentence_gives(
    engine: RulesExtractor,
) -> None:
    # "The area, some 20 km north of Bannu": the attack's area, inside the district named.
    text = (
        "Militants attacked a police post in the Zarkhel area of Bannu district on Sunday "
        "night, killing two policemen, officials said. The area, some 20 kilometres north of "
        "Bannu, was sealed off."
    )
    lead = _lead(engine, text)
    # Bannu lies near (32.99, 70.60); 20 km north is about 0.18 degrees of latitude.
    assert _km(lead, 33.17, 70.60) < 5
