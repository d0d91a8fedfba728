"""`sitrep extract` and `sitrep eval` on texts and a tiny gold folder written for the tests."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.unit.cli.conftest import run

REPORT = (
    "URL: https://example.test/report\n"
    "PUBLISHED: 2022-09-01\n"
    "Militias clash in Basra\n\n"
    "ERBIL, Kurdistan Region - Saraya al-Salam and Asaib Ahl al-Haq fighters clashed in Basra "
    "on Thursday. The Iraqi Security Media Cell said one person was killed and another was "
    "wounded.\n"
)


class TestExtractCommand:
    def test_json_shape(self, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
        path = tmp_path / "report.txt"
        path.write_text(REPORT, encoding="utf-8")
        code, out, _ = run(capsys, "extract", str(path), "--json")
        assert code == 0
        [incident] = json.loads(out)
        assert incident["date"] == "2022-09-01"
        assert incident["date_precision"] == "day"
        assert incident["location"]["name"] == "Basra"
        assert incident["location"]["admin1"] == "Basra"
        assert incident["location"]["country"] == "IQ"
        assert incident["location"]["geo_precision"] == "point"
        assert {"lat", "lon"} <= incident["location"].keys()
        assert [a["name"] for a in incident["actors"]] == ["Saraya al-Salam", "Asaib Ahl al-Haq"]
        assert incident["event_type"] == "Battles"
        assert incident["sub_event_type"] == "Armed clash"
        assert incident["killed"]["min"] == incident["killed"]["max"] == 1
        assert incident["killed"]["status"] == "exact"
        assert incident["injured"]["min"] == 1
        assert incident["summary"].startswith("On 1 September 2022, Saraya al-Salam")
        assert incident["evidence"]

    def test_published_option_overrides_the_header(
        self, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        path = tmp_path / "report.txt"
        path.write_text(REPORT, encoding="utf-8")
        code, out, _ = run(capsys, "extract", str(path), "--json", "--published", "2022-09-03")
        assert code == 0
        assert json.loads(out)[0]["date"] == "2022-09-01"  # the Thursday before 3 September

    def test_human_output(self, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
        path = tmp_path / "report.txt"
        path.write_text(REPORT, encoding="utf-8")
        code, out, _ = run(capsys, "extract", str(path))
        assert code == 0
        assert "1. On 1 September 2022" in out
        assert "killed: 1" in out

    def test_missing_file(self, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
        code, _, err = run(capsys, "extract", str(tmp_path / "nope.txt"))
        assert code == 1
        assert "no such file" in err

    def test_bad_published(self, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
        path = tmp_path / "report.txt"
        path.write_text(REPORT, encoding="utf-8")
        code, _, err = run(capsys, "extract", str(path), "--published", "last week")
        assert code == 1
        assert "--published" in err

    def test_stdin(
        self, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
    ) -> None:
        import io

        monkeypatch.setattr("sys.stdin", io.StringIO("A bomb exploded in Mosul on 3 May 2021."))
        code, out, _ = run(capsys, "extract", "-", "--json")
        assert code == 0
        assert json.loads(out)[0]["location"]["name"] == "Mosul"

    def test_invalid_utf8_on_stdin_is_one_line(
        self, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
    ) -> None:
        import io

        raw = io.BytesIO(b"A bomb exploded in Mosul \xe9 on 3 May 2021.")
        monkeypatch.setattr("sys.stdin", io.TextIOWrapper(raw, encoding="utf-8", errors="strict"))
        code, _, err = run(capsys, "extract", "-")
        assert code == 1
        lines = err.strip().splitlines()
        assert len(lines) == 1
        assert "standard input is not valid UTF-8 (byte 0xe9 at offset 25)" in lines[0]


GOLD = {
    "articles": [
        {
            "file": "1.txt",
            "published": "2022-09-01",
            "primary": {
                "place": "Basra", "lat": 30.51, "lon": 47.78, "admin1": "Basrah", "country": "IQ",
                "date": ["2022-09-01"], "actors": ["Saraya al-Salam", "AAH"],
                "event_type": ["Battles"], "killed": [1, 1], "injured": [1, 1],
            },
            "secondary": [],
        },
        {
            "file": "2.txt",
            "published": "2021-05-04",
            "primary": {
                "place": "Kirkuk", "lat": 35.47, "lon": 44.39, "admin1": "Kirkuk", "country": "IQ",
                "date": ["2021-05-03"], "actors": [], "min_actors": 0,
                "event_type": ["Explosions/Remote violence"], "killed": None, "injured": [2, 2],
            },
            "secondary": [],
        },
    ]
}  # fmt: skip


class TestEvalCommand:
    def test_tiny_folder(self, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
        (tmp_path / "1.txt").write_text(REPORT, encoding="utf-8")
        (tmp_path / "2.txt").write_text(
            "URL: x\nPUBLISHED: 2021-05-04\nA roadside bomb wounded two soldiers in Kirkuk on "
            "Monday, police said.\n",
            encoding="utf-8",
        )
        (tmp_path / "gold.json").write_text(json.dumps(GOLD), encoding="utf-8")
        code, out, _ = run(capsys, "eval", str(tmp_path), "--repeat", "1", "-v")
        assert code == 0
        assert "articles:          2" in out
        assert "place:             100.0%" in out
        assert "killed exact:      100.0%" in out
        assert "invented figures:  0" in out
        assert "articles/s" in out
        assert "1.txt: +place +admin1 +date +actors_ok +event_type +killed +injured" in out
        assert "alert precision:   100.0%  (2/2 alerts" in out
        assert "alert recall:      100.0%  (2/2 primaries" in out

    def test_curve_pools_several_folders(
        self, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        first, second = tmp_path / "a", tmp_path / "b"
        for folder, gold in ((first, GOLD["articles"][:1]), (second, GOLD["articles"][:1])):
            folder.mkdir()
            (folder / "1.txt").write_text(REPORT, encoding="utf-8")
            (folder / "gold.json").write_text(json.dumps({"articles": gold}), encoding="utf-8")
        code, out, _ = run(capsys, "eval", str(first), str(second), "--repeat", "1", "--curve")
        assert code == 0
        assert out.count("articles:          1") == 2
        assert "alert curve (2 articles pooled" in out
        rows = [line.split() for line in out.splitlines() if line.startswith("  ")]
        assert rows
        assert all(len(row) >= 6 for row in rows)
        assert rows[0][0] == "0.000"
        assert rows[0][1:3] == ["2", "2"]
        assert "precision >= 90%: lowest threshold 0.000" in out

    def test_missing_gold(self, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
        code, _, err = run(capsys, "eval", str(tmp_path))
        assert code == 1
        assert "no gold.json" in err

    def test_bad_gold(self, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
        (tmp_path / "gold.json").write_text('{"articles": [{"file": "1.txt"}]}', encoding="utf-8")
        code, _, err = run(capsys, "eval", str(tmp_path))
        assert code == 1
        assert "gold.json" in err

    def test_gold_names_a_missing_file(
        self, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        (tmp_path / "gold.json").write_text(json.dumps(GOLD), encoding="utf-8")
        code, _, err = run(capsys, "eval", str(tmp_path))
        assert code == 1
        assert "1.txt" in err
