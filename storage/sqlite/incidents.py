"""Incidents on SQLite: query building, loading with actors and sources, search."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from collections.abc import Sequence
from operator import itemgetter
from typing import Any

import aiosqlite
from pydantic_core import from_json

from bot.domain import (
    Incident,
)
from storage.base import (
    IncidentBrief,
    IncidentQuery,
    IncidentStats,
    ListedPicker,
    SearchPage,
)
from storage.fts import fts_match, fts_query, search_prefixes
from storage.mapping import (
    ACTOR_REF_COLUMNS,
    BRIEF_COLUMNS,
    SOURCE_REF_COLUMNS,
)
from storage.shared.incidents import SqlIncidentWrites, stats_from_rows, stats_sql
from storage.sqlite.fts_index import (
    DAY_SQL,
    KEY_DAY_SQL,
    KEY_ID_SQL,
    _index_incident,
    _unindex_incident,
)
from storage.sqlite.repository import _Repository
from storage.sqlite.rows import MAPPER, _incident_params
from storage.sqlite.values import (
    SEARCH_CANDIDATES,
    Row,
    _fetchall,
    _placeholders,
    _scalar,
    _ts,
    in_connection_thread,
)
from storage.sqlite.window_scan import scan_sql, sorted_out
from storage.statements import TOTALS_PART_COLUMNS, totals_row_sql

# --- incidents --------------------------------------------------------------------------------

_POINT_OR_NEAR = "i.geo_precision IN ('point', 'near')"
_HIDDEN_IDS = (
    "SELECT id FROM incidents INDEXED BY incidents_hidden WHERE status IN ('retracted', 'merged')"
)
_ACTOR_JOIN = "incident_actors AS a JOIN incidents AS i ON i.id = a.incident_id"


def _children_json(table: str, columns: Sequence[str], alias: str, incident: str) -> str:
    """A JSON array of ``incident``'s rows of ``table``, each ``[position, *columns]``."""
    values = ", ".join(f"{alias}.{column}" for column in ("position", *columns))
    return (
        f"(SELECT json_group_array(json_array({values})) FROM {table} AS {alias}"
        f" WHERE {alias}.incident_id = {incident})"
    )


def children_columns(incident: str) -> str:
    """Two more columns for incident rows: the incident's actors and its sources as JSON
    arrays (``actors_json``, ``sources_json``), so that incidents are loaded by one statement:
    one hand-off to SQLite's thread, and no transaction around it (on a busy machine each
    hand-off is a chance to be descheduled)."""
    actors = _children_json("incident_actors", ACTOR_REF_COLUMNS, "a", incident)
    sources = _children_json("incident_sources", SOURCE_REF_COLUMNS, "s", incident)
    return f"{actors} AS actors_json, {sources} AS sources_json"


LOADED_COLUMNS = f"i.*, {children_columns('i.id')}"  # when no LIMIT cuts the rows


def with_children_sql(sql: str) -> str:
    """The rows of ``sql`` (incident rows, newest first) with :func:`children_columns`.

    Computed on the rows ``sql`` returns only, after its own LIMIT (SQLite would compute the
    columns of every row before a sort otherwise)."""
    return (
        f"SELECT p.*, {children_columns('p.id')} FROM ({sql}) AS p ORDER BY p.date DESC, p.id DESC"
    )


