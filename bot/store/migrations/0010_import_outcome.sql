-- How each import run ended: 'done' (read and written whole), 'failed' (stopped by an unusable file, when
-- nothing was written, or by a failed write, when what was written stays and running the same import
-- again finishes it) or 'interrupted'; and why it stopped, in the words the administrator was shown.
ALTER TABLE catalog_imports ADD COLUMN outcome TEXT CHECK (outcome IN ('done', 'failed', 'interrupted'));
ALTER TABLE catalog_imports ADD COLUMN error TEXT;

-- Earlier runs: a finished one was done; one never finished was stopped by a crash.
UPDATE catalog_imports SET outcome = CASE WHEN finished_at IS NULL THEN 'interrupted' ELSE 'done' END;
