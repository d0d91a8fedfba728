"""Row mapping: SQLite rows to domain models and models to statement parameters.

SQLite stores timestamps, dates and times as ISO text, JSON as text and booleans as 0/1; the
models themselves are built by the backend-neutral :mod:`storage.mapping`.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from bot.domain import Incident
from storage.mapping import Converters, Encoders, RowMapper, incident_values
from storage.sqlite.values import _dt, _json, _ts

MAPPER = RowMapper(
    Converters(
        timestamp=_dt,
        date=dt.date.fromisoformat,
        time=dt.time.fromisoformat,
        json=json.loads,
    )
)
_count_from_row = MAPPER.count
_revision_from_row = MAPPER.revision


ENCODERS = Encoders(date=dt.date.isoformat, json=_json, timestamp=_ts, flag=int)


def _incident_params(incident: Incident) -> dict[str, Any]:
    """Named statement parameters for an incident's own columns."""
    return incident_values(incident, ENCODERS)