def _incident_filter(query: IncidentQuery) -> tuple[str, list[str], list[Any], str]:
    """FROM clause, WHERE terms, parameters and ORDER BY for an incident query.

    With ``updated_since`` the query reads the ``incidents_by_updated`` range (a recent time
    window) and sorts it; otherwise an actor filter drives it from ``incident_actors`` (its
    index is ordered by actor, date), anything else from ``incidents``; both orders are
    "newest first".
    """
    where: list[str] = []
    params: list[Any] = []
    if query.ids is not None:
        # A known set of rows: look each up by id (an index walk to skip the sort would read
        # the whole history), then sort the few found.
        source = "incidents AS i NOT INDEXED"
        date_col, order = "i.date", "i.date DESC, i.id DESC"
        where.append(f"i.id IN ({_placeholders(len(query.ids))})" if query.ids else "0")
        params += query.ids
    elif query.updated_since is not None:
        # "What changed since T" (digests, alert catch-up) is a short range of updated_at,
        # whatever else is filtered: without this hint the planner walks the place, actor or
        # date index through all history to avoid sorting a few hundred rows.
        source = "incidents AS i INDEXED BY incidents_by_updated"
        date_col, order = "i.date", "i.date DESC, i.id DESC"
    elif query.actor_id is not None:
        source = _ACTOR_JOIN
        where.append("a.actor_id = ?")
        params.append(query.actor_id)
        date_col, order = "a.date", "a.date DESC, a.incident_id DESC"
    else:
        source = "incidents AS i"
        date_col, order = "i.date", "i.date DESC, i.id DESC"
    if query.place_key is not None:
        where += ["i.place_key = ?", _POINT_OR_NEAR]
        params.append(query.place_key)
    if query.place_keys is not None:
        # One range of incidents_by_place per key; with ORDER BY ... LIMIT SQLite stops each
        # key's range once it cannot beat the rows already kept.
        keys = list(dict.fromkeys(query.place_keys))
        where += [f"i.place_key IN ({_placeholders(len(keys))})" if keys else "0", _POINT_OR_NEAR]
        params += keys
    if query.admin1_code is not None:
        where.append("i.admin1_code = ?")
        params.append(query.admin1_code)
    if query.country is not None:
        where.append("i.country = ?")
        params.append(query.country)
    if query.event_type is not None:
        where.append("i.event_type = ?")
        params.append(query.event_type.value)
    if query.since is not None:
        where.append(f"{date_col} >= ?")
        params.append(query.since.isoformat())
    if query.until is not None:
        where.append(f"{date_col} <= ?")
        params.append(query.until.isoformat())
    if query.updated_since is not None:
        where.append("i.updated_at >= ?")
        params.append(_ts(query.updated_since))
    if query.created_since is not None:
        where.append("i.created_at >= ?")
        params.append(_ts(query.created_since))
    if query.created_before is not None:
        where.append("i.created_at < ?")
        params.append(_ts(query.created_before))
    if query.min_killed is not None:
        where.append("COALESCE(i.killed_min, 0) >= ?")
        params.append(query.min_killed)
    if not query.include_background:
        where.append("i.is_background = 0")
    if not query.include_hidden:
        # The few withdrawn or merged incidents, read once from their partial index (0008):
        # no table row per candidate, so covering indexes and the actor-only count still hold.
        id_col = "a.incident_id" if source == _ACTOR_JOIN else "i.id"
        where.append(f"{id_col} NOT IN ({_HIDDEN_IDS})")
    if query.actor_id is not None and source != _ACTOR_JOIN:
        # Last: SQLite tests the terms in order, so the index's own columns (time window,
        # background flag, governorate) drop rows before one actor lookup each.
        where.append(
            "EXISTS (SELECT 1 FROM incident_actors AS a"
            " WHERE a.incident_id = i.id AND a.actor_id = ?)"
        )
        params.append(query.actor_id)
    return source, where, params, order


def _index_hits_sql(cap: str) -> str:
    """The newest ``cap`` matches of the incident index (its smallest keys) as ``(id, day)``:
    the keys carry both (:func:`~storage.sqlite.fts_index.incident_search_key`), so nothing
    is looked up per match."""
    return (
        f"SELECT {KEY_ID_SQL.format('rowid')} AS id, {KEY_DAY_SQL.format('rowid')} AS day"
        " FROM (SELECT rowid FROM incidents_fts"
        f"  WHERE incidents_fts MATCH :q ORDER BY rowid LIMIT {cap})"
    )


