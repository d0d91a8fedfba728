-- 0010: each entry of incident_terms carries its incident's date. An entry was the id's place in
-- its block (id & 1023); it is now (days since 5000-01-01) << 10 | (id & 1023). Within a block an
-- id has one date, so the entries of two terms still meet exactly where their ids do (the
-- intersections of intarray are unchanged), and a search reads each match's id and date from
-- the entry itself: no lookup of 2,000 candidates' dates in incident_blocks (about 3 of the 7.6
-- ms of a rare pair's search across every block at 1M incidents). incident_blocks goes: a
-- deleted incident's entries are removed by the delete trigger below instead of leaving its
-- date blank, so every entry names a stored incident. (A Sitrep older than this migration, still
-- running during an upgrade, fails to index its writes instead of writing undated entries.)

-- An incident's entry in its terms' arrays. The days leave 22 bits of the integer, so they are
-- counted from the middle of the years 1-9999 (every date a Python date can hold fits).
CREATE FUNCTION sitrep_term_entry(id bigint, day date) RETURNS integer
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
    SELECT (((day - DATE '5000-01-01') << 10) | (id & 1023))::integer
$$;

-- The stored entries, dated (those of ids without an incident, deleted before now, drop out).
SET LOCAL work_mem = '256MB';

UPDATE incident_terms AS t SET ids = COALESCE((
    SELECT sort(array_agg(sitrep_term_entry(t.block::bigint * 1024 + o, DATE '1970-01-01' + b.dates[o + 1])))
    FROM incident_blocks AS b, unnest(t.ids) AS o
    WHERE b.block = t.block AND b.dates[o + 1] <> -2147483648
), '{}');

-- Every row was rewritten: back in (term, block) order (see 0009), with fresh statistics.
CLUSTER incident_terms USING incident_terms_pkey;
ANALYZE incident_terms;

-- A deleted incident leaves its terms.
CREATE OR REPLACE FUNCTION sitrep_forget_incidents() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_advisory_xact_lock(89560577306626)
    ; UPDATE incident_terms AS t SET ids = t.ids - g.ids FROM (SELECT s.term, (o.id >> 10)::integer AS block, sort(array_agg(sitrep_term_entry(o.id, o.date))) AS ids FROM gone AS o, sitrep_search_terms(o.search) AS s (term) GROUP BY 1, 2) AS g WHERE t.term = g.term AND t.block = g.block
    ; RETURN NULL; END
$$;

-- Incidents written by anything but Sitrep's repository (see 0006), dated entries.
CREATE OR REPLACE FUNCTION sitrep_index_written_incidents() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF current_setting('sitrep.incident_terms', true) IS NOT DISTINCT FROM 'caller' THEN RETURN NULL; END IF
    ; PERFORM pg_advisory_xact_lock(89560577306626)
    ; IF TG_OP = 'UPDATE' THEN UPDATE incident_terms AS t SET ids = t.ids - g.ids FROM (SELECT s.term, (o.id >> 10)::integer AS block, sort(array_agg(sitrep_term_entry(o.id, o.date))) AS ids FROM gone AS o, sitrep_search_terms(o.search) AS s (term) GROUP BY 1, 2) AS g WHERE t.term = g.term AND t.block = g.block; END IF
    ; INSERT INTO incident_terms AS t (term, block, ids) SELECT s.term, (n.id >> 10)::integer, sort(array_agg(sitrep_term_entry(n.id, n.date))) FROM added AS n, sitrep_search_terms(n.search) AS s (term) GROUP BY 1, 2 ORDER BY 1, 2 ON CONFLICT (term, block) DO UPDATE SET ids = t.ids | excluded.ids
    ; RETURN NULL; END
$$;

DROP TABLE incident_blocks;
