"""The extraction shortcuts give the same answers as the full searches they stand in for.

Each shortcut skips work that cannot change a result: a pattern is not run on text missing a
word it needs, place names are looked up only from word starts that can begin one, a long
anchored pattern starts near its source noun. These tests compare each shortcut with the
full search on generated text (our own words and names, mixed case and punctuation).
"""

from __future__ import annotations

import datetime as dt
import re
import re._parser as sre_parser  # type: ignore[import-not-found]  # to read first characters
import string
from collections.abc import Sequence
from typing import Any

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from bot.extract import (
    annotate_actors,
    annotate_clauses,
    attribution,
    dates,
    drafting,
    events,
    normalize,
    place_roles,
    text_actors,
)
from bot.extract import text as text_module
from bot.extract.figure_reader import (
    BODIES_WORDS,
    NAMED_WORDS,
    NOUN_FORM_WORDS,
    RELATIVE_WORDS,
    SINGLE_PERSON_WORDS,
    SUBJECT_FIRST_WORDS,
    TOLL_WORDS,
    has_any,
)
from bot.extract.figure_words import (
    BODIES,
    NAMED_KILLED,
    NOUN_FORM,
    RELATIVE,
    SINGLE_PERSON,
    SUBJECT_FIRST,
)
from bot.extract.gazetteer import Gazetteer
from bot.extract.normalize import fold, fold_with_offsets
from bot.extract.place_index import PlaceMention
from bot.extract.text import lower_same_length
from bot.extract.toll_words import ORDINAL_DIED, TOLL, TOLL_INVERTED, TOLL_PUT
from bot.extract.word_hits import capitalised_hits, whole_word_hits


def _texts(words: list[str], joints: list[str], max_size: int = 14) -> st.SearchStrategy[str]:
    """Text made of ``words`` joined by ``joints``."""
    pair = st.tuples(st.sampled_from(words), st.sampled_from(joints))
    return st.lists(pair, max_size=max_size).map(lambda parts: "".join(w + j for w, j in parts))


_JOINTS = [" ", " ", " ", ", ", "-", " (", ") ", ". ", "; ", "'s ", "  ", "\n", " - "]


@pytest.fixture(scope="module")
def gaz() -> Gazetteer:
    return Gazetteer.default()


# --- place names from word starts --------------------------------------------------------

_PLACE_WORDS = [
    "Basra", "basra", "BASRA", "al-Basra", "Al-Basra", "al", "Al", "el", "as", "ash", "an",
    "Sadr", "City", "city", "Sadr City", "Mosul", "mosul", "Kirkuk", "Tal Afar", "Tal", "Afar",
    "Kabul", "Gao", "the", "in", "and", "at", "attack", "near", "province", "Province", "24",
    "3rd", "Abu", "Ghraib", "Dar", "es", "Salaam", "Dar es Salaam", "Muqtada", "Lloyd",
    "Austin", "Maiduguri", "Borno", "Ramadi", "Anbar", "al-Anbar", "Nineveh", "'Amarah",
    "Sanaa", "Sana'a", "Aden", "Goma", "North", "Kivu", "São", "Tomé", "Łódź", "Ürümqi",
    "éa", "Erbil", "erbil", "Eastern", "El", "Fasher", "El Fasher", "Hit", "hit", "Kut",
]  # fmt: skip


def _reference_mentions(gaz: Gazetteer, text: str) -> list[PlaceMention]:
    """``find_mentions`` over every whole-word hit of the automaton (the full scan)."""
    folded, offsets = fold_with_offsets(text, for_matching=True)
    mentions: list[PlaceMention] = []
    cursor = 0
    for start, end, key in whole_word_hits(gaz._automaton(), folded):
        if start < cursor:
            continue
        mention = gaz._accept(text, folded, offsets, (start, end), key, country=None)
        if mention is not None:
            mentions.append(mention)
            cursor = end
    variants = gaz._variant_mentions(text, mentions, country=None)
    return sorted([*mentions, *variants], key=lambda m: m.start) if variants else mentions


