"""Casualty counts read from rows: the quick path builds exactly what validation builds."""

from __future__ import annotations

import json
from typing import Any

import pytest

from bot.domain import CountStatus
from bot.domain.models import CasualtyCount
from storage.sqlite import _count_from_row

CLAIM = {"min": 3, "max": 3, "status": "exact", "source": "police", "evidence": None}

ROWS = [
    (None, None, "none_reported", None, "[]"),
    (2, 2, "exact", "police", "[]"),
    (0, 5, "approximate", None, "[]"),
    (30, None, "at_least", "medics", "[]"),
    (7, 4, "approximate", None, "[]"),  # out of order: validation swaps them
    (3, 3, "exact", "police", json.dumps([CLAIM])),
]


@pytest.mark.parametrize("values", ROWS)
def test_same_as_validation(values: tuple[Any, ...]) -> None:
    low, high, status, source, claims = values
    row = {
        "killed_min": low,
        "killed_max": high,
        "killed_status": CountStatus(status).value,
        "killed_source": source,
        "killed_claims": claims,
    }
    built = _count_from_row(row, "killed")
    validated = CasualtyCount(
        min=low, max=high, status=CountStatus(status), source=source, claims=json.loads(claims)
    )
    assert built == validated
    assert built.model_dump() == validated.model_dump()
    assert built.model_fields_set == validated.model_fields_set


def test_negative_figures_are_still_refused() -> None:
    row = {
        "killed_min": -1,
        "killed_max": 2,
        "killed_status": "approximate",
        "killed_source": None,
        "killed_claims": "[]",
    }
    with pytest.raises(ValueError, match="greater than or equal"):
        _count_from_row(row, "killed")
