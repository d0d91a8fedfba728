"""ImportService: JSON Lines through ingestion, ACLED CSV straight to storage, resumable."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import pytest

from bot.domain import Incident, Location
from bot.ingest.export import write_csv
from bot.ingest.files import PlaceLocator
from bot.services.errors import UserError
from bot.services.imports import ImportService
from storage.base import IncidentQuery
from tests.fakes import same_event
from tests.integration.ingest.conftest import (
    FeedWorld,
    add_sources,
    scripted_incident,
)
from tests.unit.ingest.samples import ACLED_HEADER, ACLED_ROWS, acled_csv, jsonl_reports


def importer(world: FeedWorld, locate: PlaceLocator | None = None) -> ImportService:
    """An import service over the world's storage and ingest service (places from ``locate``)."""
    return ImportService(
        world.storage,
        world.services.ingestion,
        world.clock,
        actors=None,
        locate=locate,
        find_match=same_event,
        merge_incidents=add_sources,
    )


def write(tmp_path: Path, name: str, text: str) -> Path:
    """A file under tmp_path."""
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


class TestJsonl:
    async def test_counts_and_reasons(self, world: FeedWorld, tmp_path: Path) -> None:
        world.extractor.script("Mosul", [scripted_incident("Mosul", 3)])
        path = write(tmp_path, "reports.jsonl", jsonl_reports())
        summary = await importer(world).import_path(path)
        assert summary.format == "jsonl"
        assert (summary.new, summary.merged, summary.duplicates, summary.rejected) == (2, 0, 0, 2)
        assert any("line 2" in reason for reason in summary.reasons)
        assert await world.storage.reports.count() == 2

    async def test_rerun_skips_done_lines(self, world: FeedWorld, tmp_path: Path) -> None:
        path = write(tmp_path, "reports.jsonl", jsonl_reports())
        service = importer(world)
        await service.import_path(path)
        again = await service.import_path(path)
        assert again.skipped == 4
        assert again.rows == 0
        assert await world.storage.reports.count() == 2

    async def test_same_content_in_another_file_is_duplicate(
        self, world: FeedWorld, tmp_path: Path
    ) -> None:
        service = importer(world)
        await service.import_path(write(tmp_path, "a.jsonl", jsonl_reports()))
        copy = jsonl_reports("https://mirror.example")
        summary = await service.import_path(write(tmp_path, "b.jsonl", copy))
        assert summary.duplicates == 2
        assert summary.new == 0


class TestAcled:
    async def test_rows_become_incidents(self, world: FeedWorld, tmp_path: Path) -> None:
        path = write(tmp_path, "events.csv", acled_csv())
        progress: list[int] = []
        summary = await importer(world).import_path(path, progress=progress.append)
        assert summary.format == "acled"
        assert (summary.new, summary.merged, summary.rejected) == (3, 0, 1)
        assert "does not belong" in summary.reasons[0]
        assert sum(progress) == 4
        stored = await world.storage.incidents.query(IncidentQuery(limit=10))
        assert sorted(source.url or "" for i in stored for source in i.sources) == [
            "acled:IRQ90001",
            "acled:IRQ90002",
            "acled:IRQ90003",
        ]
        assert all(i.sources[0].report_id is not None for i in stored)

    async def test_idempotent_on_event_id_even_in_a_new_file(
        self, world: FeedWorld, tmp_path: Path
    ) -> None:
        service = importer(world)
        await service.import_path(write(tmp_path, "events.csv", acled_csv()))
        reordered = acled_csv((ACLED_ROWS[2], ACLED_ROWS[0]))
        summary = await service.import_path(write(tmp_path, "again.csv", reordered))
        assert summary.duplicates == 2
        assert summary.new == 0
        assert await world.storage.incidents.count() == 3

    async def test_resume_after_interruption(self, world: FeedWorld, tmp_path: Path) -> None:
        path = write(tmp_path, "events.csv", acled_csv())
        service = importer(world)

        class Stop(Exception):
            pass

        def stop_after_two(step: int) -> None:
            stop_after_two.seen += step  # type: ignore[attr-defined]
            if stop_after_two.seen == 2:  # type: ignore[attr-defined]
                raise Stop

        stop_after_two.seen = 0  # type: ignore[attr-defined]
        with pytest.raises(Stop):
            await service.import_path(path, progress=stop_after_two)
        assert await service.rows_done(path) == 2
        summary = await service.import_path(path)
        assert (summary.skipped, summary.new, summary.rejected) == (2, 1, 1)
        assert await world.storage.incidents.count() == 3
        assert await service.rows_done(path) == 4
        final = await service.import_path(path)
        assert final.skipped == 4
        assert final.rows == 0

    async def test_merges_with_incident_from_the_news(
        self, world: FeedWorld, tmp_path: Path
    ) -> None:
        news = scripted_incident("Tikrit").model_copy(update={"date": dt.date(2026, 2, 10)})
        acled_location = Location(name="Tikrit", country="IQ", admin1="Salah al-Din")
        stored = await world.storage.incidents.add(
            news.model_copy(update={"location": acled_location})
        )

        def locate(name: str, country: str, admin1: str | None) -> Location | None:
            return acled_location if name == "Tikrit" else None

        summary = await importer(world, locate).import_path(
            write(tmp_path, "events.csv", acled_csv())
        )
        assert summary.merged == 1
        assert summary.new == 2
        assert stored.id is not None
        merged = await world.storage.incidents.get(stored.id)
        assert merged is not None
        assert "acled:IRQ90001" in {source.url for source in merged.sources}
        assert merged.revision == 2

    async def test_export_round_trip_keeps_event_ids(
        self, world: FeedWorld, tmp_path: Path
    ) -> None:
        await importer(world).import_path(write(tmp_path, "events.csv", acled_csv()))
        incidents: list[Incident] = await world.storage.incidents.query(IncidentQuery(limit=10))
        out = io.StringIO()
        write_csv(incidents, out)
        exported = write(tmp_path, "exported.csv", out.getvalue())
        assert out.getvalue().startswith(ACLED_HEADER)
        summary = await importer(world).import_path(exported, "acled")
        assert summary.duplicates == 3
        assert summary.new == 0


class TestErrors:
    async def test_missing_file_and_bad_format(self, world: FeedWorld, tmp_path: Path) -> None:
        with pytest.raises(UserError, match="no file"):
            await importer(world).import_path(tmp_path / "nope.csv")
        path = write(tmp_path, "x.csv", acled_csv())
        with pytest.raises(UserError, match="Unknown format"):
            await importer(world).import_path(path, "xml")

    async def test_csv_without_acled_columns(self, world: FeedWorld, tmp_path: Path) -> None:
        path = write(tmp_path, "other.csv", "name,value\na,1\n")
        with pytest.raises(UserError, match="missing columns"):
            await importer(world).import_path(path)

    async def test_binary_file(self, world: FeedWorld, tmp_path: Path) -> None:
        path = tmp_path / "blob.jsonl"
        path.write_bytes(b"\xff\xfe\x00\x01" * 10)
        with pytest.raises(UserError, match="UTF-8"):
            await importer(world).import_path(path)
