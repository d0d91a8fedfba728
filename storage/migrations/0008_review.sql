-- 0008: review and correction from the chat (issue 15).
-- Incidents get a status: reviewers hide a false alarm ("retracted") or a duplicate merged
-- into another incident ("merged"); answers and digests show only "active" ones.
ALTER TABLE incidents ADD COLUMN status TEXT NOT NULL DEFAULT 'active';
-- Every answer leaves the hidden ones out: the few of them, read once from this partial index,
-- are excluded by id, so the covering indexes answer without a table row per incident.
CREATE INDEX incidents_hidden ON incidents (status) WHERE status IN ('retracted', 'merged');
-- Who corrected an incident from the chat, and why (NULL/'' for Sitrep's own changes).
ALTER TABLE incident_revisions ADD COLUMN changed_by INTEGER;
ALTER TABLE incident_revisions ADD COLUMN changed_by_name TEXT NOT NULL DEFAULT '';
ALTER TABLE incident_revisions ADD COLUMN reason TEXT NOT NULL DEFAULT '';

-- What waits for a reviewer: one row per incident, reopened when it is flagged again.
CREATE TABLE review_queue (
    incident_id  INTEGER PRIMARY KEY REFERENCES incidents (id) ON DELETE CASCADE,
    reason       TEXT NOT NULL,                 -- 'unconfirmed' | 'reported'
    queued_at    TEXT NOT NULL,
    status       TEXT NOT NULL DEFAULT 'open',  -- 'open' | 'resolved' | 'expired'
    resolved_at  TEXT,
    resolved_by  INTEGER,
    resolution   TEXT NOT NULL DEFAULT ''
);
CREATE INDEX review_queue_open ON review_queue (queued_at, incident_id) WHERE status = 'open';

-- "Report a problem" from anyone: who sent it stays here, never shown to other users.
CREATE TABLE feedback_reports (
    id           INTEGER PRIMARY KEY,
    incident_id  INTEGER NOT NULL REFERENCES incidents (id) ON DELETE CASCADE,
    chat_id      INTEGER NOT NULL,
    user_id      INTEGER NOT NULL,
    kind         TEXT NOT NULL,
    created_at   TEXT NOT NULL,
    resolved_at  TEXT,
    resolution   TEXT NOT NULL DEFAULT ''
);
CREATE INDEX feedback_by_incident ON feedback_reports (incident_id, resolved_at);
CREATE INDEX feedback_by_user ON feedback_reports (user_id, created_at);

-- "Same as #N": the incident merged away, the one it went into, and the sources it brought
-- (so "Split" can take exactly those back out).
CREATE TABLE incident_links (
    absorbed_id    INTEGER PRIMARY KEY REFERENCES incidents (id) ON DELETE CASCADE,
    into_id        INTEGER NOT NULL REFERENCES incidents (id) ON DELETE CASCADE,
    linked_at      TEXT NOT NULL,
    linked_by      INTEGER,
    added_sources  TEXT NOT NULL DEFAULT '[]'
);
CREATE INDEX incident_links_into ON incident_links (into_id);
