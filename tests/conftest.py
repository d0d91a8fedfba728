"""Fixtures for the whole suite."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest


@pytest.fixture(autouse=True)
def _logging_enabled_again() -> Iterator[None]:
    """A CLI error shuts logging off for the rest of the process; tests turn it on again."""
    yield
    logging.disable(logging.NOTSET)
