"""Incident search in id order: the term blocks of migrations 0006 and 0010.

``incident_terms`` holds, for each lexeme of an incident's search vector and each pair of
lexemes at adjacent positions ("car bomb"), the incidents holding it, in blocks of 1,024 ids
(``id >> 10``), each as one entry of a sorted ``integer[]`` that carries its place in the block
and its date: ``(days since 5000-01-01) << 10 | (id & 1023)`` (``sitrep_term_entry``). An id
has one date, so two terms' entries meet where their ids do, and a match's id and date are read
from its entry, without a lookup. A deleted incident's entries go with it. A search turns each
of its terms into the keys every match must hold (under ``simple`` and, where the search uses
it, ``english``: the same vectors the stored ``search`` column is built from), intersects
their arrays block by block with intarray's C functions, newest blocks first, and stops once
it has enough: no incident row is read unless a term is not exact (a phrase of three words or
more, or one with a stop word in it, or a prefix after other words), and then only the
candidates are tested with ``@@``. So the matches are exactly the GIN index's (the
``tsquery`` of :mod:`storage.postgres.search`), found newest first. (That holds while each
word gives one lexeme, as under ``english`` and ``simple``; a dictionary giving several
alternatives for one word would need them as alternatives here too.)

Writers keep the blocks current in the incident's transaction (:func:`index_incidents`,
:func:`unindex_incidents`, which reads the stored row, so its entries have its old date), one
at a time (a transaction-level advisory lock: the blocks of
common words are hot rows, and a queue is simpler than a lock order). Sitrep's connections say
so (``sitrep.incident_terms = 'caller'``); rows written by anyone else (an older Sitrep during a
rolling upgrade, an analyst's SQL) are indexed by the statement triggers of migration 0006.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from storage.postgres.search import search_terms, tsquery_sql
from storage.postgres.values import Connection, Params, Row, _fetchall

TERMS_LOCK_KEY = 0x5174_7265_7002  # writers of incident_terms queue on it
TERMS_BY_CALLER = "caller"  # sitrep.incident_terms on connections that index their own writes
TERM_EPOCH = "DATE '5000-01-01'"  # what an entry's days count from (migration 0010)

# Newest blocks (of 1,024 ids) a search looks through first; it widens until it has enough.
# (Only the blocks that reach the cap are dated, so a wider first window costs little more
# than its block rows: 32 finds 2,000 matches of a word in one incident in nine at once.)
FIRST_SEARCH_BLOCKS = 32

_TERMS_OF = (
    "SELECT s.term, (i.id >> 10)::integer AS block,"
    " sort(array_agg(sitrep_term_entry(i.id, i.date))) AS ids"
    " FROM incidents AS i, sitrep_search_terms(i.search) AS s (term) WHERE {where}"
    " GROUP BY 1, 2"
)
_ADD_TERMS = (
    "INSERT INTO incident_terms AS t (term, block, ids) {terms}"
    " ON CONFLICT (term, block) DO UPDATE SET ids = t.ids | excluded.ids"
)
ADD_TERMS_SQL = _ADD_TERMS.format(terms=_TERMS_OF.format(where="i.id = ANY($1::bigint[])"))
ADD_TERMS_RANGE_SQL = _ADD_TERMS.format(terms=_TERMS_OF.format(where="i.id BETWEEN $1 AND $2"))
REMOVE_TERMS_SQL = (
    "UPDATE incident_terms AS t SET ids = t.ids - g.ids FROM ("
    + _TERMS_OF.format(where="i.id = ANY($1::bigint[])")
    + ") AS g WHERE t.term = g.term AND t.block = g.block"
)


async def _lock(conn: Connection) -> None:
    await conn.execute("SELECT pg_advisory_xact_lock($1)", TERMS_LOCK_KEY)


async def index_incidents(conn: Connection, ids: list[int]) -> None:
    """Add the stored incidents ``ids`` (as they are now) to the term blocks."""
    if not ids:
        return
    await _lock(conn)
    await conn.execute(ADD_TERMS_SQL, ids)


async def unindex_incidents(conn: Connection, ids: list[int]) -> None:
    """Take the incidents ``ids`` (their stored terms) out of the term blocks; call before
    their search text changes, and :func:`index_incidents` after."""
    if not ids:
        return
    await _lock(conn)
    await conn.execute(REMOVE_TERMS_SQL, ids)


async def index_incident_range(conn: Connection, first: int, last: int) -> None:
    """Add every incident with an id from ``first`` to ``last`` (a bulk load: one statement)."""
    await _lock(conn)
    await conn.execute(ADD_TERMS_RANGE_SQL, first, last)


async def rebuild_terms(conn: Connection) -> None:
    """Recompute every block from the incidents (after their search text was rewritten)."""
    await _lock(conn)
    await conn.execute("TRUNCATE incident_terms")
    bounds = await conn.fetchrow("SELECT MIN(id) AS first, MAX(id) AS last FROM incidents")
    if bounds["first"] is not None:
        await conn.execute(ADD_TERMS_RANGE_SQL, bounds["first"], bounds["last"])


async def cluster_terms(conn: Connection) -> None:
    """Order ``incident_terms`` by (term, block), as migration 0009 does: after a bulk fill
    (``sitrep db copy``) each term's blocks lie on a few pages instead of one page each."""
    await _lock(conn)
    await conn.execute("CLUSTER incident_terms USING incident_terms_pkey")
    await conn.execute("ANALYZE incident_terms")


