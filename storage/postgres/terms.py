"""Incident search in id order: the term blocks of migration 0006.

``incident_terms`` holds, for each lexeme of an incident's search vector and each pair of
lexemes at adjacent positions ("car bomb"), the ids of the incidents holding it, in blocks of
1,024 ids (``id >> 10``; each id stored as ``id & 1023`` in a sorted ``integer[]``).
``incident_blocks`` holds each incident's date at its place in its block. A search turns each
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
:func:`unindex_incidents`), one at a time (a transaction-level advisory lock: the blocks of
common words are hot rows, and a queue is simpler than a lock order). Sitrep's connections say
so (``sitrep.incident_terms = 'caller'``); rows written by anyone else (an older Sitrep during a
rolling upgrade, an analyst's SQL) are indexed by the statement triggers of migration 0006.
"""

from __future__ import annotations

from dataclasses import dataclass

from storage.postgres.search import search_terms, tsquery_sql
from storage.postgres.values import Connection, Params, Row, _fetchall

TERMS_LOCK_KEY = 0x5174_7265_7002  # writers of incident_terms / incident_blocks queue on it
TERMS_BY_CALLER = "caller"  # sitrep.incident_terms on connections that index their own writes
NO_DATE = -2147483648  # incident_blocks.dates of an id without an incident

# Newest blocks (of 1,024 ids) a search looks through first; it widens until it has enough.
# (Only the blocks that reach the cap are dated, so a wider first window costs little more
# than its block rows: 32 finds 2,000 matches of a word in one incident in nine at once.)
FIRST_SEARCH_BLOCKS = 32

