"""Two different attacks in one city on one day stay two incidents, with no false update."""

from __future__ import annotations

import pytest

from bot.domain import GeoPrecision, OutboxKind, SubEventType
from bot.services import Services
from bot.services.alerts import alert_key, update_key
from storage.base import Storage
from tests.fakes import (
    BAGHDAD,
    ScriptedExtractor,
)
from tests.unit.services.conftest import (
    BuildServices,
    add_subscriber,
    make_incident,
    outbox_counts,
)


@pytest.fixture
def services(build: BuildServices) -> Services:
    """The services with the real cross-report merge (bot.extract.merge)."""
    return build(real_merge=True)


async def test_checkpoint_shooting_then_outskirts_bomb_are_two_alerts_not_an_update(
    services: Services, storage: Storage, extractor: ScriptedExtractor
) -> None:
    await add_subscriber(services, 1, BAGHDAD)
    extractor.script("SHOT", [make_incident("Baghdad", killed=2, injured=4)])
    extractor.script(
        "BOMB",
        [
            make_incident(
                "Baghdad",
                killed=3,
                injured=5,
                event=SubEventType.REMOTE_EXPLOSIVE,
                precision=GeoPrecision.NEAR,
            )
        ],
    )
    first = await services.ingestion.ingest_text("SHOT: gunmen fired on a checkpoint")
    second = await services.ingestion.ingest_text("BOMB: a roadside bomb on the outskirts")
    assert len(first.new_incidents) == len(second.new_incidents) == 1
    assert second.updated_incidents == []
    assert second.notes == []  # no "death toll rose from 2 to 3"
    assert (second.alerts_queued, second.updates_queued) == (1, 0)
    shooting, bomb = first.new_incidents[0], second.new_incidents[0]
    assert shooting.id is not None
    assert bomb.id is not None
    assert shooting.id != bomb.id
    for incident_id in (shooting.id, bomb.id):
        alert = await storage.outbox.get_by_key(alert_key(1, incident_id))
        assert alert is not None
        assert alert.kind is OutboxKind.ALERT
    assert await storage.outbox.get_by_key(update_key(1, shooting.id, 2)) is None
    assert await outbox_counts(storage) == {"pending": 2}
