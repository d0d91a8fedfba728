"""Later paragraphs that go on telling the main event, wherever they say it was (issue 11,
"one event, one incident"): toll updates given at a hospital or a ministry, responses,
claims and condemnations, the far end of a road, where attackers came from or went; and
context that is no event at all.

Every text here was written for these tests.
"""

from __future__ import annotations

import datetime as dt

import pytest

from bot.domain.enums import CountStatus, EventType, GeoPrecision
from bot.domain.models import Incident
from bot.extract.casualties import find_figures
from bot.extract.figure_words import Figure
from bot.extract.follow_ups import gives_a_toll, refers_back
from bot.extract.normalize import split_sentences
from bot.extract.pipeline import RulesExtractor
from bot.extract.place_roles import not_an_event_place

PUBLISHED = dt.datetime(2025, 5, 14, 12, 0, tzinfo=dt.UTC)  # a Wednesday


def _one(engine: RulesExtractor, text: str) -> Incident:
    incidents = [i for i in engine.extract_text(text, PUBLISHED) if not i.is_background]
    assert len(incidents) == 1, [(i.location.name, i.killed.min) for i in incidents]
    return incidents[0]


class TestTollStatements:
    def test_a_death_at_a_hospital_in_another_city_updates_the_main_toll(
        self, engine: RulesExtractor
    ) -> None:
        text = (
            "Gunmen attacked an army checkpoint near Muqdadiya in Diyala province late on "
            "Monday, killing three soldiers and wounding two, a security official said. A "
            "medical source at Baqubah General Hospital said on Tuesday that one of the wounded "
            "had died, bringing the death toll to four."
        )
        incident = _one(engine, text)
        assert incident.location.name == "Muqdadiya"
        assert incident.killed.max == 4
        assert incident.date == dt.date(2025, 5, 12)

    def test_a_ministry_toll_given_in_the_capital_stays_with_the_event(
        self, engine: RulesExtractor
    ) -> None:
        text = (
            "Rival armed groups fought with machine guns in the centre of Zawiya on Friday "
            "after a commander was abducted at a checkpoint. The Health Ministry in Tripoli "
            "later put the death toll at five."
        )
        incident = _one(engine, text)
        assert incident.location.name.startswith("Zawiy")
        assert incident.killed.min == 5

    def test_raising_the_toll_replaces_the_first_count(self, engine: RulesExtractor) -> None:
        text = (
            "Two children were killed and four civilians wounded when mortar shells hit a "
            "residential neighbourhood of Taiz on Thursday, a local official said. The wounded "
            "were taken to al-Thawra hospital, where a doctor said one of them later died, "
            "raising the toll to three."
        )
        incident = _one(engine, text)
        assert (incident.killed.min, incident.killed.max) == (3, 3)

    def test_toll_words_are_told_apart_from_counted_victims(self) -> None:
        toll = Figure("killed", 4, 4, CountStatus.EXACT, 0, 30, "bringing the death toll to four",
                      "", True, False, update=True)  # fmt: skip
        plain = Figure("killed", 3, 3, CountStatus.EXACT, 0, 20, "killing three soldiers",
                       "soldiers", False, False)  # fmt: skip
        assert gives_a_toll([plain, toll])
        assert not gives_a_toll([plain])


