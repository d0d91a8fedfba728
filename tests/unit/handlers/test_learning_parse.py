"""Parsing /place_add and the quoted names of /actor_alias and /actor_add."""

from __future__ import annotations

import pytest

from handlers.learning import PlaceRequest, parse_place, split_quoted


class TestParsePlace:
    @pytest.mark.parametrize(
        ("text", "expected"),
        [
            ('"Tell Foo" 36.21,42.95', PlaceRequest("Tell Foo", 36.21, 42.95, None, None, None)),
            ("Tell Foo 36.21, 42.95", PlaceRequest("Tell Foo", 36.21, 42.95, None, None, None)),
            ("“Tell Foo” -1.5,+30", PlaceRequest("Tell Foo", -1.5, 30.0, None, None, None)),
            (
                '"Tell Foo" 36.21,42.95 iq Nineveh Plains #12',
                PlaceRequest("Tell Foo", 36.21, 42.95, "IQ", "Nineveh Plains", 12),
            ),
            ('"Tell Foo" 999,999', PlaceRequest("Tell Foo", 999.0, 999.0, None, None, None)),
        ],
    )
    def test_accepted_forms(self, text: str, expected: PlaceRequest) -> None:
        assert parse_place(text) == expected

    @pytest.mark.parametrize(
        "text",
        ["Tell Foo", '"Tell Foo"', '"Tell Foo" north of Mosul', "36.2", '"Tell Foo" x 36.2,42.9'],
    )
    def test_not_a_request(self, text: str) -> None:
        assert parse_place(text) is None


class TestSplitQuoted:
    def test_quoted_then_rest(self) -> None:
        assert split_quoted('"Kata\'ib Sayyid al-Shuhada" KSS') == (
            "Kata'ib Sayyid al-Shuhada",
            "KSS",
        )
        assert split_quoted("«Saraya» political_militia IQ") == ("Saraya", "political_militia IQ")

    def test_unquoted(self) -> None:
        assert split_quoted("KSS alias") is None
