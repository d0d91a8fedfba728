"""Incidents on PostgreSQL: query building, loading with actors and sources, search."""

from __future__ import annotations

import datetime as dt
import heapq
import itertools
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from bot.domain import Incident
from storage.base import IncidentBrief, IncidentQuery, IncidentStats, ListedPicker, SearchPage
from storage.mapping import BRIEF_COLUMNS, INCIDENT_FIELDS
from storage.postgres.report_matches import report_incidents
from storage.postgres.repository import _Repository
from storage.postgres.rows import (
    INCIDENT_COLUMNS,
    MAPPER,
    incident_args,
)
from storage.postgres.search import search_terms
from storage.postgres.terms import (
    index_incidents,
    newest_incident_matches,
    search_start,
    unindex_incidents,
)
from storage.postgres.values import (
    SEARCH_CANDIDATES,
    Connection,
    Params,
    Row,
    _fetchall,
    _fetchone,
    _scalar,
    _ts,
    _ts_opt,
)
from storage.shared.incidents import SqlIncidentWrites, stats_from_rows, stats_sql
from storage.shared.listed import briefs_then_listed
from storage.statements import TOTALS_PART_COLUMNS, totals_row_sql

_POINT_OR_NEAR = "i.geo_precision IN ('point', 'near')"
_ACTOR_JOIN = "incident_actors AS a JOIN incidents AS i ON i.id = a.incident_id"
_NOT_HIDDEN_ACTOR = "a.incident_id NOT IN (SELECT id FROM incidents WHERE status <> 'active')"


def _actor_exists(params: Params, actor_id: str) -> str:
    return (
        "EXISTS (SELECT 1 FROM incident_actors AS a"
        f" WHERE a.incident_id = i.id AND a.actor_id = {params.add(actor_id)})"
    )


# A digest window whose incidents carry more dates than this (an archive imported that day)
# looks the faction up incident by incident: its rows on every one of those dates could be
# many more than the window's incidents.
MAX_WINDOW_DATES = 31


def _actor_in_window(params: Params, actor_id: str, updated_since: dt.datetime) -> str:
    """The incidents of ``actor_id`` among those updated since ``updated_since`` (a digest's
    window), as one set hashed once: the actor's rows on the few dates that window's
    incidents carry, read from its (actor_id, date) index, not one probe of incident_actors
    per incident of the window (the largest faction's day at 1M incidents: 470 probes,
    ~1.5 ms; its rows on the window's two or three dates: ~0.3 ms). An actor row carries its
    incident's date (written with it, as the faction queries read it). Past
    ``MAX_WINDOW_DATES`` dates the set is the actor's rows of the window's incidents, looked
    up by id (a probe each, as before). The dates are read once (``d``, kept a subquery by
    ``OFFSET 0``: inlined, each use would read them again) and each way runs only if its
    one-time filter passes; ``IS TRUE`` keeps the test a hashed subplan (a bare ``IN`` would
    become a join, planned as a probe per incident).
    """
    since, actor = params.add(_ts(updated_since)), params.add(actor_id)
    few = f"cardinality(d.dates) <= {MAX_WINDOW_DATES}"
    dated = (
        "SELECT a.incident_id AS id FROM incident_actors AS a"
        f" WHERE {few} AND a.actor_id = {actor} AND a.date = ANY(d.dates)"
    )
    probed = (
        f"SELECT a.incident_id FROM incident_actors AS a WHERE NOT {few}"
        f" AND a.incident_id = ANY(ARRAY(SELECT w.id FROM incidents AS w"
        f" WHERE w.updated_at >= {since})) AND a.actor_id = {actor}"
    )
    dates = (
        f"SELECT ARRAY(SELECT DISTINCT w.date FROM incidents AS w WHERE w.updated_at >= {since})"
    )
    return (
        f"(i.id IN (SELECT x.id FROM ({dates} AS dates OFFSET 0) AS d,"
        f" LATERAL ({dated} UNION ALL {probed}) AS x)) IS TRUE"
    )