class TestReactions:
    def test_a_condemnation_from_another_city_is_no_incident(self, engine: RulesExtractor) -> None:
        text = (
            "A roadside bomb killed four soldiers on a patrol near Marib on Sunday, military "
            "sources said. The health ministry in Aden condemned the attack."
        )
        incident = _one(engine, text)
        assert incident.location.name == "Marib"

    def test_a_claim_with_its_own_count_is_another_figure_for_the_same_dead(
        self, engine: RulesExtractor
    ) -> None:
        text = (
            "Taliban militants attacked a police post in Baghlan province on Tuesday night, a "
            "provincial spokesman said. Six policemen were killed and four wounded in the "
            "clash, which lasted until the early hours of Wednesday. Meanwhile, a Taliban "
            "spokesman claimed responsibility for the attack and said 12 policemen were killed."
        )
        incident = _one(engine, text)
        assert (incident.killed.min, incident.killed.max) == (6, 12)
        assert incident.date == dt.date(2025, 5, 13)

    @pytest.mark.parametrize(
        ("text", "expected"),
        [
            ("Islamic State claimed the attack through its news agency", True),
            ("the governor condemned Sunday's bombing", True),
            ("police are investigating the shooting", True),
            ("troops repelled the attack and killed seven of the assailants", True),
            ("the army said it foiled the assault", True),
            ("militants claimed the lives of 12 people", False),
            ("in a separate incident, gunmen claimed the attack", False),
        ],
    )
    def test_what_refers_back_to_the_event(self, text: str, expected: bool) -> None:
        assert refers_back(text) is expected


class TestResponsesAndMovements:
    def test_troops_sent_from_a_city_and_its_command_place_nothing(
        self, engine: RulesExtractor
    ) -> None:
        text = (
            "Two people were killed and five wounded in a tribal clash in the Qurna district "
            "north of Basra on Wednesday, police said. The fighting lasted for two hours until "
            "an army unit was sent from Basra to separate the two sides. The Basra Operations "
            "Command said its forces had arrested six people over the fighting."
        )
        incident = _one(engine, text)
        assert incident.location.name == "Qurna"

    @pytest.mark.parametrize(
        ("before", "after"),
        [
            ("the attackers withdrew towards the hills of ", " and the"),
            ("the rockets were fired from the orchards near ", ", police"),
            ("a drone struck a car on the road between sidakan and the village of ", " on"),
            ("a medical source at ", " general hospital said"),
            ("nine dead and 22 injured receiving treatment in ", '," an official'),
            ("according to residents contacted by reporters from ", "."),
            ("the ministry in ", " later put the toll at"),
            ("forces from the ", " operations command"),
            ("sepoy ali (aged 24, resident of district ", ") was among"),
            ("the wounded were evacuated to combined military hospital ", "."),
            ("the two victims, natives of the village ", ", had"),
            ("six wounded were admitted to ", " general referral hospital, a nurse said"),
        ],
    )
    def test_roles_that_never_place_an_incident(self, before: str, after: str) -> None:
        assert not_an_event_place(before, after)

    @pytest.mark.parametrize(
        ("before", "after"),
        [
            ("hundreds fled to safety after gunmen attacked the village of ", " on"),
            ("a roadside bomb exploded in ", " on monday"),
            ("a nurse in ", ", said two"),
            ("hospital officials said the attack in ", " killed"),
            ("gunmen stormed a hospital in the centre of ", " where"),
        ],
    )
    def test_event_places_are_kept(self, before: str, after: str) -> None:
        assert not not_an_event_place(before, after)

    def test_the_far_end_of_a_road_is_no_second_incident(self, engine: RulesExtractor) -> None:
        text = (
            "A Turkish drone struck a car on the road between Sidakan and the village of "
            "Bardarash on Tuesday morning, killing two people, the district mayor said."
        )
        incident = _one(engine, text)
        assert incident.location.name == "Sidakan"


class TestContext:
    @pytest.mark.parametrize(
        "context",
        [
            "It was the third deadly attack in the Dosso region in less than a month.",
            "It was the second drone strike on Niamey within two weeks.",
            "Ouallam has witnessed a surge in kidnappings by armed gangs.",
            "The town of Ayorou has suffered a wave of raids by the group.",
        ],
    )
    def test_a_record_of_violence_is_no_incident(
        self, context: str, engine: RulesExtractor
    ) -> None:
        text = (
            "Gunmen on motorcycles killed five civilians near Tera in the Tillaberi region on "
            f"Sunday, local sources said. {context}"
        )
        incident = _one(engine, text)
        assert incident.killed.min == 5
        assert incident.location.geo_precision in (GeoPrecision.POINT, GeoPrecision.NEAR)


