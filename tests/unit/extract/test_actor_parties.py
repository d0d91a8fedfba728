"""Who the parties are: officers quoted by title, community guards, groups a report defines,
uniformed victims."""

from __future__ import annotations

import datetime as dt

import pytest

from bot.domain.enums import EventType
from bot.extract.actors import ActorRegistry
from bot.extract.annotate_actors import find_claimants, party_mentions
from bot.extract.evaluation import registry_actor_matcher
from bot.extract.pipeline import RulesExtractor
from bot.extract.text_actors import defined_groups, text_mentions
from bot.extract.tolls import group_of

PUBLISHED = dt.datetime(2024, 5, 9, 9, 0, tzinfo=dt.UTC)


def _party_ids(reg: ActorRegistry, sentence: str) -> list[str]:
    mentions = reg.find_mentions(sentence)
    return [actor.id for _, actor in party_mentions(mentions, sentence.lower())]


class TestOfficerQuotedByTitle:
    @pytest.mark.parametrize(
        "sentence",
        [
            "Shelling went on all night, U.S. Air Force Gen. Martin Oakes said on Friday.",
            "The toll is rising, Kenyan army Col. Peter Wambua told reporters.",
            "The road is closed again, Nigerian police spokesman Aliyu Bello said.",
            "The raid failed, Nigerian police Brig. Gen. Sani Abba, said in a statement.",
        ],
    )
    def test_a_named_officer_speaking_makes_no_party(
        self, reg: ActorRegistry, sentence: str
    ) -> None:
        assert reg.find_mentions(sentence), "the force must be found to be judged"
        assert _party_ids(reg, sentence) == []

    @pytest.mark.parametrize(
        "sentence",
        [
            "A Kenyan army Col. Peter Wambua was killed in the ambush, officials said.",
            "Kenyan army general was killed, officials said.",
            "Kenyan troops clashed with gunmen near the border.",
        ],
    )
    def test_an_officer_who_is_hit_keeps_his_force(
        self, reg: ActorRegistry, sentence: str
    ) -> None:
        kenya = reg.lookup("Kenyan army")[0]
        assert kenya.id in _party_ids(reg, sentence)

    def test_the_speaking_officer_adds_no_actor_to_the_incident(
        self, engine: RulesExtractor
    ) -> None:
        text = (
            "Mortar rounds killed six people at a market in Donetsk on Wednesday. "
            "The shelling was the worst this month, U.S. Army Gen. Carla Reyes said in Brussels."
        )
        incidents = engine.pipeline.extract_text(text, PUBLISHED)
        assert incidents
        names = {a.name for i in incidents for a in i.actors}
        assert not any("US" in name or "United States" in name for name in names)


class TestCommunityGuards:
    @pytest.mark.parametrize(
        "text", ["Community guards repelled the raiders.", "A community guard was shot dead."]
    )
    def test_community_guards_are_vigilantes(self, reg: ActorRegistry, text: str) -> None:
        assert [m.actor.id for m in reg.find_mentions(text)] == ["vigilantes"]

    def test_a_state_s_community_guards_match_the_generic_actor(self, reg: ActorRegistry) -> None:
        matches = registry_actor_matcher(reg)
        vigilantes = reg.get("vigilantes")
        assert vigilantes is not None
        assert matches("Kwara Community Guards", vigilantes)
        assert not matches("Kwara State Police", vigilantes)


