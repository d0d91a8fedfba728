"""Actor registry coverage: generic classes, national fire, analysts' labels, shared names."""

from __future__ import annotations

import pytest

from bot.domain.enums import ActorType
from bot.extract.actors import ActorRegistry
from bot.extract.normalize import fold
from tests.unit.extract.actor_checks import (
    IDENTITY,
    POLITICAL,
    REBEL,
    STATE,
    first_in,
    found_in,
    labels_of,
)


class TestGenericClasses:
    @pytest.mark.parametrize(
        ("text", "actor_id", "actor_type"),
        [
            ("Gunmen on motorcycles opened fire on the market.", "unidentified-armed-group",
             POLITICAL),
            ("Unidentified militants attacked the checkpoint.", "unidentified-armed-group",
             POLITICAL),
            ("Kidnappers seized six travellers.", "unidentified-armed-group", POLITICAL),
            ("Insurgents overran the post.", "unidentified-armed-group", POLITICAL),
            ("Suspected jihadists burned the school.", "jihadist-militants", REBEL),
            ("Islamist gunmen killed four farmers.", "jihadist-militants", REBEL),
            ("Armed bandits raided the village.", "bandits", POLITICAL),
            ("Tribal gunmen clashed over land.", "tribal-militia", IDENTITY),
            ("Clan militiamen fought over a well.", "tribal-militia", IDENTITY),
            ("Vigilantes lynched the suspect.", "vigilantes", IDENTITY),
            ("Communal militias burned houses.", "communal-militia", IDENTITY),
            ("Fulani gunmen attacked the farming village.", "fulani-militia", IDENTITY),
            ("Anti-government protesters blocked the road.", "protesters", "protesters"),
            ("Looters ransacked shops.", "rioters", "rioters"),
            ("Municipal police officers were ambushed.", "police-forces", STATE),
            ("Army drones struck the market.", "military-forces", STATE),
            ("Amal fighters joined the clashes.", "amal-movement", POLITICAL),
        ],
    )  # fmt: skip
    def test_generic_mentions(
        self, reg: ActorRegistry, text: str, actor_id: str, actor_type: ActorType | str
    ) -> None:
        expected = actor_type if isinstance(actor_type, str) else actor_type.value
        assert first_in(reg, text) == (actor_id, expected)

    @pytest.mark.parametrize(
        ("label", "actor_id"),
        [
            ("militants", "unidentified-armed-group"),
            ("gunmen", "unidentified-armed-group"),
            ("insurgents", "unidentified-armed-group"),
            ("kidnappers", "unidentified-armed-group"),
            ("unidentified armed group", "unidentified-armed-group"),
            ("jihadists", "jihadist-militants"),
            ("Islamist militants", "jihadist-militants"),
            ("bandits", "bandits"),
            ("tribal militia", "tribal-militia"),
            ("clan militia", "tribal-militia"),
            ("vigilantes", "vigilantes"),
            ("ethnic militia", "communal-militia"),
            ("communal militia", "communal-militia"),
            ("herders", "fulani-militia"),
            ("protesters", "protesters"),
            ("rioters", "rioters"),
        ],
    )
    def test_analyst_labels(self, reg: ActorRegistry, label: str, actor_id: str) -> None:
        assert fold(label) in labels_of(reg, actor_id)

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


class TestNationalFire:
    @pytest.mark.parametrize(
        ("text", "actor_id"),
        [
            ("Azerbaijani shelling hit the village.", "military-forces-az"),
            ("Saudi border guards fired on migrants.", "military-forces-sa"),
            ("Sudanese drone strikes hit the market.", "sudanese-armed-forces"),
            ("Armenian artillery fire killed two.", "military-forces-am"),
        ],
    )
    def test_fire_named_by_nationality(self, reg: ActorRegistry, text: str, actor_id: str) -> None:
        assert first_in(reg, text) == (actor_id, "state_forces")


class TestAcledStyleLabels:
    @pytest.mark.parametrize(
        ("label", "actor_id"),
        [
            ("Military Forces of Pakistan", "pakistani-forces"),
            ("Police Forces of Pakistan", "pakistani-forces"),
            ("Military Forces of Nigeria", "nigerian-forces"),
            ("Military Forces of Myanmar", "myanmar-military"),
            ("Military Forces of Iraq", "iraqi-security-forces"),
            ("Military Forces of Kenya", "military-forces-ke"),
            ("Police Forces of Kenya", "police-forces-ke"),
        ],
    )
    def test_acled_force_names(self, reg: ActorRegistry, label: str, actor_id: str) -> None:
        assert fold(label) in labels_of(reg, actor_id)

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
