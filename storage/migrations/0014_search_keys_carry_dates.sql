-- 0014: full-text search sorts its candidates (the newest matches of incidents_fts) by date.
-- Each candidate's date was read from the (id, date) index of 0007, one lookup per candidate:
-- for two words found together in a few thousand incidents, a lookup into a different page of
-- that index each. From now on an incident's row in incidents_fts is keyed by
--     id << 22 | day number of its date   (storage/sqlite/fts_index.py, incident_search_key)
-- so the key order is still the id order (newest stored first) and the date is in the key.
-- The index is emptied here; the migration runner (storage/sqlite/maintenance.py,
-- REINDEX_INCIDENTS_AFTER) fills it again right after this file, in the same transaction,
-- because the indexed text is folded in Python (storage/fts.py).
INSERT INTO incidents_fts (incidents_fts) VALUES ('delete-all');
