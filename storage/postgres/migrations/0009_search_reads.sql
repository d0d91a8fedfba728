-- 0009: a term's blocks read together. incident_terms is written a block (or an incident) at a
-- time, so the rows of one term lay about one to a page: a search through 800 blocks of a
-- word read 800 pages per word (10-25 ms each on a loaded machine, most of a wide search).
-- Ordered by (term, block) they fill a few dozen pages. Blocks written later (new incidents)
-- are appended in block order again, but a search reads those newest blocks first and few of
-- them; `sitrep db copy` clusters the table again after it fills it. CLUSTER rewrites the
-- table under an exclusive lock: about a minute for a million incidents, searches wait meanwhile.
CLUSTER incident_terms USING incident_terms_pkey;
ANALYZE incident_terms;

-- The few withdrawn or merged incidents, as SQLite's incidents_hidden (its 0008): a search asks
-- which of its 2,000 candidates are hidden, and without this index each candidate was a heap
-- read of its incident row (80 ms for 2,000 scattered ids; 1.7 ms through the index).
CREATE INDEX incidents_hidden ON incidents (id) WHERE status <> 'active';

-- A digest's window read from the index alone, briefs included (as SQLite's 0013): the columns
-- of an IncidentBrief and the status ride in the updated_at index, so a subscription's window
-- (a day of incidents) reads no incident row once vacuum has marked the pages all-visible.
-- Built under a new name first: reads go on meanwhile, and the old index goes in one short step.
CREATE INDEX incidents_by_updated_briefs ON incidents
    (updated_at, created_at, is_background, admin1_code, place_key, geo_precision, date)
    INCLUDE (id, date_end, place_name, admin1, event_type, killed_min, injured_min, status);
DROP INDEX incidents_by_updated;
ALTER INDEX incidents_by_updated_briefs RENAME TO incidents_by_updated;