def _incident_filter(query: IncidentQuery, params: Params) -> tuple[str, list[str], str]:
    """FROM clause, WHERE terms and ORDER BY for an incident query (parameters go to params).

    The same shapes as SQLite's: an actor filter is driven from ``incident_actors`` (ordered by
    actor, date), anything else from ``incidents``; both orders are "newest first".
    """
    where: list[str] = []
    source, date_col, order = "incidents AS i", "i.date", "i.date DESC, i.id DESC"
    if query.ids is not None:
        where.append(f"i.id = ANY({params.add(list(query.ids))}::bigint[])")
        if query.actor_id is not None:
            where.append(_actor_exists(params, query.actor_id))
    elif query.updated_since is not None:
        if query.actor_id is not None:
            where.append(_actor_in_window(params, query.actor_id, query.updated_since))
    elif query.actor_id is not None:
        source = _ACTOR_JOIN
        where.append(f"a.actor_id = {params.add(query.actor_id)}")
        date_col, order = "a.date", "a.date DESC, a.incident_id DESC"
    if query.place_key is not None:
        where += [f"i.place_key = {params.add(query.place_key)}", _POINT_OR_NEAR]
    if query.place_keys is not None:
        # A parameter the custom plan sees as a constant, not an InitPlan: a digest's window of
        # updated_at (about 470 rows a day at 1M incidents) is then filtered through a hash of
        # a city's ~150 keys. Through an InitPlan each row was compared with every key in turn,
        # 1.4-1.8 ms for each of a city's two windows at 1M, more than the planning it saved
        # (estimating each key: 0.3-0.7 ms).
        keys = params.add(list(dict.fromkeys(query.place_keys)))
        where += [f"i.place_key = ANY({keys}::text[])", _POINT_OR_NEAR]
    simple: list[tuple[str, Any]] = [
        ("i.admin1_code =", query.admin1_code),
        ("i.country =", query.country),
        ("i.event_type =", None if query.event_type is None else query.event_type.value),
        (f"{date_col} >=", query.since),
        (f"{date_col} <=", query.until),
        ("i.updated_at >=", _ts_opt(query.updated_since)),
        ("i.created_at >=", _ts_opt(query.created_since)),
        ("i.created_at <", _ts_opt(query.created_before)),
        ("COALESCE(i.killed_min, 0) >=", query.min_killed),
    ]
    where += [f"{term} {params.add(value)}" for term, value in simple if value is not None]
    if not query.include_background:
        where.append("NOT i.is_background")
    if not query.include_hidden:
        # Driven by an actor, the few withdrawn or merged ids come from their partial index
        # (0009), as on SQLite: a faction's count then reads incident_actors alone, not one
        # incident row per match (2,451 row lookups for a month of the largest faction).
        where.append(_NOT_HIDDEN_ACTOR if source == _ACTOR_JOIN else "i.status = 'active'")
    return source, where, order


# An incident's JSON columns: sent inside one jsonb value with its actors and sources (below).
_JSON_COLUMNS = (
    "killed_claims",
    "injured_claims",
    "arrested_claims",
    "evidence",
    "confidence_reasons",
)
# The columns an incident is read from, sent as they are (not the search text and its
# tsvector, which no model holds).
_PLAIN_COLUMNS = tuple(
    column
    for column in ("id", *INCIDENT_FIELDS, "created_at", "updated_at")
    if column not in _JSON_COLUMNS
)
# Actors and sources ride along with each incident row as jsonb arrays (in position order), so
# loading a page of incidents is one statement and one round trip, not three in a transaction.
# They and the incident's JSON columns come as one jsonb array: one value to decode, not seven.
INCIDENT_WITH_CHILDREN = (
    f"{', '.join(f'i.{column}' for column in _PLAIN_COLUMNS)}, jsonb_build_array("
    f"{', '.join(f'i.{column}' for column in _JSON_COLUMNS)},"
    " COALESCE((SELECT jsonb_agg(jsonb_build_array(a.actor_id, a.name, a.type, a.country)"
    " ORDER BY a.position) FROM incident_actors AS a WHERE a.incident_id = i.id), '[]'),"
    " COALESCE((SELECT jsonb_agg(jsonb_build_array(s.report_id, s.url, s.outlet, s.title,"
    " s.published_at) ORDER BY s.position) FROM incident_sources AS s"
    " WHERE s.incident_id = i.id), '[]')) AS json_values"
)


