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


def _refusals() -> list[ast.Call]:
    """Every ``LearningError(...)`` raised in ``bot.services.learning`` (read from its source)."""
    tree = ast.parse(Path(learning_module.__file__).read_text(encoding="utf-8"))
    return [
        node
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name)
        and node.func.id == "LearningError"
    ]


def _is_marked(node: ast.expr) -> bool:
    """``N_("...")``, or a module constant defined as ``N_("...")``."""
    if isinstance(node, ast.Name):
        source = Path(learning_module.__file__).read_text(encoding="utf-8")
        return f"\n{node.id} = N_(" in source
    return (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name)
        and node.func.id == "N_"
        and isinstance(node.args[0], ast.Constant)
    )


class TestRefusals:
    def test_every_refusal_is_a_marked_template(self) -> None:
        calls = _refusals()
        codes = {c.args[0].value for c in calls if isinstance(c.args[0], ast.Constant)}
        assert {"empty", "not_on_land", "alias_taken", "actor_exists"} <= codes
        unmarked = [c.lineno for c in calls if len(c.args) < 2 or not _is_marked(c.args[1])]
        assert unmarked == []

    def test_a_refusal_is_said_in_the_chats_language(self) -> None:
        exc = LearningError(
            "alias_taken",
            "{alias} already names another faction: {other}.",
            alias="KSS",
            other="Asaib Ahl al-Haq",
        )
        assert refusal("en", exc) == "KSS already names another faction: Asaib Ahl al-Haq."
        arabic = refusal("ar", exc)
        assert arabic.startswith("\u2068KSS\u2069 اسم لجهة أخرى")  # typed name, isolated
        assert "عصائب أهل الحق" in arabic  # the faction in its Arabic form
        assert "Asaib" not in arabic

    def test_values_are_escaped(self) -> None:
        exc = LearningError(
            "alias_known", "{alias} already names {actor}.", alias="<b>x</b>", actor="A&B"
        )
        assert refusal("en", exc) == "&lt;b&gt;x&lt;/b&gt; already names A&amp;B."
        assert "&lt;b&gt;x&lt;/b&gt;" in refusal("ar", exc)


def test_single_quotes_belong_to_the_name() -> None:
    assert split_quoted("'Kata'ib' KSS") is None  # apostrophes are letters here, not quotes
    assert parse_place("Kata'ib Hill 36.2,42.9") == PlaceRequest(
        "Kata'ib Hill", 36.2, 42.9, None, None, None
    )
