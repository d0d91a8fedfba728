"""The results table: one row per measurement, with its reference and the ratio between them."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Row:
    """One measured figure and what it is compared with (ratio = value / reference)."""

    bench: str  # which benchmark produced it: "extraction", "queries", ...
    what: str  # "throughput, real + generated articles"
    value: float
    unit: str  # "articles/s", "ms", "MB"
    reference: str = ""  # "dateparser.search_dates alone", "goal", "30/s limit"
    reference_value: float | None = None
    note: str = ""  # "goal >= 200", "time-scaled 10x"

    @property
    def ratio(self) -> float | None:
        """``value / reference_value`` when both are known and the reference is not zero."""
        if self.reference_value is None or self.reference_value == 0:
            return None
        return self.value / self.reference_value


def fmt_number(value: float | None) -> str:
    """A short human number: 3 significant digits, thousands separators for big ones."""
    if value is None or math.isnan(value):
        return "-"
    if value == 0:
        return "0"
    magnitude = abs(value)
    if magnitude >= 1000:
        return f"{value:,.0f}"
    if magnitude >= 100:
        return f"{value:.0f}"
    if magnitude >= 10:
        return f"{value:.1f}"
    if magnitude >= 1:
        return f"{value:.2f}"
    return f"{value:.3g}"


def _cells(row: Row) -> list[str]:
    reference = row.reference
    if row.reference_value is not None:
        reference = f"{reference} ({fmt_number(row.reference_value)} {row.unit})".strip()
    ratio = row.ratio
    return [
        row.bench,
        row.what,
        f"{fmt_number(row.value)} {row.unit}",
        reference or "-",
        "-" if ratio is None else f"{ratio:.2f}x",
        row.note,
    ]


HEADERS = ["bench", "measured", "value", "reference", "ratio", "note"]


def render_text(rows: Sequence[Row]) -> str:
    """A plain-text table aligned in columns."""
    table = [HEADERS, *(_cells(row) for row in rows)]
    widths = [max(len(line[i]) for line in table) for i in range(len(HEADERS))]
    lines = []
    for index, line in enumerate(table):
        lines.append("  ".join(cell.ljust(widths[i]) for i, cell in enumerate(line)).rstrip())
        if index == 0:
            lines.append("  ".join("-" * width for width in widths))
    return "\n".join(lines)


def render_markdown(rows: Sequence[Row]) -> str:
    """The same table as GitHub Markdown (for bench/RESULTS.md)."""
    lines = ["| " + " | ".join(HEADERS) + " |", "|" + "---|" * len(HEADERS)]
    for row in rows:
        cells = [cell.replace("|", "\\|") for cell in _cells(row)]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def percentile(samples: Sequence[float], pct: float) -> float:
    """The ``pct`` percentile (0-100) by linear interpolation; NaN for no samples."""
    if not samples:
        return math.nan
    ordered = sorted(samples)
    if len(ordered) == 1:
        return ordered[0]
    position = (len(ordered) - 1) * pct / 100.0
    low = math.floor(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)