def _incident_from_joined_row(row: Row) -> Incident:
    values = dict(row.items())
    *json_values, actors, sources = values.pop("json_values")
    values.update(zip(_JSON_COLUMNS, json_values, strict=True))
    return MAPPER.incident(
        values,
        [MAPPER.actor(actor) for actor in actors],
        [MAPPER.source(source) for source in sources],
    )


_BRIEF_SELECT = ", ".join(f"i.{column}" for column in BRIEF_COLUMNS)


def _where_sql(where: list[str]) -> str:
    return f" WHERE {' AND '.join(where)}" if where else ""


def incident_query_sql(
    query: IncidentQuery, columns: str = INCIDENT_WITH_CHILDREN
) -> tuple[str, list[Any]]:
    """The SELECT (and parameters) that :meth:`PostgresIncidentRepository.query` runs."""
    params = Params()
    return _select_sql(query, columns, params), params.values


def _select_sql(query: IncidentQuery, columns: str, params: Params) -> str:
    source, where, order = _incident_filter(query, params)
    return (
        f"SELECT {columns} FROM {source}{_where_sql(where)} ORDER BY {order}"
        f" LIMIT {params.add(query.limit)} OFFSET {params.add(query.offset)}"
    )


def briefs_each_sql(queries: Sequence[IncidentQuery]) -> tuple[str, list[Any]]:
    """One statement for the briefs of every query: a UNION ALL of the queries (each planned
    as it would be alone), each row tagged with its query's position."""
    params = Params()
    parts = [
        f"(SELECT {position} AS part, b.* FROM ({_select_sql(query, _BRIEF_SELECT, params)}) AS b)"
        for position, query in enumerate(queries)
    ]
    return " UNION ALL ".join(parts), params.values


# What a digest's window and the day before it set apart on one subscription's filter: their
# bounds (applied to a shared scan's rows) and their order's cut.
_WINDOW_BOUNDS = ("updated_since", "created_since", "created_before", "since")
_PER_PART = {*_WINDOW_BOUNDS, "limit", "offset"}


def _shared_scans(
    queries: Sequence[IncidentQuery], counted: Sequence[IncidentQuery]
) -> list[IncidentQuery] | None:
    """One filter for each query and the counted query at its position when both have an
    ``updated_since`` and filter alike but for :data:`_PER_PART` (a digest's day and the day
    before, per subscription): theirs with the earlier ``updated_since`` and no other
    bound, which passes the rows of both. None when they do not pair up."""
    if len(queries) != len(counted):
        return None
    scans = []
    for query, count in zip(queries, counted, strict=True):
        if query.updated_since is None or count.updated_since is None:
            return None
        if query.model_dump(exclude=_PER_PART) != count.model_dump(exclude=_PER_PART):
            return None
        low = min(query.updated_since, count.updated_since)
        bounds = {**dict.fromkeys(_WINDOW_BOUNDS), "updated_since": low}
        scans.append(query.model_copy(update=bounds))
    return scans


def _bounded_sql(flag: str, query: IncidentQuery, columns: str, params: Params) -> str:
    """``query``'s rows among a shared scan's (the CTE ``w``; ``flag``: the column marking
    its pair's rows): its own window bounds, its order and limit."""
    bounds = [
        ("i.date >=", query.since),
        ("i.updated_at >=", _ts_opt(query.updated_since)),
        ("i.created_at >=", _ts_opt(query.created_since)),
        ("i.created_at <", _ts_opt(query.created_before)),
    ]
    where = [f"i.{flag}"]
    where += [f"{term} {params.add(value)}" for term, value in bounds if value is not None]
    return (
        f"SELECT {columns} FROM w AS i{_where_sql(where)} ORDER BY i.date DESC, i.id DESC"
        f" LIMIT {params.add(query.limit)} OFFSET {params.add(query.offset)}"
    )


