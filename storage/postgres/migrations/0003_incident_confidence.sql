-- 0003 (SQLite's 0006): how far to trust an incident (0-1, NULL = not scored, e.g. rows stored
-- before scoring existed or imported from ACLED) and the reasons, a JSON list of strings. The
-- alert gate reads them; NULL counts as trusted so existing rows keep their behaviour.
ALTER TABLE incidents ADD COLUMN confidence double precision;
ALTER TABLE incidents ADD COLUMN confidence_reasons jsonb NOT NULL DEFAULT '[]';
