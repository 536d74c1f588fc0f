-- A catalog import writes in short transactions (a running bot's votes and ratings never wait behind a
-- long one), and publishes the films it adds in its last one. Until then the films it added, those with
-- ids from first_id up, stay out of title search and browsing (bot/store/search.py, bot/store/catalog.py);
-- if it fails they are deleted again (bot/store/catalog_publish.py), and a row left by an import that was
-- killed is cleared, its films with it, by the next import.
CREATE TABLE catalog_unpublished (
    run_id   INTEGER PRIMARY KEY REFERENCES catalog_imports (id),
    first_id INTEGER NOT NULL  -- the first film id the import could give a film it adds
);
