"""The shared row mapping: each backend's statement values read back as the same model."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from bot.domain import Incident
from storage.mapping import (
    BRIEF_COLUMNS,
    INCIDENT_FIELDS,
    Encoders,
    RowMapper,
    actor_rows,
    source_rows,
)
from storage.postgres import rows as pg_rows
from storage.sqlite import rows as sqlite_rows
from storage.sqlite.values import _ts

CREATED = dt.datetime(2026, 3, 1, 9, 30, tzinfo=dt.UTC)


def _incident(**changes: Any) -> Incident:
    fields: dict[str, Any] = {
        "id": 7,
        "date": dt.date(2026, 2, 27),
        "date_end": dt.date(2026, 2, 28),
        "location": {
            "name": "Test Town",
            "place_key": "iq:test-town",
            "admin1": "Test Province",
            "country": "IQ",
            "lat": 30.5,
            "lon": 47.8,
            "geo_precision": "point",
        },
        "actors": [{"id": "act-1", "name": "A Group", "type": "rebel_group"}],
        "sources": [{"report_id": 4, "url": "https://news.example/a", "published_at": CREATED}],
        "event_type": "Explosions/Remote violence",
        "sub_event_type": "Remote explosive/landmine/IED",
        "killed": {
            "min": 3,
            "max": 3,
            "status": "exact",
            "source": "police",
            "claims": [{"min": 3, "status": "exact", "source": "police"}],
        },
        "injured": {"min": 1, "max": 4, "status": "approximate"},
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


def _read_back(
    mapper: RowMapper, incident: Incident, stored: dict[str, Any], enc: Encoders
) -> Incident:
    """What a backend loads: the row and its child rows (source times as ISO text, as both
    SQLite's column and PostgreSQL's jsonb aggregate hand them over)."""
    incident_id = incident.id
    assert incident_id is not None
    actors = [mapper.actor(r[2:6]) for r in actor_rows(incident_id, incident, enc)]
    sources = [
        mapper.source([*r[2:6], None if r[6] is None else _iso(r[6])])
        for r in source_rows(incident_id, incident, enc)
    ]
    return mapper.incident(stored, actors, sources)


def _iso(value: str | dt.datetime) -> str:
    return value if isinstance(value, str) else value.isoformat()


@pytest.mark.parametrize(
    ("mapper", "to_row", "enc"),
    [
        (sqlite_rows.MAPPER, _sqlite_row, sqlite_rows.ENCODERS),
        (pg_rows.MAPPER, _postgres_row, pg_rows.ENCODERS),
    ],
    ids=["sqlite", "postgres"],
)
@pytest.mark.parametrize("date_end", [dt.date(2026, 2, 28), None])
def test_incident_reads_back_as_written(
    mapper: RowMapper, to_row: Any, enc: Encoders, date_end: dt.date | None
) -> None:
    incident = _incident(date_end=date_end)
    assert _read_back(mapper, incident, to_row(incident), enc) == incident


def test_sqlite_stores_text_and_integers() -> None:
    params = sqlite_rows._incident_params(_incident())
    assert params["date"] == "2026-02-27"
    assert params["is_background"] == 1
    assert params["evidence"] == '["a device went off","three were killed"]'


def test_every_backend_stores_the_same_columns() -> None:
    assert set(sqlite_rows._incident_params(_incident())) == set(INCIDENT_FIELDS)


@pytest.mark.parametrize(
    ("mapper", "to_row"),
    [(sqlite_rows.MAPPER, _sqlite_row), (pg_rows.MAPPER, _postgres_row)],
    ids=["sqlite", "postgres"],
)
def test_briefs_by_part_are_the_briefs_of_each_row(mapper: RowMapper, to_row: Any) -> None:
    # briefs_by_part reads the brief columns by position; the spec (mapper.brief) by name.
    incidents = [
        _incident(id=7),
        _incident(id=8, date_end=None, date=dt.date(2026, 3, 2), killed={"status": "unknown"}),
        _incident(id=9, event_type="Protests", sub_event_type="Peaceful protest"),
    ]
    stored = {i.id: to_row(i) for i in incidents}
    parts = [(0, 7), (1, 8), (0, 9), (1, 7)]  # incident 7 found by both parts
    rows = [(part, *(stored[i][c] for c in BRIEF_COLUMNS)) for part, i in parts]
    by_part = mapper.briefs_by_part(rows, 3)
    spec = {i: mapper.brief({c: stored[i][c] for c in BRIEF_COLUMNS}) for i in stored}
    assert by_part == [[spec[9], spec[7]], [spec[8], spec[7]], []]
    assert by_part[0][1] is by_part[1][1]  # mapped once
    assert spec[8].killed is None
    assert spec[8].date_end is None
    assert spec[9].event_type.value == "Protests"


def _every_field_set(incident: Incident) -> bool:
    """Every field of the incident and of each model in it was given (as the stored row gives
    them all), as reading each part into its own model used to set them."""
    models = [
        incident,
        incident.location,
        incident.killed,
        incident.injured,
        incident.arrested,
        *incident.actors,
        *incident.sources,
        *incident.killed.claims,
    ]
    return all(m.model_fields_set == set(type(m).model_fields) for m in models)


VARIED = [
    {},  # a span, claims, ranges, a published source, a score and its reasons
    {  # the bare minimum: no span, no counts, no actors or sources, nothing optional
        "date_end": None,
        "location": {"name": "Somewhere", "country": "IQ"},
        "actors": [],
        "sources": [],
        "killed": {},
        "injured": {},
        "evidence": [],
        "confidence_reasons": [],
        "confidence": None,
        "is_background": False,
    },
    {  # several actors and sources (kept in order), a range given high to low, a time of day
        "time_of_day": "night",
        "killed": {"min": 9, "max": 4, "status": "approximate"},
        "arrested": {"min": 2, "status": "at_least", "source": "police"},
        "actors": [
            {"id": "act-2", "name": "Second", "type": "state_forces", "country": "IQ"},
            {"id": "act-1", "name": "A Group", "type": "rebel_group"},
            {"id": "act-3", "name": "Third", "type": "political_militia", "country": "SY"},
        ],
        "sources": [
            {"report_id": 9, "url": "https://news.example/b", "outlet": "B", "title": "T"},
            {"url": "https://news.example/c", "published_at": CREATED - dt.timedelta(days=1)},
        ],
        "location": {
            "name": "Placed",
            "geonames_id": 99532,
            "admin1": "Basra",
            "admin1_code": "IQ-BA",
            "admin2": "Basra district",
            "country": "IQ",
            "geo_precision": "admin1",
            "timezone": "Asia/Baghdad",
        },
        "status": "retracted",
        "confidence": 1.0,
    },
    {"evidence": ["x" * 2000], "killed": {"claims": [{"min": 1, "evidence": "y" * 2000}]}},
]


@pytest.mark.parametrize(
    ("mapper", "to_row", "enc"),
    [
        (sqlite_rows.MAPPER, _sqlite_row, sqlite_rows.ENCODERS),
        (pg_rows.MAPPER, _postgres_row, pg_rows.ENCODERS),
    ],
    ids=["sqlite", "postgres"],
)
@pytest.mark.parametrize("changes", VARIED)
@pytest.mark.parametrize("children", ["models", "fields"])
def test_varied_incidents_read_back_with_every_field_set(
    mapper: RowMapper, to_row: Any, enc: Encoders, changes: dict[str, Any], children: str
) -> None:
    # The incident and everything in it are validated in one pass from plain fields; the
    # actors and sources may come as models (PostgreSQL) or as fields (SQLite).
    incident = _incident(**changes)
    if children == "models":
        read = _read_back(mapper, incident, to_row(incident), enc)
    else:
        stored = to_row(incident)
        actors = [mapper.actor_fields(r[2:6]) for r in actor_rows(7, incident, enc)]
        sources = [
            mapper.source_fields([*r[2:6], None if r[6] is None else _iso(r[6])])
            for r in source_rows(7, incident, enc)
        ]
        read = mapper.incident(stored, actors, sources)
    assert read == incident
    assert read.model_dump(mode="json") == incident.model_dump(mode="json")
    assert _every_field_set(read)


@pytest.mark.parametrize(
    ("column", "value", "message"),
    [
        ("killed_min", -1, "greater than or equal"),
        ("sub_event_type", "Peaceful protest", "is not a kind of"),
        ("confidence", 1.5, "less than or equal"),
        ("geo_precision", "somewhere", "geo_precision"),
    ],
)
def test_a_row_that_breaks_a_rule_is_refused(column: str, value: Any, message: str) -> None:
    stored = _sqlite_row(_incident()) | {column: value}
    with pytest.raises(ValueError, match=message):
        sqlite_rows.MAPPER.incident(stored, [], [])
