-- 0007: "what changed since T" (digests, alert catch-up) answered from the index alone. SQLite's
-- incidents_by_updated carries the rowid; here the id joins it, so once vacuum has marked the
-- pages all-visible a digest's window (a day of incidents, filtered by governorate, place or,
-- through incident_actors, actor) never reads the wide incident rows. Built under a new name
-- first: reads go on meanwhile, and the old index goes in one short step.
CREATE INDEX incidents_by_updated_id ON incidents
    (updated_at, created_at, is_background, admin1_code, place_key, geo_precision, date) INCLUDE (id);
DROP INDEX incidents_by_updated;
ALTER INDEX incidents_by_updated_id RENAME TO incidents_by_updated;
