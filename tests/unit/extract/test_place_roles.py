"""Place mentions that never place an incident: allegiances, outlets, speakers, people,
communities (unit tests of the role reader, then through the engine)."""

from __future__ import annotations

import datetime as dt

import pytest

from bot.domain.enums import GeoPrecision
from bot.extract.pipeline import RulesExtractor
from bot.extract.place_roles import (
    inside_longer_name,
    mention_role,
    names_the_scene,
    not_an_event_place,
    sets_the_scene,
    starts_longer_name,
)

PUBLISHED = dt.datetime(2024, 3, 5, 12, 0, tzinfo=dt.UTC)


def role(text: str, name: str) -> str | None:
    low = text.lower()
    start = low.index(name.lower())
    end = start + len(name)
    return mention_role(low[max(0, start - 60) : start], low[end : end + 40])


@pytest.mark.parametrize(
    ("text", "name", "expected"),
    [
        ("Pro-Iran factions exchanged fire with the army", "Iran", "allegiance"),
        ("an anti-Kabul militia attacked a post", "Kabul", "allegiance"),
        ("the Tehran-backed group fired rockets", "Tehran", "allegiance"),
        ("Dubai 24 - AFP: gunmen opened fire on a convoy", "Dubai", "outlet"),
        ("Kurdistan 24 reported that a drone hit a car", "Kurdistan", "outlet"),
        ("according to the Kabul Times, a mine exploded", "Kabul", "outlet"),
        ("the governor, speaking in Kyiv, said a missile hit a school", "Kyiv", "speaker"),
        (
            "the general said on Thursday in Brussels that shelling had grown",
            "Brussels",
            "speaker",
        ),
        ("the minister told reporters in Geneva that talks would go on", "Geneva", "speaker"),
        (
            "speaking to local media in the capital Mogadishu, the chief said",
            "Mogadishu",
            "speaker",
        ),
        ("a nurse told AFP by phone from Bunia that the wards were full", "Bunia", "speaker"),
        ("the colonel, speaking by telephone from Gao, said", "Gao", "speaker"),
        ("Bello said five people were killed in the attack", "Bello", "person"),
        ("Mayor Yoro told the agency that gunmen came at night", "Yoro", "person"),
        ("Moscow denied any role in the blast", "Moscow", "person"),
        ("Western capitals accused Tehran of arming the militia", "Tehran", "person"),
        ("the envoy urged Kabul to release the prisoners", "Kabul", "person"),
        ("raiders targeted the Kokang people living along the hills", "Kokang", "community"),
        ("the raid was blamed on the Gran Bois gang", "Gran Bois", "group"),
        ("a clash with the Sinaloa cartel left four dead", "Sinaloa", "group"),
        (
            "the mortars were fired from rebel positions in the Hodeidah hills",
            "Hodeidah",
            "origin",
        ),
        ("two rockets launched from Gaza fell short", "Gaza", "origin"),
        ("artillery shelled the town from positions near Horlivka", "Horlivka", "origin"),
        ("a mortar round fell on the Gaza town of Beit Lahia", "Gaza", "descriptor"),
        ("gunmen raided a bar in the western Mexico city of Zamora", "Mexico", "descriptor"),
    ],
)
def test_roles_that_are_no_event_place(text: str, name: str, expected: str) -> None:
    assert role(text, name) == expected


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("gunmen opened fire in Baghdad on Monday", "Baghdad"),
        ("a drone struck a car near Kharkiv, killing two", "Kharkiv"),
        ("fighting in Donetsk said to be the fiercest in weeks", "Donetsk"),  # locative first
        ("clashes erupted in Sirte, which the army retook last year", "Sirte"),
        ("BAGHDAD, March 4 (Reuters) - A bomb exploded at a market", "BAGHDAD"),
        ("gunmen fired at diners from a car in Kirkuk", "Kirkuk"),
        ("families fled from Kirkuk after the raid", "Kirkuk"),
        ("a bomb exploded in Mexico City of all places", "Mexico"),
    ],
)
def test_event_places_keep_their_role(text: str, name: str) -> None:
    assert role(text, name) is None


