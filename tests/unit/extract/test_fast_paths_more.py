"""More extraction shortcuts, each compared with what it stands in for (see test_fast_paths).

ASCII word starts for place names, weekday arithmetic, word automatons in place of plain-word
patterns, and case-blind patterns searched case-sensitively in lower-cased ASCII text.
"""

from __future__ import annotations

import datetime as dt
import re

from dateutil.relativedelta import relativedelta
from dateutil.relativedelta import weekday as weekday_of
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.extract import (
    annotate_clauses,
    annotate_dates,
    attribution,
    casualties,
    dates,
    drafting,
    times,
)
from bot.extract import text as text_module
from bot.extract.figure_words import HINT
from bot.extract.gazetteer import Gazetteer
from bot.extract.normalize import fold_with_offsets
from bot.extract.place_index import CAPITAL_WORD_RE, WORD_RE, words_from
from bot.extract.text import lower_same_length
from bot.extract.word_hits import capitalised_hits, scan_capitalised_hits
from tests.unit.extract.test_fast_paths import (
    _DATE_WORDS,
    _FIGURE_WORDS,
    _JOINTS,
    _PLACE_WORDS,
    _SOURCE_WORDS,
    _texts,
    gaz,
)

__all__ = ["gaz"]  # the module-scoped gazetteer fixture, shared


# --- place names from word starts: ASCII text takes its starts from two patterns ---------

_ASCII_WORDS = [*(w for w in _PLACE_WORDS if w.isascii()), "AL", "aL-Basra", "_", "x_y", "9"]


class TestAsciiWordStarts:
    @settings(max_examples=300, deadline=None)
    @given(text=_texts(_ASCII_WORDS, [j for j in _JOINTS if j.isascii()] + ["`", "_"]))
    def test_same_hits_as_the_word_by_word_scan(self, gaz: Gazetteer, text: str) -> None:
        folded, offsets = fold_with_offsets(text, for_matching=True)
        automaton, longest = gaz._automaton(), gaz._state.longest_key
        breaks = [m.start() for m in re.finditer(r"[\W_]", folded)] + [len(folded)]
        slow = scan_capitalised_hits(
            automaton, text, folded, offsets, breaks=breaks, longest=longest
        )
        assert capitalised_hits(automaton, text, folded, offsets, longest) == slow


# --- weekdays by arithmetic, as dateutil counts them --------------------------------------


class TestWeekdayArithmetic:
    @settings(max_examples=300, deadline=None)
    @given(
        ref=st.dates(min_value=dt.date(1990, 1, 1), max_value=dt.date(2100, 1, 1)),
        weekday=st.integers(min_value=0, max_value=6),
    )
    def test_same_day_as_relativedelta(self, ref: dt.date, weekday: int) -> None:
        name = times.WEEKDAYS[weekday].capitalize()
        found = dates.find_dates(f"Gunmen struck on {name}.", ref)
        assert [d.date for d in found] == [ref + relativedelta(weekday=weekday_of(weekday)(-1))]

    @settings(max_examples=100, deadline=None)
    @given(ref=st.dates(min_value=dt.date(1990, 1, 1), max_value=dt.date(2100, 1, 1)))
    def test_the_weekend_starts_on_the_latest_saturday(self, ref: dt.date) -> None:
        found = dates.find_dates("Gunmen struck at the weekend.", ref)
        assert [d.date for d in found] == [ref + relativedelta(weekday=weekday_of(5)(-1))]

    def test_a_weekday_is_its_own_latest(self) -> None:
        tuesday = dt.date(2025, 3, 4)
        assert [d.date for d in dates.find_dates("on Tuesday", tuesday)] == [tuesday]
        assert [d.date for d in dates.find_dates("on Wednesday", tuesday)] == [
            dt.date(2025, 2, 26)
        ]


# --- capitalised words: the capital first, then the look back ------------------------------


class TestCapitalWords:
    @settings(max_examples=300, deadline=None)
    @given(text=_texts([*_PLACE_WORDS, "O'Brien", "x’Y", "_Z", "9B", "ÉA"], [*_JOINTS, "'", "’"]))
    def test_same_words_as_the_look_back_first_pattern(self, text: str) -> None:
        reference = re.compile(r"(?<![\w'’])[A-ZÀ-ÖØ-ÞĀ-Ž][\w'’]*")
        expected = [(m.start(), m.group()) for m in reference.finditer(text)]
        assert [(m.start(), m.group()) for m in CAPITAL_WORD_RE.finditer(text)] == expected


# --- case-blind patterns run on lower-cased ASCII text ------------------------------------

_SAYING_WORDS = [
    *_SOURCE_WORDS, "According", "according", "to", "ACCORDING TO", "Said", "SAID", "says",
    "Told", "reported", "on", "which", "ÉTAT", ",", ".", "“", "Plan", "WARNED", "would",
    "In Order", "to end", "TO HALT", "kill", "Talks",
]  # fmt: skip


