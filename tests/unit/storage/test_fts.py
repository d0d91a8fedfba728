"""storage.fts: user text becomes a quoted FTS5 query that cannot carry operators."""

from __future__ import annotations

import sqlite3

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from storage.fts import fold_for_search, fts_query


class TestFtsQuery:
    """Each word is quoted; operators and punctuation lose their meaning."""

    def test_words_are_quoted_and_all_required(self) -> None:
        assert fts_query("car bomb") == '"car" AND "bomb"'

    def test_trailing_star_keeps_prefix_search(self) -> None:
        assert fts_query("bomb*") == '"bomb"*'

    def test_quoted_phrase_stays_one_phrase(self) -> None:
        assert fts_query('"car bomb" Basra') == '"car bomb" AND "Basra"'

    def test_phrase_with_a_trailing_prefix(self) -> None:
        assert fts_query('"car bo"*') == '"car bo"*'

    def test_a_stray_quote_cannot_break_out(self) -> None:
        assert fts_query('say"hi') == '"say hi"'

    @pytest.mark.parametrize("text", ["", "   ", '"', "*", "()", "'; --", "\u064b"])
    def test_nothing_searchable_gives_none(self, text: str) -> None:
        assert fts_query(text) is None

    def test_arabic_words_are_kept_and_folded(self) -> None:
        assert fts_query("انفجار في البصرة") == '"انفجار" AND "في" AND "بصره"'

    def test_term_count_is_capped(self) -> None:
        query = fts_query(" ".join(f"w{i}" for i in range(100)), max_terms=5)
        assert query is not None
        assert query.count('"') == 10

    @pytest.mark.parametrize(
        "text",
        [
            '"',
            "AND(",
            "NEAR(",
            "OR",
            "NOT x",
            "a AND",
            "'; DROP TABLE reports; --",
            "x:y",
            "^a",
            "{a b}",
            'a"b*c',
            "-x +y",
        ],
    )
    def test_hostile_text_is_valid_fts5(self, text: str) -> None:
        conn = sqlite3.connect(":memory:")
        conn.execute("CREATE VIRTUAL TABLE t USING fts5(body)")
        conn.execute("INSERT INTO t (body) VALUES ('a car and a drop table near x y')")
        query = fts_query(text)
        if query is not None:
            conn.execute("SELECT rowid FROM t WHERE t MATCH ?", (query,)).fetchall()
        conn.close()


class TestFoldForSearch:
    """Arabic spelling variants fold to one form; other scripts pass through."""

    @pytest.mark.parametrize(
        ("variant", "plain"),
        [
            ("بَغْدَاد", "بغداد"),  # short vowels
            ("بغــداد", "بغداد"),  # tatweel
            ("الأنبار", "انبار"),  # hamza on alef, article
            ("الانبار", "انبار"),
            ("والبصرة", "بصره"),  # conjunction + article, teh marbuta
            ("للجيش", "جيش"),
            ("مستشفى", "مستشفي"),  # alef maqsura
            ("٣٠ قتيلا", "30 قتيلا"),  # Arabic-Indic digits
            ("ﺑﻐﺪاد", "بغداد"),  # presentation forms (NFKC)
        ],
    )
    def test_variants(self, variant: str, plain: str) -> None:
        assert fold_for_search(variant) == plain

    def test_short_words_keep_their_article(self) -> None:
        # "الله" would lose its stem: only words with 3+ letters after the article are cut.
        assert fold_for_search("الله") == "الله"
        assert fold_for_search("والي") == "والي"

    def test_latin_text_is_unchanged(self) -> None:
        assert fold_for_search("Car bomb in Al-Qaim, Qāmishlī") == "Car bomb in Al-Qaim, Qāmishlī"


_CONN = sqlite3.connect(":memory:")
_CONN.execute(
    "CREATE VIRTUAL TABLE t USING fts5(body, tokenize='porter unicode61 remove_diacritics 2')"
)
_CONN.execute("INSERT INTO t (body) VALUES ('some text near and or not')")


class TestAnyText:
    """No user text can make the FTS5 query invalid."""

    @given(st.text(alphabet=st.characters(codec="utf-8"), max_size=80))
    @settings(max_examples=300, deadline=None)
    def test_any_text_gives_a_valid_query(self, text: str) -> None:
        query = fts_query(text)
        if query is not None:
            _CONN.execute("SELECT rowid FROM t WHERE t MATCH ?", (query,)).fetchall()

    @given(st.text(max_size=60))
    @settings(max_examples=200, deadline=None)
    def test_folding_is_idempotent(self, text: str) -> None:
        once = fold_for_search(text)
        assert fold_for_search(once) == once