def _paired_sql(
    queries: Sequence[IncidentQuery],
    counted: Sequence[IncidentQuery],
    scans: Sequence[IncidentQuery],
    limit: int,
) -> tuple[str, list[Any]]:
    """:func:`briefs_and_totals_sql` when each query pairs with a counted one: the
    incidents changed since the earliest pair's start are read once (a MATERIALIZED CTE of
    brief columns, one range of the updated_at index), each row marked with the pairs
    (``_shared_scans``) whose filter it passes (``m0``, ``m1`` ...: each filter evaluated
    once per row); each part is then cut from the rows of its pair. One scan of the
    incidents to plan and run instead of one per part (a digest's day before is a range of
    the same index), and the parts over the CTE have no statistics or indexes to weigh."""
    params = Params()
    flags = []
    for n, scan in enumerate(scans):
        _, where, _ = _incident_filter(scan, params)
        flags.append(f"({' AND '.join(where)}) AS m{n}")
    starts = [scan.updated_since for scan in scans if scan.updated_since is not None]
    since = params.add(_ts(min(starts)))
    any_flag = " OR ".join(f"m{n}" for n in range(len(scans)))
    read = (
        f"w AS MATERIALIZED (SELECT * FROM (SELECT {_BRIEF_SELECT}, {', '.join(flags)}"
        f" FROM incidents AS i WHERE i.updated_at >= {since} OFFSET 0) AS x WHERE {any_flag})"
    )
    parts, totals = [], []
    for n, (query, count) in enumerate(zip(queries, counted, strict=True)):
        brief = _bounded_sql(f"m{n}", query, _BRIEF_SELECT, params)
        parts.append(f"(SELECT {n} AS part, b.* FROM ({brief}) AS b)")
        totals.append(_bounded_sql(f"m{n}", count, TOTALS_PART_COLUMNS, params))
    padding = len(BRIEF_COLUMNS) - 3
    parts.append(f"({totals_row_sql(totals, len(queries), params.add(limit), padding)})")
    return f"WITH {read} {' UNION ALL '.join(parts)}", params.values


def briefs_and_totals_sql(
    queries: Sequence[IncidentQuery], counted: Sequence[IncidentQuery], limit: int
) -> tuple[str, list[Any]]:
    """The statement (and parameters) of :meth:`PostgresIncidentRepository.briefs_and_totals`:
    :func:`briefs_each_sql`'s parts and, when anything is counted, one row of totals."""
    scans = _shared_scans(queries, counted) if queries else None
    if scans is not None:
        return _paired_sql(queries, counted, scans, limit)
    params = Params()
    parts = [
        f"(SELECT {position} AS part, b.* FROM ({_select_sql(query, _BRIEF_SELECT, params)}) AS b)"
        for position, query in enumerate(queries)
    ]
    if counted:
        counted_parts = [_select_sql(query, TOTALS_PART_COLUMNS, params) for query in counted]
        padding = len(BRIEF_COLUMNS) - 3
        totals = totals_row_sql(counted_parts, len(queries), params.add(limit), padding)
        parts.append(f"({totals})")
    return " UNION ALL ".join(parts), params.values


@dataclass(frozen=True, slots=True)
class _SearchHits:
    """What one search finds: the newest incident matches (newest id first), the incidents
    of the newest report matches, each with its date as a day number (``TERM_EPOCH`` + day:
    what a term entry holds; a number is cheaper to read and to compare than a date, and
    only the order counts here), and the withdrawn or merged among them."""

    incidents: dict[int, int]
    reports: dict[int, int]
    hidden: set[int]

    @classmethod
    def of(cls, incidents: Sequence[Row], reports: Sequence[Row]) -> _SearchHits:
        """The hits from rows (id, day number, hidden, ...)."""
        hidden = {row[0] for row in incidents if row[2]} | {row[0] for row in reports if row[2]}
        return cls(
            {row[0]: row[1] for row in incidents}, {row[0]: row[1] for row in reports}, hidden
        )

    def ranked(self, stop: int | None = None) -> list[int]:
        """The shown incidents, newest first (by date, then id): the first ``stop``, or all
        (a page needs only the largest few of 2,000: no full sort)."""
        hits = self.incidents | self.reports
        shown = ((day, i) for i, day in hits.items() if day is not None and i not in self.hidden)
        ordered = sorted(shown, reverse=True) if stop is None else heapq.nlargest(stop, shown)
        return [incident_id for _, incident_id in ordered]

    def count(self, limit: int) -> int:
        """How many the ``limit`` newest incident matches (with the report matches when they
        fall short) hold, up to ``limit``: as if searched with a cap of ``limit``."""
        found = set(itertools.islice(self.incidents, limit))
        if len(found) < limit:
            found.update(self.reports)
        return min(len(found - self.hidden), limit)


