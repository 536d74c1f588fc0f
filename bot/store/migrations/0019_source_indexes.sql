-- The rows each source gave, found by their source: deleting a film's source row (a film taken out, an
-- import's rows replaced by a refresh that changed it, the films an interrupted import added deleted
-- again) deletes the facts, credits, scores and aliases citing it (ON DELETE CASCADE), which without
-- these read the whole of each table once per source row. At a million imported films, taking out the
-- first 2,000 films of an interrupted import had not finished after a minute.
CREATE INDEX facts_source ON facts (source_id);
CREATE INDEX credits_source ON credits (source_id);
CREATE INDEX score_sources_source ON score_sources (source_id);
CREATE INDEX film_aliases_source ON film_aliases (source_id) WHERE source_id IS NOT NULL;