@pytest.mark.parametrize(
    ("text", "name", "expected"),
    [
        ("the hamlet lies some twelve kilometres from Oicha", "Oicha", False),  # a measure
        ("a farm three miles from Jos was attacked", "Jos", False),
        ("a village about 60 kilometres from Maiduguri", "Maiduguri", True),  # only measures
        ("labourers from Punjab were shot", "Punjab", True),  # where they came from
        ("the minister travelled to Arauca on Sunday", "Arauca", True),  # where he went
        ("the governor flew to Maiduguri after the raid", "Maiduguri", True),
        ("the injured were flown by helicopter to the state capital, Patna", "Patna", True),
        ("four wounded were taken to a hospital in the nearby city of Gonaives", "Gonaives", True),
        ("the column was ambushed as it travelled north towards Raqqa", "Raqqa", True),
        ("a rebel front, which is active in Cauca, was blamed", "Cauca", True),  # its area
        ("raiders hit Luofu, chief town of the Lubero territory", "Lubero", True),  # a division
        ("a village north of Mangina, the administrative centre of Mabalako", "Mabalako", True),
        ("Kaya, the capital of Sanmatenga province, took in the displaced", "Sanmatenga", True),
        ("fighting spread across the Rutshuru-Bwito sector", "Rutshuru", True),
        ("gunmen attacked the capital of Sanmatenga province", "Sanmatenga", False),
    ],
)
def test_words_around_a_mention_that_rule_it_out(text: str, name: str, expected: bool) -> None:
    low = text.lower()
    start = low.index(name.lower())
    end = start + len(name)
    assert not_an_event_place(low[max(0, start - 60) : start], low[end : end + 40]) is expected


def places(engine: RulesExtractor, text: str) -> list[str]:
    return [i.location.name for i in engine.extract_text(text, PUBLISHED)]


class TestThroughTheEngine:
    """The roles keep wrong places out of the incidents, and out of the country votes."""

    def test_an_allegiance_neither_places_nor_votes(self, engine: RulesExtractor) -> None:
        text = "Pro-Iran factions exchanged fire with US troops in Baghdad on Monday, killing two."
        assert places(engine, text) == ["Baghdad"]

    def test_an_outlet_tag_does_not_place_the_clash(self, engine: RulesExtractor) -> None:
        text = "Dubai 24 - AFP: Gunmen clashed with police in Baghdad on Monday, killing two."
        assert places(engine, text) == ["Baghdad"]

    def test_where_the_fire_came_from_is_not_where_it_fell(self, engine: RulesExtractor) -> None:
        text = (
            "Shelling kills four civilians in Hodeidah city\n\n"
            "Four civilians were killed and six wounded on Sunday evening when shells hit a "
            "residential street in the port city of Hodeidah, western Yemen, a medic said. A "
            "commander in the government forces said the shells had been fired from rebel "
            "positions in the Zabid area, south of the city."
        )
        assert places(engine, text) == ["Hodeidah"]

    def test_the_town_a_speakers_city_is_measured_from_is_no_scene(
        self, engine: RulesExtractor
    ) -> None:
        # "in Samarra, 100 km north of Baghdad": the distance says where the source is.
        text = (
            "A car bomb exploded at a market in Samarra on Tuesday, killing six people. Two of "
            "the dead were children, a medical source in Samarra, 100 km north of Baghdad, said."
        )
        [incident] = engine.extract_text(text, PUBLISHED)
        assert incident.location.name == "Samarra"

    def test_a_speakers_city_is_not_the_strike(self, engine: RulesExtractor) -> None:
        text = (
            "The regional governor, speaking in Kyiv, said a Russian missile strike on Kharkiv "
            "killed three people on Monday."
        )
        assert places(engine, text) == ["Kharkiv"]

    def test_a_title_case_dateline_gives_way_to_the_county_named(
        self, engine: RulesExtractor
    ) -> None:
        text = (
            "Nairobi - Armed raiders ambushed a lorry in Kenya's Wajir county on Tuesday, "
            "killing six traders, police said."
        )
        incidents = engine.extract_text(text, PUBLISHED)
        assert [(i.location.name, i.location.geo_precision) for i in incidents] == [
            ("Wajir County", GeoPrecision.ADMIN1)
        ]

    def test_a_gang_named_after_a_neighbourhood_does_not_place_the_attack(
        self, engine: RulesExtractor
    ) -> None:
        text = (
            "Gunmen raided a market in Haiti's capital on Monday, killing nine traders, a rights "
            "group said. It blamed the attack on the Grand Ravine gang."
        )
        assert places(engine, text) == ["Port-au-Prince"]

    def test_a_sea_is_not_the_province_named_after_it(self, engine: RulesExtractor) -> None:
        at_sea = (
            "A drone boat struck a tanker in the Red Sea on Sunday, killing two sailors, "
            "Yemen's coast guard said."
        )
        assert all(i.location.country != "SD" for i in engine.extract_text(at_sea, PUBLISHED))
        ashore = "Tribesmen clashed in Sudan's Red Sea state on Sunday, killing four herders."
        [incident] = engine.extract_text(ashore, PUBLISHED)
        assert (incident.location.name, incident.location.country) == ("Red Sea", "SD")

    def test_a_witness_phoning_from_a_nearby_town_does_not_place_the_raid(
        self, engine: RulesExtractor
    ) -> None:
        text = (
            "Insurgents overran an army camp in Nigeria's Borno State on Friday, killing eleven "
            "soldiers, an officer said. The assault hit the camp at Kwaya Bura, about 30 km from "
            "the state capital, the officer told Reuters by phone from Maiduguri."
        )
        assert places(engine, text) == ["Borno"]


