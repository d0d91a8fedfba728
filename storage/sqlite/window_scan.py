"""A digest's windows on SQLite in one scan each: every row of the ``updated_at`` range read
once, tagged with the queries it matches, instead of once per query.

A digest asks for the briefs of each subscription's window and the totals of the union of the
day before's: six queries over two short ranges of ``incidents_by_updated``. Read per query,
each range was scanned three times, an incident two subscriptions share came back (and was
sorted, and turned into Python values) twice, and the totals ranked every part's rows to drop
the shared ones. Here each range is scanned once: a window row carries a bit per query it
passes (its whole ``WHERE``, so each query's own filters decide), a counted row counts when any
query passes it. The statement says how long the range was, so :func:`sorted_out` can tell when
the answer is exactly the per-query one (every query's own ``ORDER BY``/``LIMIT``/``OFFSET``
applied to its rows here) and returns None otherwise (a long range: an old day's digest; a
limit the union could reach), and the caller reads per query as before.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from storage.base import IncidentBrief, IncidentQuery, IncidentStats
from storage.mapping import BRIEF_COLUMNS, RowMapper
from storage.sqlite.values import _ts

UPDATED_SOURCE = "incidents AS i INDEXED BY incidents_by_updated"
# Rows of the widest range read in one scan; a longer range is read per query. A day's window
# at a million incidents is a few hundred rows.
RANGE_CAP = 5000
MAX_QUERIES = 62  # a bit each in a 64-bit mask
_HEADER, _TOTALS = -1, -2  # the mask column of the range's row count and of the totals row
_BRIEF_SELECT = ", ".join(f"i.{column}" for column in BRIEF_COLUMNS)

# One query's FROM clause, WHERE terms and parameters (``incidents._incident_filter``).
Filter = tuple[str, list[str], list[Any]]
Statement = tuple[str, list[Any]]


def _conjunction(where: Sequence[str]) -> str:
    return f"({' AND '.join(where)})" if where else "1"


def _factored(
    filters: Sequence[Filter],
) -> tuple[list[str], list[Any], list[tuple[str, list[Any]]]]:
    """The WHERE terms (and their parameters) every filter has, tested once per row, and each
    filter's other terms as one condition with its parameters. A term's parameters are its
    own ``?`` marks, in order, as ``incidents._incident_filter`` builds them."""
    split: list[list[tuple[str, tuple[Any, ...]]]] = []
    for _, where, params in filters:
        terms, position = [], 0
        for term in where:
            marks = term.count("?")
            terms.append((term, tuple(params[position : position + marks])))
            position += marks
        split.append(terms)
    common = [term for term in split[0] if all(term in terms for terms in split[1:])]
    rest = []
    for terms in split:
        own = [term for term in terms if term not in common]
        rest.append((_conjunction([text for text, _ in own]), [p for _, ps in own for p in ps]))
    return [text for text, _ in common], [p for _, ps in common for p in ps], rest


def _totals_member(counted: Sequence[IncidentQuery], filters: Sequence[Filter]) -> Statement:
    """The totals row: the incidents any counted query passes, counted once each."""
    since = min(q.updated_since for q in counted if q.updated_since is not None)
    common, common_params, rest = _factored(filters)
    # CASE tests each query's terms as a WHERE does, stopping at the first false one (and at
    # the first query passed); an OR of ANDs as a value would compute every term.
    hits = "CASE" + "".join(f" WHEN {condition} THEN 1" for condition, _ in rest) + " ELSE 0 END"
    sql = (
        f"SELECT {_TOTALS}, COUNT(*){', NULL' * (len(BRIEF_COLUMNS) - 3)},"
        " COALESCE(SUM(COALESCE(c.killed_min, 0)), 0),"
        " COALESCE(SUM(COALESCE(c.injured_min, 0)), 0)"
        f" FROM (SELECT i.killed_min, i.injured_min, {hits} AS hit FROM {UPDATED_SOURCE}"
        f" WHERE {_conjunction(['i.updated_at >= ?', *common])} LIMIT ?) AS c WHERE c.hit"
    )
    params = [p for _, ps in rest for p in ps]
    return sql, [*params, _ts(since), *common_params, RANGE_CAP]


def _window_member(queries: Sequence[IncidentQuery], filters: Sequence[Filter]) -> Statement:
    """The window rows, newest first, each with the mask of the queries that pass it."""
    since = min(q.updated_since for q in queries if q.updated_since is not None)
    common, common_params, rest = _factored(filters)
    masks = " | ".join(
        f"(CASE WHEN {condition} THEN {1 << bit} ELSE 0 END)"
        for bit, (condition, _) in enumerate(rest)
    )
    # The LIMIT keeps the subquery from being merged into the outer one (which would test each
    # row's mask twice) and bounds the scan.
    sql = (
        f"SELECT * FROM (SELECT w.mask, w.{', w.'.join(BRIEF_COLUMNS)} FROM"
        f" (SELECT {masks} AS mask, {_BRIEF_SELECT} FROM {UPDATED_SOURCE}"
        f" WHERE {_conjunction(['i.updated_at >= ?', *common])} LIMIT ?) AS w"
        " WHERE w.mask != 0 ORDER BY w.date DESC, w.id DESC)"
    )
    params = [p for _, ps in rest for p in ps]
    return sql, [*params, _ts(since), *common_params, RANGE_CAP]


def scan_sql(
    queries: Sequence[IncidentQuery],
    counted: Sequence[IncidentQuery],
    limit: int,
    filter_of: Callable[[IncidentQuery], Filter],
) -> Statement | None:
    """The one statement of ``briefs_and_totals`` (None when a query is not a window of the
    ``updated_at`` index, or cannot be answered from a scan): a header row with the widest
    range's length (up to :data:`RANGE_CAP`), a totals row when anything is counted, then the
    window rows, newest first, each with its mask. ``filter_of`` gives a query's FROM clause,
    WHERE terms and parameters."""
    everything = [*queries, *counted]
    if not queries or len(queries) > MAX_QUERIES or limit < 1:
        return None
    if any(q.updated_since is None for q in everything) or any(q.offset for q in counted):
        return None
    windows, counted_windows = [filter_of(q) for q in queries], [filter_of(q) for q in counted]
    if any(source != UPDATED_SOURCE for source, _, _ in (*windows, *counted_windows)):
        return None
    widest = min(q.updated_since for q in everything if q.updated_since is not None)
    members = [
        (
            f"SELECT {_HEADER}, (SELECT COUNT(*) FROM (SELECT 1 FROM {UPDATED_SOURCE}"
            f" WHERE i.updated_at >= ? LIMIT ?)){', NULL' * (len(BRIEF_COLUMNS) - 1)}",
            [_ts(widest), RANGE_CAP],
        )
    ]
    if counted:
        members.append(_totals_member(counted, counted_windows))
    members.append(_window_member(queries, windows))
    return " UNION ALL ".join(sql for sql, _ in members), [p for _, ps in members for p in ps]


def sorted_out(
    mapper: RowMapper,
    rows: Sequence[Sequence[Any]],
    queries: Sequence[IncidentQuery],
    counted: Sequence[IncidentQuery],
    limit: int,
) -> tuple[list[list[IncidentBrief]], IncidentStats] | None:
    """The rows of :func:`scan_sql` as ``briefs_and_totals`` answers: each query's briefs (its
    rows, newest first, cut by its offset and limit) and the totals of the counted union. None
    when the range was too long to have been read whole, or when a counted query's limit (or
    ``limit``) could have cut the union: then only the per-query read is exact."""
    totals = IncidentStats()
    for row in rows:
        if row[0] == _HEADER and row[1] >= RANGE_CAP:
            return None
        if row[0] == _TOTALS:
            totals = IncidentStats(incidents=row[1], killed=row[-2], injured=row[-1])
    if counted and totals.incidents > min(limit, *(q.limit for q in counted)):
        return None
    found = mapper.briefs_by_part((row for row in rows if row[0] >= 0), len(queries), masks=True)
    return [
        briefs[q.offset : q.offset + q.limit] for briefs, q in zip(found, queries, strict=True)
    ], totals
