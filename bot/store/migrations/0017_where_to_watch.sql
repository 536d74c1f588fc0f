-- Where to watch (assigned number 0016; 0014 on this branch, as migrations are numbered without gaps).
-- What TMDB adds to a film beyond facts, credits and scores (those go in the catalog's own tables, cited):
-- its poster, its overview (a spoiler-free premise, shown when the film's card has none of its own), and
-- where to watch it by country (TMDB's watch providers; the data is JustWatch's).
-- One row per film TMDB was read for (``fetched_at``: when), its offers replaced whole at each read, so a
-- country that lost every offer says so instead of showing old ones.
CREATE TABLE film_tmdb (
    film_id    INTEGER PRIMARY KEY REFERENCES films (id) ON DELETE CASCADE,
    tmdb_id    INTEGER NOT NULL,
    poster_url TEXT,
    premise    TEXT,
    fetched_at TEXT NOT NULL
);

CREATE TABLE film_watch_options (
    film_id  INTEGER NOT NULL REFERENCES film_tmdb (film_id) ON DELETE CASCADE,
    country  TEXT NOT NULL CHECK (length(country) = 2 AND country = upper(country)),
    kind     TEXT NOT NULL CHECK (kind IN ('flatrate', 'free', 'ads', 'rent', 'buy')),
    service  TEXT NOT NULL,
    link     TEXT,  -- TMDB's watch page for the film in that country
    position INTEGER NOT NULL,
    PRIMARY KEY (film_id, country, kind, service)
);
