"""Incidents -> ACLED-compatible CSV and JSON Lines, and back again."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json

from bot.domain import (
    ActorRef,
    ActorType,
    CasualtyCount,
    CountStatus,
    EventType,
    Incident,
    Location,
    SourceRef,
    SubEventType,
)
from bot.ingest.export import CSV_COLUMNS, incident_row, write_csv, write_jsonl
from bot.ingest.files import ACLED_COLUMNS, iter_acled
from tests.unit.ingest.samples import acled_csv


def _incident() -> Incident:
    return Incident(
        id=42,
        date=dt.date(2026, 3, 2),
        location=Location(name="Tikrit", admin1="Salah al-Din", country="IQ", lat=34.6, lon=43.7),
        actors=[
            ActorRef(id="unknown-gunmen", name="Unidentified gunmen", type=ActorType.REBEL_GROUP),
            ActorRef(id="iraqi-army", name="Iraqi Army", type=ActorType.STATE_FORCES),
            ActorRef(id="civ", name="Civilians (Iraq)", type=ActorType.CIVILIANS),
        ],
        event_type=EventType.EXPLOSIONS,
        sub_event_type=SubEventType.REMOTE_EXPLOSIVE,
        killed=CasualtyCount(min=2, max=4, status=CountStatus.APPROXIMATE),
        injured=CasualtyCount(min=3, max=3, status=CountStatus.EXACT),
        summary='=HYPERLINK("http://evil.example") bomb near Tikrit',
        sources=[
            SourceRef(url="https://wire.example/a", outlet="Tigris Wire"),
            SourceRef(url="https://other.example/b", outlet="Other Daily"),
        ],
        updated_at=dt.datetime(2026, 3, 2, 10, 0, tzinfo=dt.UTC),
    )


class TestCsv:
    def test_header_is_acled_plus_extras(self) -> None:
        out = io.StringIO()
        assert write_csv([_incident()], out) == 1
        header = out.getvalue().splitlines()[0].split(",")
        assert tuple(header[: len(ACLED_COLUMNS)]) == ACLED_COLUMNS
        assert tuple(header) == CSV_COLUMNS

    def test_row_values(self) -> None:
        row = incident_row(_incident())
        assert row["event_id_cnty"] == "SITREP42"
        assert row["event_date"] == "2026-03-02"
        assert row["iso"] == "368"
        assert row["country"] == "Iraq"
        assert row["actor1"] == "Unidentified gunmen"
        assert row["inter1"] == "2"
        assert row["actor2"] == "Iraqi Army"
        assert row["assoc_actor_1"] == "Civilians (Iraq)"
        assert row["interaction"] == "12"  # ACLED puts the lower code first
        assert row["civilian_targeting"] == "Civilian targeting"
        assert row["fatalities"] == "2"
        assert row["killed_max"] == "4"
        assert row["injured_min"] == row["injured_max"] == "3"
        assert row["source"] == "Tigris Wire; Other Daily"
        assert row["source_urls"] == "https://wire.example/a https://other.example/b"
        assert row["sitrep_id"] == "42"

    def test_formula_cells_neutralised(self) -> None:
        assert incident_row(_incident())["notes"].startswith("'=")

    def test_round_trip_through_acled_reader(self) -> None:
        originals = [item for _, _, item in iter_acled(io.StringIO(acled_csv()))]
        incidents = [item for item in originals if isinstance(item, Incident)]
        out = io.StringIO()
        write_csv(incidents, out)
        again = [item for _, _, item in iter_acled(io.StringIO(out.getvalue()))]
        assert all(isinstance(item, Incident) for item in again)
        for before, after in zip(incidents, again, strict=True):
            assert isinstance(after, Incident)
            assert after.sources[0].url == before.sources[0].url  # acled:<event_id_cnty>
            assert after.date == before.date
            assert after.sub_event_type is before.sub_event_type
            assert after.location.name == before.location.name
            assert after.location.geo_precision is before.location.geo_precision
            assert after.killed.min == before.killed.min
            assert {a.name for a in after.actors} == {a.name for a in before.actors}
        rows = list(csv.DictReader(io.StringIO(out.getvalue())))
        assert [row["event_id_cnty"] for row in rows] == ["IRQ90001", "IRQ90002", "IRQ90003"]
        source_rows = list(csv.DictReader(io.StringIO(acled_csv())))
        for row, source in zip(rows, source_rows, strict=False):
            for column in (
                "actor1",
                "assoc_actor_1",
                "inter1",
                "actor2",
                "inter2",
                "interaction",
                "fatalities",
            ):
                assert row[column] == source[column], column


class TestJsonl:
    def test_one_object_per_line(self) -> None:
        out = io.StringIO()
        assert write_jsonl([_incident(), _incident()], out) == 2
        lines = out.getvalue().splitlines()
        assert len(lines) == 2
        data = json.loads(lines[0])
        assert data["id"] == 42
        assert Incident.model_validate(data) == _incident()

    def test_round_trip_keeps_unknown_tolls_and_injured_ranges(self) -> None:
        unknown_killed = _incident().model_copy(
            update={"killed": CasualtyCount(status=CountStatus.UNKNOWN)}
        )
        out = io.StringIO()
        write_csv([_incident(), unknown_killed], out)
        again = [item for _, _, item in iter_acled(io.StringIO(out.getvalue()))]
        ranged, unknown = again
        assert isinstance(ranged, Incident)
        assert isinstance(unknown, Incident)
        assert (ranged.killed.min, ranged.killed.max) == (2, 4)
        assert (ranged.injured.min, ranged.injured.max) == (3, 3)
        assert unknown.killed.min is None
        assert unknown.killed.status is CountStatus.UNKNOWN


class TestRoundTripKeepsDetail:
    def test_approximate_figures_and_their_sources_come_back(self) -> None:
        about = _incident().model_copy(
            update={
                "killed": CasualtyCount(
                    min=30, max=30, status=CountStatus.AT_LEAST, source="health ministry"
                ),
                "injured": CasualtyCount(
                    min=570, max=570, status=CountStatus.APPROXIMATE, source="medics"
                ),
                "summary": "At least 30 killed, according to the health ministry.",
            }
        )
        out = io.StringIO()
        write_csv([about], out)
        (again,) = [item for _, _, item in iter_acled(io.StringIO(out.getvalue()))]
        assert isinstance(again, Incident)
        assert again.injured.status is CountStatus.APPROXIMATE
        assert again.injured.display() == "about 570"
        assert again.killed.status is CountStatus.AT_LEAST
        # The figure keeps the source the summary names, not the outlets' names.
        assert again.killed.source == "health ministry"
        assert again.injured.source == "medics"
        assert again.summary == about.summary