def _report_hits_sql(report_cap: str) -> str:
    """The ``report_cap`` newest report matches turned into their incidents as ``(id, day)``:
    through the report index (named, because with planner statistics from a database whose
    sources have no report the planner would rather scan every source once per matching
    report), dated through the narrow (id, date) index of migration 0007."""
    return (
        f"SELECT i.id AS id, {DAY_SQL.format('i.date')} AS day"
        " FROM incident_sources AS s INDEXED BY incident_sources_by_report"
        " CROSS JOIN incidents AS i INDEXED BY incidents_search_order ON i.id = s.incident_id"
        "  WHERE s.report_id IN (SELECT rowid FROM reports_fts"
        f"  WHERE reports_fts MATCH :q ORDER BY rowid DESC LIMIT {report_cap})"
    )


def _hits_sql(name: str, cap: str, report_cap: str) -> str:
    """The incidents a full-text search finds, with their dates as day numbers (a CTE
    ``name (id, day)``): :func:`_index_hits_sql` and :func:`_report_hits_sql`, each once."""
    return f"{name} (id, day) AS ({_index_hits_sql(cap)} UNION {_report_hits_sql(report_cap)})"


def _shown_sql(hits: str, columns: str) -> str:
    """``columns`` of the ``hits`` that are shown: withdrawn and merged incidents take no place
    (their ids come from a small partial index)."""
    return f"SELECT {columns} FROM {hits} WHERE {hits}.id NOT IN ({_HIDDEN_IDS})"


def _first_shown_sql(hits: str) -> str:
    """The first :limit + :offset shown rows of ``hits`` (a SELECT of ``(id, day)``), newest
    (by date, then id) first."""
    return (
        f"SELECT * FROM (SELECT id, day FROM ({hits}) WHERE id NOT IN ({_HIDDEN_IDS})"
        " ORDER BY day DESC, id DESC LIMIT :limit + :offset)"
    )


# One page of search results (ids): the candidates sorted by (date, id). Each kind of match is
# cut to its own first :limit + :offset before the two are merged (the page is among them):
# merging all 2,000 index matches with the report matches, to drop an incident both find,
# cost more than reading the index (0.4-0.6 ms of 1-3 ms at 1M); past the first ~1,000
# results (the service stops at 200) the two sorts cost more instead.
SEARCH_PAGE_IDS_SQL = (
    f"SELECT id FROM ({_first_shown_sql(_index_hits_sql(':cap'))}"
    f" UNION {_first_shown_sql(_report_hits_sql(':report_cap'))})"
    " ORDER BY day DESC, id DESC LIMIT :limit OFFSET :offset"
)
SEARCH_HITS_SQL = "WITH " + _hits_sql("hits", ":cap", ":report_cap")
SEARCH_PAGE_SQL = SEARCH_PAGE_IDS_SQL
# How many incidents a search finds, up to :limit. Capping the incident index at :limit
# changes no count up to the limit (its rows are distinct incidents, so a binding cap alone
# reaches it); reports keep the search's cap, as several reports may name one incident.
SEARCH_COUNT_SQL = (
    f"SELECT COUNT(*) FROM ({SEARCH_HITS_SQL} {_shown_sql('hits', '1')} LIMIT :limit)"
)
# A page of search results as incident rows with their actors and sources, each carrying the
# count (``search_total``, up to :count_limit, found with the caps of SEARCH_COUNT_SQL): one
# statement instead of a count, a page of ids and a load, each a round trip to SQLite's thread.
# (An uncorrelated scalar subquery is evaluated once; the page's rows are read by primary key,
# NOT INDEXED keeping the planner from the (id, date) index and a second lookup.) An empty page
# carries no count: then
# SEARCH_COUNT_SQL gives it.
SEARCH_PAGE_ROWS_SQL = (
    "WITH "
    + _hits_sql("counted", ":count_cap", ":count_report_cap")
    + f", page (id) AS ({SEARCH_PAGE_IDS_SQL})"
    f" SELECT i.*, {children_columns('i.id')},"
    f" (SELECT COUNT(*) FROM ({_shown_sql('counted', '1')} LIMIT :count_limit))"
    " AS search_total FROM page CROSS JOIN incidents AS i NOT INDEXED ON i.id = page.id"
    " WHERE i.status = 'active' ORDER BY i.date DESC, i.id DESC"
)