class TestHeadline:
    def test_the_headline_picks_the_main_event_among_the_paragraphs(
        self, engine: RulesExtractor
    ) -> None:
        text = (
            "Two soldiers were killed in Jowhar on Tuesday morning when a roadside bomb hit "
            "their truck, officials said. Hours later, a suicide bomber killed nine people at "
            "a checkpoint in Beledweyne, police said."
        )
        title = "Suicide bomber kills nine in Beledweyne"
        incidents = engine.extract_text(text, PUBLISHED, title=title)
        names = [i.location.name for i in incidents]
        assert names[0] == "Beledweyne"
        # "hours later": the day in hand, not the publication day
        assert incidents[0].date == dt.date(2025, 5, 13)
        jowhar = incidents[names.index("Jawhar")]
        assert "report: not its main event" in " ".join(jowhar.confidence_reasons)
        assert [i.location.name for i in incidents if (i.confidence or 0) >= 0.65] == [
            "Beledweyne"
        ]


class TestParties:
    """Who fought: the speaker telling what it did itself, forces loyal to a group, and armed
    victims of security forces (a battle, not an attack on civilians)."""

    def test_a_group_that_says_what_it_did_is_a_party(self, engine: RulesExtractor) -> None:
        text = (
            "The Arakan Army said on Monday it had captured a junta outpost near Buthidaung, "
            "Rakhine state, after days of fighting in which dozens of soldiers were killed."
        )
        incident = _one(engine, text)
        assert "Arakan Army" in [a.name for a in incident.actors]

    def test_forces_loyal_to_a_group_are_its_own(self, engine: RulesExtractor) -> None:
        text = (
            "Forces loyal to the Libyan National Army clashed with militias south of Tripoli on "
            "Friday, killing six fighters, medics said."
        )
        incident = _one(engine, text)
        assert [a.name for a in incident.actors][:1] == ["Libyan National Army"]

    def test_a_backer_is_still_no_party(self, engine: RulesExtractor) -> None:
        text = (
            "Militias backed by the Libyan National Army clashed with a rival brigade south of "
            "Tripoli on Friday, killing six fighters, medics said."
        )
        incident = _one(engine, text)
        assert "Libyan National Army" not in [a.name for a in incident.actors]

    @pytest.mark.parametrize(
        "text",
        [
            "Security forces killed 12 Maoists in an encounter in Bijapur district, "
            "Chhattisgarh, on Tuesday, police said.",
            "Police shot dead four naxalites in Bijapur district, Chhattisgarh, on Tuesday.",
        ],
    )
    def test_armed_victims_of_security_forces_make_a_battle(
        self, text: str, engine: RulesExtractor
    ) -> None:
        assert _one(engine, text).event_type is EventType.BATTLES


