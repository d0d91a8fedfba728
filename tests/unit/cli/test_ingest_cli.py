"""`sitrep ingest`, `import`, `export` and `feeds` on a temp database and a local server."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from pathlib import Path

import pytest

from bot.ingest.files import ACLED_COLUMNS
from tests.httpserver import LocalHTTPServer
from tests.unit.cli.conftest import run
from tests.unit.ingest.samples import acled_csv, article_page, jsonl_reports, rss_feed

REPORT_TEXT = (
    "Two soldiers were killed and three wounded when a roadside bomb struck an army patrol "
    "north of Tikrit on Monday morning, a security official said."
)


@pytest.fixture(autouse=True)
def environment(database: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The temp database, private fetching allowed (the server is local)."""
    monkeypatch.setenv("SITREP_ALLOW_PRIVATE_FETCH", "true")
    return database


def _day_of(out: str, incident_id: int) -> dt.date:
    """The day of an incident in ingest's answer ("⚔️ 9 May 2023: Armed clash ... /incident 1")."""
    [line] = [x for x in out.splitlines() if x.endswith(f"/incident {incident_id}")]
    day = line.split(":", 1)[0].split(" ", 1)[1]
    return dt.datetime.strptime(day, "%d %b %Y").replace(tzinfo=dt.UTC).date()


class TestIngest:
    def test_file_then_again(self, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
        path = tmp_path / "report.txt"
        path.write_text(REPORT_TEXT, encoding="utf-8")
        status, out, _ = run(
            capsys, "ingest", str(path), "--published", "2026-03-02", "--title", "Patrol hit"
        )
        assert status == 0
        assert out.startswith("Report 1 stored: Patrol hit")
        status, out, _ = run(capsys, "ingest", str(path))
        assert status == 0
        assert "Already have this report (report 1)" in out
        assert "nothing changed" in out

    def test_stdin(
        self, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
    ) -> None:
        monkeypatch.setattr("sys.stdin", io.StringIO(REPORT_TEXT))
        status, out, _ = run(capsys, "ingest", "-")
        assert status == 0
        assert out.startswith("Report 1 stored.")
        assert "/incident 1" in out

    def test_invalid_utf8_on_stdin_is_one_line(
        self, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
    ) -> None:
        # A strict UTF-8 locale: Python's stdin raises on the first bad byte.
        raw = io.BytesIO(b"Two people were hurt in a blast in Basra \xff\xfe on Monday.\n")
        monkeypatch.setattr("sys.stdin", io.TextIOWrapper(raw, encoding="utf-8", errors="strict"))
        status, _, err = run(capsys, "ingest", "-")
        assert status == 1
        assert err.strip().splitlines() == [
            "error: standard input is not valid UTF-8 (byte 0xff at offset 41); "
            "convert it first, e.g. with iconv -f WINDOWS-1256 -t UTF-8"
        ]

    def test_url(self, http_server: LocalHTTPServer, capsys: pytest.CaptureFixture[str]) -> None:
        http_server.route("/story", body=article_page())
        status, out, _ = run(capsys, "ingest", http_server.url("/story"))
        assert status == 0
        assert "Two killed as bomb hits patrol near Tikrit" in out
        other = article_page("Another headline").replace(b"Tikrit", b"Samarra")
        http_server.route("/other", body=other)
        status, out, _ = run(
            capsys, "ingest", http_server.url("/other"), "--title", "My own headline"
        )
        assert "Report 2 stored: My own headline" in out

    @pytest.mark.parametrize(
        ("argv", "message"),
        [
            (("ingest", "missing.txt"), "no file at missing.txt"),
            (("ingest", "file:///etc/passwd"), "only http:// and https://"),
            (("ingest", "-", "--published", "last week"), "not a date"),
        ],
    )
    def test_errors_are_one_line(
        self,
        argv: tuple[str, ...],
        message: str,
        monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str],
    ) -> None:
        monkeypatch.setattr("sys.stdin", io.StringIO(REPORT_TEXT))
        status, _, err = run(capsys, *argv)
        assert status == 1
        assert message in err
        assert err.count("\n") == 1
        assert "Traceback" not in err

    def test_unreachable_page_is_a_clean_error(
        self, http_server: LocalHTTPServer, capsys: pytest.CaptureFixture[str]
    ) -> None:
        status, _, err = run(capsys, "ingest", http_server.url("/nothing"))
        assert status == 1
        assert "404" in err
        assert err.count("\n") == 1


