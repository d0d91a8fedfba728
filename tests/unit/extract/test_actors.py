"""Tests for the actor registry: packaged data, lookups, mentions, admin files, extra actors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.domain.enums import ActorType
from bot.domain.models import ActorRef
from bot.extract.actors import (
    ActorFileError,
    ActorMention,
    ActorRegistry,
    ActorSpec,
    Nationality,
    national_force_specs,
)


def _ids(mentions: list[ActorMention]) -> list[str]:
    return [m.actor.id for m in mentions]


class TestPackagedData:
    def test_is_cached(self, reg: ActorRegistry) -> None:
        assert ActorRegistry.default() is reg

    def test_ids_are_unique_and_types_valid(self, reg: ActorRegistry) -> None:
        actors = reg.all()
        assert len(actors) >= 80
        assert len({a.id for a in actors}) == len(actors)
        assert all(isinstance(a.type, ActorType) for a in actors)

    @pytest.mark.parametrize(
        ("actor_id", "actor_type", "country"),
        [
            ("popular-mobilization-forces", ActorType.STATE_FORCES, "IQ"),
            ("asaib-ahl-al-haq", ActorType.POLITICAL_MILITIA, "IQ"),
            ("islamic-state", ActorType.REBEL_GROUP, None),
            ("turkish-forces", ActorType.EXTERNAL_FORCES, "TR"),
            ("protesters", ActorType.PROTESTERS, None),
            ("tribal-militia", ActorType.IDENTITY_MILITIA, None),
            ("civilians", ActorType.CIVILIANS, None),
            ("rioters", ActorType.RIOTERS, None),
        ],
    )
    def test_types_follow_acled(
        self, reg: ActorRegistry, actor_id: str, actor_type: ActorType, country: str | None
    ) -> None:
        actor = reg.get(actor_id)
        assert actor is not None
        assert actor.type is actor_type
        assert actor.country == country

    def test_security_media_cell_is_a_source_not_an_actor(self, reg: ActorRegistry) -> None:
        assert reg.lookup("Iraqi Security Media Cell") == []
        assert reg.find_mentions("The Security Media Cell said nobody was hurt.") == []

    def test_about_documents_the_schema(self) -> None:
        path = Path(__file__).resolve().parents[3] / "bot" / "data" / "actors.json"
        document = json.loads(path.read_text(encoding="utf-8"))
        assert "aliases" in document["about"]
        assert "type" in document["about"]

    def test_get_returns_copies(self, reg: ActorRegistry) -> None:
        first = reg.get("hamas")
        assert first is not None
        first.name = "changed"
        again = reg.get("hamas")
        assert again is not None
        assert again.name == "Hamas"


class TestLookup:
    @pytest.mark.parametrize(
        "name",
        ["AAH", "Asa'ib Ahl al-Haq", "Asaib Ahl al-Haq", "asa’ib ahl al haq",
         "League of the Righteous", "Khazali network", "عصائب أهل الحق", "asaib-ahl-al-haq"],
    )  # fmt: skip
    def test_asaib_spellings(self, reg: ActorRegistry, name: str) -> None:
        assert [a.id for a in reg.lookup(name)] == ["asaib-ahl-al-haq"]

    @pytest.mark.parametrize("name", ["Daesh", "ISIS", "ISIL", "IS", "Islamic State", "داعش"])
    def test_islamic_state_spellings(self, reg: ActorRegistry, name: str) -> None:
        assert [a.id for a in reg.lookup(name)] == ["islamic-state"]

    def test_two_letter_acronyms_need_capitals(self, reg: ActorRegistry) -> None:
        assert reg.lookup("is") == []
        assert reg.lookup("kh") == []
        assert [a.id for a in reg.lookup("KH")] == ["kataib-hezbollah"]

    def test_hezbollah_alone_is_lebanese(self, reg: ActorRegistry) -> None:
        assert [a.id for a in reg.lookup("Hezbollah")] == ["hezbollah"]
        assert [a.id for a in reg.lookup("Kataib Hezbollah")] == ["kataib-hezbollah"]
        assert [a.id for a in reg.lookup("Hezbollah Brigades")] == ["kataib-hezbollah"]

    @pytest.mark.parametrize(
        "name", ["Ezidxane Security Forces", "Ezidxan Security Forces", "Yezidi forces"]
    )
    def test_yazidi_force_full_names(self, reg: ActorRegistry, name: str) -> None:
        assert [a.id for a in reg.lookup(name)] == ["yazidi-forces"]

    @pytest.mark.parametrize(
        ("name", "actor_id"),
        [
            ("junta troops", "military-forces"),
            ("junta forces", "military-forces"),
            ("government soldiers", "military-forces"),
            ("unidentified armed groups", "unidentified-armed-group"),
            ("bandit militias", "bandits"),
            ("police personnel", "police-forces"),
            ("gangs", "unidentified-armed-group"),
            ("cartel hitmen", "unidentified-armed-group"),
        ],
    )
    def test_generic_plural_phrasings(self, reg: ActorRegistry, name: str, actor_id: str) -> None:
        assert [a.id for a in reg.lookup(name)] == [actor_id]

    def test_adjectival_singulars_are_not_actors(self, reg: ActorRegistry) -> None:
        assert reg.find_mentions("It was a terrorist attack on a militant hideout.") == []

    @pytest.mark.parametrize(
        ("name", "actor_id"),
        [
            ("KNLA", "karen-national-union"),
            ("KNDF", "karenni-nationalities-defense-force"),
            ("Chinland Defence Force", "chinland-defense-force"),
            ("MONUSCO", "un-peacekeepers"),
            ("blue helmets", "un-peacekeepers"),
        ],
    )
    def test_more_armed_groups_and_missions(
        self, reg: ActorRegistry, name: str, actor_id: str
    ) -> None:
        assert [a.id for a in reg.lookup(name)] == [actor_id]

    def test_civilian_jtf_is_a_militia_not_civilians(self, reg: ActorRegistry) -> None:
        mentions = reg.find_mentions("Civilian JTF members repelled the raid.")
        assert _ids(mentions) == ["civilian-joint-task-force"]

    @pytest.mark.parametrize(
        ("name", "actor_id"),
        [
            ("Pakistani airstrikes", "pakistani-forces"),
            ("Nigerian Navy", "nigerian-forces"),
            ("Nigeria Air Force", "nigerian-forces"),
            ("Ukraine's troops", "ukrainian-forces"),
            ("Turkish warplanes", "turkish-forces"),
        ],
    )
    def test_air_naval_units_and_strikes_by_nationality(
        self, reg: ActorRegistry, name: str, actor_id: str
    ) -> None:
        assert [a.id for a in reg.lookup(name)] == [actor_id]

    def test_unknown(self, reg: ActorRegistry) -> None:
        assert reg.lookup("Nonexistent Brigade of Nowhere") == []
        assert reg.lookup("") == []

    def test_aliases(self, reg: ActorRegistry) -> None:
        aliases = reg.aliases("asaib-ahl-al-haq")
        assert "AAH" in aliases
        assert "Asaib Ahl al-Haq" not in aliases  # the canonical name is not an alias
        assert reg.aliases("no-such-actor") == []


class TestSuggest:
    def test_misspelt_faction(self, reg: ActorRegistry) -> None:
        assert reg.suggest("Kataib Hezbolah")[0].id == "kataib-hezbollah"
        assert reg.suggest("Asaib ahl haq")[0].id == "asaib-ahl-al-haq"

    def test_limit_and_empty(self, reg: ActorRegistry) -> None:
        assert len(reg.suggest("Hashd", limit=2)) <= 2
        assert reg.suggest("") == []


class TestFindMentions:
    def test_factions_in_a_paragraph(self, reg: ActorRegistry) -> None:
        text = (
            "Members of Saraya al-Salam exchanged fire with Asa'ib Ahl al-Haq in Basra, while "
            "the PMF said KH had no part in it. Sadr's supporters later withdrew."
        )
        mentions = reg.find_mentions(text)
        assert _ids(mentions) == [
            "saraya-al-salam",
            "asaib-ahl-al-haq",
            "popular-mobilization-forces",
            "kataib-hezbollah",
            "sadrist-movement",
        ]
        for mention in mentions:
            assert text[mention.start : mention.end] == mention.surface

    def test_lowercase_is_never_islamic_state(self, reg: ActorRegistry) -> None:
        assert reg.find_mentions("It is what it is, and this is it.") == []

    def test_capital_is_is_islamic_state(self, reg: ActorRegistry) -> None:
        assert _ids(reg.find_mentions("Police blamed IS for the blast.")) == [
            "police-forces",
            "islamic-state",
        ]

    def test_is_in_a_shouted_headline_is_ignored(self, reg: ActorRegistry) -> None:
        assert reg.find_mentions("WHAT IS NEXT FOR THE REGION") == []

    def test_longest_alias_wins(self, reg: ActorRegistry) -> None:
        mentions = reg.find_mentions("Kataib Hezbollah and Hezbollah both denied it.")
        assert [m.surface for m in mentions] == ["Kataib Hezbollah", "Hezbollah"]
        assert _ids(mentions) == ["kataib-hezbollah", "hezbollah"]
        assert _ids(reg.find_mentions("ISIS militants and Daesh remnants")) == [
            "islamic-state",
            "islamic-state",
        ]

    def test_arabic_alias(self, reg: ActorRegistry) -> None:
        assert _ids(reg.find_mentions("اشتباكات بين سرايا السلام و عصائب أهل الحق")) == [
            "saraya-al-salam",
            "asaib-ahl-al-haq",
        ]

    def test_generic_actors(self, reg: ActorRegistry) -> None:
        text = "Unidentified gunmen shot a shepherd; tribal gunmen and security forces clashed."
        assert _ids(reg.find_mentions(text)) == [
            "unidentified-armed-group",
            "civilians",
            "tribal-militia",
            "security-forces",
        ]

    def test_word_boundaries(self, reg: ActorRegistry) -> None:
        assert reg.find_mentions("Badrah and Hamasaki") == []

    def test_empty(self, reg: ActorRegistry) -> None:
        assert reg.find_mentions("") == []


class TestFromFile:
    def test_merges_new_and_existing_actors(self, tmp_path: Path) -> None:
        path = tmp_path / "extra.json"
        path.write_text(
            json.dumps(
                {
                    "actors": [
                        {
                            "id": "albu-mohammed-tribe",
                            "name": "Albu Mohammed Tribal Militia",
                            "type": "identity_militia",
                            "country": "IQ",
                            "aliases": ["Albu Mohammed tribe", "Al Bu Mohammed"],
                        },
                        {
                            "id": "asaib-ahl-al-haq",
                            "name": "Asaib Ahl al-Haq",
                            "type": "political_militia",
                            "country": "IQ",
                            "aliases": ["Khazali's men"],
                        },
                    ]
                }
            ),
            encoding="utf-8",
        )
        reg = ActorRegistry.from_file(path)
        assert [a.id for a in reg.lookup("Albu Mohammed tribe")] == ["albu-mohammed-tribe"]
        assert [a.id for a in reg.lookup("Khazali's men")] == ["asaib-ahl-al-haq"]
        assert [a.id for a in reg.lookup("AAH")] == ["asaib-ahl-al-haq"]  # old aliases kept
        assert len(reg.all()) == len(ActorRegistry.default().all()) + 1
        assert _ids(reg.find_mentions("Al Bu Mohammed fighters")) == ["albu-mohammed-tribe"]

    def test_accepts_a_bare_list(self, tmp_path: Path) -> None:
        path = tmp_path / "extra.json"
        path.write_text(
            json.dumps([{"id": "x-brigade", "name": "X Brigade", "type": "rebel_group"}]),
            encoding="utf-8",
        )
        assert ActorRegistry.from_file(path).get("x-brigade") is not None

    def test_bad_json_is_a_clear_error(self, tmp_path: Path) -> None:
        path = tmp_path / "extra.json"
        path.write_text("{not json", encoding="utf-8")
        with pytest.raises(ActorFileError, match="not valid JSON"):
            ActorRegistry.from_file(path)

    def test_bad_type_names_the_entry(self, tmp_path: Path) -> None:
        path = tmp_path / "extra.json"
        path.write_text(
            json.dumps({"actors": [{"id": "y", "name": "Y", "type": "warlords"}]}),
            encoding="utf-8",
        )
        with pytest.raises(ActorFileError, match=r"actor #1 \(y\): type"):
            ActorRegistry.from_file(path)

    def test_missing_file(self, tmp_path: Path) -> None:
        with pytest.raises(ActorFileError, match="cannot read"):
            ActorRegistry.from_file(tmp_path / "absent.json")

    def test_yaml_is_refused_clearly(self, tmp_path: Path) -> None:
        path = tmp_path / "extra.yaml"
        path.write_text("actors: []", encoding="utf-8")
        with pytest.raises(ActorFileError, match="JSON"):
            ActorRegistry.from_file(path)


class TestWithExtra:
    def test_adds_database_actors(self, reg: ActorRegistry) -> None:
        ref = ActorRef(id="jurf-guards", name="Jurf Guards", type=ActorType.POLITICAL_MILITIA)
        extended = reg.with_extra([(ref, ["JG Unit", "Guards of Jurf"])])
        assert extended.get("jurf-guards") == ref
        assert [a.id for a in extended.lookup("Guards of Jurf")] == ["jurf-guards"]
        assert _ids(extended.find_mentions("The JG Unit fired rockets.")) == ["jurf-guards"]
        assert reg.get("jurf-guards") is None  # the original is unchanged

    def test_empty_extra_keeps_everything(self, reg: ActorRegistry) -> None:
        assert len(reg.with_extra([]).all()) == len(reg.all())


class TestHierarchyAndRoles:
    def test_faction_belongs_to_pmf_which_belongs_to_isf(self, reg: ActorRegistry) -> None:
        assert [a.id for a in reg.part_of("kataib-hezbollah")] == [
            "popular-mobilization-forces",
            "iraqi-security-forces",
        ]
        assert [a.id for a in reg.part_of("iraqi-army")] == ["iraqi-security-forces"]
        assert reg.part_of("hamas") == []
        assert reg.part_of("no-such-actor") == []

    def test_country_forces_for_generic_mentions(self, reg: ActorRegistry) -> None:
        security = reg.country_force("IQ", "security")
        military = reg.country_force("iq", "military")
        police = reg.country_force("IQ", "police")
        assert security is not None
        assert military is not None
        assert police is not None
        assert (security.id, military.id, police.id) == (
            "iraqi-security-forces",
            "iraqi-army",
            "iraqi-police",
        )
        somali = reg.country_force("SO", "security")
        assert somali is not None
        assert somali.id == "somali-forces"
        assert reg.country_force("AQ", "police") is None

    def test_every_part_of_points_to_a_known_actor(self, reg: ActorRegistry) -> None:
        ids = {a.id for a in reg.all()}
        for actor in reg.all():
            for parent in reg.part_of(actor.id):
                assert parent.id in ids

    def test_cycles_in_admin_files_do_not_hang(self, tmp_path: Path) -> None:
        path = tmp_path / "extra.json"
        path.write_text(
            json.dumps(
                [
                    {"id": "a-unit", "name": "A", "type": "rebel_group", "part_of": "b-unit"},
                    {"id": "b-unit", "name": "B", "type": "rebel_group", "part_of": "a-unit"},
                ]
            ),
            encoding="utf-8",
        )
        assert [a.id for a in ActorRegistry.from_file(path).part_of("a-unit")] == ["b-unit"]


class TestMoreConflicts:
    def test_mixed_case_acronyms_need_their_case(self, reg: ActorRegistry) -> None:
        assert reg.find_mentions("Let them go, he said.") == []
        assert _ids(reg.find_mentions("LeT claimed the attack.")) == ["lashkar-e-taiba"]

    def test_sources_are_not_actors(self, reg: ActorRegistry) -> None:
        assert reg.find_mentions("AFP and Reuters reported the attack.") == []

    @pytest.mark.parametrize(
        ("text", "actor_id"),
        [
            ("Armed bandits raided the village.", "bandits"),
            ("Suspected jihadists ambushed the convoy.", "jihadist-militants"),
            ("Pakistani police returned fire.", "pakistani-forces"),
            ("The Burkina Faso army said it repelled them.", "burkina-faso-forces"),
            ("VDP volunteers were killed.", "vdp"),
            ("A Turkish airstrike hit the camp.", "turkish-forces"),
            ("An unidentified drone struck the car.", "unidentified-armed-group"),
        ],
    )
    def test_names_seen_in_reports(self, reg: ActorRegistry, text: str, actor_id: str) -> None:
        assert _ids(reg.find_mentions(text)) == [actor_id]


class TestArabicProclitics:
    def test_glued_waw(self, reg: ActorRegistry) -> None:
        assert _ids(reg.find_mentions("والحشد الشعبي وعصائب أهل الحق")) == [
            "popular-mobilization-forces",
            "asaib-ahl-al-haq",
        ]


_PIECES = ["AAH", "IS", " is ", "Asa'ib", "’s", " ", "-", "الحشد", "و", "\u064e", "ﬁ",
           "\n\n", "gunmen", "Hezbollah", "Kataib", "KH", ","]  # fmt: skip


class TestAnyText:
    @settings(max_examples=200, deadline=None)
    @given(st.one_of(st.text(max_size=60), st.lists(st.sampled_from(_PIECES)).map("".join)))
    def test_spans_point_into_the_text_and_nothing_raises(self, text: str) -> None:
        reg = ActorRegistry.default()
        for mention in reg.find_mentions(text):
            assert text[mention.start : mention.end] == mention.surface
        reg.lookup(text)
        reg.suggest(text)


class TestNationalForces:
    """Generic national forces come from the nationality table, for every country."""

    @pytest.mark.parametrize(
        ("text", "actor_id"),
        [
            ("Kenyan police dispersed the crowd.", "police-forces-ke"),
            ("Two Chadian soldiers died.", "military-forces-td"),
            ("A Tunisian policeman was stabbed.", "police-forces-tn"),
            ("Kenya's army moved in.", "military-forces-ke"),
            ("The Egyptian army said so.", "military-forces-eg"),
        ],
    )
    def test_countries_without_an_entry_get_acled_style_forces(
        self, reg: ActorRegistry, text: str, actor_id: str
    ) -> None:
        assert _ids(reg.find_mentions(text)) == [actor_id]

    def test_generated_actor_names_follow_acled(self, reg: ActorRegistry) -> None:
        kenya = reg.get("military-forces-ke")
        assert kenya is not None
        assert kenya.name == "Military Forces of Kenya"
        assert kenya.type is ActorType.STATE_FORCES
        assert kenya.country == "KE"
        assert reg.country_force("KE", "police") == reg.get("police-forces-ke")
        assert reg.country_force("KE", "security") == kenya

    @pytest.mark.parametrize(
        ("text", "actor_id"),
        [
            ("Pakistani police said four were hurt.", "pakistani-forces"),
            ("A Ukrainian soldier was wounded.", "ukrainian-forces"),
            ("Nigerian policemen were ambushed.", "nigerian-forces"),
            ("The Burkina Faso army responded.", "burkina-faso-forces"),
        ],
    )
    def test_countries_with_an_entry_reuse_it(
        self, reg: ActorRegistry, text: str, actor_id: str
    ) -> None:
        assert _ids(reg.find_mentions(text)) == [actor_id]

    def test_existing_meanings_are_kept(self, reg: ActorRegistry) -> None:
        # The registry says Israeli security forces are the police; the table must not override.
        assert _ids(reg.find_mentions("Israeli security forces raided it.")) == ["israeli-police"]

    def test_pure_function_on_a_small_table(self) -> None:
        base = [
            ActorSpec(id="xa-army", name="Xa army", type=ActorType.STATE_FORCES, country="XA",
                      roles=["military"])
        ]  # fmt: skip
        table = [Nationality(country="XA", names=("Xaland",), adjectives=("Xan",))]
        specs = {s.id: s for s in national_force_specs(base, table)}
        assert "Xan soldiers" in specs["xa-army"].aliases
        assert specs["police-forces-xa"].name == "Police Forces of Xaland"
        assert "Xaland police" in specs["police-forces-xa"].aliases
        assert "military-forces-xa" not in specs


class TestConflictGroups:
    @pytest.mark.parametrize(
        ("text", "actor_id"),
        [
            ("Baloch separatists attacked a convoy.", "baloch-separatists"),
            ("TPLF forces shelled the town.", "tplf"),
            ("OLA fighters ambushed a bus.", "ola"),
            ("Mai-Mai fighters raided a mine.", "mai-mai"),
            ("Anti-balaka militias burned houses.", "anti-balaka"),
            ("Insurgents stormed the post.", "unidentified-armed-group"),
        ],
    )
    def test_groups_of_other_conflicts(self, reg: ActorRegistry, text: str, actor_id: str) -> None:
        assert _ids(reg.find_mentions(text)) == [actor_id]


class TestHomonyms:
    """One alias owned by actors of two countries means the one the text is about."""

    @pytest.fixture
    def small(self) -> ActorRegistry:
        return ActorRegistry(
            [
                ActorSpec(id="xa-army", name="Xa National Army", type=ActorType.STATE_FORCES,
                          country="SO", aliases=["XNA"]),
                ActorSpec(id="ya-army", name="Ya National Army", type=ActorType.REBEL_GROUP,
                          country="SY", aliases=["XNA"]),
            ]
        )  # fmt: skip

    def test_without_a_hint_the_first_in_data_order(self, small: ActorRegistry) -> None:
        assert _ids(small.find_mentions("XNA troops moved.")) == ["xa-army"]

    def test_a_country_word_in_the_text(self, small: ActorRegistry) -> None:
        assert _ids(small.find_mentions("XNA troops moved near the Syrian border.")) == ["ya-army"]

    def test_an_explicit_country(self, small: ActorRegistry) -> None:
        assert _ids(small.find_mentions("XNA troops moved.", "SY")) == ["ya-army"]

    def test_lookup_lists_both(self, small: ActorRegistry) -> None:
        assert {a.id for a in small.lookup("XNA")} == {"xa-army", "ya-army"}

    def test_localize(self, small: ActorRegistry) -> None:
        xa = small.get("xa-army")
        assert xa is not None
        assert small.localize(xa, "sy").id == "ya-army"
        assert small.localize(xa, "SO").id == "xa-army"
        assert small.localize(xa, "").id == "xa-army"


class TestLabels:
    """Labels are names analysts write: found by lookup, listed as aliases, never in text."""

    @pytest.fixture
    def small(self) -> ActorRegistry:
        return ActorRegistry(
            [
                ActorSpec(id="herder-militia", name="Herder militia",
                          type=ActorType.IDENTITY_MILITIA, aliases=["armed herders"],
                          labels=["herders"]),
            ]
        )  # fmt: skip

    def test_lookup_finds_a_label(self, small: ActorRegistry) -> None:
        assert [a.id for a in small.lookup("Herders")] == ["herder-militia"]

    def test_labels_are_listed_with_the_aliases(self, small: ActorRegistry) -> None:
        assert small.aliases("herder-militia") == ["armed herders", "herders"]

    def test_running_text_ignores_labels(self, small: ActorRegistry) -> None:
        assert small.find_mentions("Gunmen killed four herders.") == []
        assert _ids(small.find_mentions("Armed herders attacked.")) == ["herder-militia"]

    def test_an_admin_file_adds_labels(self, tmp_path: Path) -> None:
        path = tmp_path / "extra.json"
        path.write_text(
            json.dumps([{"id": "fulani-militia", "name": "Fulani ethnic militia",
                         "type": "identity_militia", "labels": ["Peul herders"]}]),
            encoding="utf-8",
        )  # fmt: skip
        registry = ActorRegistry.from_file(path)
        assert [a.id for a in registry.lookup("Peul herders")] == ["fulani-militia"]
        assert [a.id for a in registry.lookup("herders")] == ["fulani-militia"]


class TestNotActors:
    """Phrases that contain an actor's name without naming a party are dropped."""

    @pytest.fixture
    def small(self) -> ActorRegistry:
        spec = ActorSpec(id="xa-group", name="Xa Front", type=ActorType.REBEL_GROUP,
                         aliases=["Xa"])  # fmt: skip
        return ActorRegistry([spec], not_actors=["Xa-run health ministry", "Xa-held"])

    def test_a_source_run_by_the_group(self, small: ActorRegistry) -> None:
        text = "Ten died, the Xa-run health ministry said."
        assert small.find_mentions(text) == []

    def test_a_place_the_group_holds(self, small: ActorRegistry) -> None:
        assert _ids(small.find_mentions("Jets struck Xa-held villages; Xa fired back.")) == [
            "xa-group"
        ]

    def test_with_extra_keeps_them(self, small: ActorRegistry) -> None:
        assert small.with_extra([]).find_mentions("the Xa-held town") == []

    def test_packaged_phrases(self, reg: ActorRegistry) -> None:
        assert reg.find_mentions("Four died, the Hamas-run health ministry said.") == []
        assert reg.find_mentions("Amaq news agency published a claim.") == []
        assert _ids(reg.find_mentions("Hamas fighters fired at Houthi-held Hodeidah.")) == [
            "hamas"
        ]

    def test_an_admin_file_keeps_the_packaged_phrases(self, tmp_path: Path) -> None:
        path = tmp_path / "extra.json"
        path.write_text("[]", encoding="utf-8")
        registry = ActorRegistry.from_file(path)
        assert registry.find_mentions("the Hamas-run health ministry") == []