class TestScene:
    """A clause that only says where the event took place gives the event its place."""

    @pytest.mark.parametrize(
        "clause",
        [
            "it took place in the lower shabelle province",
            "the deadly ambush happened on the outskirts of the town",
            "this occurred near the border crossing",
            "the north sinai town where the attack took place",
        ],
    )
    def test_setting_clauses(self, clause: str) -> None:
        assert sets_the_scene(clause)

    @pytest.mark.parametrize(
        "clause",
        ["the meeting took place in geneva", "talks happened in doha last week", "it rained"],
    )
    def test_other_clauses(self, clause: str) -> None:
        assert not sets_the_scene(clause)

    def test_apposition_names_the_scene(self) -> None:
        assert names_the_scene(", the desert town where the massacre occurred, was quiet")
        assert not names_the_scene(", the capital, was quiet on monday")

    def test_a_later_sentence_refines_a_country_wide_event(self, engine: RulesExtractor) -> None:
        text = (
            "Gunmen stormed an army base in Somalia on Monday, killing six soldiers. "
            "It took place on the outskirts of Marka, a local official said."
        )
        [incident] = engine.extract_text(text, PUBLISHED)
        assert incident.location.name == "Marka"
        assert incident.killed.min == 6

    def test_a_resident_of_the_scene(self, engine: RulesExtractor) -> None:
        text = (
            "Gunmen shot dead nine people praying at a mosque in Egypt on Friday. "
            '"We heard the shots from home," a shopkeeper from Bir al-Abd, the small Sinai town '
            "where the attack took place, told reporters."
        )
        incidents = engine.extract_text(text, PUBLISHED)
        assert [i.location.admin1 for i in incidents] == ["North Sinai"]


@pytest.mark.parametrize(
    ("before", "inside"),
    [
        ("a neighbourhood called Horizontes del ", True),
        ("fighters of the Cartel de ", True),
        ("a clash in the hills ", False),
        ("attacks in the state of ", False),
        ("Police said. De ", False),
    ],
)
def test_the_end_of_a_longer_name(before: str, inside: bool) -> None:
    assert inside_longer_name(before) is inside


@pytest.mark.parametrize(
    ("after", "starts"),
    [
        (" del Sur province", True),
        (" de la Sierra", True),
        (" do Sul", True),
        (" del río", False),  # a common noun: "the banks of Mosul del río" is no name
        (" and Kirkuk", False),
        (", Deir", False),
        ("-on-Don region", True),  # "Rostov-on-Don"
        ("-na-Kubani in", True),
        ("-based militia", False),
    ],
)
def test_the_start_of_a_longer_name(after: str, starts: bool) -> None:
    assert starts_longer_name(after) is starts


