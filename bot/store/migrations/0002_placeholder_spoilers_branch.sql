-- Placeholder so the spoilers branch (migration 0003) migrates on its own. DELETE ON MERGE: main's
-- real 0002 takes this number.
SELECT 1;
