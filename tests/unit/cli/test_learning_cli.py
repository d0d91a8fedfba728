"""`sitrep places list/export/import` and `sitrep export --corrections` on temp databases."""

from __future__ import annotations

import asyncio
import csv
import datetime as dt
import io
import json
from pathlib import Path

import pytest

from bot.domain import (
    CasualtyCount,
    CountStatus,
    EventType,
    GeoPrecision,
    Incident,
    IncidentRevision,
    Location,
    SubEventType,
)
from bot.extract.actors import ActorRegistry
from bot.extract.gazetteer import Gazetteer
from bot.services.learning import LearningService
from storage.base import IncidentQuery
from storage.sqlite import SqliteStorage
from tests.fakes import FixedClock
from tests.unit.cli.conftest import run
from tests.unit.ingest.samples import ACLED_HEADER

NOW = dt.datetime(2026, 3, 3, 9, 0, tzinfo=dt.UTC)
BASRA = Location(
    name="Basra", geonames_id=99532, admin1="Basra", admin1_code="IQ-BA", country="IQ",
    lat=30.5085, lon=47.7804, geo_precision=GeoPrecision.POINT,
)  # fmt: skip


pytestmark = pytest.mark.usefixtures("database")


def teach(path: Path) -> None:
    """An admin's place and alias, and a person's correction of an incident."""

    async def go() -> None:
        storage = await SqliteStorage.open(path)
        try:
            learning = LearningService(
                storage, Gazetteer.default(), ActorRegistry.default(), FixedClock(NOW)
            )
            await learning.learn_place(
                "Tell Qasrawi", 36.21, 42.95, country=None, admin1=None, added_by=900,
                incident_id=None,
            )  # fmt: skip
            await learning.add_actor_alias("Lords of the Martyrs Battalions", "KSS", added_by=900)
            incident = await storage.incidents.add(
                Incident(
                    date=dt.date(2026, 3, 2), location=BASRA, event_type=EventType.EXPLOSIONS,
                    sub_event_type=SubEventType.REMOTE_EXPLOSIVE,
                    killed=CasualtyCount(min=4, max=4, status=CountStatus.EXACT),
                    summary="A bomb struck a patrol.", created_at=NOW, updated_at=NOW,
                )
            )  # fmt: skip
            assert incident.id is not None
            corrected = incident.model_copy(
                update={
                    "revision": 2,
                    "killed": CasualtyCount(min=2, max=2, status=CountStatus.EXACT),
                }
            )
            await storage.incidents.update(
                corrected,
                IncidentRevision(
                    incident_id=incident.id, revision=2, changed_at=NOW,
                    changes={"killed": {"old": "4", "new": "2"}}, note="admin: police said 2",
                    changed_by=900, reason="Basra police",
                ),
            )  # fmt: skip
        finally:
            await storage.close()

    asyncio.run(go())


class TestPlacesFiles:
    def test_export_then_import_into_another_database(
        self, capsys: pytest.CaptureFixture[str], database: Path, tmp_path: Path
    ) -> None:
        teach(database)
        status, out, _ = run(capsys, "places", "list")
        assert status == 0
        assert "Tell Qasrawi  36.21,42.95  Nineveh, IQ" in out
        file = tmp_path / "places.json"
        status, _, err = run(capsys, "places", "export", str(file))
        assert status == 0
        assert "wrote 1 place(s)" in err
        document = json.loads(file.read_text(encoding="utf-8"))
        assert [(p["name"], p["country"], p["added_by"]) for p in document["places"]] == [
            ("Tell Qasrawi", "IQ", 900)
        ]
        other = tmp_path / "other.sqlite3"
        assert run(capsys, "db", "migrate", "--db", str(other))[0] == 0
        status, out, _ = run(capsys, "places", "import", str(file), "--db", str(other))
        assert (status, out.strip()) == (0, "imported 1 place(s), skipped 0")
        status, out, _ = run(capsys, "places", "list", "--db", str(other))
        assert "Tell Qasrawi" in out
        status, out, err = run(capsys, "places", "import", str(file), "--db", str(other))
        assert status == 1  # nothing new: a script must see that
        assert "skipped Tell Qasrawi: Tell Qasrawi is already a local place in IQ." in err

    @pytest.mark.parametrize(
        ("content", "message"),
        [
            ("not json", "is not JSON"),
            ('{"format": "something-else"}', "not a Sitrep places file"),
            ('{"format": "sitrep-local-places/1", "places": {}}', '"places" list'),
        ],
    )
    def test_a_wrong_file_is_one_clear_line(
        self, capsys: pytest.CaptureFixture[str], tmp_path: Path, content: str, message: str
    ) -> None:
        file = tmp_path / "wrong.json"
        file.write_text(content, encoding="utf-8")
        status, _, err = run(capsys, "places", "import", str(file))
        assert status == 1
        assert message in err
        assert "Traceback" not in err
        status, out, _ = run(capsys, "places", "list")
        assert "no local places yet" in out


