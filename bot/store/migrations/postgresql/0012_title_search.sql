-- Title search in the database (PostgreSQL's text of 0012_title_search.sql). The same search_names,
-- search_lengths and search_words tables as on SQLite; SQLite's FTS5 word index becomes search_name_words,
-- one row per word of a name, kept in step with search_names by a trigger as the FTS5 index is.
--
-- Text columns compared by prefix ranges (compact >= 'abc' AND compact < 'abc' || U+10FFFF) use the "C"
-- collation: code point order, as SQLite compares text, whatever the database's own collation.
--
-- No film is indexed here: a PostgreSQL database is always created by a filmbot that has this migration,
-- so it holds no film yet (on SQLite, 0012 indexes the films an upgraded database already holds).

CREATE TABLE search_names (
    id      BIGINT PRIMARY KEY,
    name    TEXT COLLATE "C" NOT NULL,
    compact TEXT COLLATE "C" NOT NULL,
    len     BIGINT NOT NULL,
    year    BIGINT,
    votes   BIGINT NOT NULL
);
CREATE INDEX search_names_prefix ON search_names (len, compact, votes DESC, year);

CREATE TABLE search_lengths (len BIGINT PRIMARY KEY);
INSERT INTO search_lengths (len) SELECT generate_series(1, 255);

-- The words of every name: ``key`` is (len << 40) | search_names.id, as FTS5's rowid on SQLite, so the
-- shortest names come first.
CREATE TABLE search_name_words (
    word TEXT COLLATE "C" NOT NULL,
    key  BIGINT NOT NULL,
    PRIMARY KEY (word, key)
);
CREATE INDEX search_name_words_key ON search_name_words (key);

CREATE FUNCTION filmbot_search_name_words() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('DELETE', 'UPDATE') THEN
        DELETE FROM search_name_words WHERE key = (OLD.len << 40) | OLD.id;
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        INSERT INTO search_name_words (word, key)
        SELECT DISTINCT w, (NEW.len << 40) | NEW.id FROM regexp_split_to_table(NEW.name, ' ') AS w
        WHERE w <> '';
    END IF;
    RETURN NULL;
END
$$;
CREATE TRIGGER search_names_words AFTER INSERT OR DELETE OR UPDATE OF id, name, len ON search_names
    FOR EACH ROW EXECUTE FUNCTION filmbot_search_name_words();

CREATE TABLE search_words (
    word TEXT COLLATE "C" PRIMARY KEY,
    docs BIGINT NOT NULL
);
