"""What learned places cost: rebuilding the gazetteer on a change, and extraction with them.

Corpus: the generated articles of ``bench.extraction`` (our own words), a quarter of them
naming a learned place. Reference: the same articles through the packaged gazetteer alone.
The learned places are invented names on a grid over Iraq and Syria.
"""

from __future__ import annotations

import random
import string
import time
from collections.abc import Callable

from bench.extraction import _PLACES, _time_passes, generate_articles, one_core
from bench.report import Row
from bot.extract.gazetteer import Gazetteer
from bot.extract.local_places import LocalGazetteer, LocalName, PlaceLocator
from bot.extract.pipeline import build_rules_extractor


def invented_places(count: int, seed: int = 11) -> list[LocalName]:
    """``count`` made-up village names on a grid over Iraq and Syria."""
    rng = random.Random(seed)
    places = []
    for index in range(count):
        word = "".join(rng.choice(string.ascii_lowercase) for _ in range(7)).capitalize()
        lat, lon = 32.0 + rng.random() * 5, 38.0 + rng.random() * 8
        country = "IQ" if lon > 41.5 else "SY"
        places.append(
            LocalName(f"local:{index}", f"Tell {word}", (), lat, lon, country, None, None)
        )
    return places


def _best_ms(action: Callable[[], object], repeats: int) -> float:
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        action()
        best = min(best, time.perf_counter() - start)
    return best * 1000


def run(quick: bool) -> list[Row]:
    """Measure and return the table rows."""
    base = Gazetteer.default()
    count = 200 if quick else 1_000
    places = invented_places(count)
    rebuild_ms = _best_ms(lambda: LocalGazetteer(base, places), 5)
    local = LocalGazetteer(base, places)
    iraq = [p.name for p in places if p.country == "IQ"][:10]
    plain = generate_articles(75 if quick else 300)
    named = generate_articles(25 if quick else 100, seed=9, places=[*_PLACES[:25], *iraq])
    corpus = plain + named
    with_local = build_rules_extractor(local)
    without = build_rules_extractor(base)
    found = sum(
        any(
            i.location.key.startswith("local:")
            for i in with_local.extract_text(a.text, a.published)
        )
        for a in named
    )
    min_seconds = 1.0 if quick else 4.0
    locator = PlaceLocator(base)
    locator.nearest(33.3, 44.4, within_km=150)  # the grid, built once
    locate_ms = _best_ms(lambda: locator.nearest(36.21, 42.95, within_km=150), 20)
    rate_base = rate_local = 0.0
    with one_core():
        for _ in range(2):  # interleaved, best of two: the machine is shared
            rate_base = max(
                rate_base,
                _time_passes(
                    lambda a: without.extract_text(a.text, a.published), corpus, min_seconds
                ),
            )
            rate_local = max(
                rate_local,
                _time_passes(
                    lambda a: with_local.extract_text(a.text, a.published), corpus, min_seconds
                ),
            )
    note = f"{len(corpus)} generated articles, {len(named)} naming a learned place"
    return [
        Row(
            "learning", f"rebuild with {count} learned places", rebuild_ms, "ms", note="per change"
        ),
        Row(
            "learning",
            f"throughput with {count} learned places, 1 core",
            rate_local,
            "articles/s",
            "packaged gazetteer alone",
            rate_base,
            f"{note}; {found} placed there",
        ),
        Row("learning", "country/governorate of a point", locate_ms, "ms", note="nearest towns"),
    ]