# --- searching --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _TermKeys:
    """One search term as the index holds it: the keys every match must hold (``simple``, and
    ``english`` where the search uses it), or a prefix lexeme after those keys; and whether
    holding them is exact (else the candidates are tested with ``@@``)."""

    simple: list[str] | None  # None: a prefix with no words before it
    english: list[str] | None  # None: a prefix term
    prefix: str | None
    exact: bool


_ONE_TOKEN = re.compile(r"[A-Za-z]{1,100}")  # what the parser reads as one ASCII word


def _vector_keys(config: str, words: str, *, one_word: bool = False) -> str:
    vector = f"to_tsvector('{config}', {words})"
    if one_word:
        # One token holds no pair of adjacent lexemes: its keys are its lexeme (or none), read
        # without running sitrep_search_terms, a SQL function planned anew in each statement.
        return f"tsvector_to_array({vector})"
    return f"ARRAY(SELECT sitrep_search_terms({vector}))"


def _word_keys_sql(words: str, *, one_word: bool = False) -> list[str]:
    """A word or phrase: its ``simple`` keys, its ``english`` keys where the search uses
    ``english`` (no stop word in it: see ``search._phrase_sql``), and whether it is exact.
    (``one_word``: the text is one ASCII word.)"""
    english_q = f"phraseto_tsquery('english', {words})"
    simple_q = f"phraseto_tsquery('simple', {words})"
    simple = _vector_keys("simple", words, one_word=one_word)
    english = (
        f"(CASE WHEN numnode({english_q}) = numnode({simple_q})"
        f" THEN {_vector_keys('english', words, one_word=one_word)} ELSE {simple} END)"
    )
    exact = f"(sitrep_phrase_exact({simple_q}) AND sitrep_phrase_exact({english_q}))"
    return [simple, english, "NULL::text", exact]


def _prefix_keys_sql(params: Params, words: str) -> list[str]:
    """Words ending in a prefix: the full words' ``simple`` keys and the prefix as ``simple``
    lowercases it (as ``to_tsquery`` does)."""
    *lead, last = words.split()
    simple = _vector_keys("simple", params.add(" ".join(lead))) if lead else "NULL::text[]"
    prefix = f"(ts_lexize('simple', {params.add(last)}))[1]"
    return [simple, "NULL::text[]", prefix, "true" if not lead else "false"]


@dataclass(frozen=True, slots=True)
class SearchStart:
    """What a search reads once, before its first window: the newest block, the newest report
    (so the report search needs no statement of its own to find it) and each term's keys."""

    top_block: int
    top_report: int
    keys: list[_TermKeys]


