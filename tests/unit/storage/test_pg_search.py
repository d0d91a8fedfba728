"""The PostgreSQL search text: the shared syntax turned into safe tsquery input."""

from __future__ import annotations

import pytest

from storage.postgres.search import prefix_tsquery_text, search_terms, tsquery_sql
from storage.postgres.values import Params


class TestSearchTerms:
    def test_words_prefixes_and_phrases(self) -> None:
        assert search_terms('Bas* "car bomb" Mosul') == [
            ("Bas", True),
            ("car bomb", False),
            ("Mosul", False),
        ]

    def test_unsupported_syntax_is_dropped_not_searched(self) -> None:
        assert search_terms("-") == []
        assert search_terms("a*") == [("a", False)]  # a one-letter prefix is a word

    def test_accents_are_folded(self) -> None:
        assert search_terms("Qāmishlī*") == [("Qamishli", True)]


class TestPrefixText:
    def test_last_word_is_the_prefix(self) -> None:
        assert prefix_tsquery_text("car bo") == "'car' <-> 'bo':*"

    def test_no_operator_reaches_the_query_parser(self) -> None:
        text = prefix_tsquery_text("x' | 'y & !z:*")
        assert text == "'x' <-> 'y' <-> 'z':*"


class TestTsquerySql:
    def test_user_text_travels_as_parameters(self) -> None:
        params = Params()
        sql = tsquery_sql("'; DROP TABLE incidents; -- Bas*", params)
        assert sql is not None
        assert "DROP" not in sql
        assert sql.endswith("to_tsquery('simple', $4)")  # the prefix, as written
        assert params.values == ["DROP", "TABLE", "incidents", "'Bas':*"]

    def test_nothing_searchable_is_none(self) -> None:
        params = Params()
        assert tsquery_sql('" * -', params) is None
        assert params.values == []


class TestStreamedSearch:
    """A search streams through its blocks only where the server stops a scan early."""

    @pytest.mark.parametrize(("version", "streams"), [((14, 11), False), ((15, 0), True)])
    def test_only_from_postgresql_15(self, version: tuple[int, int], streams: bool) -> None:
        from storage.postgres.terms import stops_early

        class Server:
            def get_server_version(self) -> tuple[int, int]:
                return version

        assert stops_early(Server()) is streams
