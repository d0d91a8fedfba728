"""Several "changed since" queries (a digest's subscriptions, its window and the day before)
answered from one read of the ``incidents_by_updated`` range they share.

Run one by one, each query reads the same short range of that index again, sorts it and ranks
it (six reads for a digest of three subscriptions). Here the widest range is read once, and
each row carries a bit per query whose filters it passes (``parts``); the per-query lists, with
their own order, limit and offset, and the totals of the counted queries are then cut and
added up from those rows, exactly as ``briefs_and_totals_sql`` and
``statements.totals_row_sql`` would.
"""

from __future__ import annotations

from collections.abc import Sequence
from operator import itemgetter
from typing import Any

from storage.base import IncidentBrief, IncidentQuery, IncidentStats
from storage.sqlite.rows import MAPPER

MAX_QUERIES = 62  # one bit each in a 64-bit integer

# The columns after ``parts`` in a row of the scan: storage.mapping.BRIEF_COLUMNS.
_ID, _DATE, _KILLED, _INJURED = 1, 2, -2, -1


def one_scan_applies(queries: Sequence[IncidentQuery]) -> bool:
    """Whether every query reads a range of ``incidents_by_updated`` (a digest's do)."""
    return 0 < len(queries) <= MAX_QUERIES and all(
        query.updated_since is not None and query.ids is None for query in queries
    )


def one_scan_sql(
    filters: Sequence[tuple[list[str], list[Any]]], low: str, columns: str
) -> tuple[str, list[Any]]:
    """The statement (and parameters) that reads ``columns`` of every row from ``low`` on in
    ``incidents_by_updated`` that passes any of ``filters`` (each a query's WHERE terms and
    their parameters), with ``parts``: bit n set when the row passes filter n.

    (``LIMIT -1`` keeps SQLite from pushing ``parts != 0`` down into the scan, where every
    query's filter would be tested a second time.)"""
    cases: list[str] = []
    params: list[Any] = []
    for bit, (where, where_params) in enumerate(filters):
        cases.append(f"CASE WHEN {' AND '.join(where)} THEN {1 << bit} ELSE 0 END")
        params += where_params
    sql = (
        f"SELECT * FROM (SELECT {' + '.join(cases)} AS parts, {columns}"
        " FROM incidents AS i INDEXED BY incidents_by_updated WHERE i.updated_at >= ?"
        " LIMIT -1) WHERE parts != 0"
    )
    return sql, [*params, low]


def _by_query(rows: Sequence[Sequence[Any]], every: Sequence[IncidentQuery]) -> list[list[Any]]:
    """The rows each query matches (the bits of ``parts``, the first column), in its order
    (newest first: date, then id; one sort for all), cut to its offset and limit."""
    found: list[list[Sequence[Any]]] = [[] for _ in every]
    for row in sorted(rows, key=itemgetter(_DATE, _ID), reverse=True):
        parts = row[0]
        while parts:
            lowest = parts & -parts
            found[lowest.bit_length() - 1].append(row)
            parts ^= lowest
    return [
        rows[query.offset : query.offset + query.limit]
        for rows, query in zip(found, every, strict=True)
    ]


def _totals(parts: list[list[Sequence[Any]]], limit: int) -> IncidentStats:
    """The first ``limit`` distinct incidents of ``parts`` (each already cut), in part order,
    counted once each with their killed and injured figures (unknown as 0)."""
    figures: dict[int, tuple[int, int]] = {}
    for rows in parts:
        for row in rows:
            figures.setdefault(row[_ID], (row[_KILLED] or 0, row[_INJURED] or 0))
    kept = list(figures.values())[:limit]
    return IncidentStats(
        incidents=len(kept),
        killed=sum(killed for killed, _ in kept),
        injured=sum(injured for _, injured in kept),
    )


def briefs_and_totals_of_scan(
    rows: Sequence[Sequence[Any]],
    queries: Sequence[IncidentQuery],
    counted: Sequence[IncidentQuery],
    limit: int,
) -> tuple[list[list[IncidentBrief]], IncidentStats]:
    """What ``briefs_and_totals(queries, counted, limit)`` returns, from the rows of
    :func:`one_scan_sql` over ``[*queries, *counted]``."""
    cut = _by_query(rows, [*queries, *counted])
    listed = [(part, *row[1:]) for part, found in enumerate(cut[: len(queries)]) for row in found]
    totals = _totals(cut[len(queries) :], limit) if counted else IncidentStats()
    return MAPPER.briefs_by_part(listed, len(queries)), totals