# Two index ranges: incidents dated in the window, and spans that began before it and reach
# into it. An incident merged into another by a reviewer takes no more reports: its twin does.
# (One "COALESCE(date_end, date) >= ?" test would leave the date range open-ended,
# and without INDEXED BY the planner prefers the date-ordered index and walks all history.)
MERGE_CANDIDATES_SQL = (
    "SELECT * FROM incidents WHERE country = :country AND date BETWEEN :start AND :end"
    " AND status != 'merged'"
    " UNION"
    " SELECT * FROM incidents INDEXED BY incidents_spans"
    " WHERE country = :country AND date_end IS NOT NULL"
    " AND date_end >= :start AND date < :start AND status != 'merged'"
    " ORDER BY date DESC, id DESC LIMIT :limit"
)


MERGE_CANDIDATES_ROWS_SQL = with_children_sql(MERGE_CANDIDATES_SQL)

BRIEF_SELECT = ", ".join(f"i.{column}" for column in BRIEF_COLUMNS)


def _where_sql(where: list[str]) -> str:
    return f" WHERE {' AND '.join(where)}" if where else ""


def incident_query_sql(query: IncidentQuery) -> tuple[str, list[Any]]:
    """The SELECT (and parameters) that :meth:`SqliteIncidentRepository.query` runs."""
    source, where, params, order = _incident_filter(query)
    sql = f"SELECT i.* FROM {source}{_where_sql(where)} ORDER BY {order} LIMIT ? OFFSET ?"
    return sql, [*params, query.limit, query.offset]


def incident_ids_sql(query: IncidentQuery, columns: str = "i.id") -> tuple[str, list[Any]]:
    """The SELECT (and parameters) that :meth:`SqliteIncidentRepository.ids` runs."""
    source, where, params, order = _incident_filter(query)
    sql = f"SELECT {columns} FROM {source}{_where_sql(where)} ORDER BY {order} LIMIT ? OFFSET ?"
    return sql, [*params, query.limit, query.offset]


def briefs_each_sql(queries: Sequence[IncidentQuery]) -> tuple[str, list[Any]]:
    """The statement (and parameters) of :meth:`SqliteIncidentRepository.briefs_each`."""
    parts: list[str] = []
    all_params: list[Any] = []
    for position, query in enumerate(queries):
        sql, params = incident_ids_sql(query, BRIEF_SELECT)
        parts.append(f"SELECT {position} AS part, * FROM ({sql})")
        all_params += params
    return " UNION ALL ".join(parts), all_params


def briefs_and_totals_sql(
    queries: Sequence[IncidentQuery], counted: Sequence[IncidentQuery], limit: int
) -> tuple[str, list[Any]]:
    """The statement (and parameters) of :meth:`SqliteIncidentRepository.briefs_and_totals`:
    :func:`briefs_each_sql`'s parts and, when anything is counted, one row of totals."""
    sql, all_params = briefs_each_sql(queries)
    if not counted:
        return sql, all_params
    parts: list[str] = []
    for query in counted:
        part, params = incident_ids_sql(query, TOTALS_PART_COLUMNS)
        parts.append(part)
        all_params += params
    totals = totals_row_sql(parts, len(queries), "?", len(BRIEF_COLUMNS) - 3)
    sql = f"{sql} UNION ALL {totals}" if queries else totals
    return sql, [*all_params, limit]


