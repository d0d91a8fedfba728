"""Extraction work grows linearly with the text (issue 13.1): hostile repeated tokens.

Work is counted, not timed: every Python and C function call made while extracting (a
deterministic count, unaffected by a busy machine). A text four times longer must cost at
most ``MAX_RATIO`` times the calls; linear work gives about 4, a pairwise scan about 16.
"""

from __future__ import annotations

import datetime as dt
import sys
from types import FrameType
from typing import Any

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from bot.extract.pipeline import RulesExtractor

PUBLISHED = dt.datetime(2025, 3, 4, 9, 0, tzinfo=dt.UTC)
SHORT = 2_500
MAX_RATIO = 6.5

PLACES = ["Basra", "al-Basra", "Mosul", "Kirkuk", "Baghdad", "Sadr City", "Miqdadiya", "Tikrit",
          "Anbar province", "Hashd al-Shaabi near Samarra"]  # fmt: skip
FIGURES = ["3 killed", "killed four of them", "4 injured", "the toll rose to 12",
           "two soldiers were wounded", "killed 5 people", "dozens dead"]  # fmt: skip
DATES = ["on Monday", "3 May 2024", "last week", "on Tuesday night", "yesterday"]
JOINERS = [" ", ", ", "; ", " and ", ". ", " in ", " near "]


def calls_to_extract(extractor: RulesExtractor, text: str) -> int:
    """How many function calls reading ``text`` makes."""
    count = 0

    def tally(frame: FrameType, event: str, arg: Any) -> None:
        nonlocal count
        if event in ("call", "c_call"):
            count += 1

    sys.setprofile(tally)
    try:
        extractor.extract_text(text, PUBLISHED)
    finally:
        sys.setprofile(None)
    return count


def repeated(unit: str, chars: int) -> str:
    """``unit`` repeated to exactly ``chars`` characters."""
    return (unit * (chars // len(unit) + 1))[:chars]


tokens = st.lists(
    st.sampled_from(PLACES) | st.sampled_from(FIGURES) | st.sampled_from(DATES),
    min_size=1,
    max_size=4,
)


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tokens=tokens, joiner=st.sampled_from(JOINERS))
# Hundreds of dated tolls, each its own incident: every one was compared with every earlier one.
@example(tokens=["3 killed", "last week", "yesterday", "3 killed"], joiner="; ")
def test_work_grows_linearly_with_repeated_tokens(
    engine: RulesExtractor, tokens: list[str], joiner: str
) -> None:
    unit = joiner.join(tokens) + joiner
    engine.extract_text(repeated(unit, SHORT), PUBLISHED)  # warm the caches first
    short = calls_to_extract(engine, repeated(unit, SHORT))
    long = calls_to_extract(engine, repeated(unit, 4 * SHORT))
    assert long <= MAX_RATIO * short, (unit, short, long, long / short)


def test_the_counter_sees_a_pairwise_scan() -> None:
    """The measure itself: quadratic work shows as a ratio near 16, well above MAX_RATIO."""

    def pairwise(n: int) -> int:
        count = 0

        def tally(frame: FrameType, event: str, arg: Any) -> None:
            nonlocal count
            if event in ("call", "c_call"):
                count += 1

        spans = [(i, i + 1) for i in range(n)]
        sys.setprofile(tally)
        try:
            for start, _ in spans:
                any(s <= start < e for s, e in spans)
        finally:
            sys.setprofile(None)
        return count

    assert pairwise(400) > MAX_RATIO * pairwise(100)