class TestPlacesFromWordStarts:
    @settings(max_examples=300, deadline=None)
    @given(text=_texts(_PLACE_WORDS, _JOINTS))
    def test_finds_what_the_full_scan_finds(self, gaz: Gazetteer, text: str) -> None:
        assert gaz.find_mentions(text) == _reference_mentions(gaz, text)

    @settings(max_examples=200, deadline=None)
    @given(text=_texts(_PLACE_WORDS, _JOINTS))
    def test_hits_are_whole_word_hits_in_their_order(self, gaz: Gazetteer, text: str) -> None:
        folded, offsets = fold_with_offsets(text, for_matching=True)
        automaton = gaz._automaton()
        fast = capitalised_hits(automaton, text, folded, offsets, gaz._state.longest_key)
        kept = set(fast)
        assert fast == [hit for hit in whole_word_hits(automaton, folded) if hit in kept]

    def test_a_paragraph_of_names(self, gaz: Gazetteer) -> None:
        text = (
            "Gunmen attacked a checkpoint in al-Basra and near Sadr City on Monday; the "
            "governor of Nineveh, speaking in Mosul, said the convoy was heading to Tal Afar."
        )
        found = [m.surface for m in gaz.find_mentions(text)]
        assert found == ["al-Basra", "Sadr City", "Nineveh", "Mosul", "Tal Afar"]
        assert found == [m.surface for m in _reference_mentions(gaz, text)]


# --- date patterns skipped when a word they need is missing ------------------------------

_DATE_WORDS = [
    "on", "Monday", "last", "night", "overnight", "yesterday", "today", "tonight", "this",
    "morning", "week", "weekend", "month", "year", "earlier", "in", "the", "same", "day",
    "two", "days", "ago", "after", "before", "later", "previous", "next", "following", "3",
    "12", "2024", "March", "Sept.", "mid-June", "late", "early", "since", "of", "2024-03-04",
    "4/3/2024", "1st", "and", "-", "to", "killed", "Friday's", "a", "weeks",
]  # fmt: skip


class TestDatePatternWords:
    @settings(max_examples=400, deadline=None)
    @given(text=_texts(_DATE_WORDS, [" ", ", ", " ", "-"]), with_day=st.booleans())
    def test_no_pattern_that_matches_is_skipped(self, text: str, with_day: bool) -> None:
        low = lower_same_length(text)
        ref = dt.date(2025, 3, 4) if with_day else None
        kept = {kind for kind, _ in dates._patterns_for(low, ref)}
        for kind, pattern in dates._PATTERNS:
            if pattern.search(low) and (ref is not None or kind not in dates._NEEDS_REFERENCE):
                assert kind in kept, (kind, low)

    def test_dates_are_still_found(self) -> None:
        text = "Gunmen struck on Monday, two days after 3 March 2025."
        assert [d.surface for d in dates.find_dates(text, None)] == ["3 March 2025"]
        found = dates.find_dates(text.replace(" 2025", ""), dt.date(2025, 3, 6))
        assert [(d.surface.strip(), d.date, d.anchor_offset) for d in found] == [
            ("Monday", dt.date(2025, 3, 3), None),
            ("two days after", None, -2),
            ("3 March", dt.date(2025, 3, 3), None),
        ]


# --- figure patterns skipped when a word they need is missing ----------------------------

_FIGURE_WORDS = [
    "the", "bodies", "body", "of", "12", "five", "people", "were", "found", "recovered",
    "his", "their", "son", "a", "man", "was", "has been", "shot dead", "wounded", "Sheikh",
    "Ali", "Hassan", "Colonel", "Omar", "Farouk", "reportedly",
    "death", "deaths", "toll", "rose", "to", "number", "dead", "killed", "killing", "injuries",
    "injured", "wounding", "arrests", "arrest", "detention", "abduction", "kidnapping",
    "fatalities", "martyrdom", "at", "least", "put", "officials", "and", "more", "than",
]  # fmt: skip


class TestFigurePatternWords:
    @settings(max_examples=600, deadline=None)
    @given(text=_texts(_FIGURE_WORDS, [" ", " ", ", "], max_size=7))
    @example("five dead")
    @example("at least 12 fatalities")
    @example("the bodies of 12 people were found")
    @example("officials put the number of dead at five")
    @example("the killing of five people")
    @example("gunmen wounded their driver")
    @example("a man was killed")
    @example("Sheikh Ali Hassan has been shot dead")
    def test_no_pattern_that_matches_is_skipped(self, text: str) -> None:
        low = lower_same_length(text)
        for pattern, words in (
            (BODIES, BODIES_WORDS),
            (NOUN_FORM, NOUN_FORM_WORDS),
            (TOLL, TOLL_WORDS),
            (TOLL_PUT, TOLL_WORDS),
            (TOLL_INVERTED, TOLL_WORDS),
            (ORDINAL_DIED, TOLL_WORDS),
            (RELATIVE, RELATIVE_WORDS),
            (SINGLE_PERSON, SINGLE_PERSON_WORDS),
        ):
            if pattern.search(low):
                assert has_any(low, words), (pattern.pattern[:40], low)
        if NAMED_KILLED.search(text):  # on the words as written
            assert has_any(text, NAMED_WORDS), text