class TestWireHabits:
    """More of what real reports do, found by report set F."""

    def test_a_dateline_of_two_capitals_places_nothing(self, engine: RulesExtractor) -> None:
        text = (
            "NIAMEY/BAMAKO, May 14 (West Africa Wire) - Twenty soldiers were killed on Tuesday "
            "when gunmen attacked an army post in Niger's western Tillaberi region, the "
            "defence ministry said."
        )
        incidents = engine.extract_text(text, PUBLISHED)
        assert "Niamey" not in [i.location.name for i in incidents]
        assert incidents[0].killed.min == 20

    @pytest.mark.parametrize(
        ("sentence", "expected"),
        [
            ("A wounded soldier died on Monday, bringing to three the number of soldiers "
             "killed in the blast.", 3),
            ("Another victim died overnight, raising to 12 the death toll from the attack.", 12),
            ("By evening the toll now stood at six dead and 30 hurt, officials said.", 6),
        ],
    )  # fmt: skip
    def test_an_inverted_toll_update(self, sentence: str, expected: int) -> None:
        figures = find_figures(sentence.lower())
        updates = [f.min for f in figures if f.update]
        assert updates == [expected]

    def test_a_running_total_is_no_update(self) -> None:
        sentence = (
            "The latest death raises to 57 the toll of those killed since the uprising began."
        )
        assert not [f for f in find_figures(sentence.lower()) if f.update]

    def test_where_the_wounded_are_treated_places_nothing(self, engine: RulesExtractor) -> None:
        text = (
            "Two suicide bombers blew themselves up at a market in Konduga on Wednesday, "
            'killing six people, police said. "We have nine dead and 22 injured receiving '
            'treatment in Maiduguri," an emergency official said on Thursday.'
        )
        assert _one(engine, text).location.name == "Konduga"

    def test_a_later_death_at_a_hospital_does_not_date_the_attack(
        self, engine: RulesExtractor
    ) -> None:
        text = (
            "Gunmen opened fire on customers at a bar in Celaya late on Sunday, killing seven "
            "people, prosecutors said. Two more died on Tuesday at the general hospital in "
            "Celaya."
        )
        incident = _one(engine, text)
        assert incident.date == dt.date(2025, 5, 11)

    def test_troops_repelling_the_attack_tell_the_same_event(self, engine: RulesExtractor) -> None:
        text = (
            "Five soldiers were killed when militants attacked a checkpoint near Sheikh Zuweid in "
            "North Sinai "
            "late on Monday, security sources said. The army spokesman said in a statement "
            "posted on social media on Tuesday evening that troops repelled the attack and "
            "killed seven of the assailants."
        )
        incident = _one(engine, text)
        assert incident.date == dt.date(2025, 5, 12)

    def test_victims_named_with_a_unit_in_brackets_and_a_relative_clause(self) -> None:
        killed = find_figures(
            "five jawans of the district reserve guard (drg) and the driver of their vehicle "
            "were killed on wednesday"
        )
        hurt = find_figures("two other personnel who were sitting in the rear suffered injuries")
        assert [(f.kind, f.min) for f in killed] == [("killed", 5)]
        assert [(f.kind, f.min) for f in hurt] == [("injured", 2)]

    @pytest.mark.parametrize(
        ("written", "country"),
        [("Debre Marqos", "ET"), ("Belet Weyne", "SO"), ("Kismaayo", "SO")],
    )
    def test_other_spellings_of_ethiopian_and_somali_towns(
        self, written: str, country: str, engine: RulesExtractor
    ) -> None:
        found = engine.pipeline.gazetteer.lookup(written)
        assert found
        assert found[0].country == country


class TestScenes:
    def test_a_clock_time_in_brackets_does_not_end_the_sentence(self) -> None:
        text = (
            "The missile hit a block of flats shortly after 7 p.m. (1600 GMT) on Friday. Two died."
        )
        sentences = [text[a:b] for a, b in split_sentences(text)]
        assert sentences == [
            "The missile hit a block of flats shortly after 7 p.m. (1600 GMT) on Friday.",
            "Two died.",
        ]

    def test_the_day_after_a_clock_time_dates_the_strike(self, engine: RulesExtractor) -> None:
        text = (
            "The number of people killed by a missile strike on a block of flats in Kramatorsk "
            "rose to five on Wednesday, officials said. The strike hit the building shortly "
            "after 7 p.m. (1600 GMT) on Tuesday."
        )
        assert _one(engine, text).date == dt.date(2025, 5, 13)

    def test_the_target_of_the_attack_places_it_within_the_region(
        self, engine: RulesExtractor
    ) -> None:
        text = (
            "Twenty soldiers were killed on Monday when gunmen attacked an army position in "
            "Niger's Tillaberi region, the defence ministry said. The attack targeted a unit "
            "deployed near the town of Ayorou, the ministry said."
        )
        incident = _one(engine, text)
        assert incident.location.name == "Ayorou"
        assert incident.killed.min == 20

    def test_a_named_night_beats_overnight(self, engine: RulesExtractor) -> None:
        text = (
            "Rebels killed at least 18 civilians in an overnight attack on the outskirts of "
            "Oicha, in Beni territory, in the night from Saturday to Sunday, local leaders said."
        )
        # published on a Wednesday: "overnight" alone would be Tuesday night
        assert _one(engine, text).date in (dt.date(2025, 5, 10), dt.date(2025, 5, 11))

    def test_a_command_in_the_capital_and_a_direction_from_it_place_nothing_there(
        self, engine: RulesExtractor
    ) -> None:
        text = (
            "A soldier died of his wounds on Tuesday, bringing to three the number of soldiers "
            "killed in a roadside bomb attack on a patrol north of Baghdad on Monday evening, "
            "security sources said. The Joint Operations Command in Baghdad had said on Monday "
            "that two soldiers were killed when a bomb struck their vehicle in the Tarmiyah "
            "district, about 50 kilometres north of the capital."
        )
        incidents = engine.extract_text(text, PUBLISHED)
        places = [(i.location.name, i.location.geo_precision) for i in incidents]
        assert ("Tarmiyah", GeoPrecision.POINT) in places
        assert ("Baghdad", GeoPrecision.POINT) not in places  # the capital stays a direction