class TestCorrectionsExport:
    def test_jsonl_has_every_correction_with_the_original(
        self, capsys: pytest.CaptureFixture[str], database: Path, tmp_path: Path
    ) -> None:
        teach(database)
        file = tmp_path / "corrections.jsonl"
        status, _, err = run(capsys, "export", "--corrections", str(file))
        assert status == 0
        assert "wrote 3 correction(s)" in err
        rows = [json.loads(line) for line in file.read_text(encoding="utf-8").splitlines()]
        assert [row["kind"] for row in rows] == ["incident_revision", "local_place", "actor_alias"]
        revision = rows[0]
        assert revision["changes"] == {"killed": {"old": "4", "new": "2"}}
        assert revision["original"]["killed"] == "4"  # as first extracted
        assert revision["current"]["killed"] == "2"
        assert revision["original"]["location"] == "Basra"
        assert revision["note"] == "admin: police said 2"
        assert (revision["by"], revision["reason"]) == (900, "Basra police")  # who and why
        place = rows[1]
        assert place["subject"] == "Tell Qasrawi"
        assert place["by"] == 900
        assert place["changes"]["place"]["new"]["admin1_code"] == "IQ-NI"
        alias = rows[2]
        assert alias["changes"]["alias"]["new"] == {
            "actor_id": "kataib-sayyid-al-shuhada",
            "alias": "Lords of the Martyrs Battalions",
        }

    def test_csv_for_a_csv_file(
        self, capsys: pytest.CaptureFixture[str], database: Path, tmp_path: Path
    ) -> None:
        teach(database)
        file = tmp_path / "corrections.csv"
        assert run(capsys, "export", "--corrections", str(file))[0] == 0
        rows = list(csv.DictReader(io.StringIO(file.read_text(encoding="utf-8"))))
        assert [row["kind"] for row in rows] == ["incident_revision", "local_place", "actor_alias"]
        assert json.loads(rows[0]["original"])["killed"] == "4"
        assert rows[1]["subject"] == "Tell Qasrawi"

    def test_an_empty_database_exports_nothing(
        self, capsys: pytest.CaptureFixture[str], tmp_path: Path
    ) -> None:
        file = tmp_path / "none.jsonl"
        status, _, err = run(capsys, "export", "--corrections", str(file))
        assert status == 0
        assert "wrote 0 correction(s)" in err
        assert file.read_text(encoding="utf-8") == ""


class TestImportsUseWhatWasTaught:
    def test_an_acled_row_naming_the_alias_and_the_place(
        self, capsys: pytest.CaptureFixture[str], database: Path, tmp_path: Path
    ) -> None:
        teach(database)
        row = (
            "IRQ95001,2026-02-10,2026,1,Political violence,Explosions/Remote violence,"
            "Remote explosive/landmine/IED,Lords of the Martyrs Battalions,,3,"
            "Military Forces of Iraq (2022-),,1,13,,368,Middle East,Iraq,Nineveh,Mosul,,"
            'Tell Qasrawi,36.2100,42.9500,1,Example Wire,National,"A bomb hit a patrol.",1,,'
            "1770800000"
        )
        file = tmp_path / "acled.csv"
        file.write_text("\n".join((ACLED_HEADER, row)) + "\n", encoding="utf-8")
        status, _, err = run(capsys, "import", str(file))
        assert status == 0, err

        async def stored() -> list[Incident]:
            storage = await SqliteStorage.open(database)
            try:
                return await storage.incidents.query(IncidentQuery(country="IQ", limit=10))
            finally:
                await storage.close()

        imported = [i for i in asyncio.run(stored()) if i.date == dt.date(2026, 2, 10)]
        assert len(imported) == 1
        assert "kataib-sayyid-al-shuhada" in imported[0].actor_ids
        assert imported[0].location.key == "local:1"
