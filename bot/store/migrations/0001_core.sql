-- Core schema: the film catalog (cards and imports), provenance, timers and bot metadata.

CREATE TABLE films (
    id             INTEGER PRIMARY KEY,
    slug           TEXT NOT NULL UNIQUE,
    title          TEXT NOT NULL,
    original_title TEXT,
    year           INTEGER,
    origin         TEXT NOT NULL CHECK (origin IN ('card', 'import')),
    imdb_id        TEXT UNIQUE,
    content_hash   TEXT NOT NULL,
    updated_at     TEXT NOT NULL
);
CREATE INDEX films_title ON films (title COLLATE NOCASE);

CREATE TABLE film_aliases (
    film_id INTEGER NOT NULL REFERENCES films (id) ON DELETE CASCADE,
    alias   TEXT NOT NULL,
    PRIMARY KEY (film_id, alias)
);

-- Where facts come from: one row per document (or dataset) per film.
CREATE TABLE film_sources (
    id        INTEGER PRIMARY KEY,
    film_id   INTEGER NOT NULL REFERENCES films (id) ON DELETE CASCADE,
    key       TEXT NOT NULL,
    title     TEXT NOT NULL,
    publisher TEXT,
    kind      TEXT NOT NULL,
    url       TEXT,
    file      TEXT,
    as_of     TEXT NOT NULL,
    UNIQUE (film_id, key)
);

-- One row per (fact, supporting source); two values for one key are a disagreement, kept both.
CREATE TABLE facts (
    id        INTEGER PRIMARY KEY,
    film_id   INTEGER NOT NULL REFERENCES films (id) ON DELETE CASCADE,
    position  INTEGER NOT NULL,
    key       TEXT NOT NULL,
    value     TEXT NOT NULL,
    detail    TEXT,
    source_id INTEGER NOT NULL REFERENCES film_sources (id) ON DELETE CASCADE
);
CREATE INDEX facts_film ON facts (film_id, key);

CREATE TABLE credits (
    id        INTEGER PRIMARY KEY,
    film_id   INTEGER NOT NULL REFERENCES films (id) ON DELETE CASCADE,
    position  INTEGER NOT NULL,
    person    TEXT NOT NULL,
    role      TEXT NOT NULL,
    character TEXT,
    source_id INTEGER NOT NULL REFERENCES film_sources (id) ON DELETE CASCADE
);
CREATE INDEX credits_film ON credits (film_id, role);
CREATE INDEX credits_person ON credits (person COLLATE NOCASE);

-- Outside scores on their own scale: 'average' has a scale (10, 5, 100), 'approval' is a percentage.
CREATE TABLE score_sources (
    id        INTEGER PRIMARY KEY,
    film_id   INTEGER NOT NULL REFERENCES films (id) ON DELETE CASCADE,
    position  INTEGER NOT NULL,
    name      TEXT NOT NULL,
    kind      TEXT NOT NULL CHECK (kind IN ('average', 'approval')),
    value     REAL NOT NULL,
    scale     REAL,
    votes     INTEGER,
    as_of     TEXT NOT NULL,
    note      TEXT,
    source_id INTEGER NOT NULL REFERENCES film_sources (id) ON DELETE CASCADE,
    CHECK ((kind = 'average' AND scale > 0 AND value BETWEEN 0 AND scale)
        OR (kind = 'approval' AND scale IS NULL AND value BETWEEN 0 AND 100))
);
CREATE INDEX score_sources_film ON score_sources (film_id);

-- Plot, in story order; spoiler_level 0 is the premise, higher is further into the film.
CREATE TABLE plot_sections (
    id            INTEGER PRIMARY KEY,
    film_id       INTEGER NOT NULL REFERENCES films (id) ON DELETE CASCADE,
    position      INTEGER NOT NULL,
    phase         TEXT NOT NULL,
    spoiler_level INTEGER NOT NULL CHECK (spoiler_level >= 0),
    text          TEXT NOT NULL,
    UNIQUE (film_id, position)
);

-- Every timer is a row; fired rows are marked, never deleted, so nothing fires twice or is dropped.
CREATE TABLE timers (
    id         INTEGER PRIMARY KEY,
    kind       TEXT NOT NULL,
    ref        TEXT NOT NULL,
    due_at     TEXT NOT NULL,
    state      TEXT NOT NULL DEFAULT 'pending'
               CHECK (state IN ('pending', 'running', 'fired', 'missed', 'failed', 'cancelled')),
    attempts   INTEGER NOT NULL DEFAULT 0,
    payload    TEXT NOT NULL DEFAULT '{}',
    fired_at   TEXT,
    late_by    REAL,
    error      TEXT,
    created_at TEXT NOT NULL
);
CREATE INDEX timers_pending_due ON timers (due_at) WHERE state IN ('pending', 'running');
CREATE INDEX timers_ref ON timers (kind, ref);

CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) WITHOUT ROWID;
