"""Shared fixtures for the extraction tests: one engine over the packaged data."""

from __future__ import annotations

import pytest

from bot.extract.engine import RulesEngine


@pytest.fixture(scope="session")
def engine() -> RulesEngine:
    """The rules engine with the packaged gazetteer and actor registry (built once)."""
    return RulesEngine()