class TestAnArmedGroupsOwnCount:
    """A group that says what it inflicted gives a claim beside the officials' toll: the
    officials' figure stays the minimum, the group's widens the range, and the group is a
    party."""

    @pytest.mark.parametrize(
        "claim",
        [
            "The Pakistani Taliban said in a statement it had carried out the ambush and killed "
            "nine policemen.",
            "In a message on social media, the Pakistani Taliban said their fighters killed "
            "nine policemen.",
            "Tehrik-i-Taliban Pakistan said its fighters had killed nine policemen.",
        ],
    )
    def test_the_group_s_higher_figure_is_a_claim_not_the_toll(
        self, engine: RulesExtractor, claim: str
    ) -> None:
        text = (
            "Militants ambushed a police van near Tank in Khyber Pakhtunkhwa on Monday, "
            f"killing three policemen, a district police officer said. {claim}"
        )
        incident = _one(engine, text)
        assert (incident.killed.min, incident.killed.max) == (3, 9)
        assert {c.min for c in incident.killed.claims} == {3, 9}

    def test_a_group_that_says_it_carried_out_the_attack_is_a_party(
        self, engine: RulesExtractor
    ) -> None:
        text = (
            "A bomb hidden in a cart exploded beside a military truck in Jowhar on Sunday, "
            "killing two soldiers, a local commander said. Al-Shabaab said in a statement "
            "that it had carried out the bombing."
        )
        incident = _one(engine, text)
        assert "al-shabaab" in {a.id for a in incident.actors}

    def test_the_group_s_health_office_is_no_party_s_claim(self) -> None:
        from bot.extract.actors import ActorRegistry
        from bot.extract.annotate_clauses import source_is_armed_party

        registry = ActorRegistry.default()
        assert source_is_armed_party("Al Shabaab", registry)
        assert source_is_armed_party("the Houthis", registry)
        assert not source_is_armed_party("the Houthi-run health ministry", registry)
        assert not source_is_armed_party("a military officer", registry)
        assert not source_is_armed_party("the Iraqi army", registry)


