"""A search's report matches on PostgreSQL: the newest reports matching a text (through the
reports' GIN index, in widening windows of ids) and their incidents."""

from __future__ import annotations

from storage.postgres.search import tsquery_sql
from storage.postgres.terms import TERM_EPOCH
from storage.postgres.values import Connection, Params, Row, _fetchall

# Newest-first windows of report ids a report search looks through, widening until it has
# enough matches. A GIN index yields matches in no order, so "the newest N matches of a common
# word" would read every match from the table; bounded by an id range, it reads the recent ones
# only. (Incidents are searched through their term blocks instead: ``storage.postgres.terms``.)
SEARCH_WINDOWS: tuple[int | None, ...] = (20_000, 200_000, None)


def _matches_sql(q: str, low: str, cap: str) -> str:
    """Ids of the ``cap`` newest reports matching ``q`` with an id above ``low``.

    The matches are gathered first (MATERIALIZED): from the GIN index, as a bitmap ANDed with
    the id range. Left to itself the planner reads the primary key backwards and tests every
    row's tsvector until it has ``cap`` matches, which for two common words that rarely meet
    meant a long walk through the table.
    """
    return (
        f"WITH m AS MATERIALIZED (SELECT t.id FROM reports AS t, ({q}) AS q (q)"
        f" WHERE t.search @@ q.q AND t.id > {low})"
        f" SELECT id FROM m ORDER BY id DESC LIMIT {cap}"
    )


async def _newest_report_matches(
    conn: Connection, text: str, cap: int, top: int | None = None
) -> list[int]:
    """Ids of the ``cap`` most recently stored reports matching ``text`` (``top``: the newest
    report's id, when the caller has read it)."""
    if top is None:
        top = int(await conn.fetchval("SELECT COALESCE(MAX(id), 0) FROM reports"))
    if top <= 0:
        return []  # no report stored
    found: list[int] = []
    for window in SEARCH_WINDOWS:
        params = Params()
        q = tsquery_sql(text, params)
        assert q is not None
        low = 0 if window is None else top - window
        sql = _matches_sql(q, params.add(low), params.add(cap))
        found = [int(row[0]) for row in await _fetchall(conn, sql, *params.values)]
        if len(found) >= cap or low <= 0:
            break
    return found


async def report_incidents(
    conn: Connection, text: str, report_cap: int, top: int | None = None
) -> list[Row]:
    """(id, day, hidden) of the incidents of the ``report_cap`` newest reports matching
    ``text``."""
    reports = await _newest_report_matches(conn, text, report_cap, top)
    if not reports:
        return []
    rows = await _fetchall(
        conn,
        f"SELECT DISTINCT i.id, i.date - {TERM_EPOCH} AS day, i.status <> 'active' AS hidden"
        " FROM incident_sources AS s"
        " JOIN incidents AS i ON i.id = s.incident_id WHERE s.report_id = ANY($1::bigint[])",
        reports,
    )
    return rows