def _briefs_and_totals(
    sync: sqlite3.Connection,
    queries: Sequence[IncidentQuery],
    counted: Sequence[IncidentQuery],
    limit: int,
) -> tuple[list[list[IncidentBrief]], IncidentStats]:
    """``briefs_and_totals`` in the connection's thread: one scan of each range when that is
    exact (:mod:`~storage.sqlite.window_scan`), else :func:`briefs_and_totals_sql`."""
    cursor = sync.cursor()
    cursor.row_factory = None  # plain tuples: read by position
    scan = scan_sql(queries, counted, limit, lambda query: _incident_filter(query)[:3])
    rows = None if scan is None else cursor.execute(*scan).fetchall()
    if rows is not None and (found := sorted_out(MAPPER, rows, queries, counted, limit)):
        return found
    sql, params = briefs_and_totals_sql(queries, counted, limit)
    return MAPPER.briefs_and_totals(cursor.execute(sql, params).fetchall(), len(queries))


def _by_position(text: str) -> list[list[Any]]:
    """A JSON array of :func:`children_columns`' rows in position order, without it (parsed
    by pydantic's parser, in a third of ``json.loads``'s time: SQLite wrote it)."""
    return [values[1:] for values in sorted(from_json(text), key=itemgetter(0))]


def _by_name(rows: Sequence[Row]) -> list[dict[str, Any]]:
    """Rows as dicts: ``sqlite3.Row`` finds a column by name by scanning every column name,
    which for an incident's 42 columns was most of the cost of mapping it."""
    if not rows:
        return []
    names = rows[0].keys()
    return [dict(zip(names, row, strict=True)) for row in rows]


def _incidents(rows: Sequence[Row]) -> list[Incident]:
    """Incident rows carrying :func:`children_columns` as models."""
    return [
        MAPPER.incident(
            row,
            [MAPPER.actor_fields(values) for values in _by_position(row["actors_json"])],
            [MAPPER.source_fields(values) for values in _by_position(row["sources_json"])],
        )
        for row in _by_name(rows)
    ]


async def _search_total(conn: aiosqlite.Connection, params: dict[str, Any]) -> int:
    """A search's count (:data:`SEARCH_COUNT_SQL`), or 0 when it counts up to 0."""
    if not params["limit"]:
        return 0
    return int((await _fetchall(conn, SEARCH_COUNT_SQL, params))[0][0])


GET_INCIDENT_SQL = f"SELECT i.*, {children_columns('i.id')} FROM incidents AS i WHERE i.id = ?"


async def _get_incident(conn: aiosqlite.Connection, incident_id: int) -> Incident | None:
    rows = await _fetchall(conn, GET_INCIDENT_SQL, (incident_id,))
    return _incidents(rows)[0] if rows else None


