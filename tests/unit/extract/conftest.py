"""Shared fixtures for the extraction tests: one rules extractor over the packaged data."""

from __future__ import annotations

import pytest

from bot.extract.actors import ActorRegistry
from bot.extract.pipeline import RulesExtractor, build_rules_extractor


@pytest.fixture(scope="session")
def engine() -> RulesExtractor:
    """The default rules extractor with the packaged gazetteer and registry (built once)."""
    return build_rules_extractor()


@pytest.fixture(scope="session")
def reg() -> ActorRegistry:
    """The packaged actor registry (built once)."""
    return ActorRegistry.default()