async def _search_hits(conn: Connection, text: str, cap: int) -> _SearchHits:
    """The ``cap`` newest incident matches of ``text`` and the incidents of its ``cap`` newest
    report matches, each marked hidden or not (no statement of their own for either: the
    newest report is read with the terms' keys, the hidden flag with the matches)."""
    start = await search_start(conn, text)
    incidents = await newest_incident_matches(conn, text, cap, start)
    reports = await report_incidents(conn, text, cap, start.top_report)
    return _SearchHits.of(incidents, reports)


# The incidents of one search page (their ids in order), loaded with actors and sources.
SEARCH_PAGE_SQL = (
    f"SELECT {INCIDENT_WITH_CHILDREN} FROM incidents AS i"
    " WHERE i.id = ANY($1::bigint[]) AND i.status = 'active'"
    " ORDER BY i.date DESC, i.id DESC"
)

MERGE_CANDIDATES_SQL = (
    f"SELECT {INCIDENT_WITH_CHILDREN} FROM incidents AS i WHERE i.status <> 'merged' AND i.id IN ("
    "SELECT id FROM incidents WHERE country = $1 AND date BETWEEN $2 AND $3"
    " UNION"
    " SELECT id FROM incidents WHERE country = $1 AND date_end IS NOT NULL"
    " AND date_end >= $2 AND date < $2)"
    " ORDER BY i.date DESC, i.id DESC LIMIT $4"
)


async def _get_incident(conn: Connection, incident_id: int) -> Incident | None:
    row = await _fetchone(
        conn, f"SELECT {INCIDENT_WITH_CHILDREN} FROM incidents AS i WHERE i.id = $1", incident_id
    )
    return None if row is None else _incident_from_joined_row(row)


async def _load_rows(conn: Connection, sql: str, args: Sequence[Any]) -> list[Incident]:
    return [_incident_from_joined_row(row) for row in await _fetchall(conn, sql, *args)]


