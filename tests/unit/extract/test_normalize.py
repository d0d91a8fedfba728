"""Tests for text folding, article stripping, match keys and sentence splitting."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.extract.normalize import (
    _fold_slow,
    arabic_prefix_ok,
    fold,
    fold_with_offsets,
    match_key,
    split_sentences,
    strip_article,
)


class TestFold:
    def test_drops_accents_and_case(self) -> None:
        assert fold("Al Başrah") == "al basrah"
        assert fold("ŞIRNAK") == "sirnak"
        assert fold("İstanbul") == "istanbul"

    def test_unifies_hyphens_apostrophes_and_quotes(self) -> None:
        assert fold("Thi\u2013Qar") == "thi-qar"
        assert fold("Asa\u2019ib") == "asa'ib"
        assert fold("Tall \u2018Afar") == "tall 'afar"
        assert fold("Qal\u02bfat") == "qal'at"
        assert fold("\u201cquoted\u201d") == '"quoted"'

    def test_collapses_whitespace_and_trims(self) -> None:
        assert fold("  Sadr \t\n City  ") == "sadr city"

    def test_arabic_diacritics_tatweel_and_letter_forms(self) -> None:
        assert fold("البَصْرَة") == fold("البصره")
        assert fold("أربيل") == fold("اربيل") == fold("إربيل")
        assert fold("بـغـداد") == fold("بغداد")
        assert fold("نينوى") == fold("نينوي")

    def test_ligatures_expand(self) -> None:
        assert fold("\ufb01ve") == "five"

    def test_empty(self) -> None:
        assert fold("") == ""


class TestFoldWithOffsets:
    def test_offsets_map_back_to_the_original(self) -> None:
        text = "In  Al-Başrah\u2019s west"
        folded, offsets = fold_with_offsets(text, for_matching=True)
        start = folded.index("basrah")
        end = start + len("basrah")
        assert text[offsets[start] : offsets[end - 1] + 1] == "Başrah"
        assert len(offsets) == len(folded) + 1
        assert offsets[-1] == len(text)

    def test_matching_mode_turns_hyphens_into_spaces(self) -> None:
        assert fold_with_offsets("Thi-Qar", for_matching=True)[0] == "thi qar"

    def test_matching_mode_drops_inner_apostrophes_but_keeps_possessives(self) -> None:
        assert fold_with_offsets("Asa'ib", for_matching=True)[0] == "asaib"
        assert fold_with_offsets("Basra's port", for_matching=True)[0] == "basra's port"


class TestStripArticle:
    @pytest.mark.parametrize(
        ("name", "expected"),
        [
            ("al-basra", "basra"),
            ("as samawah", "samawah"),
            ("ash-shatrah", "shatrah"),
            ("el-arish", "arish"),
            ("an najaf", "najaf"),
            ("ad diwaniyah", "diwaniyah"),
            ("البصرة", "بصرة"),
            ("basra", "basra"),
            ("al", "al"),
            ("alqosh", "alqosh"),
        ],
    )
    def test_strips_one_leading_article(self, name: str, expected: str) -> None:
        assert strip_article(name) == expected


class TestMatchKey:
    def test_spellings_meet(self) -> None:
        assert match_key("Thi-Qar") == match_key("Thi Qar") == "thi qar"
        assert match_key("Tall ‘Afar") == "tall afar"
        assert match_key("Asa'ib Ahl al-Haq") == match_key("Asaib Ahl al Haq")


class TestSplitSentences:
    def test_splits_on_full_stops_but_not_abbreviations(self) -> None:
        text = "Gen. Rasool said the U.S. convoy left. Two were hurt! Was it late? Yes"
        parts = [text[s:e] for s, e in split_sentences(text)]
        assert parts == [
            "Gen. Rasool said the U.S. convoy left.",
            "Two were hurt!",
            "Was it late?",
            "Yes",
        ]

    def test_blank_lines_end_sentences(self) -> None:
        text = "ERBIL, Kurdistan Region\n\nClashes broke out on Monday."
        parts = [text[s:e] for s, e in split_sentences(text)]
        assert parts == ["ERBIL, Kurdistan Region", "Clashes broke out on Monday."]

    def test_empty_text(self) -> None:
        assert split_sentences("") == []


class TestFastPathAgreesWithSlowPath:
    @given(
        st.text(alphabet=st.sampled_from(list("aB -'’\u2013\t\nsS.é\u064eبال ﬁß")), max_size=40)
    )
    def test_same_result(self, text: str) -> None:
        for mode in (False, True):
            assert fold_with_offsets(text, for_matching=mode) == _fold_slow(
                text, for_matching=mode
            )


class TestArabicPrefix:
    def test_proclitics(self) -> None:
        assert arabic_prefix_ok("والبصره", 1)
        assert arabic_prefix_ok("للبصره", 2)
        assert not arabic_prefix_ok("عبصره", 1)
        assert not arabic_prefix_ok("basra", 0)


class TestAsciiFastPath:
    @given(st.text(alphabet=st.characters(max_codepoint=127), max_size=40))
    def test_same_key_as_the_folding_path(self, text: str) -> None:
        from bot.extract.normalize import fold_with_offsets

        folded, _ = fold_with_offsets(text, for_matching=True)
        assert match_key(text) == " ".join(folded.replace('"', " ").split())