async def search_start(conn: Connection, text: str) -> SearchStart:
    """The newest block and report, and the keys of each term of ``text`` (one round trip,
    computed once for every window a search looks through)."""
    params = Params()
    columns = [
        "(SELECT COALESCE(MAX(id) >> 10, 0)::integer FROM incidents)",
        "(SELECT COALESCE(MAX(id), 0) FROM reports)",
    ]
    prefixes: list[bool] = []
    for words, prefix in search_terms(text):
        if prefix:
            columns += _prefix_keys_sql(params, words)
        else:
            one_word = _ONE_TOKEN.fullmatch(words) is not None
            columns += _word_keys_sql(params.add(words), one_word=one_word)
        prefixes.append(prefix)
    row = await conn.fetchrow("SELECT " + ", ".join(columns), *params.values)
    assert row is not None
    keys = [
        _TermKeys(
            simple=None if row[4 * n + 2] is None else list(row[4 * n + 2]),
            english=None if prefix else list(row[4 * n + 3]),
            prefix=row[4 * n + 4],
            exact=bool(row[4 * n + 5]),
        )
        for n, prefix in enumerate(prefixes)
    ]
    return SearchStart(int(row[0]), int(row[1]), keys)


def _all_of(keys: str, low: str) -> str:
    """Blocks (and ids) holding every key of the text[] ``keys``."""
    return (
        "SELECT block, sitrep_ids_inter(ids) AS ids FROM incident_terms"
        f" WHERE term = ANY({keys}) AND block >= {low}"
        f" GROUP BY block HAVING count(*) = cardinality({keys})"
    )


def _combine(parts: list[str], every: bool) -> str:
    """Blocks (and ids) in every part (``every``: joined on the block, each part having at
    most one row per block, their ids intersected) or in any."""
    if len(parts) == 1:
        return parts[0]
    if every:
        ids = " & ".join(f"p{n}.ids" for n in range(len(parts)))
        joined = "".join(
            f" JOIN ({part}) AS p{n} ON p{n}.block = p0.block"
            for n, part in enumerate(parts[1:], start=1)
        )
        return f"SELECT p0.block, {ids} AS ids FROM ({parts[0]}) AS p0{joined}"
    union = " UNION ALL ".join(f"({part})" for part in parts)
    return f"SELECT block, sitrep_ids_union(ids) AS ids FROM ({union}) AS u GROUP BY block"


def _word_term(params: Params, keys: _TermKeys, low: str) -> str:
    """A word or phrase: blocks holding all its ``simple`` keys, or all its ``english`` keys
    (one pass over the keys of both; one set when they are the same)."""
    if keys.english is None or keys.english == keys.simple:
        if keys.simple is not None and len(keys.simple) == 1:
            # One key (a word): its rows as they are, one per block, no aggregate.
            key = params.add(keys.simple[0]) + "::text"
            return f"SELECT block, ids FROM incident_terms WHERE term = {key} AND block >= {low}"
        return _all_of(params.add(keys.simple or []) + "::text[]", low)
    simple = params.add(keys.simple or []) + "::text[]"
    english = params.add(keys.english) + "::text[]"

    def every_key(held_keys: str) -> str:
        held = f"FILTER (WHERE term = ANY({held_keys}))"
        return (
            f"CASE WHEN count(*) {held} = cardinality({held_keys})"
            f" THEN sitrep_ids_inter(ids) {held} END"
        )

    return (
        "SELECT block, COALESCE(s | e, s, e) AS ids FROM ("
        f"SELECT block, {every_key(simple)} AS s, {every_key(english)} AS e"
        f" FROM incident_terms WHERE term = ANY({simple} || {english}) AND block >= {low}"
        " GROUP BY block) AS t WHERE s IS NOT NULL OR e IS NOT NULL"
    )


def _prefix_term(params: Params, keys: _TermKeys, low: str) -> str:
    """Words ending in a prefix: the full words' keys and any lexeme starting with it."""
    prefix = params.add(keys.prefix) + "::text"
    starting = (
        "SELECT block, sitrep_ids_union(ids) AS ids FROM incident_terms"
        f" WHERE term >= {prefix} AND term < {prefix} || chr(1114111)"
        f" AND starts_with(term, {prefix}) AND strpos(term, ' ') = 0 AND block >= {low}"
        " GROUP BY block"
    )
    if keys.simple is None:
        return starting
    full = _all_of(params.add(keys.simple) + "::text[]", low)
    return _combine([full, starting], every=True)


