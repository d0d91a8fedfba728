"""The confidence gate: only incidents trusted enough get a first alert; a second report can
lift an unconfirmed one over the threshold."""

from __future__ import annotations

import pytest

from bot.domain import Incident, OutboxKind
from bot.services import Services
from bot.services.alerts import alert_key
from storage.base import Storage
from tests.fakes import BAGHDAD, ScriptedExtractor
from tests.unit.services.conftest import (
    BuildServices,
    add_subscriber,
    make_incident,
    make_settings,
)

THRESHOLD = 0.6


def scored(confidence: float | None) -> Incident:
    incident = make_incident("Baghdad", killed=2)
    incident.confidence = confidence
    incident.confidence_reasons = [] if confidence is None else ["place: not in the lead"]
    return incident


@pytest.fixture
def services(build: BuildServices) -> Services:
    """Real merging, and alerts that need a confidence of 0.6."""
    return build(make_settings(SITREP_ALERT_MIN_CONFIDENCE=THRESHOLD), real_merge=True)


@pytest.mark.parametrize(("confidence", "alerts"), [(0.59, 0), (0.6, 1), (0.95, 1), (None, 1)])
async def test_first_alert_needs_the_threshold(
    services: Services,
    extractor: ScriptedExtractor,
    confidence: float | None,
    alerts: int,
) -> None:
    await add_subscriber(services, 1, BAGHDAD)
    extractor.script("R1", [scored(confidence)])
    outcome = await services.ingestion.ingest_text("R1: a clash in Baghdad")
    assert len(outcome.new_incidents) == 1  # stored either way
    assert outcome.alerts_queued == alerts


async def test_a_second_report_confirms_and_alerts_once(
    services: Services, storage: Storage, extractor: ScriptedExtractor
) -> None:
    await add_subscriber(services, 1, BAGHDAD)
    extractor.script("R1", [scored(0.5)])
    extractor.script("R2", [scored(0.5)])
    first = await services.ingestion.ingest_text("R1: a clash in Baghdad")
    assert first.alerts_queued == 0
    [incident] = first.new_incidents
    assert incident.id is not None
    second = await services.ingestion.ingest_text("R2: another outlet on the clash")
    assert second.new_incidents == []
    [updated] = second.updated_incidents
    assert updated.confidence == pytest.approx(0.75)
    assert "reports: 2 tell it" in updated.confidence_reasons
    assert (second.alerts_queued, second.updates_queued) == (1, 0)
    alert = await storage.outbox.get_by_key(alert_key(1, incident.id))
    assert alert is not None
    assert alert.kind is OutboxKind.ALERT


async def test_a_confirmed_incident_is_not_announced_again_by_corroboration(
    services: Services, extractor: ScriptedExtractor
) -> None:
    await add_subscriber(services, 1, BAGHDAD)
    extractor.script("R1", [scored(0.8)])
    extractor.script("R2", [scored(0.8)])
    first = await services.ingestion.ingest_text("R1: a clash in Baghdad")
    assert first.alerts_queued == 1
    second = await services.ingestion.ingest_text("R2: another outlet on the clash")
    assert (second.alerts_queued, second.updates_queued) == (0, 0)
