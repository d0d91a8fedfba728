-- 0004: no change. This number was reserved while several branches added migrations at once;
-- it stays as a no-op so that the numbering has no gap (the loader refuses gaps).
SELECT 1;
