"""Extraction quality on the report sets written for Sitrep (``tests/fixtures/reports``).

Each set is judged exactly as ``sitrep eval`` judges a folder; the floors sit a little below the
scores measured when they were set, so a change that breaks what used to work fails here.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.cli.extract import load_inputs
from bot.extract.actors import ActorRegistry
from bot.extract.evaluation import (
    EvalSummary,
    engine_matchers,
    load_gold,
    score_article,
    summarize_scores,
)
from bot.extract.gazetteer import Gazetteer
from bot.ports import Extractor

REPORTS = Path(__file__).resolve().parents[2] / "fixtures" / "reports"

# (place, date, event type, killed, injured) floors per set.
FLOORS = {
    "a": (0.9, 0.9, 0.9, 0.9, 0.85),
    "b": (0.8, 0.8, 0.75, 0.8, 0.75),
    "c": (0.9, 0.85, 0.8, 0.85, 0.7),
    "d": (0.9, 0.9, 0.9, 0.9, 0.85),
    "e": (0.9, 0.85, 0.8, 0.85, 0.8),
    "f": (0.9, 0.8, 0.85, 0.75, 0.75),
    "g": (0.95, 0.9, 0.8, 0.85, 0.7),
    "h": (0.9, 0.8, 0.85, 0.75, 0.75),
    "i": (0.95, 0.8, 0.85, 0.8, 0.75),
    "j": (0.85, 0.8, 0.8, 0.8, 0.7),
    "k": (0.85, 0.7, 0.8, 0.8, 0.85),
    "l": (0.85, 0.8, 0.8, 0.7, 0.7),
    "m": (0.9, 0.9, 0.85, 0.9, 0.8),
    "n": (0.8, 0.75, 0.8, 0.75, 0.7),
    "o": (0.85, 0.8, 0.85, 0.8, 0.65),
    "p": (0.85, 0.7, 0.85, 0.8, 0.7),
    "q": (0.9, 0.85, 0.85, 0.65, 0.85),
    "r": (0.95, 0.9, 0.95, 0.85, 0.85),
    "s": (0.9, 0.85, 0.9, 0.85, 0.7),
    "t": (0.9, 0.9, 0.85, 0.85, 0.85),
    "u": (0.85, 0.8, 0.75, 0.85, 0.8),
}


async def evaluate(folder: Path, extractor: Extractor) -> EvalSummary:
    gold = load_gold(json.loads((folder / "gold.json").read_text(encoding="utf-8")))
    actor_matches, admin1_matches = engine_matchers(ActorRegistry.default(), Gazetteer.default())
    scores = []
    # As `sitrep eval` reads them: an undated report is dated from its link or its text.
    for article, report in load_inputs(folder, gold):
        incidents = await extractor.extract(report)
        scores.append(
            score_article(
                article, incidents, actor_matches=actor_matches, admin1_matches=admin1_matches
            )
        )
    return summarize_scores(scores)


@pytest.mark.parametrize("name", sorted(FLOORS))
async def test_set_stays_above_its_floor(name: str, engine: Extractor) -> None:
    summary = await evaluate(REPORTS / name, engine)
    place, date, event, killed, injured = FLOORS[name]
    assert summary.place >= place
    assert summary.date >= date
    assert summary.event_type >= event
    assert summary.killed >= killed
    assert summary.injured >= injured
    assert summary.invented == 0


def test_every_set_is_complete() -> None:
    for name in FLOORS:
        folder = REPORTS / name
        gold = load_gold(json.loads((folder / "gold.json").read_text(encoding="utf-8")))
        assert gold
        assert all((folder / article.file).is_file() for article in gold)