# Whether a match is withdrawn or merged (it takes no place in search results): a hashed set of
# the few such ids, read once from the partial index of migration 0009, not each match's row.
HIDDEN_MATCH_SQL = "h.id IN (SELECT id FROM incidents WHERE status <> 'active')"


def newest_matches_sql(
    text: str, keys: list[_TermKeys], params: Params, low_block: int, cap: str
) -> str:
    """(id, day, hidden) of the ``cap`` newest incidents matching ``text`` (whose terms hold
    ``keys``) in the blocks from ``low_block`` on, newest first.

    Only the newest blocks whose matches reach ``cap`` are unpacked (the older ones could only
    add ids below the newest ``cap``); only when every term is exact: a tested phrase may drop
    any number of candidates.
    """
    low = params.add(low_block)
    parts = [
        _word_term(params, key, low) if key.english is not None else _prefix_term(params, key, low)
        for key in keys
    ]
    tested = ""
    if not all(key.exact for key in keys):
        query = tsquery_sql(text, params)
        tested = (
            " WHERE EXISTS (SELECT 1 FROM incidents AS i"
            f" WHERE i.id = h.id AND i.search @@ ({query}))"
        )
    before = (
        "sum(cardinality(ids)) OVER (ORDER BY block DESC"
        " ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING)"
        if not tested
        else "NULL::bigint"
    )
    return (
        f"WITH c AS MATERIALIZED (SELECT block, ids FROM ({_combine(parts, every=True)}) AS x"
        " WHERE cardinality(ids) > 0),"
        f" n AS MATERIALIZED (SELECT block, ids, COALESCE({before}, 0) AS before FROM c)"
        f" SELECT h.id, h.day, {HIDDEN_MATCH_SQL} AS hidden FROM ("
        f" SELECT n.block::bigint * 1024 + (e & 1023) AS id, e >> 10 AS day"
        f" FROM n, unnest(n.ids) AS e WHERE n.before < {cap}) AS h{tested}"
        f" ORDER BY h.id DESC LIMIT {cap}"
    )


def _streams(keys: list[_TermKeys]) -> bool:
    """Whether :func:`streamed_matches_sql` can search for ``keys``: every term a word or
    phrase (no prefix) whose keys are exact."""
    return bool(keys) and all(
        key.exact and key.prefix is None and bool(key.simple) and bool(key.english) for key in keys
    )


def _streamed_term(params: Params, keys: _TermKeys) -> str:
    """A word or phrase as :func:`_word_term` reads it, its blocks newest first as they are
    read: one key's rows straight from the primary key (backwards); several keys' rows
    merged (each key's rows in block order, backwards) and grouped block by block."""
    simple, english = keys.simple or [], keys.english or []
    if english == simple and len(simple) == 1:
        return f"SELECT block, ids FROM incident_terms WHERE term = {params.add(simple[0])}::text"
    merged = " UNION ALL ".join(
        f"(SELECT block, ids, term FROM incident_terms WHERE term = {params.add(key)}::text"
        " ORDER BY block DESC)"
        for key in dict.fromkeys([*simple, *english])  # each key's rows once
    )
    if english == simple:
        return (
            f"SELECT block, sitrep_ids_inter(ids) AS ids FROM ({merged}) AS u GROUP BY block"
            f" HAVING count(*) = {len(simple)} ORDER BY block DESC"
        )
    simple_keys, english_keys = params.add(simple) + "::text[]", params.add(english) + "::text[]"

    def every_key(held_keys: str, count: int) -> str:
        held = f"FILTER (WHERE term = ANY({held_keys}))"
        return f"CASE WHEN count(*) {held} = {count} THEN sitrep_ids_inter(ids) {held} END"

    return (
        "SELECT block, COALESCE(s | e, s, e) AS ids FROM ("
        f"SELECT block, {every_key(simple_keys, len(simple))} AS s,"
        f" {every_key(english_keys, len(english))} AS e FROM ({merged}) AS u"
        " GROUP BY block ORDER BY block DESC) AS t WHERE s IS NOT NULL OR e IS NOT NULL"
    )


