-- Placeholder so the polls branch migrates in sequence before migration 0002 of another branch lands.
-- The lead deletes this file when merging (two files numbered 0002 fail loudly at start).
SELECT 1;
