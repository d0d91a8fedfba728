"""Casualty figures in news text: killed, injured, arrested, abducted, with who gave them.

Careful regex rather than a model: digits and number words, "at least" / "more than", vague
quantities read the ACLED way ("dozens" = 12, "tens" = 10, "scores" = 20, "hundreds" = 100),
"the death of one and the injury of another", "toll rose to N", coordinated subjects ("six
civilians and four soldiers died" = 10), subsets ("including four children") skipped, cumulative
figures ("since October", "thousands") skipped. A figure is never invented: no number, no figure.
The words and patterns live in ``figure_words``; combining an incident's figures in ``tolls``;
who gave them in ``attribution``.
"""

from __future__ import annotations

import re
from dataclasses import replace

from bot.extract.attribution import find_attribution
from bot.extract.events import irrealis_before
from bot.extract.figure_reader import FigureReader, has_any
from bot.extract.figure_words import (
    AGGREGATE,
    AGGREGATE_PERFECT,
    HINT,
    PERFECT,
    Figure,
    FigureKind,
    blank_cumulative_parts,
    blank_parentheses,
    find_none,
    mentions_unknown,
    parse_number,
)
from bot.extract.text import lower_same_length, without_descriptions
from bot.extract.toll_words import blank_non_tolls
from bot.extract.tolls import Statement, combine, group_of
from bot.extract.word_hits import Words

__all__ = [  # the figure words, the combiner and the attribution are re-exported from here
    "Figure",
    "FigureKind",
    "Statement",
    "combine",
    "find_attribution",
    "find_figures",
    "group_of",
    "has_any",
    "mentions_unknown",
    "parse_number",
]

_HINT_WORDS = Words.of(HINT)


def has_hint(text: str) -> bool:
    """``HINT.search(text) is not None``: a word a figure pattern needs is in ``text``."""
    return _HINT_WORDS.in_text(text)


# Cheap test before reading each figure's context for a plan, threat or fear.
_MAYBE_HINT = re.compile(
    r"\b(?:plan|plot|conspir|prepar|intend|suspicion|suspected|accused|charged|convicted|"
    r"threat|vow|warn|fear|risk|aimed|in\s+order|bid|effort|seeking|push|talks|negotiat|"
    r"summit|mediation|could|would|might|to\s+(?:end|halt|stop|prevent|curb))",
    re.IGNORECASE,
)
_MAYBE_HINT_LOWER = re.compile(_MAYBE_HINT.pattern)  # the same, on lower-cased ASCII text


def _maybe(clause: str) -> bool:
    """``_MAYBE_HINT.search(clause)``: without the costlier case-blind search when ASCII."""
    if clause.isascii():
        return _MAYBE_HINT_LOWER.search(clause.lower()) is not None
    return _MAYBE_HINT.search(clause) is not None


def find_figures(clause: str) -> list[Figure]:
    """Casualty figures stated in one clause (or sentence), in order of appearance.

    Each figure's ``surface`` is the clause's own words at its span (the patterns run on a
    lower-cased copy with parentheses blanked, which keeps every offset).
    """
    figures = _read_figures(clause)
    if figures and _maybe(clause):
        # "warned that it would kill 100 soldiers", "threatened to kill": not a toll
        low = lower_same_length(clause)
        figures = [f for f in figures if not irrealis_before(low, f.start)]
    return [
        figure if clause[figure.start : figure.end] == figure.surface
        else replace(figure, surface=clause[figure.start : figure.end])
        for figure in figures
    ]  # fmt: skip


def _read_figures(clause: str) -> list[Figure]:
    lowered = lower_same_length(clause)
    if not has_hint(lowered):
        return []
    text = blank_non_tolls(blank_parentheses(lowered))
    if AGGREGATE.search(without_descriptions(text)):
        return find_none(text)
    if PERFECT.search(text) and AGGREGATE_PERFECT.search(text):  # the cheap test first
        # "250 have died since October" is a running total; in "shot dead a commander on
        # Tuesday, the latest of killings that have plagued the south since 2018" only the
        # comma-delimited part with the perfect tense is.
        text = blank_cumulative_parts(text)
        if not has_hint(text):
            return find_none(lowered)
    reader = FigureReader(clause, text)
    for read in (
        reader.bodies,
        reader.tolls,
        reader.subject_first,
        reader.one_person,
        reader.verb_first,
        reader.noun_form,
        reader.pronoun_object,
        reader.named_person,
    ):
        read()
    figures = reader.figures
    figures.sort(key=lambda f: f.start)
    return figures