class TestGroupsTheReportDefines:
    def test_a_bracketed_acronym_defines_an_unknown_armed_group(self, reg: ActorRegistry) -> None:
        text = "Fighters of the Copper Hills Liberation Front (CHLF) burned the market."
        [group] = defined_groups(text, reg)
        assert (group.name, group.acronym) == ("Copper Hills Liberation Front", "CHLF")
        assert group.actor.id == "text:copper-hills-liberation-front"
        assert group.actor.country is None

    @pytest.mark.parametrize(
        "text",
        [
            "A report by Human Rights Watch (HRW) documented the killings.",
            "The Allied Democratic Forces (ADF) raided the village.",  # the registry's own
            "Troops of the 33rd Light Infantry Division (LID) shelled the town.",  # a state unit
        ],
    )
    def test_no_group_is_defined_without_the_signs(self, reg: ActorRegistry, text: str) -> None:
        assert defined_groups(text, reg) == []

    @pytest.mark.parametrize(
        ("text", "name"),
        [
            ("The Copper Hills Liberation Front killed four.", "Copper Hills Liberation Front"),
            ("Members of the Blue Reed Brigades shelled a post.", "Blue Reed Brigades"),
            ("On Monday Sunrise Patriotic Army fighters ambushed a convoy.",
             "Sunrise Patriotic Army"),
            ("Gunmen of the Eastern Shield Militia burned huts.", "Eastern Shield Militia"),
            ("The Lakeshore Resistance Movement raided a camp.", "Lakeshore Resistance Movement"),
        ],
    )  # fmt: skip
    def test_a_name_ending_in_an_armed_head_noun_defines_a_group(
        self, reg: ActorRegistry, text: str, name: str
    ) -> None:
        assert [g.name for g in defined_groups(text, reg)] == [name]

    @pytest.mark.parametrize(
        "text",
        [
            "The Salvation Army handed out food.",  # no armed group
            "The Border Guards opened fire.",  # a state unit
            "The Republican Guards were deployed.",  # a state unit
            "The Zambian Army sent two battalions.",  # a country's force
            "The Progressive Farmers Movement held a rally.",  # a party: no armed word
            "The Joint Task Forces patrolled the road.",  # forces without an armed word
            "Then Army trucks arrived.",  # one word after the opener
        ],
    )
    def test_a_head_noun_alone_defines_nothing(self, reg: ActorRegistry, text: str) -> None:
        assert defined_groups(text, reg) == []

    def test_a_headed_name_is_a_party_of_the_incident(self, engine: RulesExtractor) -> None:
        text = (
            "The Sunrise Patriotic Army ambushed a military convoy near Bunia on Monday, "
            "killing six soldiers."
        )
        [incident] = engine.pipeline.extract_text(text, PUBLISHED)
        assert "Sunrise Patriotic Army" in [a.name for a in incident.actors]

    def test_a_name_in_apposition_to_an_armed_group_defines_it(self, reg: ActorRegistry) -> None:
        text = "Copper Hills Mujahideen, a little-known militant group, said it set the bomb."
        [group] = defined_groups(text, reg)
        assert (group.name, group.acronym) == ("Copper Hills Mujahideen", "")

    @pytest.mark.parametrize(
        "text",
        [
            "Green Valley Watch, a rights group, counted the dead.",  # no armed cue
            "However, a militant group claimed the attack.",  # one word: no name
            "Boko Haram, a jihadist group, attacked the camp.",  # the registry's own
        ],
    )
    def test_apposition_without_the_signs_defines_nothing(
        self, reg: ActorRegistry, text: str
    ) -> None:
        assert defined_groups(text, reg) == []

    def test_a_group_in_apposition_claims_the_attack(self, engine: RulesExtractor) -> None:
        text = (
            "A bomb killed five soldiers at a checkpoint in Bannu on Tuesday. Copper Hills "
            "Mujahideen, a little-known militant group, claimed responsibility for the attack."
        )
        [incident] = engine.pipeline.extract_text(text, PUBLISHED)
        assert "Copper Hills Mujahideen" in [a.name for a in incident.actors]

    def test_the_acronym_later_in_the_report_names_the_group(self, engine: RulesExtractor) -> None:
        text = (
            "Gunmen of the Copper Hills Liberation Front (CHLF) attacked a farm near Bunia "
            "on Monday, residents said. The CHLF killed nine villagers there, a local chief said."
        )
        incidents = engine.pipeline.extract_text(text, PUBLISHED)
        names = [a.name for i in incidents for a in i.actors]
        assert "Copper Hills Liberation Front" in names
        assert "Unidentified armed group" not in names  # the named group replaces the gunmen

    def test_mentions_keep_the_registry_s_and_add_the_report_s(self, reg: ActorRegistry) -> None:
        groups = defined_groups("The Copper Hills Liberation Front (CHLF) was formed.", reg)
        sentence = "The CHLF and the army clashed; chlf is no acronym in lower case."
        mentions = text_mentions(sentence, groups, reg.find_mentions(sentence))
        assert [m.surface for m in mentions] == ["CHLF", "the army"]


