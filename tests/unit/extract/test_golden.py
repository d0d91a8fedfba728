"""Golden fixtures: texts written for the tests -> the incidents the engine must find."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from bot.domain.models import CasualtyCount, Incident
from bot.extract.pipeline import report_from_text
from bot.extract.text import parse_header, parse_published
from bot.ports import Extractor

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "extract"
CASES = sorted(path.stem for path in FIXTURES.glob("*.txt"))


def _count(count: CasualtyCount) -> list[int] | None:
    return (
        None
        if count.min is None
        else [count.min, count.max if count.max is not None else count.min]
    )


def _observed(incident: Incident) -> dict[str, Any]:
    loc = incident.location
    return {
        "place": loc.name,
        "admin1": loc.admin1,
        "country": loc.country,
        "geo_precision": loc.geo_precision.value,
        "date": incident.date.isoformat(),
        "date_precision": incident.date_precision.value,
        "time_of_day": incident.time_of_day,
        "event_type": incident.event_type.value,
        "sub_event_type": incident.sub_event_type.value,
        "actors": sorted(actor.id for actor in incident.actors),
        "killed": _count(incident.killed),
        "killed_status": incident.killed.status.value,
        "killed_source": incident.killed.source,
        "killed_claims": len([c for c in incident.killed.claims if c.min is not None]),
        "injured": _count(incident.injured),
        "injured_status": incident.injured.status.value,
        "arrested": _count(incident.arrested),
        "is_background": incident.is_background,
        "summary": incident.summary,
    }


async def _run(extractor: Extractor, name: str) -> list[Incident]:
    headers, body = parse_header((FIXTURES / f"{name}.txt").read_text(encoding="utf-8"))
    published = parse_published(headers["published"])
    return await extractor.extract(report_from_text(body, published))


def test_every_fixture_has_expectations() -> None:
    assert CASES, "no golden fixtures found"
    for name in CASES:
        assert (FIXTURES / f"{name}.json").is_file(), f"{name}.txt has no {name}.json"


@pytest.mark.parametrize("name", CASES)
async def test_golden(engine: Extractor, name: str) -> None:
    expected: list[dict[str, Any]] = json.loads(
        (FIXTURES / f"{name}.json").read_text(encoding="utf-8")
    )
    incidents = await _run(engine, name)
    observed = [_observed(incident) for incident in incidents]
    assert len(observed) == len(expected), json.dumps(observed, indent=1)
    for index, (want, got) in enumerate(zip(expected, observed, strict=True)):
        for key, value in want.items():
            if key == "actors":
                assert sorted(value) == got["actors"], (name, index, key, got)
            else:
                assert got[key] == value, (name, index, key, got)