class PostgresIncidentRepository(SqlIncidentWrites, _Repository):
    """Incidents with actors, sources and revisions; indexed by place, governorate, actor."""

    lock_sql = " FOR UPDATE"

    def _values(self, incident: Incident) -> dict[str, Any]:
        return dict(zip(INCIDENT_COLUMNS, incident_args(incident), strict=True))

    async def _get(self, conn: Connection, incident_id: int) -> Incident | None:
        return await _get_incident(conn, incident_id)

    async def _index(self, conn: Connection, incident_id: int, incident: Incident) -> None:
        await index_incidents(conn, [incident_id])

    async def _unindex(self, conn: Connection, incident_id: int, stored: Row) -> None:
        await unindex_incidents(conn, [incident_id])

    async def query(self, query: IncidentQuery) -> list[Incident]:
        """Incidents matching the filters, newest (by date, then id) first."""
        sql, args = incident_query_sql(query)

        async def op(conn: Connection) -> list[Incident]:
            return await _load_rows(conn, sql, args)

        return await self._read_one(op)

    async def count(self, query: IncidentQuery | None = None) -> int:
        """How many incidents match (all of them when query is None)."""
        if query is None:
            return await self._read_one(_scalar("SELECT COUNT(*) FROM incidents"))
        params = Params()
        source, where, _ = _incident_filter(query, params)
        if source == _ACTOR_JOIN and all(term.startswith("a.") for term in where):
            source = "incident_actors AS a"
        sql = f"SELECT COUNT(*) FROM {source}{_where_sql(where)}"
        return await self._read_one(_scalar(sql, params.values))

    async def stats(self, query: IncidentQuery) -> IncidentStats:
        """Totals over the incidents matching the filters (limit/offset ignored)."""
        params = Params()
        source, where, _ = _incident_filter(query, params)
        sql = stats_sql(source, _where_sql(where))

        async def op(conn: Connection) -> IncidentStats:
            return stats_from_rows(await _fetchall(conn, sql, *params.values))

        return await self._read_one(op)

    async def ids(self, query: IncidentQuery) -> list[int]:
        """Ids of the incidents matching the filters, newest first (no models are loaded)."""
        sql, args = incident_query_sql(query, columns="i.id")

        async def op(conn: Connection) -> list[int]:
            return [int(row[0]) for row in await _fetchall(conn, sql, *args)]

        return await self._read_one(op)

    async def briefs(self, query: IncidentQuery) -> list[IncidentBrief]:
        """The matching incidents as :class:`IncidentBrief` rows, newest first (no models)."""
        sql, args = incident_query_sql(query, columns=_BRIEF_SELECT)

        async def op(conn: Connection) -> list[IncidentBrief]:
            return [MAPPER.brief(row) for row in await _fetchall(conn, sql, *args)]

        return await self._read_one(op)

    async def briefs_each(self, queries: Sequence[IncidentQuery]) -> list[list[IncidentBrief]]:
        """:meth:`briefs` of each query, in one statement (one round trip)."""
        if not queries:
            return []
        sql, args = briefs_each_sql(queries)

        async def op(conn: Connection) -> list[list[IncidentBrief]]:
            return MAPPER.briefs_by_part(await _fetchall(conn, sql, *args), len(queries))

        return await self._read_one(op)

    async def briefs_and_totals(
        self, queries: Sequence[IncidentQuery], counted: Sequence[IncidentQuery], limit: int
    ) -> tuple[list[list[IncidentBrief]], IncidentStats]:
        """:meth:`briefs_each` of ``queries`` and the totals of ``counted``, in one statement
        (one round trip; the totals one more row of it)."""
        if not queries and not counted:
            return [], IncidentStats()
        sql, args = briefs_and_totals_sql(queries, counted, limit)

        async def op(conn: Connection) -> tuple[list[list[IncidentBrief]], IncidentStats]:
            return MAPPER.briefs_and_totals(await _fetchall(conn, sql, *args), len(queries))

        return await self._read_one(op)

    async def briefs_and_listed(
        self,
        queries: Sequence[IncidentQuery],
        counted: Sequence[IncidentQuery],
        limit: int,
        listed: ListedPicker,
    ) -> tuple[list[list[IncidentBrief]], IncidentStats, list[Incident]]:
        """:meth:`briefs_and_totals`, then the incidents ``listed`` picks (two round trips)."""
        return await briefs_then_listed(self, queries, counted, limit, listed)

    async def merge_candidates(
        self, country: str, date_from: dt.date, date_to: dt.date, limit: int = 200
    ) -> list[Incident]:
        """Incidents in a country whose date (or date span) overlaps the window, newest first."""

        async def op(conn: Connection) -> list[Incident]:
            return await _load_rows(
                conn, MERGE_CANDIDATES_SQL, [country, date_from, date_to, limit]
            )

        return await self._read_one(op)

    async def search(self, text: str, limit: int = 20, offset: int = 0) -> list[Incident]:
        """Incidents whose summary/evidence or whose reports' text match, newest first.

        Only the ``SEARCH_CANDIDATES`` most recently stored matches of each index are sorted
        by date, so a word found in nearly every row stays fast.
        """
        return (await self.search_page(text, limit, offset, count_limit=0)).items

    async def search_page(
        self, text: str, limit: int = 20, offset: int = 0, count_limit: int = 200
    ) -> SearchPage:
        """One page of :meth:`search` and :meth:`search_count`, from one sort of the matches."""
        if not search_terms(text):
            return SearchPage(total=0, items=[])
        limit, offset, count_limit = max(limit, 0), max(offset, 0), max(count_limit, 0)
        cap = max(SEARCH_CANDIDATES, offset + limit, count_limit)

        async def op(conn: Connection) -> SearchPage:
            hits = await _search_hits(conn, text, cap)
            page = hits.ranked(offset + limit)[offset:]
            items = await _load_rows(conn, SEARCH_PAGE_SQL, [page]) if page else []
            return SearchPage(total=hits.count(count_limit), items=items)

        return await self._read_one(op)

    async def search_count(self, text: str, limit: int = 200) -> int:
        """How many incidents :meth:`search` finds for ``text``, counted up to ``limit``."""
        if limit <= 0:
            return 0
        return (await self.search_page(text, limit=0, count_limit=limit)).total
