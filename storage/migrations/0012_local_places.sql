-- 0012: what admins teach Sitrep. Local places: names the gazetteer lacked, placed by an admin
-- (found by later extraction inside their country only). Actor aliases gain who added them
-- and when (rows written before this migration have neither).
CREATE TABLE local_places (
    id           INTEGER PRIMARY KEY,
    name         TEXT NOT NULL,
    name_key     TEXT NOT NULL,            -- the folded name: one place per name and country
    aliases      TEXT NOT NULL DEFAULT '[]',  -- JSON list of other spellings
    lat          REAL NOT NULL,
    lon          REAL NOT NULL,
    country      TEXT NOT NULL,
    admin1       TEXT,
    admin1_code  TEXT,
    added_by     INTEGER,
    added_at     TEXT NOT NULL,
    incident_id  INTEGER,                  -- no foreign key: the place outlives the incident
    note         TEXT NOT NULL DEFAULT ''
);

CREATE UNIQUE INDEX local_places_by_name ON local_places (country, name_key);

ALTER TABLE actor_aliases ADD COLUMN added_by INTEGER;
ALTER TABLE actor_aliases ADD COLUMN added_at TEXT;
ALTER TABLE actor_aliases ADD COLUMN note TEXT NOT NULL DEFAULT '';

-- Corrections by people are the revisions without a report; the export reads them in order.
CREATE INDEX incident_revisions_by_person ON incident_revisions (changed_at)
    WHERE report_id IS NULL;
