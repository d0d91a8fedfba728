-- 0007: full-text search sorts its candidates (the newest matches of the FTS index) by date.
-- Read through the table, that is one lookup per candidate into the wide incident rows
-- (summary, evidence, counts); this narrow index holds exactly (id, date), so the sort reads
-- a few small pages instead, and only the page of results is loaded from the table.
CREATE INDEX incidents_search_order ON incidents (id, date);
