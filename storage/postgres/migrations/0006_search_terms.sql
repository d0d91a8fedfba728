-- 0006: full-text search in id order. A GIN index returns its matches in no order, so "the
-- newest 2,000 matches" of a common word read every match from the table (174-578 ms at 1M
-- incidents). incident_terms keeps, for every lexeme of incidents.search and every pair of
-- lexemes at adjacent positions ("car bomb"), the ids of the incidents that hold it, in blocks
-- of 1,024 ids: a search intersects a few small sorted arrays per block, newest blocks first,
-- and stops when it has enough. Pairs make a two-word phrase exact without reading a row.
-- incident_blocks holds each incident's date (days since 1970-01-01) at its place in the block,
-- so the candidates are sorted by date without reading the incidents either. Its arrays are
-- stored as they are (PLAIN: 4 kB, no compression, no TOAST) and hold no NULL (-2147483648
-- marks an id without an incident), so reading one element is an offset, not a decompression.
-- The repository maintains both when it writes an incident (storage/postgres/terms.py).

CREATE EXTENSION IF NOT EXISTS intarray;

CREATE TABLE incident_terms (
    term   text COLLATE "C" NOT NULL,
    block  integer NOT NULL,  -- id >> 10
    ids    integer[] NOT NULL,  -- id & 1023 of each incident holding the term, sorted
    PRIMARY KEY (term, block)
);

CREATE TABLE incident_blocks (
    block  integer PRIMARY KEY,
    dates  integer[] NOT NULL  -- dates[(id & 1023) + 1]: the incident's date; -2147483648: none
);
ALTER TABLE incident_blocks ALTER COLUMN dates SET STORAGE PLAIN;

-- The terms an incident is found by: each lexeme of its search vector, and each pair of
-- lexemes at adjacent positions (what a "<->" phrase operator tests), "first second".
CREATE FUNCTION sitrep_search_terms(v tsvector) RETURNS SETOF text
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
    SELECT lexeme FROM unnest(v)
    UNION
    SELECT a.lexeme || ' ' || b.lexeme
    FROM (SELECT lexeme, unnest(positions) AS pos FROM unnest(v)) AS a
    JOIN (SELECT lexeme, unnest(positions) AS pos FROM unnest(v)) AS b ON b.pos = a.pos + 1
$$;

-- True when "every term of the query's vector is held" means the query matches: one lexeme,
-- or two lexemes next to each other.
CREATE FUNCTION sitrep_phrase_exact(q tsquery) RETURNS boolean
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
    SELECT numnode(q) <= 1 OR (numnode(q) = 3 AND q::text LIKE '%<->%')
$$;

CREATE AGGREGATE sitrep_ids_union (integer[]) (SFUNC = _int_union, STYPE = integer[]);
CREATE AGGREGATE sitrep_ids_inter (integer[]) (SFUNC = _int_inter, STYPE = integer[]);

-- A deleted incident leaves its block: its date goes (a search skips ids without one).
CREATE FUNCTION sitrep_forget_incidents() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE incident_blocks AS b SET dates = ARRAY(SELECT CASE WHEN b.block::bigint * 1024 + o = ANY(d.ids) THEN -2147483648 ELSE b.dates[o + 1] END FROM generate_series(0, 1023) AS o ORDER BY o) FROM (SELECT id >> 10 AS block, array_agg(id) AS ids FROM gone GROUP BY 1) AS d WHERE b.block = d.block; RETURN NULL; END
$$;

-- ("OR REPLACE" keeps the SQL splitter, which knows SQLite's trigger syntax, from waiting for END.)
CREATE OR REPLACE TRIGGER incidents_forget_search AFTER DELETE ON incidents
    REFERENCING OLD TABLE AS gone FOR EACH STATEMENT EXECUTE FUNCTION sitrep_forget_incidents();

-- Incidents written by anything but Sitrep's repository (an older Sitrep still running during a
-- rolling upgrade, an analyst's SQL) are indexed here, a statement at a time. The repository
-- indexes its own writes in the same transaction and says so on its connections
-- (sitrep.incident_terms = 'caller'), so a bulk copy is not slowed down row by row.
CREATE FUNCTION sitrep_index_written_incidents() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF current_setting('sitrep.incident_terms', true) IS NOT DISTINCT FROM 'caller' THEN RETURN NULL; END IF
    ; PERFORM pg_advisory_xact_lock(89560577306626)
    ; IF TG_OP = 'UPDATE' THEN UPDATE incident_terms AS t SET ids = t.ids - g.ids FROM (SELECT s.term, (o.id >> 10)::integer AS block, sort(array_agg((o.id & 1023)::integer)) AS ids FROM gone AS o, sitrep_search_terms(o.search) AS s (term) GROUP BY 1, 2) AS g WHERE t.term = g.term AND t.block = g.block; END IF
    ; INSERT INTO incident_terms AS t (term, block, ids) SELECT s.term, (n.id >> 10)::integer, sort(array_agg((n.id & 1023)::integer)) FROM added AS n, sitrep_search_terms(n.search) AS s (term) GROUP BY 1, 2 ORDER BY 1, 2 ON CONFLICT (term, block) DO UPDATE SET ids = t.ids | excluded.ids
    ; INSERT INTO incident_blocks AS b (block, dates) SELECT k.block, ARRAY(SELECT COALESCE(i.date - DATE '1970-01-01', -2147483648) FROM generate_series(0, 1023) AS o LEFT JOIN incidents AS i ON i.id = k.block::bigint * 1024 + o ORDER BY o) FROM (SELECT DISTINCT (id >> 10)::integer AS block FROM added) AS k ON CONFLICT (block) DO UPDATE SET dates = excluded.dates
    ; RETURN NULL; END
$$;

CREATE OR REPLACE TRIGGER incidents_index_inserted AFTER INSERT ON incidents
    REFERENCING NEW TABLE AS added FOR EACH STATEMENT EXECUTE FUNCTION sitrep_index_written_incidents();

CREATE OR REPLACE TRIGGER incidents_index_updated AFTER UPDATE ON incidents
    REFERENCING OLD TABLE AS gone NEW TABLE AS added
    FOR EACH STATEMENT EXECUTE FUNCTION sitrep_index_written_incidents();

-- The incidents stored so far (one big GROUP BY: room to sort in memory).
SET LOCAL work_mem = '256MB';

INSERT INTO incident_terms (term, block, ids)
SELECT t.term, (i.id >> 10)::integer, sort(array_agg((i.id & 1023)::integer))
FROM incidents AS i, sitrep_search_terms(i.search) AS t (term)
GROUP BY 1, 2;

INSERT INTO incident_blocks (block, dates)
SELECT (g.id >> 10)::integer, array_agg(COALESCE(i.date - DATE '1970-01-01', -2147483648) ORDER BY g.id)
FROM generate_series(
    (SELECT MIN(id) >> 10 << 10 FROM incidents), (SELECT (MAX(id) >> 10 << 10) + 1023 FROM incidents)
) AS g (id)
LEFT JOIN incidents AS i ON i.id = g.id
GROUP BY 1;
