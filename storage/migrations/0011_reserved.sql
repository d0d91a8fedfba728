-- 0011: no change on this branch. Reserved for the branches that add migrations in parallel
-- (review, trust ...); the lead replaces this placeholder with theirs at merge time. The
-- loader refuses gaps, so the number stays filled until then.
SELECT 1;