def test_a_province_the_gazetteer_lacks_is_not_its_namesake_town(engine: RulesExtractor) -> None:
    # Surigao del Sur is a province; the gazetteer knows only Surigao city, in another one.
    text = "Rebels ambushed an army patrol in Surigao del Sur on Monday, killing four soldiers."
    incidents = engine.extract_text(text, PUBLISHED)
    assert incidents
    assert all(i.location.name != "Surigao" for i in incidents)


def test_a_nationality_of_the_attackers_does_not_place_a_village(engine: RulesExtractor) -> None:
    # "Ukrainian troops", "a Ukrainian drone": who acted. The village (unknown to the gazetteer)
    # must not become a look-alike in Ukraine; the report is about the Belgorod region.
    text = (
        "The governor said one villager in the Belgorod region was killed when a Ukrainian "
        "drone struck his house. Ukrainian troops also hit the village of Petrovka with a "
        "drone, wounding two people."
    )
    incidents = engine.extract_text(text, PUBLISHED)
    assert {i.location.country for i in incidents} == {"RU"}


def test_a_state_s_own_forces_tell_an_article_naming_no_country_where_it_is(
    engine: RulesExtractor,
) -> None:
    # Moura is a Malian village the gazetteer knows, but alone it is too small to trust
    # without knowing the country; "Malian forces" are the only hint.
    assert places(engine, "Malian forces killed 20 civilians in Moura on Monday.") == ["Moura"]


def test_a_named_country_outweighs_the_forces_nationality(engine: RulesExtractor) -> None:
    text = "Kenyan troops in southern Somalia killed six militants near Afmadow on Monday."
    assert {i.location.country for i in engine.extract_text(text, PUBLISHED)} == {"SO"}


def test_a_train_named_after_its_route_is_somewhere_along_it(engine: RulesExtractor) -> None:
    text = "Bandits attacked the Kano-Jos passenger train on Monday, killing five travellers."
    incidents = engine.extract_text(text, PUBLISHED)
    assert incidents
    assert all(i.location.geo_precision.value == "near" for i in incidents)


def mentioned(engine: RulesExtractor, text: str) -> list[str]:
    """The names of every event place the clauses keep (before any incident is drafted)."""
    doc, _ = engine.pipeline.read(text, PUBLISHED)
    return [p.entry.name for clause in doc.clauses for p in clause.places]


def test_the_institute_the_wounded_were_taken_to_is_no_event_place(
    engine: RulesExtractor,
) -> None:
    text = (
        "Two farmers were killed in a gunfight near Moirang on Thursday, police said. Four "
        "wounded men were taken to the Regional Institute of Medical Sciences (RIMS) in "
        "Imphal, and another was rushed to a health centre in Bishnupur."
    )
    named = mentioned(engine, text)
    assert "Imphal" not in named
    assert "Bishnupur" not in named


def test_groups_that_blame_someone_from_a_city_speak_there(engine: RulesExtractor) -> None:
    text = (
        "Gunmen killed three villagers near Moirang on Thursday, police said. Civil society "
        "groups in Imphal blamed armed militants for the attack."
    )
    assert "Imphal" not in mentioned(engine, text)


def test_an_attacked_health_centre_still_places_the_attack(engine: RulesExtractor) -> None:
    text = "A drone struck a health centre in Dilling on Saturday, killing nine people."
    assert "Dilling" in mentioned(engine, text)


