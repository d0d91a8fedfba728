"""Actor registry edge cases: generic classes, province labels, shared names, common words.

The tables of names and labels these build on are in test_actor_coverage.py.
"""

from __future__ import annotations

import pytest

from bot.extract.actors import ActorRegistry, countries_named
from bot.extract.normalize import fold
from tests.unit.extract.actor_checks import first_in, found_in, labels_of


class TestGenericClasses:
    def test_herders_are_a_label_not_a_mention(self, reg: ActorRegistry) -> None:
        assert [a.id for a in reg.lookup("herders")] == ["fulani-militia"]
        assert found_in(reg, "Gunmen killed four herders.") == [
            ("unidentified-armed-group", "political_militia")
        ]

    def test_bare_rebels_is_a_label_only(self, reg: ActorRegistry) -> None:
        # "a town held by rebels", "rebels' enclave": too loose to be a party in text.
        assert found_in(reg, "The town is held by rebels.") == []
        assert fold("rebels") in labels_of(reg, "unidentified-armed-group")

    def test_victims_stay_civilians(self, reg: ActorRegistry) -> None:
        assert first_in(reg, "Farmers and villagers fled the attack.") == (
            "civilians",
            "civilians",
        )

    def test_robbery_suspects_and_lone_attackers_are_not_armed_groups(
        self, reg: ActorRegistry
    ) -> None:
        assert found_in(reg, "Two suspected robbers were arrested.") == []
        assert found_in(reg, "The attacker detonated his vest.") == []


class TestAcledStyleLabels:
    def test_province_labels_do_not_change_what_a_name_looks_up(self, reg: ActorRegistry) -> None:
        assert [a.id for a in reg.lookup("Islamic State")] == ["islamic-state"]
        assert fold("Islamic State") in labels_of(reg, "islamic-state-west-africa")
        assert fold("separatists") in labels_of(reg, "ambazonian-separatists")


class TestSharedNamesByCountry:
    def test_regime_forces_follow_the_country_named_in_the_text(self, reg: ActorRegistry) -> None:
        syria = found_in(reg, "Regime forces shelled villages in Idlib, Syrian activists said.")
        myanmar = found_in(reg, "Regime forces torched homes in Sagaing, Myanmar media said.")
        assert syria[0][0] == "syrian-government-forces"
        assert myanmar[0][0] == "myanmar-military"

    def test_other_actors_in_the_text_point_to_the_country(self, reg: ActorRegistry) -> None:
        found = found_in(reg, "The Arakan Army said regime troops had fled.")
        assert [actor_id for actor_id, _ in found] == ["arakan-army", "myanmar-military"]

    def test_an_explicit_country_wins(self, reg: ActorRegistry) -> None:
        assert found_in(reg, "Regime troops advanced.", "MM")[0][0] == "myanmar-military"
        assert found_in(reg, "Regime troops advanced.", "SY")[0][0] == "syrian-government-forces"

    def test_ndf_is_syrian_or_philippine_by_the_text(self, reg: ActorRegistry) -> None:
        philippine = "The NDF said its Philippine guerrillas would fight on."
        assert first_in(reg, philippine) == ("new-peoples-army", "rebel_group")
        assert first_in(reg, "NDF militiamen manned Syrian checkpoints.") == (
            "national-defence-forces-syria",
            "political_militia",
        )

    def test_localize_swaps_to_the_incident_country(self, reg: ActorRegistry) -> None:
        syrian = reg.get("syrian-government-forces")
        assert syrian is not None
        localized = reg.localize(syrian, "MM")
        assert localized.id == "myanmar-military"
        assert reg.localize(syrian, "SY").id == "syrian-government-forces"
        assert reg.localize(syrian, "FR").id == "syrian-government-forces"


class TestCommonWordsStayQuiet:
    @pytest.mark.parametrize(
        "text",
        [
            "Joint forces of the army and police took part.",  # not Yemen's west-coast forces
            "North Sinai province is sparsely populated.",  # a governorate, not IS Sinai
            "The colonists built roads in the nineteenth century.",
            "A lashkar of volunteers guarded the road.",  # a lashkar is any armed band
            "The military regime cut fuel subsidies.",  # not only Myanmar's
            "The IEA cut its oil demand forecast.",
            "AFP reported the raid, citing CNA.",
            "Ships crossed the Sea of Azov.",
            "The photo was taken in Azaz (picture-alliance/AA).",  # Anadolu Agency
            "The KNA reported the visit, citing EDF engineers.",  # news agency, utility
            "The toll came from the Houthi-run health ministry.",  # a source
            "The RSF-held city was shelled.",  # a controller, not the attacker
            "Russian-installed officials reported the strike.",
            "Mayos and Yaquis marched in Sonora.",
        ],
    )
    def test_no_named_group(self, reg: ActorRegistry, text: str) -> None:
        named = [
            actor_id
            for actor_id, _ in found_in(reg, text)
            if actor_id not in {"military-forces", "police-forces", "security-forces"}
        ]
        assert named == []


def test_a_people_named_in_the_plural_names_its_country() -> None:
    assert countries_named("Strikes killed 90 Palestinians and wounded dozens of Iraqis") == {
        "PS",
        "IQ",
    }