class TestLowerCasedAscii:
    @settings(max_examples=300, deadline=None)
    @given(text=_texts(_SAYING_WORDS, [" ", ", ", "  ", "; "], max_size=20))
    def test_same_matches_as_the_case_blind_patterns(self, text: str) -> None:
        full = attribution._ACCORDING.search(text)
        fast = attribution.according(text)
        assert (fast and (fast.span(), fast["src"])) == (full and (full.span(), full["src"]))
        assert [(m.span(), m.group(0).lower()) for m in attribution.says(text)] == [
            (m.span(), m.group(0).lower()) for m in attribution._SAY_RE.finditer(text)
        ]
        assert casualties._maybe(text) is (casualties._MAYBE_HINT.search(text) is not None)

    @settings(max_examples=300, deadline=None)
    @given(text=_texts([*_DATE_WORDS, *_FIGURE_WORDS, "٣", "x"], [" ", "", ", "]))
    def test_digit_and_word_hints(self, text: str) -> None:
        low = lower_same_length(text)
        dated = dates._DIGIT_RE.search(low) is not None or dates._DATE_WORDS.in_text(low)
        assert dated is (dates._DATE_HINT.search(low) is not None)
        counted = annotate_clauses._figure_hint(low)
        assert counted is (annotate_clauses._FIGURE_HINT.search(low) is not None)


# --- the figure hint's words in one automaton ---------------------------------------------


class TestFigureHint:
    def test_the_hint_is_plain_words(self) -> None:
        # The automaton reads the pattern as a list of words: no pattern syntax allowed.
        assert all(re.escape(word) == word.replace(" ", "\\ ") for word in HINT.pattern.split("|"))

    @settings(max_examples=300, deadline=None)
    @given(text=_texts([*_FIGURE_WORDS, "no one", "nobody", "lives", "x"], [" ", "", ", "]))
    def test_same_answer_as_the_pattern(self, text: str) -> None:
        low = lower_same_length(text)
        assert casualties.has_hint(low) is (HINT.search(low) is not None)


class TestWordsFound:
    @settings(max_examples=300, deadline=None)
    @given(text=_texts([*_DATE_WORDS, "tonight", "weekday", "sameday", "x"], [" ", "", ", "]))
    def test_the_words_that_occur(self, text: str) -> None:
        low = lower_same_length(text)
        for words in dates._NEEDED_WORDS.values():
            found = not dates._ALL_NEEDED.found_in(low).isdisjoint(words)
            assert found is any(word in low for word in words)


# --- case-blind patterns searched lower-cased in ASCII text --------------------------------

_CASE_WORDS = [
    *_SAYING_WORDS, "Morning", "NIGHT", "overnight", "Dawn", "succumbed", "to", "His",
    "Injuries", "Died", "Later", "in", "Hospital", "Bodies", "were", "Found", "Claimed",
    "Responsibility", "Civilians", "WOMEN", "children", "Days", "After", "came", "Amid",
    "Echoes", "of", "Similar", "İ", "ſ", "ı", "3", "Interior", "Ministry", "(AFP)",
]  # fmt: skip


class TestCaseBlind:
    @settings(max_examples=400, deadline=None)
    @given(text=_texts(_CASE_WORDS, [" ", ", ", "  ", "-", ""], max_size=16))
    def test_same_spans_as_the_case_blind_pattern(self, text: str) -> None:
        for blind in (
            attribution._NOUN_TO_SAY,
            times._PART_OF_DAY_RE,
            annotate_dates._LATER_DEATH_RE,
            drafting._CIVILIAN_VICTIMS_RE,
            text_module._BACKGROUND_SPLIT_RE,
        ):
            spans = [m.span() for m in blind.finditer(text)]
            assert spans == [m.span() for m in blind.pattern.finditer(text)], blind.pattern
            found = blind.search(text)
            full = blind.pattern.search(text)
            assert (found and found.span()) == (full and full.span())

    def test_the_words_read_are_lower_cased(self) -> None:
        match = times._PART_OF_DAY_RE.search("Gunmen struck in the EVENING")
        assert match is not None
        assert match["p"] == "evening"


class TestWordsFromACapital:
    @settings(max_examples=300, deadline=None)
    @given(text=_texts([*_PLACE_WORDS, "O'Brien", "x’Y", "_Z", "9B", "ÉA"], [*_JOINTS, "'", "’"]))
    def test_the_words_a_full_tokenisation_gives(self, text: str) -> None:
        words = [m.span() for m in WORD_RE.finditer(text)]
        for capital in CAPITAL_WORD_RE.finditer(text):
            i = [start for start, _ in words].index(capital.start())
            assert words_from(text, capital.start(), 4) == words[i : i + 4]
