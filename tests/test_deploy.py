"""deploy/: the documented routes start a bot that can be checked and keeps its data in place."""

from __future__ import annotations

import re
from pathlib import Path

DEPLOY = Path(__file__).resolve().parents[1] / "deploy"


def _unit() -> dict[str, list[str]]:
    values: dict[str, list[str]] = {}
    for line in (DEPLOY / "sitrep.service").read_text("utf-8").splitlines():
        match = re.match(r"^([A-Za-z]+)=(.*)$", line)
        if match:
            values.setdefault(match.group(1), []).append(match.group(2))
    return values


class TestSystemdUnit:
    def test_needs_no_user_created_by_hand(self) -> None:
        unit = _unit()
        assert unit.get("DynamicUser") == ["yes"]
        assert unit.get("StateDirectory") == ["sitrep"]

    def test_the_env_file_cannot_move_the_data_dir(self) -> None:
        # EnvironmentFile= overrides Environment=: the example must not set SITREP_DATA_DIR.
        assert "SITREP_DATA_DIR=/var/lib/sitrep" in _unit()["Environment"]
        example = (DEPLOY / ".env.example").read_text("utf-8")
        assert not re.search(r"^SITREP_DATA_DIR=", example, re.MULTILINE)


class TestImage:
    def test_has_a_healthcheck_that_runs_sitrep_health(self) -> None:
        dockerfile = (DEPLOY / "Dockerfile").read_text("utf-8")
        healthcheck = [line for line in dockerfile.splitlines() if line.startswith("HEALTHCHECK")]
        assert len(healthcheck) == 1
        assert '"sitrep", "health"' in healthcheck[0]
