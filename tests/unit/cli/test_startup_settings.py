"""Start-up with the documented `.env`: empty values are defaults, wrong ones one line."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bot.cli import main

ENV_EXAMPLE = Path(__file__).resolve().parents[3] / "deploy" / ".env.example"


@pytest.fixture(autouse=True)
def _fresh_clone(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A working directory with `cp deploy/.env.example .env` and nothing in the environment."""
    for line in ENV_EXAMPLE.read_text(encoding="utf-8").splitlines():
        match = re.match(r"^#?\s*([A-Z][A-Z0-9_]*)=", line)
        if match:
            monkeypatch.delenv(match.group(1), raising=False)
    monkeypatch.chdir(tmp_path)
    (tmp_path / ".env").write_text(ENV_EXAMPLE.read_text(encoding="utf-8"), encoding="utf-8")


def _script(tmp_path: Path) -> str:
    script = tmp_path / "lines.txt"
    script.write_text("/latest\n", encoding="utf-8")
    return str(script)


class TestCopiedEnvExample:
    def test_migrate_then_chat_starts(
        self, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        assert main(["db", "migrate"]) == 0
        assert main(["chat", "--script", _script(tmp_path)]) == 0
        out = capsys.readouterr().out
        assert "you: /latest" in out
        assert (tmp_path / "data" / "sitrep.sqlite3").is_file()

    def test_every_empty_line_uncommented_still_starts(
        self, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        # The shape of the crash: every variable present with an empty value.
        names = re.findall(r"^#?\s*([A-Z][A-Z0-9_]*)=", ENV_EXAMPLE.read_text(), re.MULTILINE)
        (tmp_path / ".env").write_text("".join(f"{name}=\n" for name in names))
        assert main(["db", "migrate"]) == 0
        assert main(["chat", "--script", _script(tmp_path)]) == 0
        assert "Traceback" not in capsys.readouterr().err


class TestWrongSettings:
    @pytest.mark.parametrize("value", ["/nonexistent.json", "."])
    def test_actors_file_is_one_line_naming_it(
        self,
        monkeypatch: pytest.MonkeyPatch,
        tmp_path: Path,
        capsys: pytest.CaptureFixture[str],
        value: str,
    ) -> None:
        monkeypatch.setenv("SITREP_ACTORS_FILE", value)
        assert main(["chat", "--script", _script(tmp_path)]) == 1
        err = capsys.readouterr().err.strip()
        assert err.startswith("error: invalid settings: SITREP_ACTORS_FILE:")
        assert len(err.splitlines()) == 1
