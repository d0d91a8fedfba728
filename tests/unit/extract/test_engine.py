"""The rules engine end to end on short texts written for the tests."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.domain.enums import DatePrecision, GeoPrecision
from bot.domain.models import Report
from bot.extract.pipeline import RulesExtractor, build_rules_extractor

PUBLISHED = dt.datetime(2022, 9, 1, 8, 0, tzinfo=dt.UTC)


class TestExtract:
    def test_empty_text(self, engine: RulesExtractor) -> None:
        assert engine.extract_text("", PUBLISHED) == []
        assert engine.extract_text("   \n\n  ", PUBLISHED) == []

    def test_text_without_an_event(self, engine: RulesExtractor) -> None:
        assert engine.extract_text("The minister visited Basra on Monday.", PUBLISHED) == []

    def test_naive_publication_time_is_utc(self, engine: RulesExtractor) -> None:
        naive = dt.datetime(2022, 9, 1, 8, 0)
        [incident] = engine.extract_text("A bomb exploded in Mosul on Monday.", naive)
        assert incident.date == dt.date(2022, 8, 29)

    def test_without_publication_time_a_stated_date_is_used(self, engine: RulesExtractor) -> None:
        [incident] = engine.extract_text("A bomb exploded in Mosul on 29 August 2022.")
        assert incident.date == dt.date(2022, 8, 29)

    def test_without_any_date_nothing_can_be_dated(self, engine: RulesExtractor) -> None:
        assert engine.extract_text("A bomb exploded in Mosul on Monday.") == []

    def test_governorate_only_has_admin1_precision(self, engine: RulesExtractor) -> None:
        [incident] = engine.extract_text(
            "Islamic State fighters attacked an army post in Diyala province on Monday.",
            PUBLISHED,
        )
        assert incident.location.geo_precision is GeoPrecision.ADMIN1
        assert incident.location.admin1 == "Diyala"

    def test_province_of_names_the_governorate(self, engine: RulesExtractor) -> None:
        [incident] = engine.extract_text(
            "A drone strike killed two fighters in the northern province of Sulaimaniya on "
            "Monday.",
            PUBLISHED,
        )
        assert incident.location.geo_precision is GeoPrecision.ADMIN1

    def test_near_a_place(self, engine: RulesExtractor) -> None:
        [incident] = engine.extract_text(
            "A roadside bomb exploded near Tikrit on Monday.", PUBLISHED
        )
        assert incident.location.geo_precision is GeoPrecision.NEAR

    def test_country_only(self, engine: RulesExtractor) -> None:
        [incident] = engine.extract_text("Gunmen killed two farmers in Iraq on Monday.", PUBLISHED)
        assert incident.location.geo_precision is GeoPrecision.COUNTRY
        assert incident.location.country == "IQ"

    def test_ids_and_sources_left_empty(self, engine: RulesExtractor) -> None:
        [incident] = engine.extract_text("A bomb exploded in Mosul on Monday.", PUBLISHED)
        assert incident.id is None
        assert incident.sources == []

    def test_last_week_background_has_week_precision(self, engine: RulesExtractor) -> None:
        text = (
            "A bomb exploded in Mosul on Thursday, killing two people. "
            "Last week, gunmen attacked a village near Kirkuk, killing three farmers."
        )
        lead, background = engine.extract_text(text, PUBLISHED)
        assert not lead.is_background
        assert background.is_background
        assert background.date_precision is DatePrecision.WEEK

    def test_evidence_is_the_sentences_used(self, engine: RulesExtractor) -> None:
        text = "A bomb exploded in Mosul on Monday. It killed three people, police said."
        [incident] = engine.extract_text(text, PUBLISHED)
        assert incident.evidence == [
            "A bomb exploded in Mosul on Monday.",
            "It killed three people, police said.",
        ]
        assert incident.killed.min == 3

    def test_next_day_event_without_a_place_stays_in_the_city(
        self, engine: RulesExtractor
    ) -> None:
        text = (
            "A grenade hit a cafe in Mogadishu on 29 August, injuring four people. "
            "The following day, a car bomb exploded near the palace, killing nine."
        )
        first, second = engine.extract_text(text, PUBLISHED)
        assert (first.location.name, first.date) == ("Mogadishu", dt.date(2022, 8, 29))
        assert (second.location.name, second.date) == ("Mogadishu", dt.date(2022, 8, 30))
        assert second.killed.min == 9

    def test_reaction_date_gives_way_to_the_event_date(self, engine: RulesExtractor) -> None:
        text = (
            "The prime minister on Thursday condemned an attack that killed five soldiers near "
            "Tuz Khurmatu. The soldiers died on Wednesday night when a roadside bomb hit them."
        )
        [incident] = engine.extract_text(text, PUBLISHED)
        assert incident.date == dt.date(2022, 8, 31)
        assert incident.sub_event_type.value == "Remote explosive/landmine/IED"

    def test_numeric_dates_are_month_first_in_the_united_states(
        self, engine: RulesExtractor
    ) -> None:
        [incident] = engine.extract_text("A gunman shot dead two people in Chicago on 8/3/2022.")
        assert incident.date == dt.date(2022, 8, 3)
        [incident] = engine.extract_text("A gunman shot dead two people in Mosul on 8/3/2022.")
        assert incident.date == dt.date(2022, 3, 8)

    def test_round_up_is_split_per_place(self, engine: RulesExtractor) -> None:
        text = (
            "Rocket fire killed five people in Kirkuk and two in Tikrit on Monday, "
            "officials said on Tuesday."
        )
        kirkuk, tikrit = engine.extract_text(text, PUBLISHED)
        assert (kirkuk.location.name, kirkuk.killed.min) == ("Kirkuk", 5)
        assert (tikrit.location.name, tikrit.killed.min) == ("Tikrit", 2)
        assert kirkuk.date == tikrit.date == dt.date(2022, 8, 29)
        assert tikrit.sub_event_type is kirkuk.sub_event_type

    def test_bystanders_of_a_later_mention_are_not_actors(self, engine: RulesExtractor) -> None:
        text = (
            "Islamic State fighters killed four farmers near Kirkuk on Monday. "
            "The police chief later visited the village that was attacked."
        )
        [incident] = engine.extract_text(text, PUBLISHED)
        assert [a.id for a in incident.actors] == ["islamic-state"]

    def test_title_given_apart_counts(self, engine: RulesExtractor) -> None:
        [incident] = engine.extract_text(
            "Police said two men died. It happened in Kirkuk on Monday.",
            PUBLISHED,
            title="Roadside bomb kills two in Kirkuk",
        )
        assert incident.sub_event_type.value == "Remote explosive/landmine/IED"
        assert incident.killed.min == 2
        assert incident.killed.source == "police"

    def test_generic_actor_reads_as_a_common_noun(self, engine: RulesExtractor) -> None:
        [incident] = engine.extract_text(
            "Gunmen shot dead a trader in Basra on Monday.", PUBLISHED
        )
        assert incident.summary == (
            "On 29 August 2022, an unidentified armed group attacked civilians in Basra city "
            "(Basra); 1 killed."
        )


class TestRulesExtractor:
    async def test_implements_the_extractor_port(self, engine: RulesExtractor) -> None:
        report = Report(
            content_hash="x",
            fetched_at=PUBLISHED,
            published_at=PUBLISHED,
            text="Clashes broke out in Basra on Thursday between rival militias.",
        )
        [incident] = await engine.extract(report)
        assert incident.location.name == "Basra"
        assert incident.date == dt.date(2022, 9, 1)


WORDS = st.sampled_from(
    [
        "killed", "at least", "dozens", "twenty-one", "Baghdad", "Basra", "on Monday",
        "yesterday", "last week", "clashes", "drone strike", "were", "wounded", "no casualties",
        "ERBIL, Kurdistan Region -", "3/9/2022", "31 December", "toll rose to", "7", "1,200",
        "protesters", "a", "the", ".", ",", "\n\n", "Saraya al-Salam", "AAH", "including",
    ]
)  # fmt: skip


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    text=st.one_of(st.text(max_size=400), st.lists(WORDS, max_size=60).map(" ".join)),
    published=st.datetimes(
        min_value=dt.datetime(2000, 1, 1), max_value=dt.datetime(2030, 12, 31),
        timezones=st.just(dt.UTC),
    ),
)  # fmt: skip
def test_any_text_is_safe(text: str, published: dt.datetime) -> None:
    engine = _shared_engine()
    incidents = engine.extract_text(text, published)
    latest = (published + dt.timedelta(days=1)).date()  # the place may be ahead of UTC
    for incident in incidents:
        assert incident.date <= latest
        assert incident.date_end is None or incident.date_end <= latest
        for count in (incident.killed, incident.injured, incident.arrested):
            assert count.min is None or count.min >= 0
            assert count.max is None or count.max >= (count.min or 0)
        assert incident.summary.endswith(".")


_ENGINE: list[RulesExtractor] = []


def _shared_engine() -> RulesExtractor:
    if not _ENGINE:
        _ENGINE.append(build_rules_extractor())
    return _ENGINE[0]


class TestSmallTownsAndNationalForces:
    def test_small_town_with_its_country_named(self, engine: RulesExtractor) -> None:
        text = (
            "Gunmen clashed with Burkinabe soldiers in Sebba on Monday, killing six, "
            "officials in Burkina Faso said."
        )
        [incident] = engine.extract_text(text, PUBLISHED)
        assert incident.location is not None
        assert incident.location.name == "Sebba"
        assert incident.location.country == "BF"
        assert "burkina-faso-forces" in [a.id for a in incident.actors]

    def test_small_town_without_its_country_is_not_guessed(self, engine: RulesExtractor) -> None:
        incidents = engine.extract_text(
            "Gunmen killed six civilians in Sebba on Monday.", PUBLISHED
        )
        assert all(i.location is None or i.location.name != "Sebba" for i in incidents)

    def test_generic_police_in_a_country_without_a_registry_entry(
        self, engine: RulesExtractor
    ) -> None:
        text = "Kenyan police shot dead two suspected robbers in Nairobi on Monday, police said."
        [incident] = engine.extract_text(text, PUBLISHED)
        assert [a.name for a in incident.actors] == ["Police Forces of Kenya"]

    def test_a_count_of_dead_fighters_without_other_cues_is_a_battle(
        self, engine: RulesExtractor
    ) -> None:
        text = (
            "Egyptian security forces killed three suspected militants in North Sinai on Monday."
        )
        [incident] = engine.extract_text(text, PUBLISHED)
        assert incident.event_type.value == "Battles"
        assert incident.killed.min == 3

    def test_a_count_of_dead_civilians_without_other_cues_is_violence_against_civilians(
        self, engine: RulesExtractor
    ) -> None:
        text = "Egyptian security forces killed three farmers in North Sinai on Monday."
        [incident] = engine.extract_text(text, PUBLISHED)
        assert incident.event_type.value == "Violence against civilians"

    def test_a_small_town_abroad_does_not_vote_for_its_country(
        self, engine: RulesExtractor
    ) -> None:
        # "El Congo" is a Mexican village; the article is about the Congo.
        text = "Rebels killed 18 people in an attack on a church in eastern Congo on Monday."
        [incident] = engine.extract_text(text, PUBLISHED)
        assert incident.location is not None
        assert incident.location.country == "CD"

    def test_police_in_a_country_said_is_a_source_not_an_actor(
        self, engine: RulesExtractor
    ) -> None:
        text = "Police in Kenya said on Tuesday that gunmen killed four herders in Marsabit."
        [incident] = engine.extract_text(text, PUBLISHED)
        assert [a.id for a in incident.actors] == ["unidentified-armed-group"]

    def test_acronym_after_an_ally_reference_is_no_party(self, engine: RulesExtractor) -> None:
        text = (
            "Iraqi troops fought fighters allied with the Kurdistan Workers Party (PKK) "
            "near Sinjar on Monday, killing four."
        )
        [incident] = engine.extract_text(text, PUBLISHED)
        assert "pkk" not in [a.id for a in incident.actors]

    def test_the_junta_is_the_national_military(self, engine: RulesExtractor) -> None:
        text = "The junta shelled a village in Sagaing, Myanmar, on Monday, killing three."
        [incident] = engine.extract_text(text, PUBLISHED)
        assert [a.id for a in incident.actors] == ["myanmar-military"]


class TestConflictSides:
    def test_shelling_gets_the_other_side_of_the_named_fight(self, engine: RulesExtractor) -> None:
        text = (
            "Myanmar troops shelled Kyauktaw, Myanmar, on Monday, killing three villagers. "
            "The township has seen heavy fighting between the Myanmar military and the Arakan "
            "Army since 2019."
        )
        [incident] = engine.extract_text(text, PUBLISHED)
        assert [a.id for a in incident.actors] == ["myanmar-military", "arakan-army"]


class TestSuspectedPerpetrators:
    @pytest.mark.parametrize(
        "follow_up",
        [
            "Authorities suspect Boko Haram fighters.",
            "The attackers were believed to be Boko Haram fighters.",
        ],
    )
    def test_a_later_sentence_naming_the_suspects(
        self, engine: RulesExtractor, follow_up: str
    ) -> None:
        text = f"Gunmen killed 12 villagers in Maiduguri, Nigeria, on Monday. {follow_up}"
        [incident] = engine.extract_text(text, PUBLISHED)
        assert [a.id for a in incident.actors] == ["boko-haram"]
