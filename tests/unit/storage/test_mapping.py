"""The shared row mapping: each backend's statement values read back as the same model."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from bot.domain import (
    CasualtyClaim,
    CasualtyCount,
    CountStatus,
    EventType,
    GeoPrecision,
    Incident,
    Location,
    SubEventType,
)
from storage.mapping import INCIDENT_FIELDS, RowMapper
from storage.postgres import rows as pg_rows
from storage.sqlite import rows as sqlite_rows
from storage.sqlite.values import _ts

CREATED = dt.datetime(2026, 3, 1, 9, 30, tzinfo=dt.UTC)


def _incident(**changes: Any) -> Incident:
    fields: dict[str, Any] = {
        "id": 7,
        "date": dt.date(2026, 2, 27),
        "date_end": dt.date(2026, 2, 28),
        "location": Location(
            name="Test Town",
            place_key="iq:test-town",
            admin1="Test Province",
            country="IQ",
            lat=30.5,
            lon=47.8,
            geo_precision=GeoPrecision.POINT,
        ),
        "event_type": EventType.EXPLOSIONS,
        "sub_event_type": SubEventType.REMOTE_EXPLOSIVE,
        "killed": CasualtyCount(
            min=3,
            max=3,
            status=CountStatus.EXACT,
            source="police",
            claims=[CasualtyClaim(min=3, status=CountStatus.EXACT, source="police")],
        ),
        "injured": CasualtyCount(min=1, max=4, status=CountStatus.APPROXIMATE),
        "summary": "A device went off near a checkpoint.",
        "evidence": ["a device went off", "three were killed"],
        "is_background": True,
        "confidence": 0.75,
        "confidence_reasons": ["named place", "official source"],
        "revision": 2,
        "created_at": CREATED,
        "updated_at": CREATED + dt.timedelta(hours=1),
    }
    fields.update(changes)
    return Incident.model_validate(fields)


def _sqlite_row(incident: Incident) -> dict[str, Any]:
    assert incident.created_at is not None
    assert incident.updated_at is not None
    return {
        **sqlite_rows._incident_params(incident),
        "id": incident.id,
        "created_at": _ts(incident.created_at),
        "updated_at": _ts(incident.updated_at),
    }


def _postgres_row(incident: Incident) -> dict[str, Any]:
    values = dict(zip(pg_rows.INCIDENT_COLUMNS, pg_rows.incident_args(incident), strict=True))
    return {
        **values,
        "id": incident.id,
        "created_at": incident.created_at,
        "updated_at": incident.updated_at,
    }


@pytest.mark.parametrize(
    ("mapper", "to_row"),
    [(sqlite_rows.MAPPER, _sqlite_row), (pg_rows.MAPPER, _postgres_row)],
    ids=["sqlite", "postgres"],
)
@pytest.mark.parametrize("date_end", [dt.date(2026, 2, 28), None])
def test_incident_reads_back_as_written(mapper: RowMapper, to_row: Any, date_end: Any) -> None:
    incident = _incident(date_end=date_end)
    assert mapper.incident(to_row(incident), [], []) == incident


def test_sqlite_stores_text_and_integers() -> None:
    params = sqlite_rows._incident_params(_incident())
    assert params["date"] == "2026-02-27"
    assert params["is_background"] == 1
    assert params["evidence"] == '["a device went off","three were killed"]'


def test_every_backend_stores_the_same_columns() -> None:
    assert set(sqlite_rows._incident_params(_incident())) == set(INCIDENT_FIELDS)