# --- attribution: the long before-said pattern started near its source noun --------------

_SOURCE_WORDS = [
    "the", "a", "Interior", "Ministry", "ministry", "of", "Health", "police", "Police",
    "spokesman", "official", "officials", "told", "local", "security", "source", "(AFP)",
    "later", "also", "has", "in", "Kirkuk", "for", "Mosul", "who", "said", "mischief", "group",
    "chief", "Army", "army", "three", "several", "hospital", "director", "witnesses", "an",
]  # fmt: skip


class TestAttributionWindow:
    @settings(max_examples=400, deadline=None)
    @given(text=_texts(_SOURCE_WORDS, [" ", " ", " ", ", ", "-", "  "], max_size=30))
    def test_same_match_as_the_full_search(self, text: str) -> None:
        window = text[-100:]
        full = attribution._BEFORE_SAY[0].search(window)
        fast = attribution._source_before(window)
        assert (fast and (fast.span(), fast["src"])) == (full and (full.span(), full["src"]))

    def test_sources(self) -> None:
        find = attribution.find_attribution
        assert find("Two soldiers were killed, the Interior Ministry said.") == (
            "Interior Ministry"
        )
        assert find("A local security source in Kirkuk said five people died.") == (
            "local security source in Kirkuk"
        )


# --- triggers: one word-boundary test before the alternation -----------------------------

_TRIGGER_WORDS = [
    "suicide", "bomber", "drone", "strike", "airstrikes", "shelling", "mortar", "IED", "ieds",
    "roadside", "bomb", "grenade", "rocket-propelled", "grenades", "clashes", "gunfire",
    "assassinated", "kidnapped", "protest", "protesters", "riot", "mob", "arrested",
    "defused", "recaptured", "seized", "control", "of", "the", "town", "in", "a", "fired",
    "on", "villagers", "exchanged", "fire", "no", "without", "planning", "attacks",
]  # fmt: skip


_ATTACK_PHRASES = [
    "attacked", "Assaulted", "stormed", "ambushed", "opened fire", "open  fire", "fired on",
    "fired upon", "gunned down", "attack", "the", "village", "on", "at", "troops", "fire",
]  # fmt: skip


class TestAttackWords:
    @settings(max_examples=300, deadline=None)
    @given(text=_texts(_ATTACK_PHRASES, [" ", ", ", "-"], max_size=6))
    def test_no_attack_is_missed(self, text: str) -> None:
        low = lower_same_length(text)
        if events._ATTACK_RE.search(low):
            assert any(word in low for word in events._ATTACK_WORDS), low


def _per_row_pattern() -> re.Pattern[str]:
    """The trigger alternation with a word boundary inside every row (the full form)."""
    rows = enumerate(events._TRIGGERS)
    return re.compile("|".join(rf"(?P<t{i}>\b(?:{pattern}))" for i, (_, _, pattern) in rows))


def _first_chars(items: Any) -> set[str] | None:
    """The characters a parsed pattern can start with; None when unknown (or it can be empty)."""
    for op, value in items:
        name = str(op)
        if name in ("AT", "ASSERT", "ASSERT_NOT"):
            continue  # zero width
        if name == "LITERAL":
            return {chr(value)}
        if name == "IN" and all(str(kind) == "LITERAL" for kind, _ in value):
            return {chr(code) for _, code in value}
        if name == "BRANCH":
            firsts = [_first_chars(alternative) for alternative in value[1]]
            return None if None in firsts else set().union(*firsts)  # type: ignore[arg-type]
        if name == "SUBPATTERN":
            return _first_chars(value[-1])
        if name in ("MAX_REPEAT", "MIN_REPEAT") and value[0] >= 1:
            return _first_chars(value[2])
        return None
    return None


