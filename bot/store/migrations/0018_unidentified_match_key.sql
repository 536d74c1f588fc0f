-- Films without an IMDb id (cards written without one, films from a CSV or JSON list) by match key: the
-- few an imported film with an IMDb id can be (by title and year). A catalog import looks every film of
-- a batch up here; in the whole-catalog index (films_match_key) each look-up read pages of a million
-- films' keys, in this one a few thousand.
CREATE INDEX films_match_key_unidentified ON films (match_key) WHERE imdb_id IS NULL AND match_key IS NOT NULL;
