"""Files -> reports and incidents: JSON Lines records and ACLED-style CSV rows."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Sequence
from pathlib import Path

import pytest

from bot.domain import (
    ActorRef,
    ActorType,
    CountStatus,
    DatePrecision,
    EventType,
    GeoPrecision,
    Incident,
    Location,
    SubEventType,
)
from bot.ingest.files import (
    ReportRecord,
    RowError,
    acled_row_to_incident,
    count_rows,
    iter_acled,
    iter_jsonl,
    read_text,
    record_to_report,
    sniff_format,
)
from tests.unit.ingest.samples import ACLED_HEADER, acled_csv, jsonl_reports

NOW = dt.datetime(2026, 3, 6, 12, 0, tzinfo=dt.UTC)


class FakeActors:
    """A registry that knows one actor by two names."""

    def lookup(self, name: str) -> Sequence[ActorRef]:
        if name.casefold() in {"islamic state (iraq)", "isis"}:
            return [ActorRef(id="islamic-state", name="Islamic State", type=ActorType.REBEL_GROUP)]
        return []


def _acled_incidents() -> list[Incident | RowError]:
    return [item for _, _, item in iter_acled(io.StringIO(acled_csv()), actors=FakeActors())]


class TestReadText:
    def test_file_and_stream(self, tmp_path: Path) -> None:
        path = tmp_path / "r.txt"
        path.write_text("  A report\n\n\n about Basra ", encoding="utf-8")
        assert read_text(path, max_chars=1000) == "A report\n\nabout Basra"
        assert read_text(io.StringIO("stdin text"), max_chars=1000) == "stdin text"

    def test_too_long_and_empty_and_missing(self, tmp_path: Path) -> None:
        with pytest.raises(RowError, match="longer"):
            read_text(io.StringIO("x" * 20), max_chars=10)
        with pytest.raises(RowError, match="empty"):
            read_text(io.StringIO("   \n"), max_chars=10)
        with pytest.raises(RowError, match="cannot read"):
            read_text(tmp_path / "nope.txt", max_chars=10)


class TestJsonLines:
    def test_records_and_rejections(self) -> None:
        items = list(iter_jsonl(io.StringIO(jsonl_reports())))
        assert [number for number, _ in items] == [1, 2, 3, 4]
        first, bad, second, empty = (item for _, item in items)
        assert isinstance(first, ReportRecord)
        assert isinstance(second, ReportRecord)
        assert isinstance(bad, RowError)
        assert "line 2: not JSON" in str(bad)
        assert isinstance(empty, RowError)
        assert "text" in str(empty)

    def test_bare_date_and_report(self) -> None:
        items = [item for _, item in iter_jsonl(io.StringIO(jsonl_reports()))]
        record = items[2]
        assert isinstance(record, ReportRecord)
        assert record.published_at == dt.datetime(2026, 3, 5, 12, 0, tzinfo=dt.UTC)
        report = record_to_report(record, fetched_at=NOW)
        assert report.origin == "import"
        assert report.url == "https://wire.example/news/convoy"
        assert report.outlet == "Tigris Wire"

    def test_non_object_line(self) -> None:
        ((_, item),) = list(iter_jsonl(["[1, 2]"]))
        assert isinstance(item, RowError)


class TestAcledRows:
    def test_first_row_maps_onto_an_incident(self) -> None:
        first = _acled_incidents()[0]
        assert isinstance(first, Incident)
        assert first.date == dt.date(2026, 2, 10)
        assert first.date_precision is DatePrecision.DAY
        assert first.event_type is EventType.EXPLOSIONS
        assert first.sub_event_type is SubEventType.REMOTE_EXPLOSIVE
        assert first.location.name == "Tikrit"
        assert first.location.country == "IQ"
        assert first.location.admin1 == "Salah al-Din"
        assert first.location.geo_precision is GeoPrecision.NEAR
        assert first.location.lat == pytest.approx(34.607)
        assert first.killed.min == first.killed.max == 2
        assert first.killed.status is CountStatus.EXACT
        assert first.injured.status is CountStatus.UNKNOWN
        assert first.injured.min is None
        assert first.sources[0].url == "acled:IRQ90001"
        assert first.sources[0].outlet == "Tigris Wire"
        assert "roadside bomb" in first.summary

    def test_actors_from_registry_or_generated_with_inter_type(self) -> None:
        second = _acled_incidents()[1]
        assert isinstance(second, Incident)
        assert second.date_precision is DatePrecision.WEEK
        by_id = {actor.id: actor for actor in second.actors}
        assert by_id["islamic-state"].name == "Islamic State"
        army = by_id["acled-military-forces-of-iraq-2022"]
        assert army.type is ActorType.STATE_FORCES
        # An associated actor takes its side's inter type.
        assert by_id["acled-popular-mobilization-forces"].type is ActorType.STATE_FORCES
        assert second.killed.min == 0

    def test_mismatched_sub_event_rejected_with_reason(self) -> None:
        fourth = _acled_incidents()[3]
        assert isinstance(fourth, RowError)
        assert "row 4" in str(fourth)
        assert "does not belong" in str(fourth)

    @pytest.mark.parametrize(
        ("change", "message"),
        [
            ({"event_date": "yesterday"}, "not a date"),
            ({"event_type": "Earthquakes"}, "unknown event_type"),
            ({"country": "Atlantis", "iso": "999"}, "unknown country"),
            ({"fatalities": "many"}, "whole number"),
            ({"latitude": "123"}, "out of range"),
            ({"location": ""}, "missing location"),
        ],
    )
    def test_bad_values(self, change: dict[str, str], message: str) -> None:
        row = dict(zip(ACLED_HEADER.split(","), _first_row_values(), strict=True))
        row.update(change)
        with pytest.raises(RowError, match=message):
            acled_row_to_incident(row)

    def test_locator_links_gazetteer_place(self) -> None:
        def locate(name: str, country: str, admin1: str | None) -> Location | None:
            return Location(name=name, geonames_id=99999, country=country, admin1=admin1)

        row = dict(zip(ACLED_HEADER.split(","), _first_row_values(), strict=True))
        incident = acled_row_to_incident(row, locate=locate)
        assert incident.location.key == "gn:99999"
        assert incident.location.geo_precision is GeoPrecision.NEAR

    def test_missing_columns_refused(self) -> None:
        with pytest.raises(RowError, match="missing columns"):
            list(iter_acled(io.StringIO("a,b\n1,2\n")))


def _first_row_values() -> list[str]:
    import csv

    return next(csv.reader(io.StringIO(acled_csv().splitlines()[1])))


class TestSniffAndCount:
    def test_formats(self, tmp_path: Path) -> None:
        csv_path = tmp_path / "events.csv"
        csv_path.write_text(acled_csv(), encoding="utf-8")
        jsonl_path = tmp_path / "reports.data"
        jsonl_path.write_text(jsonl_reports(), encoding="utf-8")
        assert sniff_format(csv_path) == "acled"
        assert sniff_format(jsonl_path) == "jsonl"
        assert count_rows(csv_path, "acled") == 4
        assert count_rows(jsonl_path, "jsonl") == 4

    def test_empty_file(self, tmp_path: Path) -> None:
        path = tmp_path / "empty.data"
        path.write_text("\n", encoding="utf-8")
        with pytest.raises(RowError, match="empty"):
            sniff_format(path)


class TestGazetteerLocator:
    def test_rows_linked_to_packaged_gazetteer(self) -> None:
        from bot.extract.gazetteer import Gazetteer
        from bot.ingest.files import gazetteer_locator

        locate = gazetteer_locator(Gazetteer.default())
        incidents = [
            item
            for _, _, item in iter_acled(io.StringIO(acled_csv()), locate=locate)
            if isinstance(item, Incident)
        ]
        tikrit = incidents[0].location
        assert tikrit.geonames_id is not None
        assert tikrit.admin1_code == "IQ-SD"
        assert tikrit.geo_precision is GeoPrecision.NEAR  # ACLED's precision is kept
        assert tikrit.lat == pytest.approx(34.607)  # and ACLED's coordinates
        assert locate("Nowhere-on-earth", "IQ", None) is None
