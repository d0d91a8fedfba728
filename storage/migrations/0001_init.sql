-- 0001: the initial schema.
-- Conventions: datetimes are ISO 8601 text in UTC with microseconds ("2026-01-02T03:04:05.000000+00:00")
-- so that text order is time order; dates are "YYYY-MM-DD"; lists and claims are JSON text.

CREATE TABLE reports (
    id             INTEGER PRIMARY KEY,
    url            TEXT UNIQUE,
    content_hash   TEXT NOT NULL UNIQUE,
    title          TEXT,
    outlet         TEXT,
    published_at   TEXT,
    fetched_at     TEXT NOT NULL,
    language       TEXT NOT NULL DEFAULT 'en',
    text           TEXT NOT NULL,
    origin         TEXT NOT NULL DEFAULT 'manual',
    forwarded_from TEXT
);

-- Contentless FTS index over reports. The repository writes folded text into it
-- (storage/fts.py: Arabic normalisation) in the same transaction as the row itself.
CREATE VIRTUAL TABLE reports_fts USING fts5(
    title, text,
    content = '',
    tokenize = 'porter unicode61 remove_diacritics 2'
);

CREATE TABLE incidents (
    id               INTEGER PRIMARY KEY,
    date             TEXT NOT NULL,
    date_precision   TEXT NOT NULL,
    date_end         TEXT,
    time_of_day      TEXT,
    place_key        TEXT NOT NULL,
    geonames_id      INTEGER,
    place_name       TEXT NOT NULL,
    admin1           TEXT,
    admin1_code      TEXT,
    admin2           TEXT,
    country          TEXT NOT NULL,
    lat              REAL,
    lon              REAL,
    geo_precision    TEXT NOT NULL,
    place_timezone   TEXT,
    event_type       TEXT NOT NULL,
    sub_event_type   TEXT NOT NULL,
    killed_min       INTEGER,
    killed_max       INTEGER,
    killed_status    TEXT NOT NULL,
    killed_source    TEXT,
    killed_claims    TEXT NOT NULL DEFAULT '[]',
    injured_min      INTEGER,
    injured_max      INTEGER,
    injured_status   TEXT NOT NULL,
    injured_source   TEXT,
    injured_claims   TEXT NOT NULL DEFAULT '[]',
    arrested_min     INTEGER,
    arrested_max     INTEGER,
    arrested_status  TEXT NOT NULL,
    arrested_source  TEXT,
    arrested_claims  TEXT NOT NULL DEFAULT '[]',
    summary          TEXT NOT NULL,
    evidence         TEXT NOT NULL DEFAULT '[]',
    is_background    INTEGER NOT NULL DEFAULT 0,
    revision         INTEGER NOT NULL DEFAULT 1,
    created_at       TEXT NOT NULL,
    updated_at       TEXT NOT NULL
);

-- "In the city" means the place itself or near it: a governorate-wide event is not in the city,
-- so the place index only holds point/near rows (queries repeat this exact condition).
CREATE INDEX incidents_by_place ON incidents (place_key, date DESC, id DESC)
    WHERE geo_precision IN ('point', 'near');
CREATE INDEX incidents_by_admin1 ON incidents (admin1_code, date DESC, id DESC);
CREATE INDEX incidents_by_country ON incidents (country, date DESC, id DESC);
CREATE INDEX incidents_by_date ON incidents (date DESC, id DESC);
CREATE INDEX incidents_by_updated ON incidents (updated_at);
-- Multi-day incidents, so the merge window also finds spans that started before it.
CREATE INDEX incidents_spans ON incidents (country, date_end) WHERE date_end IS NOT NULL;

-- Contentless FTS index over incident summaries and evidence, written by the repository.
CREATE VIRTUAL TABLE incidents_fts USING fts5(
    summary, evidence,
    content = '',
    tokenize = 'porter unicode61 remove_diacritics 2'
);

-- Actors of an incident, as they were when stored; date is a copy of incidents.date so that
-- "incidents involving actor Y, newest first" is one index range scan.
CREATE TABLE incident_actors (
    incident_id  INTEGER NOT NULL REFERENCES incidents (id) ON DELETE CASCADE,
    actor_id     TEXT NOT NULL,
    position     INTEGER NOT NULL,
    name         TEXT NOT NULL,
    type         TEXT NOT NULL,
    country      TEXT,
    date         TEXT NOT NULL,
    PRIMARY KEY (incident_id, actor_id)
) WITHOUT ROWID;

CREATE INDEX incident_actors_by_actor ON incident_actors (actor_id, date DESC, incident_id DESC);

CREATE TRIGGER incident_actors_follow_date AFTER UPDATE OF date ON incidents BEGIN
    UPDATE incident_actors SET date = new.date WHERE incident_id = new.id;
END;

