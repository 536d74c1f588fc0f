-- Catalog at scale: imported films beside curated cards, and indexes for browsing 100,000 films.

-- Identity of a film without an external id: its normalized title and year ('solaris|1972').
ALTER TABLE films ADD COLUMN match_key TEXT;
CREATE INDEX films_match_key ON films (match_key) WHERE match_key IS NOT NULL;
CREATE INDEX films_year ON films (year);

-- An imported source's rows sit beside a card's: a card load rewrites only the card's own rows, an
-- import only its own; reading merges them field by field (the card wins). content_hash makes a
-- re-import of unchanged data write nothing.
ALTER TABLE film_sources ADD COLUMN imported INTEGER NOT NULL DEFAULT 0 CHECK (imported IN (0, 1));
ALTER TABLE film_sources ADD COLUMN content_hash TEXT;
CREATE INDEX film_sources_key ON film_sources (key, film_id);

-- Aliases an import brought (NULL: the film's own, from its card or its first import).
ALTER TABLE film_aliases ADD COLUMN source_id INTEGER REFERENCES film_sources (id) ON DELETE CASCADE;

-- Browsing by genre and director.
CREATE INDEX facts_key_value ON facts (key, value COLLATE NOCASE, film_id);
CREATE INDEX credits_role_person ON credits (role, person COLLATE NOCASE, film_id);

-- One row per import run: what was read, from where, and what it did.
CREATE TABLE catalog_imports (
    id          INTEGER PRIMARY KEY,
    format      TEXT NOT NULL,
    path        TEXT NOT NULL,
    source_key  TEXT NOT NULL,
    started_at  TEXT NOT NULL,
    finished_at TEXT,
    added       INTEGER NOT NULL DEFAULT 0,
    updated     INTEGER NOT NULL DEFAULT 0,
    unchanged   INTEGER NOT NULL DEFAULT 0,
    skipped     INTEGER NOT NULL DEFAULT 0
);
