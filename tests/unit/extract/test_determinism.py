"""The same report gives the same incidents in every process, whatever the string hash seed.

A place name shared by towns of several countries votes for each of them; the votes used to
be counted in the order of a set of country codes, which depends on the hash seed, so a tie
between two countries placed a toll in Afghanistan in one process and in India in another.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]

# Our own words: a lead in Kandahar, and an earlier bombing in a town named like towns abroad.
REPORT = (
    "Gunmen shot dead 6 shepherds in the desert near Kandahar on Tuesday. Officials said 13 "
    "houses and a school were damaged. The attack came 13 days after a similar bombing in Tal "
    "Afar that killed 20 people. Residents said the area had been calm for months."
)
_CHILD = """
import datetime as dt, json, sys
from bot.extract.pipeline import build_rules_extractor
from bot.extract.serialize import incident_to_json
incidents = build_rules_extractor().extract_text(
    sys.stdin.read(), dt.datetime(2026, 3, 19, 12, 0, tzinfo=dt.UTC), title="6 killed in Kandahar"
)
print(json.dumps([incident_to_json(i) for i in incidents], sort_keys=True))
"""


def _extract_with_seed(seed: int) -> list[dict[str, object]]:
    env = {**os.environ, "PYTHONHASHSEED": str(seed)}
    done = subprocess.run(
        [sys.executable, "-c", _CHILD],
        input=REPORT,
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        check=True,
        timeout=300,
    )
    result: list[dict[str, object]] = json.loads(done.stdout)
    return result


def test_incidents_do_not_depend_on_the_hash_seed() -> None:
    first, second = _extract_with_seed(1), _extract_with_seed(2)
    assert first == second
    places = [(i["location"]["country"], i["killed"]["min"]) for i in first]  # type: ignore[index]
    assert places == [("AF", 6), ("AF", 20)]