@pytest.mark.parametrize(
    ("text", "away"),
    [
        (
            "Rebels killed twelve villagers near Eringeti overnight. A deputy elected from "
            "Butembo, reached in Kinshasa, put the toll at 15.",
            "Butembo",
        ),
        (
            "Militants killed four guards near Mir Ali on Friday. The lawmaker for Bannu "
            "condemned the attack.",
            "Bannu",
        ),
        (
            "Gunmen killed five farmers near Jalawla on Friday. A health official in the "
            "provincial capital Baqubah gave a toll of six dead.",
            "Baqubah",
        ),
        (
            "Gunmen killed five farmers near Jalawla on Friday. A spokesman for the security "
            "forces in Baghdad blamed the Islamic State group.",
            "Baghdad",
        ),
    ],
)
def test_who_gives_or_judges_the_toll_is_not_where_it_happened(
    engine: RulesExtractor, text: str, away: str
) -> None:
    assert away not in mentioned(engine, text)


def test_politicians_in_the_capital_are_not_the_scene(engine: RulesExtractor) -> None:
    text = (
        "Police shot dead three protesters in Karbala on Sunday, as political parties in "
        "Baghdad argued over the next cabinet."
    )
    assert "Baghdad" not in mentioned(engine, text)


def test_a_country_s_name_inside_a_town_s_name_votes_for_no_country(
    engine: RulesExtractor,
) -> None:
    # Several Mindanao towns begin with "Datu"; a spokesman's surname may be a country's.
    text = (
        "Five rebels were killed in a clash with troops in Datu Saudi Ampatuan town on "
        "Thursday, Capt. Jose Salvador, an army spokesman, said."
    )
    doc, _ = engine.pipeline.read(text, PUBLISHED)
    assert "SA" not in doc.context
    assert "SV" not in doc.context


def test_a_soldier_s_home_town_is_no_event_place(engine: RulesExtractor) -> None:
    text = (
        "Gunmen ambushed an army patrol near Rutba, Iraq, on Tuesday, killing three soldiers. "
        "A fourth, a 22-year-old corporal from Diwaniyah, died of his wounds on Thursday."
    )
    assert "Diwaniyah" not in mentioned(engine, text)


def test_where_a_train_was_going_is_no_event_place(engine: RulesExtractor) -> None:
    text = (
        "A suicide bomber killed 11 people at the railway station in Quetta on Wednesday. The "
        "blast tore through a crowd waiting for a train to Peshawar."
    )
    assert "Peshawar" not in mentioned(engine, text)


def test_the_town_a_convoy_was_heading_for_is_no_event_place(engine: RulesExtractor) -> None:
    text = (
        "Jihadists ambushed a supply convoy heading for the besieged northern town of Djibo "
        "on Monday, killing 11 soldiers."
    )
    assert "Djibo" not in mentioned(engine, text)


def test_a_group_described_by_where_it_acts_leaves_the_place(engine: RulesExtractor) -> None:
    # "gangs in Port-au-Prince" names a coalition by where it fights; the city is still the
    # scene. A name such as "Islamic State in Iraq and Syria" places nothing.
    text = (
        "A market porter was killed by a stray bullet during clashes between rival gangs in "
        "Port-au-Prince on Monday, a rights group said."
    )
    assert places(engine, text) == ["Port-au-Prince"]
    text = "The Islamic State in Iraq and Syria claimed a bombing in Kirkuk that killed 12."
    assert places(engine, text) == ["Kirkuk"]


def test_a_country_and_a_kind_of_place_before_the_place_s_name(engine: RulesExtractor) -> None:
    text = (
        "Gunmen opened fire at a bar in the central Mexico city of Irapuato on Sunday, "
        "killing six."
    )
    [incident] = engine.extract_text(text, PUBLISHED)
    assert (incident.location.name, incident.location.admin1) == ("Irapuato", "Guanajuato")


@pytest.mark.parametrize(
    "text",
    [
        "Goma, Democratic Republic of Congo – An aid group said gunmen attacked a camp in "
        "Rutshuru territory on Sunday, killing six displaced people.",
        "Goma — Gunmen attacked a camp in Rutshuru territory on Sunday, killing six displaced "
        "people, an aid group said.",
    ],
)
def test_a_town_and_a_dash_opening_the_text_is_its_dateline(
    engine: RulesExtractor, text: str
) -> None:
    [incident] = engine.extract_text(text, PUBLISHED)
    assert incident.location.name == "Rutshuru"
