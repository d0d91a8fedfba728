"""The corrections export: the original extraction rolled back from the revisions, safe CSV."""

from __future__ import annotations

import csv
import datetime as dt
import io

from bot.domain import (
    CasualtyCount,
    CountStatus,
    EventType,
    Incident,
    IncidentRevision,
    Location,
    SubEventType,
)
from bot.services.correction_export import original_fields, snapshot, write_csv

T0 = dt.datetime(2026, 3, 3, 9, 0, tzinfo=dt.UTC)
INCIDENT = Incident(
    id=4,
    date=dt.date(2026, 3, 2),
    location=Location(name="Tell Qasrawi", place_key="local:1", country="IQ", admin1="Nineveh"),
    event_type=EventType.EXPLOSIONS,
    sub_event_type=SubEventType.REMOTE_EXPLOSIVE,
    killed=CasualtyCount(min=3, max=3, status=CountStatus.EXACT),
    summary="A bomb struck a patrol.",
    revision=3,
)


def revision(number: int, **changes: tuple[str, str]) -> IncidentRevision:
    return IncidentRevision(
        incident_id=4,
        revision=number,
        changed_at=T0 + dt.timedelta(hours=number),
        changes={name: {"old": pair[0], "new": pair[1]} for name, pair in changes.items()},
    )


class TestOriginal:
    def test_the_earliest_old_value_of_each_field_is_the_original(self) -> None:
        history = [
            revision(3, killed=("2", "3")),
            revision(2, killed=("1", "2"), location=("Mosul", "Tell Qasrawi")),
        ]
        original = original_fields(INCIDENT, history)
        assert original["killed"] == "1"
        assert original["location"] == "Mosul"
        assert original["date"] == "2026-03-02"  # never changed: today's value is the original

    def test_without_revisions_the_original_is_the_incident(self) -> None:
        assert original_fields(INCIDENT, []) == snapshot(INCIDENT)

    def test_unreadable_changes_are_ignored(self) -> None:
        odd = IncidentRevision(
            incident_id=4, revision=2, changed_at=T0, changes={"killed": "three", "x": {"new": 1}}
        )
        assert original_fields(INCIDENT, [odd]) == snapshot(INCIDENT)


class TestCsv:
    def test_formulas_in_peoples_text_are_made_inert(self) -> None:
        row = {
            "kind": "local_place", "at": None, "by": 900, "incident_id": None, "revision": None,
            "subject": "=HYPERLINK(\"x\")", "note": "-12", "reason": "", "changes": {"a": 1},
            "original": None, "current": None, "source_report_id": None, "source_url": None,
        }  # fmt: skip
        handle = io.StringIO()
        assert write_csv([row], handle) == 1
        written = next(csv.DictReader(io.StringIO(handle.getvalue())))
        assert written["subject"] == '\'=HYPERLINK("x")'
        assert written["note"] == "-12"  # a number stays a number
        assert written["changes"] == '{"a": 1}'
        assert written["original"] == ""