def _always_holds(items: Any, words: Sequence[str], run: str = "") -> bool:
    """Whether every text a parsed pattern matches holds one of ``words`` within one run of
    literal characters (conservative: False when unsure). ``run``: the literals just before."""
    for op, value in items:
        name = str(op)
        if name == "LITERAL":
            run += chr(value)
            if any(word in run for word in words):
                return True
            continue
        if name in ("AT", "ASSERT_NOT"):
            continue  # zero width: the run of literals goes on
        if name == "ASSERT":
            if _always_holds(value[1], words):
                return True
            continue
        if name == "SUBPATTERN" and _always_holds(value[-1], words, run):
            return True
        if name == "BRANCH" and all(_always_holds(alt, words, run) for alt in value[1]):
            return True
        repeated = name in ("MAX_REPEAT", "MIN_REPEAT") and value[0] >= 1
        if repeated and _always_holds(value[2], words, run):
            return True
        if name == "IN" and all(
            str(kind) == "LITERAL" and chr(code) in words for kind, code in value
        ):
            return True
        run = ""
    return False


def _parsed(pattern: re.Pattern[str]) -> Any:
    return sre_parser.parse(pattern.pattern, pattern.flags)


class TestNeededWords:
    """Each list of words a pattern is skipped without is read off the pattern itself, so a
    pattern changed without its list fails here rather than going unsearched."""

    def test_date_patterns(self) -> None:
        for kind, pattern in dates._PATTERNS:
            words = dates._NEEDED_WORDS.get(kind)
            assert words is None or _always_holds(_parsed(pattern), words), kind

    def test_figure_patterns(self) -> None:
        for pattern, words in (
            (BODIES, BODIES_WORDS),
            (NOUN_FORM, NOUN_FORM_WORDS),
            (TOLL, TOLL_WORDS),
            (TOLL_PUT, TOLL_WORDS),
            (TOLL_INVERTED, TOLL_WORDS),
            (ORDINAL_DIED, TOLL_WORDS),
            (RELATIVE, RELATIVE_WORDS),
            (SINGLE_PERSON, SINGLE_PERSON_WORDS),
            (NAMED_KILLED, NAMED_WORDS),
            (SUBJECT_FIRST, SUBJECT_FIRST_WORDS),
        ):
            assert _always_holds(_parsed(pattern), words), pattern.pattern[:60]

    def test_other_patterns(self) -> None:
        assert _always_holds(_parsed(events._ATTACK_RE), events._ATTACK_WORDS)
        assert _always_holds(
            _parsed(text_module._BACKGROUND_SPLIT_RE.pattern), text_module._BACKGROUND_WORDS
        )
        assert _always_holds(_parsed(text_module._CAPTION_RE), tuple(text_module._CAPTION_OPENERS))
        assert _always_holds(_parsed(text_actors._HEADED_RE), text_actors.HEAD_WORDS)
        assert _always_holds(_parsed(annotate_actors._CLAIM_OF_RE), annotate_actors.CLAIM_WORDS)

    def test_trigger_rows(self) -> None:
        assert len(events.TRIGGER_WORDS) == len(events._TRIGGERS)
        for (_, _, pattern), words in zip(events._TRIGGERS, events.TRIGGER_WORDS, strict=True):
            assert _always_holds(sre_parser.parse(pattern), words), pattern[:60]

    def test_clause_cue_patterns(self) -> None:
        for pattern, words in (
            (annotate_clauses._GENERIC_RE, annotate_clauses.GENERIC_WORDS),
            (annotate_clauses._TREND_RE, annotate_clauses.TREND_WORDS),
            (annotate_clauses._SEPARATE_RE, annotate_clauses.SEPARATE_WORDS),
            (annotate_actors._NOT_INVOLVED_RE, annotate_actors.NOT_INVOLVED_WORDS),
            (drafting._FIGURE_CLAIM_RE, drafting.FIGURE_CLAIM_WORDS),
        ):
            assert _always_holds(_parsed(pattern), words), pattern.pattern[:60]

    def test_the_reader_is_not_fooled(self) -> None:
        assert not _always_holds(_parsed(RELATIVE), ("his", "her"))  # "their" lacks both
        assert not _always_holds(_parsed(re.compile(r"ab|c")), ("ab",))
        assert not _always_holds(_parsed(re.compile(r"(?:day)?s")), ("day",))
        assert _always_holds(_parsed(re.compile(r"c(?:ame|omes?)")), ("came", "come"))