class TestAnotherAttackLaterTheSameDay:
    """ "Hours later" after one attack may open another attack in the same city: another kind
    of event with its own victims is another incident, on the same day and in the same city;
    a later death or a second blast of the same kind stays with the incident in hand."""

    def test_a_bombing_hours_after_a_shooting_is_another_incident(
        self, engine: RulesExtractor
    ) -> None:
        text = (
            "Two men on a motorcycle shot dead three traffic policemen at a roundabout in "
            "Quetta on Monday morning, police said. Hours later, a bomb planted on a "
            "motorcycle exploded near a paramilitary convoy on the edge of the city, wounding "
            "six soldiers, officials said."
        )
        incidents = [i for i in engine.extract_text(text, PUBLISHED) if not i.is_background]
        assert len(incidents) == 2
        shooting, bombing = sorted(incidents, key=lambda i: i.killed.min or 0, reverse=True)
        assert shooting.killed.min == 3
        assert shooting.injured.min is None
        assert bombing.event_type is EventType.EXPLOSIONS
        assert bombing.injured.min == 6
        assert bombing.killed.min is None
        assert shooting.date == bombing.date == dt.date(2025, 5, 12)
        assert shooting.location.name == bombing.location.name == "Quetta"

    def test_a_death_hours_later_stays_with_the_attack(self, engine: RulesExtractor) -> None:
        text = (
            "A roadside bomb struck a police pickup in Quetta on Monday, killing two officers "
            "and wounding four, police said. Hours later, one of the wounded died in hospital."
        )
        incident = _one(engine, text)
        assert incident.killed.max == 3

    def test_a_second_blast_of_the_same_kind_stays_one_incident(
        self, engine: RulesExtractor
    ) -> None:
        text = (
            "A bomb exploded outside a bus station in Quetta on Monday, killing four people, "
            "police said. Minutes later, a second bomb exploded nearby as rescuers arrived, "
            "killing two more."
        )
        incident = _one(engine, text)
        assert incident.killed.max == 6


class TestTwoShootingsInOneCity:
    """Two shootings of one city on one day (issue 11): the later one, told with its own
    victims, is its own incident; a mention of "another attack" without a place or a day
    adds nothing to the incident in hand."""

    TEXT = (
        "Gunmen shot dead three bus drivers at a depot in Tijuana on Friday morning, the "
        "state prosecutor said, on a day when another attack left two more dead in the city. "
        "Two of the victims died at the scene. Hours later, armed men fired on a couple "
        "outside a bakery in the east of the city, killing a woman and wounding her husband."
    )

    def test_each_shooting_keeps_its_own_toll(self, engine: RulesExtractor) -> None:
        incidents = [i for i in engine.extract_text(self.TEXT, PUBLISHED) if not i.is_background]
        tolls = sorted((i.killed.min, i.injured.min) for i in incidents)
        assert tolls == [(1, 1), (3, None)]
        assert {i.location.name for i in incidents} == {"Tijuana"}
        assert {i.event_type for i in incidents} == {EventType.VIOLENCE_AGAINST_CIVILIANS}

    def test_a_claim_after_meanwhile_still_counts(self, engine: RulesExtractor) -> None:
        text = (
            "Militants stormed a police post in Tank on Monday, killing four policemen, "
            "officials said. Meanwhile, the group claimed the attack and said it had killed "
            "nine policemen."
        )
        assert (_one(engine, text).killed.min, _one(engine, text).killed.max) == (4, 9)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Police said the man had a previous arrest record.", []),
        ("armed men fired on a minibus near the market", ["Attack", "Attack"]),
    ],
)
def test_shooting_and_record_words(text: str, expected: list[str]) -> None:
    from bot.extract.events import find_triggers

    assert [t.sub_event_type.value for t in find_triggers(text)] == expected


class TestADirectionThenItsTown:
    """ "An attack north of Kirkuk" then "the blast hit a patrol in Dibis" is one event, even
    when the second sentence gives the first, lower count; and a toll update's clause is dated
    by the attack, not by the later death."""

    TEXT = (
        "A soldier died of his wounds on Wednesday, bringing to four the number of soldiers "
        "killed in a roadside bomb attack on an army patrol north of Kirkuk on Tuesday, "
        "security sources said. The army had said on Tuesday that three soldiers were killed "
        "and two wounded when the bomb hit their vehicle in Dibis, about 40 kilometres "
        "north-west of the city."
    )

    def test_one_incident_at_the_town_with_the_updated_toll(self, engine: RulesExtractor) -> None:
        incident = _one(engine, self.TEXT)
        assert incident.location.name == "Dibis"
        assert incident.killed.max == 4

    def test_the_update_clause_is_dated_by_the_attack(self) -> None:
        from bot.extract.pipeline import build_rules_extractor

        doc, _ = build_rules_extractor().pipeline.read(self.TEXT, PUBLISHED)
        first = doc.clauses[0]
        assert first.date is not None
        assert first.date.date == dt.date(2025, 5, 13)