class TestSecurityVictims:
    @pytest.mark.parametrize("subject", ["two gendarmes", "four marines", "three commandos"])
    def test_uniformed_victims_are_security(self, subject: str) -> None:
        assert group_of(subject) == "security"

    def test_killing_gendarmes_is_a_battle(self, engine: RulesExtractor) -> None:
        text = "Jihadists killed three gendarmes at a checkpoint in Kaya on Sunday."
        [incident] = engine.pipeline.extract_text(text, PUBLISHED)
        assert incident.event_type is EventType.BATTLES


class TestSpeakerTellingWhatItsMenDid:
    @pytest.mark.parametrize(
        ("sentence", "party"),
        [
            ("The army said its troops killed 40 fighters.", "military-forces"),
            ("Al-Shabaab said that its fighters overran the base.", "al-shabaab"),
        ],
    )
    def test_the_speaker_is_a_party(self, reg: ActorRegistry, sentence: str, party: str) -> None:
        assert party in _party_ids(reg, sentence)

    def test_a_speaker_telling_of_others_is_no_party(self, reg: ActorRegistry) -> None:
        assert "military-forces" not in _party_ids(reg, "The army said gunmen killed 40.")


class TestArmedVictims:
    @pytest.mark.parametrize(
        "subject",
        ["six guerrillas", "four gang members", "members of a militia", "two paramilitaries",
         "three dissidents", "five separatist fighters"],
    )  # fmt: skip
    def test_armed_men_of_any_name_are_combatants(self, subject: str) -> None:
        assert group_of(subject) == "combatants"

    def test_members_alone_stay_security(self) -> None:
        assert group_of("three members") == "security"

    def test_troops_killing_guerrillas_is_a_battle(self, engine: RulesExtractor) -> None:
        text = "The army killed six guerrillas in a firefight near Arauca on Sunday."
        [incident] = engine.pipeline.extract_text(text, PUBLISHED)
        assert incident.event_type is EventType.BATTLES


