"""`sitrep eval DIR --extractor both` against the fake model server: scores plus cost."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.fakellm import FakeLLM, figure, model_incident, reply_json
from tests.unit.cli.conftest import run
from tests.unit.cli.test_extract_cli import GOLD, REPORT

KIRKUK = (
    "URL: x\nPUBLISHED: 2021-05-04\nA roadside bomb wounded two soldiers in Kirkuk on "
    "Monday, police said.\n"
)
BASRA_SENTENCE = (
    "The Iraqi Security Media Cell said one person was killed and another was wounded."
)


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    gold = tmp_path / "gold"
    gold.mkdir()
    (gold / "1.txt").write_text(REPORT, encoding="utf-8")
    (gold / "2.txt").write_text(KIRKUK, encoding="utf-8")
    (gold / "gold.json").write_text(json.dumps(GOLD), encoding="utf-8")
    return gold


@pytest.fixture
def model(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[FakeLLM]:
    monkeypatch.chdir(tmp_path)
    with FakeLLM() as server:
        monkeypatch.setenv("SITREP_LLM_BASE_URL", server.base_url)
        monkeypatch.setenv("SITREP_LLM_MODEL", "fake-7b")
        monkeypatch.setenv("SITREP_LLM_CACHE_DIR", str(tmp_path / "cache"))
        monkeypatch.setenv("SITREP_LLM_TIMEOUT_SECONDS", "5")
        yield server


def test_scores_cost_and_a_free_second_run(
    folder: Path, model: FakeLLM, capsys: pytest.CaptureFixture[str]
) -> None:
    model.script(
        "Basra",
        reply_json(
            model_incident(
                sub_event_type="Armed clash", event_quote=BASRA_SENTENCE, place="Basra",
                country="IQ", date_expression="on Thursday",
                figures=[figure("killed", 1, "one person was killed", BASRA_SENTENCE)],
            )
        ),
    )  # fmt: skip
    model.script("Kirkuk", status=500)
    code, out, _ = run(capsys, "eval", str(folder), "--extractor", "both")
    assert code == 0
    assert "place:             100.0%" in out  # the rules answered the article the model failed
    assert "model:             fake-7b (both)" in out
    assert "requests:          2 (tokens: prompt 120, completion 60)" in out
    assert "model outcomes:    ok 1, server_error 1" in out
    assert "rules alone:       1 article(s)" in out
    assert "time per article:" in out

    code, out, _ = run(capsys, "eval", str(folder), "--extractor", "both")
    assert code == 0
    assert "requests:          1 " in out  # only the failed article is asked again
    assert "cache:             1 hits, 1 misses" in out
    assert "model outcomes:    cached 1, server_error 1" in out
    assert len(model.requests_for("Basra")) == 1


def test_needs_an_endpoint(
    folder: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("SITREP_LLM_BASE_URL", raising=False)
    monkeypatch.chdir(folder)
    code, _, err = run(capsys, "eval", str(folder), "--extractor", "llm")
    assert code == 1
    assert "SITREP_LLM_BASE_URL" in err


class TestExtractWithModel:
    def test_json_carries_confidence_and_alternatives(
        self, tmp_path: Path, model: FakeLLM, capsys: pytest.CaptureFixture[str]
    ) -> None:
        disagreeing = model_incident(
            sub_event_type="Attack", event_quote=BASRA_SENTENCE, place="Basra", country="IQ",
            date_expression="on Thursday",
            figures=[figure("killed", 1, "one person was killed", BASRA_SENTENCE)],
        )  # fmt: skip
        model.script("Basra", reply_json(disagreeing))
        path = tmp_path / "report.txt"
        path.write_text(REPORT, encoding="utf-8")
        code, out, err = run(capsys, "extract", str(path), "--json", "--extractor", "both")
        assert code == 0
        [incident] = json.loads(out)
        assert incident["sub_event_type"] == "Armed clash"  # the rules' reading stands
        assert {"field": "type", "rules": "Armed clash", "model": "Attack"} in incident[
            "alternatives"
        ]
        assert any("agrees on place, date" in r for r in incident["confidence_reasons"])
        assert 0 < incident["confidence"] <= 1
        assert "answered by both, 1 request(s)" in err

    def test_human_output_when_the_model_is_down(
        self, tmp_path: Path, model: FakeLLM, capsys: pytest.CaptureFixture[str]
    ) -> None:
        model.script("Basra", status=503)
        path = tmp_path / "report.txt"
        path.write_text(REPORT, encoding="utf-8")
        code, out, err = run(capsys, "extract", str(path), "--extractor", "llm")
        assert code == 0
        assert "Basra" in out
        assert "server_error (HTTP 503), answered by rules" in err