class TestImportExport:
    def test_acled_import_rerun_and_export(
        self, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        source = tmp_path / "events.csv"
        source.write_text(acled_csv(), encoding="utf-8")
        status, out, _ = run(capsys, "import", str(source))
        assert status == 0
        assert out.startswith("acled: 3 new, 0 merged, 0 already stored, 1 rejected")
        assert "row 4" in out
        status, out, _ = run(capsys, "import", str(source))
        assert "4 skipped" in out
        assert "0 new" in out

        exported = tmp_path / "out.csv"
        status, _, err = run(capsys, "export", "--format", "csv", "--output", str(exported))
        assert status == 0
        assert "wrote 3 incident(s)" in err
        with exported.open(encoding="utf-8", newline="") as handle:
            rows = list(csv.DictReader(handle))
        assert tuple(rows[0])[: len(ACLED_COLUMNS)] == ACLED_COLUMNS
        assert [row["event_id_cnty"] for row in rows] == ["IRQ90001", "IRQ90002", "IRQ90003"]

        status, out, _ = run(capsys, "export", "--format", "jsonl", "--since", "2026-02-11")
        lines = out.splitlines()
        assert len(lines) == 2
        assert {json.loads(line)["date"] for line in lines} == {"2026-02-11", "2026-02-12"}

    def test_jsonl_import(self, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
        source = tmp_path / "reports.jsonl"
        source.write_text(jsonl_reports(), encoding="utf-8")
        status, out, _ = run(capsys, "import", str(source), "--format", "jsonl")
        assert status == 0
        assert out.startswith("jsonl: 2 new")
        assert "2 rejected" in out

    def test_a_file_with_nothing_importable_fails(
        self, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        source = tmp_path / "broken.jsonl"
        source.write_text('{"not closed\n[1, 2]\n', encoding="utf-8")
        status, out, err = run(capsys, "import", str(source))
        assert status == 1
        assert "2 rejected" in out
        assert err.strip().splitlines() == [
            "error: nothing was imported from broken.jsonl: every row was rejected"
        ]

    def test_bad_since_and_missing_file(
        self, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        status, _, err = run(capsys, "export", "--since", "March")
        assert status == 1
        assert "not a date" in err
        status, _, err = run(capsys, "import", str(tmp_path / "none.csv"))
        assert status == 1
        assert "no file" in err


class TestFeeds:
    def test_add_list_poll_remove(
        self, http_server: LocalHTTPServer, capsys: pytest.CaptureFixture[str]
    ) -> None:
        http_server.route("/rss", body=rss_feed(http_server.url("")), etag='"a"')
        status, out, _ = run(capsys, "feeds", "add", http_server.url("/rss"), "--interval", "30")
        assert status == 0
        assert out.startswith("added feed 1 Tigris Wire")
        status, out, _ = run(capsys, "feeds", "add", http_server.url("/rss"))
        assert out.startswith("already there: feed 1")
        status, out, _ = run(capsys, "feeds", "poll")
        assert status == 0
        assert out.startswith("polled 1 feed(s): 3 new report(s)")
        status, out, _ = run(capsys, "feeds", "poll", "--all")
        assert "1 unchanged" in out
        status, out, _ = run(capsys, "feeds", "list")
        assert "Tigris Wire" in out
        assert "every 30 min" in out
        assert "ok" in out
        status, out, _ = run(capsys, "feeds", "remove", "1")
        assert out.strip() == "removed feed 1"
        status, _, err = run(capsys, "feeds", "remove", "1")
        assert status == 1
        assert "no feed number 1" in err

    def test_add_refuses_non_feed(
        self, http_server: LocalHTTPServer, capsys: pytest.CaptureFixture[str]
    ) -> None:
        http_server.route("/page", body=b"<html><body>hello</body></html>")
        status, _, err = run(capsys, "feeds", "add", http_server.url("/page"))
        assert status == 1
        assert "does not give a feed" in err


UNDATED = (
    "URL: https://example.test/undated\n"
    "PUBLISHED: unknown\n"
    "Checkpoint attacked in Basra\n\n"
    "Gunmen attacked a police checkpoint in Basra on Tuesday, killing two officers, a security "
    "source said.\n"
)


def _tuesdays_before(*days: dt.date) -> set[dt.date]:
    """The latest Tuesday on or before each day (the command ran between them)."""
    return {day - dt.timedelta(days=(day.weekday() - 1) % 7) for day in days}


class TestUndatedReports:
    """Without a publication time, extract and ingest both read days from the time of receipt."""

    def test_extract_and_ingest_anchor_on_receipt_and_say_so(
        self, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        path = tmp_path / "undated.txt"
        path.write_text(UNDATED, encoding="utf-8")
        before = dt.datetime.now(dt.UTC).date()
        status, out, err = run(capsys, "extract", str(path), "--json")
        assert status == 0
        [incident] = json.loads(out)
        assert "read from the time the report was received" in err
        status, ingest_out, _ = run(capsys, "ingest", str(path))
        after = dt.datetime.now(dt.UTC).date()
        assert status == 0
        assert "read from the time the report was received" in ingest_out
        # Baghdad may already be a day ahead of UTC: either Tuesday is the same rule.
        expected = _tuesdays_before(before, after, after + dt.timedelta(days=1))
        assert dt.date.fromisoformat(incident["date"]) in expected
        stored_day = _day_of(ingest_out, 1)
        assert stored_day == dt.date.fromisoformat(incident["date"])

    def test_extract_and_ingest_read_the_day_in_the_link(
        self, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        path = tmp_path / "linked.txt"
        linked = UNDATED.replace("example.test/undated", "example.test/2023/05/11/basra")
        path.write_text(linked, encoding="utf-8")
        status, out, err = run(capsys, "extract", str(path), "--json")
        assert status == 0
        [incident] = json.loads(out)
        assert incident["date"] == "2023-05-09"  # the Tuesday before Thursday 11 May
        assert "the date in the link (2023-05-11)" in err
        status, ingest_out, ingest_err = run(capsys, "ingest", str(path))
        assert status == 0
        assert _day_of(ingest_out, 1) == dt.date(2023, 5, 9)
        assert "the date in the link" in ingest_err

    def test_extract_and_ingest_read_the_date_the_text_states(
        self, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        path = tmp_path / "dateline.txt"
        dated = UNDATED.replace("Gunmen attacked", "BASRA, Thursday 11 May 2023 - Gunmen attacked")
        path.write_text(dated, encoding="utf-8")
        status, out, err = run(capsys, "extract", str(path), "--json")
        assert status == 0
        [incident] = json.loads(out)
        assert incident["date"] == "2023-05-09"  # the Tuesday before the dateline's Thursday
        assert "the latest date the text states (2023-05-11)" in err
        status, ingest_out, _ = run(capsys, "ingest", str(path))
        assert status == 0
        assert _day_of(ingest_out, 1) == dt.date(2023, 5, 9)
        assert "the latest date the report itself states (11 May 2023)" in ingest_out
        assert "received" not in ingest_out

    def test_ingest_reads_the_published_line_like_extract(
        self, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        path = tmp_path / "dated.txt"
        path.write_text(UNDATED.replace("unknown", "2023-05-11"), encoding="utf-8")
        status, out, _ = run(capsys, "ingest", str(path))
        assert status == 0
        assert _day_of(out, 1) == dt.date(2023, 5, 9)  # the Tuesday before Thursday 11 May
        assert "Armed clash, Basra" in out
        assert "received" not in out
