-- Online enrichment (assigned number 0014; 0013 on this branch, as migrations are numbered without gaps).
-- One row per film and provider: when it was last asked (fetched_at), when it last answered
-- (succeeded_at: found the film or said it has none), how that went, the sentences saying what could not be
-- fetched, the other sites' ids it found (JSON), and the keys of the film_sources rows it wrote (JSON). The
-- values themselves are ordinary catalog rows (film_sources with imported = 1, facts, credits,
-- score_sources), so a curated card wins field by field over them exactly as over an import.
CREATE TABLE enrichments (
    film_id      INTEGER NOT NULL REFERENCES films (id) ON DELETE CASCADE,
    provider     TEXT NOT NULL,
    fetched_at   TEXT NOT NULL,
    succeeded_at TEXT,
    status       TEXT NOT NULL CHECK (status IN ('ok', 'missing', 'failed')),
    problems     TEXT NOT NULL DEFAULT '[]',
    ids          TEXT NOT NULL DEFAULT '{}',
    source_keys  TEXT NOT NULL DEFAULT '[]',
    PRIMARY KEY (film_id, provider)
) WITHOUT ROWID;
CREATE INDEX enrichments_fetched ON enrichments (fetched_at);