def stops_early(conn: Connection) -> bool:
    """Whether the server ends a window function's scan at its run condition (PostgreSQL 15
    on): before it, :func:`streamed_matches_sql` would read every block of its terms."""
    return bool(conn.get_server_version() >= (15,))


def streamed_matches_sql(keys: list[_TermKeys], params: Params, cap: str) -> str:
    """(id, day, hidden) of the ``cap`` newest incidents matching the terms of ``keys``
    (words and phrases whose keys are exact: :func:`_streams`), newest first, in one pass over
    the blocks that reach ``cap``, newest block first, without windows.

    Each term's block rows are read backwards through the primary key (several keys' merged
    and grouped as they come), the terms joined on the block (a merge join, newest block
    first) and their entries unpacked as they come; ``before`` counts the entries of the
    newer blocks, and once it reaches ``cap`` the count's run condition (PostgreSQL 15) ends
    the scan: a rare pair reads all its blocks in one statement instead of a futile first
    window and a second statement, a common word only its newest few. The same matches as
    :func:`newest_matches_sql` with every block in its window: the blocks whose newer blocks
    hold fewer than ``cap`` entries, all their entries, the ``cap`` newest.
    """
    parts = [_streamed_term(params, key) for key in keys]
    ids = " & ".join(f"p{n}.ids" for n in range(len(parts)))
    joined = "".join(
        f" JOIN ({part}) AS p{n} ON p{n}.block = p0.block"
        for n, part in enumerate(parts[1:], start=1)
    )
    entries = (
        f"SELECT p0.block, unnest({ids}) AS e FROM ({parts[0]}) AS p0{joined}"
        " ORDER BY p0.block DESC"
    )
    before = (
        "count(*) OVER (ORDER BY x.block DESC RANGE BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING)"
    )
    return (
        f"SELECT h.id, h.day, {HIDDEN_MATCH_SQL} AS hidden FROM ("
        f" SELECT x.block::bigint * 1024 + (x.e & 1023) AS id, x.e >> 10 AS day,"
        f" {before} AS before FROM ({entries}) AS x) AS h"
        f" WHERE h.before < {cap} ORDER BY h.id DESC LIMIT {cap}"
    )


async def _newest_in(
    conn: Connection, text: str, start: SearchStart, low: int, cap: int
) -> list[Row]:
    """Rows (id, day, hidden) of the ``cap`` newest matches in the blocks from ``low`` on
    (as fetched: a search handles 2,000 of them)."""
    params = Params()
    sql = newest_matches_sql(text, start.keys, params, low, params.add(cap))
    return await _fetchall(conn, sql, *params.values)


async def newest_incident_matches(
    conn: Connection, text: str, cap: int, start: SearchStart | None = None
) -> list[Row]:
    """Rows (id, day, hidden) of the ``cap`` most recently stored incidents matching
    ``text``, newest first (day: the incident's date as days since ``TERM_EPOCH``, as its
    entries hold it).

    When every term is a word or phrase whose keys are exact, one statement streams through
    the blocks until it has enough (:func:`streamed_matches_sql`). Otherwise looks through the
    ``FIRST_SEARCH_BLOCKS`` newest blocks first; short of ``cap``, widens to as many blocks as
    the matches found so far say it needs (with half as much again to spare), or to every
    block. The terms' keys are computed once, before the first window (``start``, when the
    caller has read it already).
    """
    if not search_terms(text):
        return []
    if start is None:
        start = await search_start(conn, text)
    if _streams(start.keys) and stops_early(conn):
        params = Params()
        sql = streamed_matches_sql(start.keys, params, params.add(cap))
        return await _fetchall(conn, sql, *params.values)
    window = FIRST_SEARCH_BLOCKS
    while True:
        low = max(start.top_block + 1 - window, 0)
        found = await _newest_in(conn, text, start, low, cap)
        if len(found) >= cap or low == 0:
            return found
        window = max(window * 2, -(-window * cap * 3 // (2 * max(len(found), 1))))
