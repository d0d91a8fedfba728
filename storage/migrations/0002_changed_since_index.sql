-- 0002: "what changed since T" (digests, alert catch-up) reads a short range of updated_at and
-- filters it by creation time, background flag, governorate or place. With those columns (and
-- the date it is sorted by) in the index, the filters need no table row. Same name as before,
-- so queries that name the index keep working on either schema.
DROP INDEX incidents_by_updated;
CREATE INDEX incidents_by_updated ON incidents
    (updated_at, created_at, is_background, admin1_code, place_key, geo_precision, date);
