"""Tests for the packaged gazetteer: lookup, ranking, mentions in running text, suggestions."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.domain.enums import GeoPrecision
from bot.extract.gazetteer import Gazetteer, GazetteerEntry, PlaceMention

BASRA_CITY = "gn:99532"


@pytest.fixture(scope="module")
def gaz() -> Gazetteer:
    return Gazetteer.default()


def _keys(entries: list[GazetteerEntry]) -> list[str]:
    return [entry.key for entry in entries]


def _surfaces(mentions: list[PlaceMention]) -> list[str]:
    return [mention.surface for mention in mentions]


def _best(mentions: list[PlaceMention], surface: str) -> GazetteerEntry:
    for mention in mentions:
        if mention.surface == surface:
            return mention.candidates[0]
    raise AssertionError(f"{surface!r} not among {_surfaces(mentions)}")


class TestDefault:
    def test_is_cached(self, gaz: Gazetteer) -> None:
        assert Gazetteer.default() is gaz

    def test_covers_world_cities_and_iraqi_towns(self, gaz: Gazetteer) -> None:
        assert len(gaz) > 30_000
        assert gaz.get("gn:90393") is not None  # Tal Afar, only in cities1000 and below


class TestLookupBasra:
    @pytest.mark.parametrize(
        "name", ["Basra", "Basrah", "al-Basra", "Al Basrah", "البصرة", "BASRA"]
    )
    def test_spellings_find_the_city_first(self, gaz: Gazetteer, name: str) -> None:
        results = gaz.lookup(name)
        assert results[0].key == BASRA_CITY
        assert results[0].name == "Basra"
        assert results[0].admin1 == "Basra"
        assert results[0].admin1_code == "IQ-BA"
        assert results[0].timezone == "Asia/Baghdad"

    def test_city_and_governorate_both_come_back_city_first(self, gaz: Gazetteer) -> None:
        kinds = [(e.key, e.kind) for e in gaz.lookup("Basra")[:2]]
        assert kinds == [(BASRA_CITY, "place"), ("IQ-BA", "admin1")]

    def test_old_basra_does_not_outrank_basra(self, gaz: Gazetteer) -> None:
        results = _keys(gaz.lookup("البصرة"))
        assert "gn:388349" not in results[:2]

    def test_mosul_beats_new_mosul(self, gaz: Gazetteer) -> None:
        assert gaz.lookup("Mosul")[0].key == "gn:99072"
        assert gaz.lookup("الموصل")[0].key == "gn:99072"

    def test_province_suffix_asks_for_the_governorate(self, gaz: Gazetteer) -> None:
        assert gaz.lookup("Basra province")[0].key == "IQ-BA"
        assert gaz.lookup("Basra governorate")[0].key == "IQ-BA"


class TestLookupGovernorates:
    @pytest.mark.parametrize(
        ("name", "code"),
        [
            ("Dhi Qar", "IQ-DQ"),
            ("Thi-Qar", "IQ-DQ"),
            ("Thi Qar", "IQ-DQ"),
            ("Nineveh", "IQ-NI"),
            ("Ninawa", "IQ-NI"),
            ("Ninewa", "IQ-NI"),
            ("Maysan", "IQ-MA"),
            ("Missan", "IQ-MA"),
            ("Salahuddin", "IQ-SD"),
            ("Salah al-Din", "IQ-SD"),
            ("Anbar", "IQ-AN"),
            ("al-Anbar", "IQ-AN"),
            ("Babylon", "IQ-BB"),
            ("Qadisiyah", "IQ-QA"),
            ("Muthanna", "IQ-MU"),
            ("Wasit", "IQ-WA"),
            ("Diyala", "IQ-DI"),
            ("Tamim", "IQ-KI"),
            ("Kurdistan Region", "IQ-KR"),
            ("Halabja", "IQ-19"),
            ("ذي قار", "IQ-DQ"),
            ("Deir ez-Zor", "SY-DY"),
            ("Rif Dimashq", "SY-RD"),
        ],
    )
    def test_names_resolve_to_the_governorate(self, gaz: Gazetteer, name: str, code: str) -> None:
        codes = [e.key for e in gaz.lookup(name) if e.kind == "admin1"]
        assert codes[:1] == [code]

    def test_all_eighteen_iraqi_governorates_present(self, gaz: Gazetteer) -> None:
        codes = ["AN", "BA", "MU", "QA", "SU", "BB", "BG", "DA", "DQ", "DI", "AR", "KA", "KI",
                 "MA", "NI", "WA", "NA", "SD"]  # fmt: skip
        for code in codes:
            entry = gaz.get(f"IQ-{code}")
            assert entry is not None
            assert entry.kind == "admin1"
            assert entry.country == "IQ"

    def test_governorate_admin1_is_itself(self, gaz: Gazetteer) -> None:
        basra = gaz.get("IQ-BA")
        assert basra is not None
        assert gaz.admin1_of(basra) == basra


class TestSubPlaces:
    def test_green_zone_is_in_baghdad(self, gaz: Gazetteer) -> None:
        green = gaz.lookup("Green Zone")[0]
        assert green.parent_key == "gn:98182"
        assert green.admin1_code == "IQ-BG"

    @pytest.mark.parametrize("name", ["Garmat Ali", "Zubair", "Az Zubayr", "Umm Qasr", "Qurna"])
    def test_basra_surroundings_resolve_to_basra_governorate(
        self, gaz: Gazetteer, name: str
    ) -> None:
        entry = gaz.lookup(name)[0]
        admin1 = gaz.admin1_of(entry)
        assert admin1 is not None
        assert admin1.key == "IQ-BA"
        assert admin1.name == "Basra"

    @pytest.mark.parametrize(
        ("name", "admin1"),
        [
            ("Sadr City", "IQ-BG"),
            ("Tal Afar", "IQ-NI"),
            ("Jurf al-Sakhar", "IQ-BB"),
            ("Tarmiyah", "IQ-BG"),
            ("Tuz Khurmatu", "IQ-SD"),
            ("Sinjar", "IQ-NI"),
            ("Jalawla", "IQ-DI"),
            ("Majar al-Kabir", "IQ-MA"),
            ("Suq al-Shuyukh", "IQ-DQ"),
            ("Qal'at Salih", "IQ-MA"),
        ],
    )
    def test_towns_and_districts(self, gaz: Gazetteer, name: str, admin1: str) -> None:
        entry = gaz.lookup(name)[0]
        assert entry.kind == "place"
        assert entry.country == "IQ"
        assert entry.admin1_code == admin1

    def test_coordinates_are_in_iraq(self, gaz: Gazetteer) -> None:
        for name in ["Green Zone", "Garmat Ali", "Jurf al-Sakhar", "Sinune", "Kumait"]:
            entry = gaz.lookup(name)[0]
            assert 29.0 < entry.lat < 37.5
            assert 38.7 < entry.lon < 48.7


class TestToLocation:
    def test_place_location(self, gaz: Gazetteer) -> None:
        location = gaz.lookup("Basra")[0].to_location()
        assert location.geonames_id == 99532
        assert location.admin1 == "Basra"
        assert location.admin1_code == "IQ-BA"
        assert location.geo_precision is GeoPrecision.POINT
        assert location.key == "gn:99532"

    def test_governorate_location_is_admin1_precision(self, gaz: Gazetteer) -> None:
        location = gaz.lookup("Maysan")[0].to_location()
        assert location.geo_precision is GeoPrecision.ADMIN1
        assert location.geonames_id is None

    def test_sub_place_location_keeps_its_gazetteer_key(self, gaz: Gazetteer) -> None:
        location = gaz.lookup("Green Zone")[0].to_location()
        assert location.geonames_id is None
        assert location.key == "iq:green-zone"

    def test_explicit_precision(self, gaz: Gazetteer) -> None:
        location = gaz.lookup("Basra")[0].to_location(GeoPrecision.NEAR)
        assert location.geo_precision is GeoPrecision.NEAR


class TestCountryPrior:
    def test_prior_moves_matching_country_first(self, gaz: Gazetteer) -> None:
        plain = gaz.lookup("Tripoli")
        assert {e.country for e in plain} >= {"LY", "LB"}
        assert gaz.lookup("Tripoli", country="LB")[0].country == "LB"
        assert gaz.lookup("Tripoli", country="LY")[0].country == "LY"

    def test_unknown_name_and_blank(self, gaz: Gazetteer) -> None:
        assert gaz.lookup("Qwxzplace") == []
        assert gaz.lookup("   ") == []


class TestFindMentions:
    def test_sadr_city_but_not_the_cleric(self, gaz: Gazetteer) -> None:
        mentions = gaz.find_mentions("Clashes broke out in Sadr City overnight.")
        assert _surfaces(mentions) == ["Sadr City"]
        assert mentions[0].candidates[0].key == "gn:7802746"
        assert gaz.find_mentions("Muqtada al-Sadr urged his followers to go home.") == []

    def test_police_said_is_not_poland(self, gaz: Gazetteer) -> None:
        assert gaz.find_mentions("Police said two men were detained.") == []

    def test_lowercase_words_are_not_places(self, gaz: Gazetteer) -> None:
        assert gaz.find_mentions("the man said it was a nice day for reading in the bath") == []

    def test_all_caps_dateline_is_recognised(self, gaz: Gazetteer) -> None:
        mentions = gaz.find_mentions("ERBIL, Kurdistan Region - Two drones fell near Makhmour.")
        assert _surfaces(mentions) == ["ERBIL", "Kurdistan Region", "Makhmour"]
        assert mentions[0].candidates[0].key == "gn:95446"
        assert mentions[1].candidates[0].key == "IQ-KR"
        assert (mentions[0].start, mentions[0].end) == (0, 5)

    def test_article_is_part_of_the_span(self, gaz: Gazetteer) -> None:
        text = "Gunmen opened fire in al-Basra late on Wednesday."
        mentions = gaz.find_mentions(text)
        assert _surfaces(mentions) == ["al-Basra"]
        assert text[mentions[0].start : mentions[0].end] == "al-Basra"
        assert mentions[0].candidates[0].key == BASRA_CITY

    def test_longest_match_wins(self, gaz: Gazetteer) -> None:
        mentions = gaz.find_mentions("Fighting spread to the Green Zone and to Basra province.")
        assert _surfaces(mentions) == ["Green Zone", "Basra province"]
        assert mentions[1].candidates[0].key == "IQ-BA"

    def test_a_paragraph(self, gaz: Gazetteer) -> None:
        text = (
            "Armed men attacked a checkpoint near Garmat Ali, north of Basra, and a second "
            "group clashed with police in Zubair. Tuesday's violence followed a drone strike "
            "near Sinjar, in Nineveh, and a rocket attack on Qal'at Salih in Maysan. "
            "Protesters also gathered in Nasiriyah, Dhi Qar, and in Thi-Qar's capital."
        )
        mentions = gaz.find_mentions(text)
        assert _surfaces(mentions) == [
            "Garmat Ali", "Basra", "Zubair", "Sinjar", "Nineveh", "Qal'at Salih", "Maysan",
            "Nasiriyah", "Dhi Qar", "Thi-Qar",
        ]  # fmt: skip
        assert _best(mentions, "Sinjar").key == "gn:448149"
        assert _best(mentions, "Thi-Qar").key == "IQ-DQ"
        for mention in mentions:
            assert text[mention.start : mention.end] == mention.surface

    def test_arabic_script(self, gaz: Gazetteer) -> None:
        mentions = gaz.find_mentions("اشتباكات في البصرة")
        assert _surfaces(mentions) == ["البصرة"]
        assert mentions[0].candidates[0].key == BASRA_CITY

    def test_countries_are_mentions_too(self, gaz: Gazetteer) -> None:
        mentions = gaz.find_mentions("Turkish drones struck targets in Iraq and Syria.")
        assert [m.candidates[0].key for m in mentions] == ["IQ", "SY"]

    def test_word_boundaries(self, gaz: Gazetteer) -> None:
        assert gaz.find_mentions("Basraville and Mosuls") == []

    def test_empty_text(self, gaz: Gazetteer) -> None:
        assert gaz.find_mentions("") == []


class TestSuggest:
    def test_misspelling(self, gaz: Gazetteer) -> None:
        suggestions = gaz.suggest("Basrra")
        assert BASRA_CITY in _keys(suggestions)
        assert suggestions[0].name == "Basra"

    def test_limit(self, gaz: Gazetteer) -> None:
        assert len(gaz.suggest("Kerkuk", limit=2)) <= 2
        assert gaz.suggest("Kerkuk", limit=2)[0].name == "Kirkuk"
        assert gaz.suggest("Kerkuk", limit=0) == []

    def test_empty(self, gaz: Gazetteer) -> None:
        assert gaz.suggest("") == []


class TestWorldDivisions:
    @pytest.mark.parametrize(
        ("name", "key", "country"),
        [
            ("Zamfara", "NG-ZA", "NG"),
            ("Khyber Pakhtunkhwa", "PK-KP", "PK"),
            ("Rakhine", "MM-16", "MM"),
            ("North Kivu", "CD-NK", "CD"),
            ("California", "US-CA", "US"),
        ],
    )
    def test_admin1_names_outside_the_hand_table(
        self, gaz: Gazetteer, name: str, key: str, country: str
    ) -> None:
        entry = next(e for e in gaz.lookup(name) if e.kind == "admin1")
        assert entry.key == key
        assert entry.country == country

    def test_world_cities_get_their_province(self, gaz: Gazetteer) -> None:
        peshawar = gaz.lookup("Peshawar")[0]
        assert peshawar.admin1 == "Khyber Pakhtunkhwa"
        assert peshawar.admin1_code == "PK-KP"

    def test_washington_is_the_city_before_the_state(self, gaz: Gazetteer) -> None:
        first = gaz.lookup("Washington")[0]
        assert first.kind == "place"
        assert first.admin1_code == "US-DC"

    def test_kurdistan_alone_means_the_kurdistan_region(self, gaz: Gazetteer) -> None:
        assert gaz.lookup("Kurdistan")[0].key == "IQ-KR"

    def test_english_articles_are_not_arabic_ones(self, gaz: Gazetteer) -> None:
        mentions = gaz.find_mentions("He described it as Iraq's worst week, at Abu's house.")
        assert _surfaces(mentions) == ["Iraq"]

    def test_short_all_caps_acronyms_far_away_are_ignored(self, gaz: Gazetteer) -> None:
        assert gaz.find_mentions("Analysts at MENA desks disagreed.") == []


class TestPersonNames:
    @pytest.mark.parametrize(
        "text",
        [
            "Spokesman Saad Maan said the road was reopened.",
            "Defence Secretary Lloyd Austin spoke by phone.",
            "Karim Khan, the prosecutor, visited.",
            "Nouri al-Maliki and Hadi al-Amiri met on Monday.",
        ],
    )
    def test_person_names_are_not_places(self, gaz: Gazetteer, text: str) -> None:
        assert gaz.find_mentions(text) == []

    def test_the_same_names_as_places_still_count(self, gaz: Gazetteer) -> None:
        mentions = gaz.find_mentions("Two rockets fell in Ma'an and near Austin.")
        assert _surfaces(mentions) == ["Ma'an", "Austin"]


class TestArabicProclitics:
    def test_glued_conjunctions_and_prepositions(self, gaz: Gazetteer) -> None:
        mentions = gaz.find_mentions("اشتباكات في البصرة وبغداد")
        assert [m.candidates[0].key for m in mentions] == [BASRA_CITY, "gn:98182"]
        assert mentions[1].surface == "بغداد"

    def test_other_glued_letters_are_not_a_boundary(self, gaz: Gazetteer) -> None:
        assert gaz.find_mentions("عبصرة") == []


class TestQualifiedLookup:
    def test_country_after_a_comma(self, gaz: Gazetteer) -> None:
        assert {e.country for e in gaz.lookup("Tripoli, Lebanon")} == {"LB"}
        assert gaz.lookup("Tripoli, Libya")[0].country == "LY"

    def test_governorate_after_a_comma(self, gaz: Gazetteer) -> None:
        assert gaz.lookup("Zubair, Basra")[0].key == "gn:98245"

    def test_city_after_a_comma(self, gaz: Gazetteer) -> None:
        assert gaz.lookup("Green Zone, Baghdad")[0].key == "iq:green-zone"

    def test_unknown_qualifier_falls_back_to_the_whole_name(self, gaz: Gazetteer) -> None:
        assert gaz.lookup("Basra, Nowhereland") == []
        assert gaz.lookup(", Basra") == []


_PIECES = ["Basra", "al-", "Sadr", " City", "’s", " ", "-", "البصرة", "و", "\u064e", "ﬁ", "ß",
           "\n\n", "'", "Green Zone", ",", "ERBIL", "Police", "Mosul"]  # fmt: skip


class TestAnyText:
    @settings(max_examples=200, deadline=None)
    @given(st.one_of(st.text(max_size=60), st.lists(st.sampled_from(_PIECES)).map("".join)))
    def test_spans_point_into_the_text_and_nothing_raises(self, text: str) -> None:
        gaz = Gazetteer.default()
        for mention in gaz.find_mentions(text):
            assert text[mention.start : mention.end] == mention.surface
            assert mention.candidates
        gaz.lookup(text)
        gaz.suggest(text)


class TestMentionCountryPrior:
    def test_prior_reorders_candidates(self, gaz: Gazetteer) -> None:
        plain = gaz.find_mentions("Shelling hit Taza overnight.")
        assert plain[0].candidates[0].country != "IQ"
        preferred = gaz.find_mentions("Shelling hit Taza overnight.", country="IQ")
        assert preferred[0].candidates[0].key == "gn:90199"


class TestStoplist:
    @pytest.mark.parametrize(
        "word",
        ["Police", "Of", "Man", "Best", "Mobile", "Union", "Independence", "Reading", "Nice",
         "Bath", "Split", "Along", "Mission", "Most", "Gold", "Wells", "Say", "Tuesday",
         "Islamic", "Shiite", "Sadr"],
    )  # fmt: skip
    def test_capitalised_common_words_are_not_places(self, gaz: Gazetteer, word: str) -> None:
        text = f"{word} the reports were confirmed."
        assert [m for m in gaz.find_mentions(text) if m.start == 0] == []

    def test_aden_is_a_real_place(self, gaz: Gazetteer) -> None:
        mentions = gaz.find_mentions("A car bomb exploded in Aden.")
        assert mentions[0].candidates[0].country == "YE"


class TestConflictCountryTowns:
    """Towns of >= 1,000 people in conflict countries are indexed; small ones need support."""

    @pytest.mark.parametrize(
        ("name", "country"),
        [("Sebba", "BF"), ("Datta Khel", "PK"), ("Tedim", "MM"), ("Velykomykhailivka", "UA")],
    )
    def test_small_towns_are_indexed(self, gaz: Gazetteer, name: str, country: str) -> None:
        entry = gaz.lookup(name)[0]
        assert entry.country == country
        assert entry.minor

    def test_focus_countries_and_big_towns_are_not_minor(self, gaz: Gazetteer) -> None:
        assert not gaz.get("gn:90393").minor  # type: ignore[union-attr]  # Tal Afar, Iraq
        assert not gaz.lookup("Mogadishu")[0].minor
        assert not gaz.lookup("Sindh")[0].minor  # a province

    def test_small_town_found_in_running_text(self, gaz: Gazetteer) -> None:
        mentions = gaz.find_mentions("Gunmen raided Sebba overnight, residents said.")
        assert _best(mentions, "Sebba").country == "BF"

    @pytest.mark.parametrize(
        "text",
        [
            "Residents of Kolo Sebba fled overnight.",  # part of a longer unknown name
            "Members of the Sebba Traders union met local officials on Monday.",
        ],
    )
    def test_small_town_inside_a_longer_name_is_not_the_town(
        self, gaz: Gazetteer, text: str
    ) -> None:
        assert "Sebba" not in _surfaces(gaz.find_mentions(text))

    def test_title_case_place_word_after_the_town_is_fine(self, gaz: Gazetteer) -> None:
        assert "Sebba" in _surfaces(gaz.find_mentions("Gunmen Attack Sebba Village"))

    def test_three_letter_small_towns_are_ignored(self, gaz: Gazetteer) -> None:
        mentions = gaz.find_mentions("Sam told reporters the road was shut.")
        assert not any(c.minor for m in mentions for c in m.candidates)


class TestConflictCountrySpellings:
    def test_another_spelling_of_a_conflict_country_town_matches(self, gaz: Gazetteer) -> None:
        mentions = gaz.find_mentions("Troops raided Jenin on Tuesday.")
        assert _best(mentions, "Jenin").country == "PS"

    def test_another_spelling_inside_a_longer_name_does_not(self, gaz: Gazetteer) -> None:
        # "Gizo" is an alternate spelling of Giza, Egypt; "Kofa Gizo" is some other place.
        mentions = gaz.find_mentions("Armed men raided the village of Kofa Gizo early on Tuesday.")
        assert all(c.country != "EG" for m in mentions for c in m.candidates)

    def test_congo_alone_is_the_democratic_republic(self, gaz: Gazetteer) -> None:
        assert gaz.lookup("Congo")[0].key == "CD"
        assert gaz.lookup("Republic of the Congo")[0].key == "CG"


class TestLowerCaseArticles:
    @pytest.mark.parametrize(
        "text",
        [
            "Shelling hit Deir ez-Zor overnight.",
            "Shelling hit Deir ez Zor overnight.",
            "Shelling hit Deir Ez-Zor overnight.",
        ],
    )
    def test_a_sun_letter_article_stays_inside_the_name(self, gaz: Gazetteer, text: str) -> None:
        [mention] = gaz.find_mentions(text)
        assert mention.candidates[0].name == "Deir ez-Zor"
        assert text[mention.start : mention.end].startswith("Deir")

    def test_a_lower_case_word_alone_is_still_no_name(self, gaz: Gazetteer) -> None:
        assert [m.surface for m in gaz.find_mentions("they es went et there en masse")] == []

    @pytest.mark.parametrize(
        ("text", "name"),
        [
            ("Gangs torched homes in Port-au-Prince overnight.", "Port-au-Prince"),
            ("Gunmen fired on a bus near Croix-des-Bouquets.", "Croix-des-Bouquets"),
        ],
    )
    def test_romance_particles_stay_inside_the_name(
        self, gaz: Gazetteer, text: str, name: str
    ) -> None:
        [mention] = gaz.find_mentions(text)
        assert mention.candidates[0].name == name


@pytest.mark.parametrize(
    ("name", "country", "admin1"),
    [
        ("Elgeyo Marakwet", "KE", "Elegeyo-Marakwet"),  # the ISO spelling finds GeoNames' name
        ("Extreme North", "CM", "Far North"),
        ("BARMM", "PH", "Autonomous Region in Muslim Mindanao"),
    ],
)
def test_common_spellings_of_provinces_find_them(
    gaz: Gazetteer, name: str, country: str, admin1: str
) -> None:
    found = [e for e in gaz.lookup(name) if e.kind == "admin1"]
    assert [(e.country, e.name) for e in found[:1]] == [(country, admin1)]


def test_a_people_s_name_is_no_province(gaz: Gazetteer) -> None:
    assert not [e for e in gaz.lookup("Karen") if e.kind == "admin1"]