class TestClaimsOfResponsibility:
    def test_a_later_claim_names_the_lead_incident_s_attacker(
        self, engine: RulesExtractor
    ) -> None:
        text = (
            "A suicide bomber killed 14 people at a market in Mogadishu on Tuesday, police "
            "said. Shops were closed on Wednesday. The Wolf Hills Mujahideen claimed "
            "responsibility for the bombing in a message to reporters."
        )
        [incident] = engine.pipeline.extract_text(text, PUBLISHED)
        assert "Wolf Hills Mujahideen" in [a.name for a in incident.actors]

    def test_the_subject_claims_not_the_patron_in_its_apposition(
        self, engine: RulesExtractor
    ) -> None:
        text = (
            "A car bomb killed nine soldiers in Bannu on Tuesday. Hizbul Ahrar, a splinter "
            "faction of the Pakistani Taliban, claimed responsibility."
        )
        [incident] = engine.pipeline.extract_text(text, PUBLISHED)
        names = [a.name for a in incident.actors]
        assert "Hizbul Ahrar" in names
        assert "Tehrik-i-Taliban Pakistan" not in names

    def test_a_passive_claim_names_the_group_after_by(self, reg: ActorRegistry) -> None:
        low = "the raid, claimed by al-shabaab, left the base in ruins."
        parties = party_mentions(reg.find_mentions(low), low)
        assert [a.id for _, a in find_claimants(low, parties)] == ["al-shabaab"]

    @pytest.mark.parametrize(
        ("sentence", "group"),
        [
            ("Police said the assailants belonged to Boko Haram.", "boko-haram"),
            ("The gunmen were members of al-Shabaab, a local official said.", "al-shabaab"),
            ("The governor blamed the bombing on al-Shabaab.", "al-shabaab"),
            ("The ministry attributed the ambush to Boko Haram.", "boko-haram"),
            ("Boko Haram claimed Sunday's attack in a video.", "boko-haram"),
            ("Officials blamed Kurdish fighters of the YPG for the blast.", "ypg"),
        ],
    )
    def test_the_report_s_attribution_names_the_attacker(
        self, reg: ActorRegistry, sentence: str, group: str
    ) -> None:
        low = sentence.lower()
        parties = party_mentions(reg.find_mentions(sentence), low)
        assert [a.id for _, a in find_claimants(low, parties)] == [group]

    @pytest.mark.parametrize(
        "sentence",
        [
            "No group has claimed responsibility, but al-Shabaab often strikes the area.",
            "The province has seen attacks attributed to Boko Haram for years.",
            "Two men accused of belonging to al-Shabaab were arrested.",
            "The blast claimed the lives of six al-Shabaab fighters.",
            "Al-Shabaab has not yet claimed responsibility for the blast.",
            "The army said al-Shabaab was behind it; security forces claimed credit for a raid.",
        ],
    )
    def test_no_claim_no_claimant(self, reg: ActorRegistry, sentence: str) -> None:
        low = sentence.lower()
        parties = party_mentions(reg.find_mentions(sentence), low)
        assert find_claimants(low, parties) == []

    @pytest.mark.parametrize(
        ("sentence", "side"),
        [
            ("Among the dead were two members of the local vigilante group.", "vigilantes"),
            ("He said among the victims was a policeman on patrol.", "police-forces"),
        ],
    )
    def test_a_side_that_lost_men_is_a_party(
        self, reg: ActorRegistry, sentence: str, side: str
    ) -> None:
        low = sentence.lower()
        parties = party_mentions(reg.find_mentions(sentence), low)
        assert [a.id for _, a in find_claimants(low, parties)] == [side]

    def test_civilians_among_the_dead_are_no_side(self, reg: ActorRegistry) -> None:
        low = "among the dead were six villagers and a farmer."
        parties = party_mentions(reg.find_mentions(low), low)
        assert find_claimants(low, parties) == []

    def test_a_claim_of_an_earlier_attack_stays_with_it(self, engine: RulesExtractor) -> None:
        text = (
            "Gunmen killed four farmers near Maiduguri on Tuesday, residents said. In March, "
            "the Lakeside Mujahideen claimed responsibility for a bombing in Kano."
        )
        incidents = engine.pipeline.extract_text(text, PUBLISHED)
        lead = next(i for i in incidents if not i.is_background)
        assert "Lakeside Mujahideen" not in [a.name for a in lead.actors]


class TestLinkedFighters:
    @pytest.mark.parametrize(
        ("sentence", "party"),
        [
            ("Boko Haram-linked fighters burned the market.", "boko-haram"),
            ("Al-Shabaab-affiliated militants ambushed the convoy.", "al-shabaab"),
        ],
    )
    def test_the_group_s_own_men_make_it_a_party(
        self, reg: ActorRegistry, sentence: str, party: str
    ) -> None:
        assert _party_ids(reg, sentence)[:1] == [party]

    def test_a_patron_before_a_named_group_is_no_party(self, reg: ActorRegistry) -> None:
        ids = _party_ids(reg, "The al-Qaeda-linked JNIM attacked the camp.")
        assert "al-qaeda" not in ids


class TestForcesNamedByTheirPost:
    @pytest.mark.parametrize(
        ("text", "force"),
        [
            ("A truck bomb hit a military checkpoint outside Beledweyne on Monday, killing "
             "six.", "Somali government forces"),
            ("Insurgents overran an army outpost near Dori on Monday, killing nine.",
             "Burkinabe security forces"),
        ],
    )  # fmt: skip
    def test_an_attacked_post_makes_the_country_s_force_a_party(
        self, engine: RulesExtractor, text: str, force: str
    ) -> None:
        [incident] = engine.pipeline.extract_text(text, PUBLISHED)
        assert force in [a.name for a in incident.actors]

    def test_a_police_vehicle_is_the_police(self, reg: ActorRegistry) -> None:
        assert _party_ids(reg, "A roadside bomb struck a police vehicle.") == ["police-forces"]


