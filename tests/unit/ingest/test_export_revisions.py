"""Exports keep reviewers' work: the status column and every revision with who and why."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json

from bot.domain import IncidentRevision, IncidentStatus
from bot.ingest.export import write_csv, write_jsonl
from tests.unit.ingest.test_export import _incident

T0 = dt.datetime(2026, 3, 2, 11, 0, tzinfo=dt.UTC)
REVISION = IncidentRevision(
    incident_id=42,
    revision=2,
    changed_at=T0,
    changes={"killed": {"old": "2-4", "new": "3"}},
    note="toll corrected: 3 killed, 3 injured",
    changed_by=900,
    changed_by_name="Rana",
    reason="=the provincial health office",
)


def test_csv_has_status_and_revisions() -> None:
    retracted = _incident().model_copy(update={"status": IncidentStatus.RETRACTED})
    out = io.StringIO()
    write_csv([retracted], out, {42: [REVISION]})
    [row] = list(csv.DictReader(io.StringIO(out.getvalue())))
    assert row["sitrep_status"] == "retracted"
    [record] = json.loads(row["sitrep_revisions"])
    assert record["changed_by"] == 900
    assert record["changed_by_name"] == "Rana"
    assert record["reason"] == "=the provincial health office"  # inside JSON: no formula
    assert record["changes"] == {"killed": {"old": "2-4", "new": "3"}}
    assert record["changed_at"] == "2026-03-02T11:00:00+00:00"


def test_csv_without_revisions_leaves_the_column_empty() -> None:
    out = io.StringIO()
    write_csv([_incident()], out)
    [row] = list(csv.DictReader(io.StringIO(out.getvalue())))
    assert (row["sitrep_status"], row["sitrep_revisions"]) == ("active", "")


def test_jsonl_with_revisions() -> None:
    out = io.StringIO()
    write_jsonl([_incident(), _incident().model_copy(update={"id": 43})], out, {42: [REVISION]})
    first, second = (json.loads(line) for line in out.getvalue().splitlines())
    assert [r["note"] for r in first["revisions"]] == [REVISION.note]
    assert first["status"] == "active"
    assert second["revisions"] == []
