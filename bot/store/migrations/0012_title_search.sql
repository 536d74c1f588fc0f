-- Title search in the database: the bot holds no title index in memory, so memory and start-up no longer
-- grow with the catalog. Every film's names (slug, title, original title, aliases), normalized, with a
-- word index over them and the catalog's vocabulary; kept in step by every write that changes a film
-- (bot/store/search.py), and built here for the films an upgraded database already holds.
--
-- filmbot_names() and filmbot_words() are filmbot's own SQL functions (bot/store/_functions.py: the
-- normalization of bot/films/matching.py), registered on every connection filmbot opens.

-- One row per distinct normalized name of a film, the film's names side by side: id = (film_id << 8) | n.
-- Written and removed with the film by filmbot (bot/store/search.py); a film deleted by other means leaves
-- names that match nothing (a search joins them to films).
CREATE TABLE search_names (
    id      INTEGER PRIMARY KEY,
    name    TEXT NOT NULL,     -- '100 meters'
    compact TEXT NOT NULL,     -- '100meters': what a typed prefix is compared with
    len     INTEGER NOT NULL,  -- length(compact), at most 255
    year    INTEGER,           -- the film's year: 'Solaris 1972' prefers the Solaris of 1972
    votes   INTEGER NOT NULL   -- the film's largest rating vote count: equal matches, better known first
);
-- Typed prefixes, shortest names first, the better known first among equal names; and one name of one year.
CREATE INDEX search_names_prefix ON search_names (len, compact, votes DESC, year);

-- Name lengths 1-255, walked in order to read prefix matches shortest first without sorting them all.
CREATE TABLE search_lengths (len INTEGER PRIMARY KEY);
WITH RECURSIVE n (len) AS (SELECT 1 UNION ALL SELECT len + 1 FROM n WHERE len < 255)
INSERT INTO search_lengths (len) SELECT len FROM n;

-- The words of every name (word order, partial names, aliases): a contentless FTS5 index of search_names,
-- one token per normalized word (only spaces separate words in a normalized name), 3-letter prefixes
-- indexed. Its rowid is (len << 40) | search_names.id, so it hands back the shortest names first.
CREATE VIRTUAL TABLE search_fts USING fts5 (
    name,
    content = '',
    detail = none,
    columnsize = 0,
    prefix = '3',
    tokenize = "ascii tokenchars '&_'"
);
CREATE TRIGGER search_names_ai AFTER INSERT ON search_names BEGIN
    INSERT INTO search_fts (rowid, name) VALUES ((new.len << 40) | new.id, new.name);
END;
CREATE TRIGGER search_names_ad AFTER DELETE ON search_names BEGIN
    INSERT INTO search_fts (search_fts, rowid, name) VALUES ('delete', (old.len << 40) | old.id, old.name);
END;
CREATE TRIGGER search_names_au AFTER UPDATE OF id, name, len ON search_names BEGIN
    INSERT INTO search_fts (search_fts, rowid, name) VALUES ('delete', (old.len << 40) | old.id, old.name);
    INSERT INTO search_fts (rowid, name) VALUES ((new.len << 40) | new.id, new.name);
END;

-- The vocabulary: each word with the number of names holding it. A search asks the rarest words first
-- and corrects a misspelled word to the known words one edit away.
CREATE TABLE search_words (
    word TEXT PRIMARY KEY,
    docs INTEGER NOT NULL
) WITHOUT ROWID;

-- The films already here.
INSERT INTO search_names (id, name, compact, len, year, votes)
SELECT (f.id << 8) | k.key,
       k.value,
       replace(k.value, ' ', ''),
       min(length(replace(k.value, ' ', '')), 255),
       f.year,
       coalesce((SELECT max(s.votes) FROM score_sources s WHERE s.film_id = f.id), 0)
FROM films f,
     json_each(filmbot_names(f.slug, f.title, f.original_title,
                             (SELECT json_group_array(a.alias) FROM film_aliases a WHERE a.film_id = f.id))) k
WHERE k.key < 256;

INSERT INTO search_words (word, docs)
SELECT w.value, count(*) FROM search_names n, json_each(filmbot_words(n.name)) w WHERE true GROUP BY w.value;
