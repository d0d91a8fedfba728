-- 0013: a digest lists the incidents created or updated in its 24-hour window from their briefs
-- (date, place, governorate, event type, killed and injured). With those columns in the
-- updated_at index too, each subscription's window query reads its briefs straight from one
-- short index range: no table row per incident, and no second query by id. Same name as
-- before, so queries that name the index keep working on either schema.
DROP INDEX incidents_by_updated;
CREATE INDEX incidents_by_updated ON incidents
    (updated_at, created_at, is_background, admin1_code, place_key, geo_precision, date,
     date_end, place_name, admin1, event_type, killed_min, injured_min);
