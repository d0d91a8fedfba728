"""Parsing /place_add and the quoted names of /actor_alias and /actor_add."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import bot.services.learning as learning_module
from bot.services.learning import LearningError
from handlers.learning import PlaceRequest, parse_place, refusal, split_quoted


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


def _refusal_codes() -> set[str]:
    """Every reason code ``bot.services.learning`` can refuse with (read from its source)."""
    tree = ast.parse(Path(learning_module.__file__).read_text(encoding="utf-8"))
    return {
        node.args[0].value
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name)
        and node.func.id == "LearningError"
        and node.args
        and isinstance(node.args[0], ast.Constant)
        and isinstance(node.args[0].value, str)
    }


class TestRefusals:
    def test_every_reason_has_its_own_sentence(self) -> None:
        codes = _refusal_codes()
        assert {"empty", "not_on_land", "alias_taken", "actor_exists"} <= codes
        fallback = refusal("en", LearningError("no-such-code", "x"))
        values = {
            "length": 1, "limit": 2, "km": 3, "lat": 4, "lon": 5, "country": "IQ",
            "nearest": "SY", "admin1": "A", "name": "N", "where": "W", "actor": "B",
            "ids": "i", "close": "c", "alias": "a", "other": "o", "type": "t", "types": "T",
        }  # fmt: skip
        for code in codes:
            said = refusal("en", LearningError(code, "x", **values))
            assert said != fallback, code

    def test_values_are_escaped(self) -> None:
        said = refusal("en", LearningError("alias_known", "x", alias="<b>x</b>", actor="A&B"))
        assert said == "&lt;b&gt;x&lt;/b&gt; already names A&amp;B."


def test_single_quotes_belong_to_the_name() -> None:
    assert split_quoted("'Kata'ib' KSS") is None  # apostrophes are letters here, not quotes
    assert parse_place("Kata'ib Hill 36.2,42.9") == PlaceRequest(
        "Kata'ib Hill", 36.2, 42.9, None, None, None
    )