class TestUnnamedSeparatists:
    def test_unnamed_separatists_are_a_class_of_rebels(self, engine: RulesExtractor) -> None:
        text = "Separatist fighters killed two police officers in Bastia, Corsica on Monday."
        [incident] = engine.pipeline.extract_text(text, PUBLISHED)
        assert "Separatist fighters" in [a.name for a in incident.actors]

    def test_the_class_matches_an_analyst_s_qualified_name(self, reg: ActorRegistry) -> None:
        [generic] = [a for a in reg.lookup("separatist fighters") if a.country is None]
        assert registry_actor_matcher(reg)("Ambazonian separatists", generic)

    def test_a_named_separatist_group_replaces_the_class(self, engine: RulesExtractor) -> None:
        text = (
            "STC fighters clashed with government forces near Zinjibar on Monday, killing "
            "four soldiers and two separatist fighters."
        )
        incidents = engine.pipeline.extract_text(text, PUBLISHED)
        names = [a.name for i in incidents for a in i.actors]
        assert "Southern Transitional Council" in names
        assert "Separatist fighters" not in names

    def test_other_rebels_do_not_replace_jihadists(self, engine: RulesExtractor) -> None:
        text = "Jihadists attacked PKK positions near Sinjar on Monday, killing five PKK fighters."
        [incident] = engine.pipeline.extract_text(text, PUBLISHED)
        assert "Jihadist militants" in [a.name for a in incident.actors]


class TestGroupsThatDescribeAPlace:
    @pytest.mark.parametrize(
        "sentence",
        [
            "A bomb hit a checkpoint in the Taliban-infested district.",
            "Troops patrolled al-Shabaab-dominated villages.",
            "Shelling hit Boko Haram-ravaged towns near the lake.",
        ],
    )
    def test_the_group_is_no_party(self, reg: ActorRegistry, sentence: str) -> None:
        ids = _party_ids(reg, sentence)
        assert not {"taliban", "al-shabaab", "boko-haram"} & set(ids)


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("A rebel spokesman blames Ukrainian government forces.", ["ukrainian-forces"]),
        ("Villagers blamed the massacre on the army.", ["military-forces"]),
        ("The army claimed the raid.", []),
    ],
)
def test_the_state_may_be_blamed_but_never_claims(
    reg: ActorRegistry, sentence: str, expected: list[str]
) -> None:
    low = sentence.lower()
    parties = party_mentions(reg.find_mentions(sentence), low)
    assert [a.id for _, a in find_claimants(low, parties)] == expected


class TestClaimsAndSpokesmen:
    @pytest.mark.parametrize(
        "sentence",
        [
            "The Taliban's chief spokesman, Ahmad Wali, said three guards were hurt.",
            "Hamas's media office said the strike killed four people.",
        ],
    )
    def test_a_groups_own_speaker_makes_it_no_party(
        self, reg: ActorRegistry, sentence: str
    ) -> None:
        assert reg.find_mentions(sentence), "the group must be found to be judged"
        assert _party_ids(reg, sentence) == []

    def test_a_claim_made_days_later_still_names_the_attackers(
        self, engine: RulesExtractor
    ) -> None:
        text = (
            "A suicide bomber struck a Shia mosque in Pul-e-Khumri on Monday, killing six "
            "worshippers, provincial police said. On Wednesday the Islamic State's local "
            "branch claimed the bombing."
        )
        [incident] = engine.pipeline.extract_text(text, PUBLISHED)
        assert "islamic-state" in {a.id for a in incident.actors}

    def test_a_claim_dated_before_the_attack_names_another_event(
        self, engine: RulesExtractor
    ) -> None:
        text = (
            "A suicide bomber struck a Shia mosque in Pul-e-Khumri on Monday, killing six "
            "worshippers, provincial police said. In April the Islamic State claimed a "
            "bombing at another mosque."
        )
        incidents = engine.pipeline.extract_text(text, PUBLISHED)
        lead = next(i for i in incidents if i.location.name.startswith("Pul"))
        assert "islamic-state" not in {a.id for a in lead.actors}

    def test_a_named_group_is_no_class_the_state_covers(self, engine: RulesExtractor) -> None:
        # The Taliban's aliases hold "Islamic Emirate"; the Islamic State is still a party.
        text = (
            "Taliban fighters clashed with Islamic State militants in Jalalabad on Monday, "
            "and five people were killed, officials said."
        )
        [incident] = engine.pipeline.extract_text(text, PUBLISHED)
        assert {"taliban", "islamic-state"} <= {a.id for a in incident.actors}