CREATE TABLE incident_sources (
    id            INTEGER PRIMARY KEY,
    incident_id   INTEGER NOT NULL REFERENCES incidents (id) ON DELETE CASCADE,
    position      INTEGER NOT NULL,
    report_id     INTEGER REFERENCES reports (id) ON DELETE SET NULL,
    url           TEXT,
    outlet        TEXT,
    title         TEXT,
    published_at  TEXT
);

CREATE INDEX incident_sources_by_incident ON incident_sources (incident_id, position);
CREATE INDEX incident_sources_by_report ON incident_sources (report_id);

CREATE TABLE incident_revisions (
    incident_id  INTEGER NOT NULL REFERENCES incidents (id) ON DELETE CASCADE,
    revision     INTEGER NOT NULL,
    changed_at   TEXT NOT NULL,
    report_id    INTEGER REFERENCES reports (id) ON DELETE SET NULL,
    changes      TEXT NOT NULL DEFAULT '{}',
    note         TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (incident_id, revision)
);

CREATE INDEX incident_revisions_by_report ON incident_revisions (report_id);

-- Actors added by admins at run time (the packaged registry is a data file, not stored here).
CREATE TABLE actors (
    id          TEXT PRIMARY KEY,
    name        TEXT NOT NULL,
    type        TEXT NOT NULL,
    country     TEXT,
    created_at  TEXT NOT NULL
);

CREATE TABLE actor_aliases (
    actor_id  TEXT NOT NULL REFERENCES actors (id) ON DELETE CASCADE,
    alias     TEXT NOT NULL,
    position  INTEGER NOT NULL,
    PRIMARY KEY (actor_id, alias)
);

CREATE INDEX actor_aliases_by_alias ON actor_aliases (alias);

CREATE TABLE chats (
    id                INTEGER PRIMARY KEY,
    type              TEXT NOT NULL,
    title             TEXT,
    timezone          TEXT NOT NULL DEFAULT 'UTC',
    digest_time       TEXT,
    quiet_start       TEXT,
    quiet_end         TEXT,
    language          TEXT NOT NULL DEFAULT 'en',
    active            INTEGER NOT NULL DEFAULT 1,
    last_digest_date  TEXT,
    created_at        TEXT NOT NULL
);

CREATE INDEX chats_with_digest ON chats (digest_time) WHERE digest_time IS NOT NULL;

CREATE TABLE subscriptions (
    id          INTEGER PRIMARY KEY,
    chat_id     INTEGER NOT NULL REFERENCES chats (id) ON DELETE CASCADE,
    kind        TEXT NOT NULL,
    key         TEXT NOT NULL,
    label       TEXT NOT NULL,
    min_killed  INTEGER NOT NULL DEFAULT 0,
    created_at  TEXT NOT NULL,
    UNIQUE (chat_id, kind, key)
);

CREATE INDEX subscriptions_by_target ON subscriptions (kind, key);

CREATE TABLE feeds (
    id                INTEGER PRIMARY KEY,
    url               TEXT NOT NULL UNIQUE,
    title             TEXT,
    interval_minutes  INTEGER NOT NULL DEFAULT 15,
    etag              TEXT,
    last_modified     TEXT,
    last_polled_at    TEXT,
    next_poll_at      TEXT,
    failures          INTEGER NOT NULL DEFAULT 0,
    last_error        TEXT,
    active            INTEGER NOT NULL DEFAULT 1,
    added_by          INTEGER,
    created_at        TEXT NOT NULL
);

CREATE INDEX feeds_due ON feeds (next_poll_at) WHERE active = 1;

CREATE TABLE outbox (
    id               INTEGER PRIMARY KEY,
    chat_id          INTEGER NOT NULL REFERENCES chats (id) ON DELETE CASCADE,
    kind             TEXT NOT NULL,
    idempotency_key  TEXT NOT NULL UNIQUE,
    payload          TEXT NOT NULL DEFAULT '{}',
    status           TEXT NOT NULL DEFAULT 'pending',
    attempts         INTEGER NOT NULL DEFAULT 0,
    next_attempt_at  TEXT NOT NULL,
    claimed_at       TEXT,
    sent_message_id  INTEGER,
    reply_to_key     TEXT,
    incident_id      INTEGER REFERENCES incidents (id) ON DELETE SET NULL,
    last_error       TEXT,
    created_at       TEXT NOT NULL,
    sent_at          TEXT
);

CREATE INDEX outbox_due ON outbox (status, next_attempt_at, id);
CREATE INDEX outbox_by_chat ON outbox (chat_id, status);
CREATE INDEX outbox_by_incident ON outbox (incident_id);

CREATE TABLE meta (
    key         TEXT PRIMARY KEY,
    value       TEXT NOT NULL,
    updated_at  TEXT NOT NULL
);
