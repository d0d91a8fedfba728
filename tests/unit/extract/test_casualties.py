"""Casualty figures: numbers, vague words, structures, subsets, attribution, combining."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.domain.enums import CountStatus
from bot.extract.casualties import (
    Statement,
    combine,
    find_attribution,
    find_figures,
    mentions_unknown,
    parse_number,
)
from bot.extract.pipeline import RulesExtractor


def figures(text: str) -> list[tuple[str, int | None]]:
    return [(f.kind, f.min) for f in find_figures(text)]


class TestParseNumber:
    @pytest.mark.parametrize(
        ("text", "value"),
        [("12", 12), ("1,200", 1200), ("twenty-one", 21), ("one hundred and five", 105),
         ("a hundred", 100), ("another", 1), ("eleven", 11)],
    )  # fmt: skip
    def test_exact(self, text: str, value: int) -> None:
        assert parse_number(text) == (value, CountStatus.EXACT)

    @pytest.mark.parametrize(
        ("text", "value"), [("dozens", 12), ("tens", 10), ("hundreds", 100), ("scores", 20)]
    )
    def test_vague_words_read_the_acled_way(self, text: str, value: int) -> None:
        assert parse_number(text) == (value, CountStatus.APPROXIMATE)

    @pytest.mark.parametrize("text", ["several", "a number", "many", ""])
    def test_no_number(self, text: str) -> None:
        assert parse_number(text) is None


class TestStructures:
    def test_killed_and_injured_others(self) -> None:
        text = "30 people were killed and 500 others were injured in the clashes"
        assert figures(text) == [("killed", 30), ("injured", 500)]

    def test_verb_first(self) -> None:
        assert figures("a blast killed 32 people and wounded 110") == [
            ("killed", 32),
            ("injured", 110),
        ]

    def test_an_age_is_no_count(self) -> None:
        assert figures("gunmen killed a 54-year-old teacher") == [("killed", 1)]
        assert figures("a 9-year-old girl was killed by a stray bullet") == [("killed", 1)]
        assert figures("shelling wounded two 70-year-old farmers") == [("injured", 2)]

    def test_one_person_named_by_role(self) -> None:
        assert figures("the blast killed the driver and wounded four") == [
            ("killed", 1),
            ("injured", 4),
        ]

    def test_verb_first_with_coordinated_objects(self) -> None:
        assert figures("gunmen killed a farmer and his two sons") == [("killed", 3)]

    def test_death_of_one_and_injury_of_another(self) -> None:
        text = "officials reported the death of one and the injury of another"
        assert figures(text) == [("killed", 1), ("injured", 1)]

    def test_toll_rose_is_an_update(self) -> None:
        [figure] = find_figures("the death toll rose to twenty-one on Friday")
        assert (figure.kind, figure.min, figure.update) == ("killed", 21, True)

    def test_at_least_and_more_than(self) -> None:
        [first] = find_figures("at least 13 people were killed")
        [second] = find_figures("the injury of more than ten people")
        assert (first.min, first.status) == (13, CountStatus.AT_LEAST)
        assert (second.min, second.status) == (10, CountStatus.AT_LEAST)

    def test_coordinated_subjects_add_up(self) -> None:
        assert figures("six civilians and four soldiers died in the attack") == [("killed", 10)]

    def test_subset_after_including_is_not_counted_again(self) -> None:
        text = "ten civilians, including four guards, have been killed"
        assert figures(text) == [("killed", 10)]

    def test_among_those_killed_is_a_subset(self) -> None:
        assert figures("four children were also among those killed") == []

    def test_singular_with_article(self) -> None:
        assert figures("a soldier was killed and a policeman sustained injuries") == [
            ("killed", 1),
            ("injured", 1),
        ]

    def test_shot_dead_someone(self) -> None:
        assert figures("gunmen shot dead a shop owner") == [("killed", 1)]

    def test_detained_is_not_killed(self) -> None:
        assert figures("police detained 12 people and killed two gunmen") == [
            ("arrested", 12),
            ("killed", 2),
        ]

    def test_named_person_killed(self) -> None:
        assert figures("Sheikh Ali al-Tamimi, a tribal elder, was shot dead at his home") == [
            ("killed", 1)
        ]

    def test_a_group_is_not_a_named_person(self) -> None:
        assert figures("The Iraqi Army was killed") == []

    def test_bodies_found(self) -> None:
        assert figures("the bodies of 12 men were found in a ditch") == [("killed", 12)]
        assert figures("7 bodies were recovered from the river") == [("killed", 7)]
        assert figures("three people were found dead") == [("killed", 3)]

    def test_kidnapped(self) -> None:
        assert figures("gunmen kidnapped three engineers") == [("abducted", 3)]

    def test_left_dead_and_wounded(self) -> None:
        assert figures("the blast left 8 dead and 10 wounded") == [
            ("killed", 8),
            ("injured", 10),
        ]

    def test_dead_and_wounded_together_is_not_a_figure(self) -> None:
        assert figures("an old feud leaves 8 dead and wounded") == []

    def test_parenthesised_aside(self) -> None:
        text = "two fighters of the Popular Mobilization Forces (PMF, or Hashd) were killed"
        assert figures(text) == [("killed", 2)]


class TestNotFigures:
    @pytest.mark.parametrize(
        "text",
        [
            "more than 250 people have lost their lives since the protests began",
            "the war has killed tens of thousands of people",
            "in 2014 fighters were killed",
            "security forces arrested a number of suspects",
            "a number of people were wounded",
            "several people were wounded",
        ],
    )
    def test_no_count(self, text: str) -> None:
        assert [f for f in find_figures(text) if f.min is not None] == []

    def test_since_without_perfect_tense_is_one_toll(self) -> None:
        text = "a car bomb killed 20 people, the deadliest attack since January"
        assert figures(text) == [("killed", 20)]

    def test_no_casualties(self) -> None:
        found = find_figures("No casualties were reported.")
        assert {(f.kind, f.status) for f in found} == {
            ("killed", CountStatus.NONE_REPORTED),
            ("injured", CountStatus.NONE_REPORTED),
        }

    def test_no_one_was_hurt_is_not_one_hurt(self) -> None:
        assert all(f.min is None for f in find_figures("No one was hurt."))

    def test_unknown_toll(self) -> None:
        assert mentions_unknown("the number of casualties remains unknown")


class TestAttribution:
    @pytest.mark.parametrize(
        ("sentence", "source"),
        [
            ("The Iraqi Security Media Cell said one person died.", "Iraqi Security Media Cell"),
            ("According to updated figures by AFP, 30 people died.", "AFP"),
            ("Two soldiers were killed, a security source said.", "security source"),
            ("Four died, the health ministry said on Monday.", "health ministry"),
        ],
    )
    def test_sources(self, sentence: str, source: str) -> None:
        assert find_attribution(sentence) == source

    def test_relative_clause_between_source_and_verb(self) -> None:
        sentence = "A local source, who asked not to be named, told reporters that two died."
        assert find_attribution(sentence) == "local source"

    def test_no_source(self) -> None:
        assert find_attribution("Two soldiers were killed.") is None


def statement(text: str, source: str | None = None) -> Statement:
    return Statement(tuple(find_figures(text)), source, text, mentions_unknown(text))


class TestCombine:
    def test_repeated_figure(self) -> None:
        count = combine(
            [statement("eight people were killed"), statement("8 people were killed")], "killed"
        )
        assert (count.min, count.max, count.status) == (8, 8, CountStatus.EXACT)

    def test_conflicting_sources_keep_the_range_and_claims(self) -> None:
        count = combine(
            [
                statement("five people were killed", "police"),
                statement("seven people were killed", "a doctor"),
            ],
            "killed",
        )
        assert (count.min, count.max, count.source) == (5, 7, "police")
        assert [(c.min, c.source) for c in count.claims] == [(5, "police"), (7, "a doctor")]

    def test_additive_groups_chain(self) -> None:
        count = combine(
            [statement("a soldier was killed"), statement("clashes also killed six fighters")],
            "killed",
        )
        assert count.min == 7

    def test_total_beats_parts(self) -> None:
        count = combine(
            [
                statement("three people were killed"),
                statement("two guards were killed"),
                statement("one soldier was also killed"),
            ],
            "killed",
        )
        assert (count.min, count.max) == (3, 3)

    def test_different_sides_add_up(self) -> None:
        count = combine(
            [statement("at least 17 soldiers were killed"), statement("12 militants were killed")],
            "killed",
        )
        assert count.min == 29

    def test_same_side_takes_the_largest(self) -> None:
        count = combine(
            [statement("11 soldiers were killed"), statement("killing 11 Iraqi soldiers")],
            "killed",
        )
        assert (count.min, count.max) == (11, 11)

    def test_toll_rose_replaces_earlier_figures(self) -> None:
        count = combine(
            [statement("four people were killed"), statement("the death toll rose to nine")],
            "killed",
        )
        assert (count.min, count.max) == (9, 9)

    def test_vague_figure_only_widens(self) -> None:
        count = combine(
            [statement("killing scores of people"), statement("four people were killed")],
            "killed",
        )
        assert (count.min, count.max) == (4, 20)

    def test_named_victim_is_part_of_a_stated_toll(self) -> None:
        count = combine(
            [statement("four people were killed"), statement("Ali Hassan Jabbar was killed")],
            "killed",
        )
        assert (count.min, count.max) == (4, 4)

    def test_none_reported(self) -> None:
        count = combine([statement("No casualties were reported.")], "killed")
        assert (count.min, count.status) == (None, CountStatus.NONE_REPORTED)

    def test_unknown_is_kept_as_a_claim(self) -> None:
        count = combine(
            [
                statement("the number of casualties remains unknown", "a source"),
                statement("one person died", "the Cell"),
            ],
            "killed",
        )
        assert count.min == 1
        assert any(c.status is CountStatus.UNKNOWN for c in count.claims)

    def test_nothing_said_is_none_reported(self) -> None:
        count = combine([statement("clashes broke out")], "injured")
        assert (count.min, count.status) == (None, CountStatus.NONE_REPORTED)


@given(st.text(max_size=300) | st.lists(st.sampled_from(
    ["killed", "wounded", "at least", "dozens", "-3", "twenty-one", "and", "people", "were",
     "no", "casualties", "toll", "rose", "to", "a", "another", "1,200", "including", ","]
), max_size=30).map(" ".join))  # fmt: skip
def test_figures_are_never_negative(text: str) -> None:
    for figure in find_figures(text):
        assert figure.min is None or figure.min >= 0
        assert figure.max is None or figure.max >= (figure.min or 0)


class TestTollWithItsEvent:
    @pytest.mark.parametrize(
        ("text", "value"),
        [
            ("The death toll from Friday's bombing at a market in Kano rose to 41.", 41),
            ("The toll in the attack on the camp has risen to 12, officials said.", 12),
        ],
    )
    def test_the_event_between_toll_and_verb(self, text: str, value: int) -> None:
        [figure] = find_figures(text)
        assert figure.kind == "killed"
        assert figure.min == value


def test_several_sources_counts_of_one_toll_are_a_range_not_a_sum(engine: RulesExtractor) -> None:
    text = (
        "Gunmen stormed a market in Katsina State on Monday; the police counted 6 dead, "
        "while the local council put the toll at 8 and residents said 11 were killed."
    )
    [incident] = engine.extract_text(text, dt.datetime(2024, 3, 5, 12, 0, tzinfo=dt.UTC))
    assert (incident.killed.min, incident.killed.max) == (6, 11)


def test_a_breakdown_of_one_toll_still_adds_up(engine: RulesExtractor) -> None:
    text = (
        "A bomb went off at a bus station in Kano on Monday: nine people died at the scene "
        "and three more died later in hospital."
    )
    [incident] = engine.extract_text(text, dt.datetime(2024, 3, 5, 12, 0, tzinfo=dt.UTC))
    assert (incident.killed.min, incident.killed.max) == (12, 12)


@pytest.mark.parametrize(
    ("clause", "killed"),
    [
        ("militiamen hacked 14 villagers to death with machetes", 14),
        ("the attackers clubbed at least six herders to death", 6),
        ("a mob beat two suspected thieves to death", 2),
    ],
)
def test_a_verb_with_to_death_after_its_victims_is_a_death_toll(clause: str, killed: int) -> None:
    assert [(f.kind, f.min) for f in find_figures(clause)] == [("killed", killed)]


def test_a_stabbing_without_death_is_no_death_toll() -> None:
    assert [f.kind for f in find_figures("militants stabbed three guards")] != ["killed"]


@pytest.mark.parametrize(
    "clause",
    [
        "Mourners attended the funeral of Afghan poet Musa Karimi, who was killed on Monday",
        "Mourners gathered for Musa Karimi, who was shot dead by gunmen on Monday",
        "the trader Musa Karimi was killed in a drone strike on Monday",
    ],
)
def test_a_named_victim_in_a_relative_clause_counts_one(clause: str) -> None:
    assert [(f.kind, f.min) for f in find_figures(clause)] == [("killed", 1)]


@pytest.mark.parametrize(
    ("clause", "expected"),
    [
        ("A police officer and a soldier were killed at the gate", [("killed", 2)]),
        ("Two guards and a driver were wounded in the blast", [("injured", 3)]),
        ("Four farmers and an elderly shepherd were shot dead", [("killed", 5)]),
        ("Three members of a family were killed", [("killed", 3)]),
        ("Five people, including a child, were killed", [("killed", 5)]),
    ],
)
def test_a_list_of_victims_counts_each_one(clause: str, expected: list[tuple[str, int]]) -> None:
    assert figures(clause) == expected


@pytest.mark.parametrize(
    ("headline", "expected"),
    [
        ("Teacher, two pupils among six killed in school raid", [("killed", 6)]),
        ("Mayor among at least nine dead as gunmen storm town hall", [("killed", 9)]),
        ("Nurse among a dozen injured in mortar fire", [("injured", 12)]),
    ],
)
def test_among_n_killed_gives_the_whole_toll(
    headline: str, expected: list[tuple[str, int]]
) -> None:
    assert figures(headline) == expected


def test_among_the_dead_is_no_figure() -> None:
    assert figures("Among the dead was a local council member") == []


@pytest.mark.parametrize(
    "clause",
    [
        "One of the wounded later died in hospital",
        "one of the injured soldiers succumbed to his wounds on Friday",
        # After the event, "them" are the wounded: the dead do not die again.
        "One of them died on the way to the clinic",
        "one of them later succumbed",
        "one of them died of his injuries overnight",
    ],
)
def test_one_of_the_wounded_dying_adds_a_death(clause: str) -> None:
    (figure,) = find_figures(clause)
    assert (figure.kind, figure.min, figure.additive) == ("killed", 1, True)


@pytest.mark.parametrize("clause", ["Two of them were children", "two of them died on the spot"])
def test_a_part_of_the_dead_adds_no_death(clause: str) -> None:
    assert all(f.additive is False or f.kind != "killed" for f in find_figures(clause))


def test_more_dead_add_to_a_total_of_people(engine: RulesExtractor) -> None:
    text = (
        "A car bomb exploded near a checkpoint in Tikrit on Monday, killing five people, "
        "police said. Moments later a second car bomb went off nearby, killing three more."
    )
    (incident,) = engine.extract_text(text, dt.datetime(2024, 6, 5, tzinfo=dt.UTC))
    assert (incident.killed.min, incident.killed.max) == (8, 8)


@pytest.mark.parametrize(
    ("clause", "expected"),
    [
        ("the army said it lost four soldiers in the clash", [("killed", 4)]),
        ("the group admitted losing 12 of its fighters", [("killed", 12)]),
        ("the battalion lost three vehicles and a radio", []),
    ],
)
def test_a_side_losing_its_men_counts_its_dead(
    clause: str, expected: list[tuple[str, int]]
) -> None:
    assert figures(clause) == expected


@pytest.mark.parametrize(
    ("clause", "expected"),
    [
        ("in the exchange of fire six terrorists were sent to hell", [("killed", 6)]),
        ("two brave soldiers embraced shahadat", [("killed", 2)]),
        ("four policemen laid down their lives defending the post", [("killed", 4)]),
        ("the file was sent to the court", []),
    ],
)
def test_military_press_release_words_for_the_dead(
    clause: str, expected: list[tuple[str, int]]
) -> None:
    assert figures(clause) == expected


def test_a_phrase_before_the_victims_is_not_one_of_them() -> None:
    assert figures("after an hour of firing, nine militants were killed") == [("killed", 9)]


@pytest.mark.parametrize(
    ("clause", "killed"),
    [
        ("Four soldiers and their interpreter were killed", 5),
        ("A shopkeeper and his son were shot dead", 2),
        ("Two guards and their families were wounded", None),
    ],
)
def test_one_named_companion_adds_one(clause: str, killed: int | None) -> None:
    found = find_figures(clause)
    if killed is None:
        assert [(f.kind, f.min) for f in found] == [("injured", 2)]
    else:
        assert [(f.kind, f.min) for f in found] == [("killed", killed)]


def test_an_earlier_count_never_becomes_the_low_end(engine: RulesExtractor) -> None:
    text = (
        "Seven pilgrims were killed when a bomb hit their bus near Hilla on Monday, police "
        "said on Tuesday. Police had initially confirmed three deaths on Monday night."
    )
    (incident,) = engine.extract_text(text, dt.datetime(2024, 6, 5, tzinfo=dt.UTC))
    assert (incident.killed.min, incident.killed.max) == (7, 7)


def test_an_earlier_count_alone_is_still_the_toll(engine: RulesExtractor) -> None:
    text = (
        "A bomb hit a bus near Hilla on Monday. Police had initially confirmed three deaths, "
        "and rescuers were still searching the wreck."
    )
    (incident,) = engine.extract_text(text, dt.datetime(2024, 6, 5, tzinfo=dt.UTC))
    assert incident.killed.min == 3


def test_a_toll_brought_to_a_figure_after_naming_the_attack_is_an_update() -> None:
    (figure,) = find_figures(
        "Medics found another body, bringing the number of dead from Sunday's shelling to nine."
    )
    assert (figure.kind, figure.min, figure.update) == ("killed", 9, True)


def test_people_treated_for_wounds_are_injured() -> None:
    assert figures("and two others were being treated for shrapnel wounds in Mosul") == [
        ("injured", 2)
    ]


class TestWoundedDescribedByTheirWounds:
    @pytest.mark.parametrize(
        ("text", "expected"),
        [
            ("seven men with bullet wounds were admitted overnight", [("injured", 7)]),
            ("two herders who escaped with burns were flown out", [("injured", 2)]),
            ("a fifth guard was badly wounded", [("injured", 1)]),
            ("one officer sustained shrapnel wounds to the arm", [("injured", 1)]),
        ],
    )
    def test_the_wound_tells_the_injured(
        self, text: str, expected: list[tuple[str, int | None]]
    ) -> None:
        assert figures(text) == expected

    @pytest.mark.parametrize(
        "text",
        [
            "five people were hurt, three with stab wounds and two with burns",
            "a dozen shepherds escaped unhurt",
            "two soldiers with old wounds guarded the gate",
        ],
    )
    def test_a_subset_or_the_unhurt_adds_nobody(self, text: str) -> None:
        assert [f for f in figures(text) if f[1] != 5] == []


def test_a_count_over_a_regions_strikes_is_no_toll() -> None:
    assert figures("the air raids on northern Idlib on Monday left 30 people hurt in all") == []
    assert figures("an air raid on northern Idlib on Monday left 30 people hurt") == [
        ("injured", 30)
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("the army mourned the death of three gendarmes and two volunteers", [("killed", 5)]),
        ("the deaths of nine people and 40 injuries were recorded", [("killed", 9),
                                                                     ("injured", 40)]),
    ],
)  # fmt: skip
def test_a_noun_form_counts_both_kinds_of_victims(
    text: str, expected: list[tuple[str, int | None]]
) -> None:
    assert figures(text) == expected


def test_a_sides_own_men_are_another_count_of_the_same_dead() -> None:
    statements = [
        statement("Four soldiers were killed in the ambush", "police"),
        statement("three of our brave fighters were martyred", "army"),
    ]
    count = combine(statements, "killed")
    assert (count.min, count.max) == (3, 4)


@pytest.mark.parametrize(
    "text",
    [
        "one of the men wounded in Sunday's raid has died in hospital",
        "the army carried out 40 strikes on the district, killing one and wounding 9 in all",
    ],
)
def test_a_death_among_the_wounded_or_a_count_over_many_strikes_adds_no_injured(
    text: str,
) -> None:
    assert [f for f in figures(text) if f[0] == "injured"] == []


def test_a_units_number_is_no_count() -> None:
    assert figures("a rifleman of the Army's 21 Rajput Regiment was wounded") == []
