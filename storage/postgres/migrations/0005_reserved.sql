-- 0005: no change. This number is reserved for a migration of another branch (issue #17 work
-- in parallel); it stays a no-op so that the numbering has no gap (the loader refuses gaps).
SELECT 1;