_TERMS_OF = (
    "SELECT s.term, (i.id >> 10)::integer AS block, sort(array_agg((i.id & 1023)::integer))"
    " AS ids FROM incidents AS i, sitrep_search_terms(i.search) AS s (term) WHERE {where}"
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
# Every block from the one of $1 to the one of $2, recomputed from the incidents in it.
BLOCK_DATES_SQL = (
    "INSERT INTO incident_blocks AS b (block, dates)"
    " SELECT (g.id >> 10)::integer,"
    f" array_agg(COALESCE(i.date - DATE '1970-01-01', {NO_DATE}) ORDER BY g.id)"
    " FROM generate_series($1::bigint >> 10 << 10, ($2::bigint >> 10 << 10) + 1023) AS g (id)"
    " LEFT JOIN (SELECT id, date FROM incidents"
    " WHERE id BETWEEN $1::bigint >> 10 << 10 AND ($2::bigint >> 10 << 10) + 1023) AS i"
    " ON i.id = g.id GROUP BY 1"
    " ON CONFLICT (block) DO UPDATE SET dates = excluded.dates"
)


async def _lock(conn: Connection) -> None:
    await conn.execute("SELECT pg_advisory_xact_lock($1)", TERMS_LOCK_KEY)


async def index_incidents(conn: Connection, ids: list[int]) -> None:
    """Add the stored incidents ``ids`` (as they are now) to the term blocks and dates."""
    if not ids:
        return
    await _lock(conn)
    await conn.execute(ADD_TERMS_SQL, ids)
    for incident_id in sorted(set(ids)):
        await conn.execute(BLOCK_DATES_SQL, incident_id, incident_id)


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
    await conn.execute(BLOCK_DATES_SQL, first, last)


async def rebuild_terms(conn: Connection) -> None:
    """Recompute every block from the incidents (after their search text was rewritten)."""
    await _lock(conn)
    await conn.execute("TRUNCATE incident_terms, incident_blocks")
    bounds = await conn.fetchrow("SELECT MIN(id) AS first, MAX(id) AS last FROM incidents")
    if bounds["first"] is not None:
        await conn.execute(ADD_TERMS_RANGE_SQL, bounds["first"], bounds["last"])
        await conn.execute(BLOCK_DATES_SQL, bounds["first"], bounds["last"])


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


def _vector_keys(config: str, words: str) -> str:
    return f"ARRAY(SELECT sitrep_search_terms(to_tsvector('{config}', {words})))"


def _word_keys_sql(words: str) -> list[str]:
    """A word or phrase: its ``simple`` keys, its ``english`` keys where the search uses
    ``english`` (no stop word in it: see ``search._phrase_sql``), and whether it is exact."""
    english_q = f"phraseto_tsquery('english', {words})"
    simple_q = f"phraseto_tsquery('simple', {words})"
    simple = _vector_keys("simple", words)
    english = (
        f"(CASE WHEN numnode({english_q}) = numnode({simple_q})"
        f" THEN {_vector_keys('english', words)} ELSE {simple} END)"
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
        "(SELECT COALESCE(MAX(block), 0) FROM incident_blocks)",
        "(SELECT COALESCE(MAX(id), 0) FROM reports)",
    ]
    prefixes: list[bool] = []
    for words, prefix in search_terms(text):
        columns += _prefix_keys_sql(params, words) if prefix else _word_keys_sql(params.add(words))
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
    text: str, keys: list[_TermKeys], params: Params, low_block: int, cap: str, *, cut: bool
) -> str:
    """(id, date, hidden, cut) of the ``cap`` newest incidents matching ``text`` (whose terms
    hold ``keys``) in the blocks from ``low_block`` on, newest first; always one row at least
    (id NULL when nothing matched).

    With ``cut`` only the newest blocks whose candidates reach ``cap`` are dated (the older
    ones could only add ids below the newest ``cap``), and ``cut`` in each row says whether a
    block was left out: then a result short of ``cap`` (an id without an incident, that is a
    deleted one, among the candidates) must be read again without the cut. Only when every
    term is exact: a tested phrase may drop any number of candidates.
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
            " AND EXISTS (SELECT 1 FROM incidents AS i"
            f" WHERE i.id = h.id AND i.search @@ ({query}))"
        )
    before = (
        "sum(cardinality(ids)) OVER (ORDER BY block DESC"
        " ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING)"
        if cut and not tested
        else "NULL::bigint"
    )
    return (
        f"WITH c AS MATERIALIZED (SELECT block, ids FROM ({_combine(parts, every=True)}) AS x"
        " WHERE cardinality(ids) > 0),"
        f" n AS MATERIALIZED (SELECT block, ids, COALESCE({before}, 0) AS before FROM c)"
        " SELECT m.id, m.date, m.hidden, k.cut"
        f" FROM (SELECT EXISTS (SELECT 1 FROM n WHERE n.before >= {cap}) AS cut) AS k"
        " LEFT JOIN LATERAL ("
        f" SELECT h.id, DATE '1970-01-01' + h.day AS date, {HIDDEN_MATCH_SQL} AS hidden FROM ("
        " SELECT n.block::bigint * 1024 + o AS id, b.dates[o + 1] AS day"
        " FROM n JOIN incident_blocks AS b ON b.block = n.block, unnest(n.ids) AS o"
        f" WHERE n.before < {cap}) AS h"
        f" WHERE h.day <> {NO_DATE}{tested}"
        f" ORDER BY h.id DESC LIMIT {cap}) AS m ON true"
    )


async def _newest_in(
    conn: Connection, text: str, start: SearchStart, low: int, cap: int
) -> list[Row]:
    """Rows (id, date, hidden, cut) of the ``cap`` newest matches in the blocks from ``low``
    on (as fetched: a search handles 2,000 of them)."""
    cut = True
    while True:
        params = Params()
        sql = newest_matches_sql(text, start.keys, params, low, params.add(cap), cut=cut)
        rows = await _fetchall(conn, sql, *params.values)
        found = rows if rows[0][0] is not None else []  # (one row of NULLs: no match)
        if len(found) >= cap or not rows[0][3]:
            return found
        cut = False  # deleted ids among the dated candidates: date them all


async def newest_incident_matches(
    conn: Connection, text: str, cap: int, start: SearchStart | None = None
) -> list[Row]:
    """Rows (id, date, hidden) of the ``cap`` most recently stored incidents matching
    ``text``, newest first.

    Looks through the ``FIRST_SEARCH_BLOCKS`` newest blocks first; short of ``cap``, widens
    to as many blocks as the matches found so far say it needs (with half as much again to
    spare), or to every block. The terms' keys are computed once, before the first window
    (``start``, when the caller has read it already).
    """
    if not search_terms(text):
        return []
    if start is None:
        start = await search_start(conn, text)
    window = FIRST_SEARCH_BLOCKS
    while True:
        low = max(start.top_block + 1 - window, 0)
        found = await _newest_in(conn, text, start, low, cap)
        if len(found) >= cap or low == 0:
            return found
        window = max(window * 2, -(-window * cap * 3 // (2 * max(len(found), 1))))