class TestTriggerAlternation:
    def test_every_trigger_starts_with_a_letter(self) -> None:
        # _COMBINED looks for a letter before trying the rows (``(?=[a-z])``): a trigger that
        # could start otherwise would never be found.
        for _, _, pattern in events._TRIGGERS:
            first = _first_chars(sre_parser.parse(pattern))
            assert first is not None, pattern
            assert first <= set(string.ascii_lowercase), pattern

    @settings(max_examples=300, deadline=None)
    @given(text=_texts(_TRIGGER_WORDS, [" ", "-", ", ", "'s "]))
    def test_same_matches_as_a_boundary_per_row(self, text: str) -> None:
        low = lower_same_length(text)
        full = [(m.lastgroup, m.span()) for m in _per_row_pattern().finditer(low)]
        assert [(m.lastgroup, m.span()) for m in events._COMBINED.finditer(low)] == full


# --- a longer proper name before a place --------------------------------------------------


class TestLongerNameBefore:
    @settings(max_examples=300, deadline=None)
    @given(
        text=_texts(
            [
                "Cartel",
                "de",
                "del",
                "la",
                "los",
                "Villa",
                "Horizontes",
                "in",
                "da",
                "do",
                ".",
                "Puerto",
                "Ain",
                "xVilla",
            ],
            [" ", "  ", "\n", ". "],
        )
    )
    def test_same_answer_as_the_pattern(self, text: str) -> None:
        before = text[-40:]
        expected = (
            place_roles._LONGER_NAME_BEFORE.search(before) is not None
            or place_roles._PREFIX_BEFORE.search(before) is not None
        )
        assert place_roles.inside_longer_name(before) is expected


# --- clause splitting: a turn to another event needs one of a few words --------------------

_TURN_WORDS = [
    "two days after", "3 hours since", "several weeks before", "weeks after", "came as",
    "comes amid", "came a day after", "in retaliation", "grim echoes of", "reminiscent of",
    "recalled the", "similar to a", "two days ſince", "sİmİlar to the", "ın retalıatıon",
    "AFTER", "Days After", "the", "a", "attack", "Kirkuk", "only", "just", "few", "as",
]  # fmt: skip


class TestTurnWords:
    @settings(max_examples=400, deadline=None)
    @given(text=_texts(_TURN_WORDS, [" ", ", ", "  "]))
    def test_no_turn_is_missed(self, text: str) -> None:
        if text_module._BACKGROUND_SPLIT_RE.search(text):
            assert text_module._may_turn(text), text

    def test_clauses_still_split(self) -> None:
        sentence = (
            "Gunmen killed two guards in Kirkuk, days after a bombing in Mosul left 30 dead."
        )
        parts = [(c.text, c.background_cue) for c in text_module.split_clauses(sentence)]
        assert parts == [
            ("Gunmen killed two guards in Kirkuk", False),
            ("days after a bombing in Mosul left 30 dead.", True),
        ]


# --- fold without offsets -----------------------------------------------------------------


class TestFold:
    @settings(max_examples=300, deadline=None)
    @given(text=st.text())
    @example("  Al Ba\u015frah\u2019s  \t city ")
    @example("ﬁnal \ufb01 \u0627\u0644\u0628\u064e\u0635\u0652\u0631\u064e\u0629  x")
    def test_same_as_folding_with_offsets(self, text: str) -> None:
        assert fold(text) == fold_with_offsets(text)[0].strip()


# --- sentence ends: one character class first ----------------------------------------------

_SENTENCE_END_BEFORE = re.compile(
    r"[.!?][\"'’”)\]]*(?=\s+[\"'‘“(\[]?[A-Z0-9\u0600-\u06ff])|\n\s*\n"
)  # the two alternatives as first written


class TestSentenceEnds:
    @settings(max_examples=500, deadline=None)
    @given(text=st.text(alphabet=".!?\n \t\"'’”)]‘“([aZ09بx", max_size=16))
    @example("He left. Then she came.\n\nA new paragraph")
    def test_same_ends_as_the_two_alternatives(self, text: str) -> None:
        expected = [m.span() for m in _SENTENCE_END_BEFORE.finditer(text)]
        assert [m.span() for m in normalize._SENTENCE_END_RE.finditer(text)] == expected
