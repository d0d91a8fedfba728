"""Confidence reasons and revision notes in Arabic: every template the extractor writes."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from bot.domain import DatePrecision, GeoPrecision
from handlers.i18n import FSI
from handlers.reasons import reason, revision_note

CONFIDENCE = Path(__file__).resolve().parents[3] / "bot" / "extract" / "confidence.py"


def _fixed_reasons() -> list[str]:
    """The literal reasons passed to ``doubt(...)`` in the confidence module."""
    found = []
    for node in ast.walk(ast.parse(CONFIDENCE.read_text("utf-8"))):
        if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "doubt":
            text = node.args[1] if len(node.args) > 1 else None
            if isinstance(text, ast.Constant) and isinstance(text.value, str):
                found.append(text.value)
    return found


def test_the_scan_finds_the_extractors_reasons() -> None:
    assert len(_fixed_reasons()) >= 6


@pytest.mark.parametrize(
    "text",
    [
        *_fixed_reasons(),
        *(f"place: only the {p.value} is known" for p in GeoPrecision),
        *(f"date: only the {p.value} is known" for p in DatePrecision),
        "place: in SY, a country the headline and lead do not name",
        "reports: 3 tell it",
        "toll: none given, beside a same-day incident nearby that gives one",
    ],
)
def test_every_reason_is_said_in_arabic(text: str) -> None:
    said = reason("ar", text)
    assert FSI not in said.replace(f"{FSI}SY", "")
    assert not any("a" <= ch.lower() <= "z" for ch in said.replace("SY", ""))


def test_english_reasons_are_unchanged_and_unknown_ones_isolated() -> None:
    assert reason("en", "reports: 3 tell it") == "reports: 3 tell it"
    assert reason("ar", "something new").startswith(FSI)


def test_a_revision_names_what_changed() -> None:
    changes = {"killed": {"old": "2", "new": "4"}, "sources": {"old": 1, "new": 2}}
    assert revision_note("ar", "death toll rose from 2 to 4", changes) == "تغيّر: القتلى، مصادر"
    assert revision_note("en", "death toll rose from 2 to 4", changes) == (
        "death toll rose from 2 to 4"
    )
    assert revision_note("en", "", changes) == "killed, sources"