class SqliteIncidentRepository(SqlIncidentWrites, _Repository):
    """Incidents with actors, sources and revisions; indexed by place, governorate, actor."""

    def _values(self, incident: Incident) -> dict[str, Any]:
        return _incident_params(incident)

    async def _get(self, conn: aiosqlite.Connection, incident_id: int) -> Incident | None:
        return await _get_incident(conn, incident_id)

    async def get(self, incident_id: int) -> Incident | None:
        """One incident by id, with its actors and sources (one statement)."""
        return await self._read_one(lambda conn: _get_incident(conn, incident_id))

    async def _index(
        self, conn: aiosqlite.Connection, incident_id: int, incident: Incident
    ) -> None:
        await _index_incident(
            conn, incident_id, incident.date, incident.summary, incident.evidence
        )

    async def _unindex(self, conn: aiosqlite.Connection, incident_id: int, stored: Row) -> None:
        await _unindex_incident(
            conn,
            incident_id,
            dt.date.fromisoformat(stored["date"]),
            stored["summary"],
            json.loads(stored["evidence"]),
        )

    async def query(self, query: IncidentQuery) -> list[Incident]:
        """Incidents matching the filters, newest (by date, then id) first."""
        sql, params = incident_query_sql(query)
        sql = with_children_sql(sql)

        async def op(conn: aiosqlite.Connection) -> list[Incident]:
            return _incidents(await _fetchall(conn, sql, params))

        return await self._read_one(op)

    async def count(self, query: IncidentQuery | None = None) -> int:
        """How many incidents match (all of them when query is None)."""
        if query is None:
            return await self._read_one(_scalar("SELECT COUNT(*) FROM incidents"))
        source, where, params, _ = _incident_filter(query)
        if source == _ACTOR_JOIN and all(term.startswith("a.") for term in where):
            # Only the actor index is filtered, and every row of it names an existing incident
            # (foreign key): the join would add one table lookup per row and nothing else.
            source = "incident_actors AS a"
        return await self._read_one(
            _scalar(f"SELECT COUNT(*) FROM {source}{_where_sql(where)}", params)
        )

    async def stats(self, query: IncidentQuery) -> IncidentStats:
        """Totals over the incidents matching the filters (limit/offset ignored)."""
        source, where, params, _ = _incident_filter(query)
        sql = stats_sql(source, _where_sql(where))

        async def op(conn: aiosqlite.Connection) -> IncidentStats:
            return stats_from_rows(await _fetchall(conn, sql, params))

        return await self._read_one(op)

    async def ids(self, query: IncidentQuery) -> list[int]:
        """Ids of the incidents matching the filters, newest first (no models are loaded)."""
        sql, all_params = incident_ids_sql(query)

        async def op(conn: aiosqlite.Connection) -> list[int]:
            return [int(row[0]) for row in await _fetchall(conn, sql, all_params)]

        return await self._read_one(op)

    async def briefs(self, query: IncidentQuery) -> list[IncidentBrief]:
        """The matching incidents as :class:`IncidentBrief` rows, newest first (no models)."""
        sql, all_params = incident_ids_sql(query, BRIEF_SELECT)

        async def op(conn: aiosqlite.Connection) -> list[IncidentBrief]:
            return [MAPPER.brief(row) for row in await _fetchall(conn, sql, all_params)]

        return await self._read_one(op)

    async def briefs_each(self, queries: Sequence[IncidentQuery]) -> list[list[IncidentBrief]]:
        """:meth:`briefs` of each query, in one statement (each query a part of a UNION ALL,
        planned as it would be alone, its rows tagged with its position)."""
        if not queries:
            return []
        sql, all_params = briefs_each_sql(queries)

        async def op(conn: aiosqlite.Connection) -> list[list[IncidentBrief]]:
            return MAPPER.briefs_by_part(await _fetchall(conn, sql, all_params), len(queries))

        return await self._read_one(op)

    async def briefs_and_totals(
        self, queries: Sequence[IncidentQuery], counted: Sequence[IncidentQuery], limit: int
    ) -> tuple[list[list[IncidentBrief]], IncidentStats]:
        """:meth:`briefs_each` of ``queries`` and the totals of ``counted``, in one statement
        (the totals one more row of it; windows of the ``updated_at`` index each scanned once,
        :mod:`storage.sqlite.window_scan`)."""
        if not queries and not counted:
            return [], IncidentStats()

        def read(sync: sqlite3.Connection) -> tuple[list[list[IncidentBrief]], IncidentStats]:
            return _briefs_and_totals(sync, queries, counted, limit)

        return await self._read_one(lambda conn: in_connection_thread(conn, read))

    async def briefs_and_listed(
        self,
        queries: Sequence[IncidentQuery],
        counted: Sequence[IncidentQuery],
        limit: int,
        listed: ListedPicker,
    ) -> tuple[list[list[IncidentBrief]], IncidentStats, list[Incident]]:
        """:meth:`briefs_and_totals`, then the incidents ``listed`` picks, loaded as
        :meth:`query` loads them: both statements (and ``listed``) run in one hand-off to the
        connection's thread, where a digest made three (each statement its own snapshot)."""

        def read(
            sync: sqlite3.Connection,
        ) -> tuple[list[list[IncidentBrief]], IncidentStats, list[Incident]]:
            found: list[list[IncidentBrief]] = []
            totals = IncidentStats()
            if queries or counted:
                found, totals = _briefs_and_totals(sync, queries, counted, limit)
            ids = list(listed(found, totals))
            if not ids:
                return found, totals, []
            load = incident_ids_sql(IncidentQuery(ids=ids, limit=len(ids)), LOADED_COLUMNS)
            return found, totals, _incidents(sync.execute(*load).fetchall())

        return await self._read_one(lambda conn: in_connection_thread(conn, read))

    async def merge_candidates(
        self, country: str, date_from: dt.date, date_to: dt.date, limit: int = 200
    ) -> list[Incident]:
        """Incidents in a country whose date (or date span) overlaps the window, newest first."""
        start, end = date_from.isoformat(), date_to.isoformat()

        async def op(conn: aiosqlite.Connection) -> list[Incident]:
            params = {"country": country, "start": start, "end": end, "limit": limit}
            return _incidents(await _fetchall(conn, MERGE_CANDIDATES_ROWS_SQL, params))

        return await self._read_one(op)

    async def search(self, text: str, limit: int = 20, offset: int = 0) -> list[Incident]:
        """Incidents whose summary/evidence or whose reports' text match, newest first.

        Only the ``SEARCH_CANDIDATES`` most recently stored matches of each index are sorted
        by date, so a word found in nearly every row stays fast. The sort reads each match's
        date from its index key (a report match's from the narrow ``incidents_search_order``
        index); only the page is loaded.
        """
        return (await self.search_page(text, limit, offset, count_limit=0)).items

    async def search_page(
        self, text: str, limit: int = 20, offset: int = 0, count_limit: int = 200
    ) -> SearchPage:
        """One page of :meth:`search` and :meth:`search_count`, in one read (one statement
        unless a prefix is expanded first or the page is empty)."""
        match = fts_query(text)
        if match is None:
            return SearchPage(total=0, items=[])
        limit, offset, count_limit = max(limit, 0), max(offset, 0), max(count_limit, 0)
        # A word found in most rows would otherwise sort every match by date; rows are
        # stored roughly in news order, so the most recently stored matches are kept.
        cap = max(SEARCH_CANDIDATES, offset + limit)
        page_params: dict[str, Any] = {
            "limit": limit,
            "offset": offset,
            "cap": cap,
            "report_cap": cap,
        }
        count_params: dict[str, Any] = {
            "limit": count_limit,
            "cap": count_limit,
            "report_cap": max(SEARCH_CANDIDATES, count_limit),
        }

        async def page(conn: aiosqlite.Connection) -> SearchPage | None:
            """The page's incidents and the count; None when the page is empty."""
            rows = await _fetchall(
                conn,
                SEARCH_PAGE_ROWS_SQL,
                page_params | {f"count_{name}": value for name, value in count_params.items()},
            )
            if not rows:
                return None
            return SearchPage(total=int(rows[0]["search_total"]), items=_incidents(rows))

        if limit and not search_prefixes(text):
            # No prefix to expand: the match is known, and a page with its count is one
            # statement, read without a transaction around it (one hand-off, not four).
            page_params["q"] = count_params["q"] = match
            found = await self._read_one(page)
            if found is not None:
                return found

        async def op(conn: aiosqlite.Connection) -> SearchPage:
            page_params["q"] = count_params["q"] = await fts_match(conn, text)
            found = await page(conn) if limit else None
            if found is not None:
                return found
            # No page asked for, or nothing on it: the count alone (in the same snapshot).
            return SearchPage(total=await _search_total(conn, count_params), items=[])

        return await self._read(op)

    async def search_count(self, text: str, limit: int = 200) -> int:
        """How many incidents :meth:`search` finds for ``text``, counted up to ``limit``.

        Reads only the FTS indexes (and, for report matches, the narrow (id, date) index): the
        cheap half of a paged search.
        """
        return (await self.search_page(text, limit=0, count_limit=limit)).total
