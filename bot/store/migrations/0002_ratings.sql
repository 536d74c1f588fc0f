-- Member ratings: one per member per film per server, changed by rating again (upsert on the key).
-- A rating is kept in half-points (1..20 = 0.5..10) so it is exact: no float ever compares unequal.
CREATE TABLE ratings (
    guild_id   INTEGER NOT NULL,
    film_id    INTEGER NOT NULL REFERENCES films (id),
    user_id    INTEGER NOT NULL,
    halves     INTEGER NOT NULL CHECK (halves BETWEEN 1 AND 20),
    review     TEXT CHECK (review IS NULL OR length(review) BETWEEN 1 AND 500),
    spoiler    INTEGER NOT NULL DEFAULT 0 CHECK (spoiler IN (0, 1)),
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (guild_id, film_id, user_id)
) WITHOUT ROWID;
-- /ratings lists a film's newest first; /top groups a server's ratings by film.
CREATE INDEX ratings_film_recent ON ratings (guild_id, film_id, updated_at);
-- The loader refuses to delete a film that ratings refer to; this finds them without a scan.
CREATE INDEX ratings_film ON ratings (film_id);
