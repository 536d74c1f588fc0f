-- The server watchlist: films members suggested, who wants to see each, and who may not suggest.

-- One row per suggestion. A film the server watched keeps its row with watched_at set: it has left the
-- list (the history stays), and suggesting it again starts a new row.
CREATE TABLE watchlist_entries (
    id           INTEGER PRIMARY KEY,
    guild_id     INTEGER NOT NULL,
    film_id      INTEGER NOT NULL REFERENCES films (id),  -- member data: the catalog keeps the film
    suggested_by INTEGER NOT NULL,
    suggested_at TEXT NOT NULL,                            -- UTC, fixed-width (bot.store.timers.encode_time)
    wants        INTEGER NOT NULL DEFAULT 0 CHECK (wants >= 0),  -- its rows in watchlist_wants, kept in step
    watched_at   TEXT                                      -- set when the server watched it
);
-- At most one entry per film on a server's list; the condition is spelled as the queries spell it.
CREATE UNIQUE INDEX watchlist_open_film ON watchlist_entries (guild_id, film_id) WHERE watched_at IS NULL;
CREATE INDEX watchlist_by_wants ON watchlist_entries (guild_id, wants DESC, suggested_at, id)
    WHERE watched_at IS NULL;
CREATE INDEX watchlist_by_time ON watchlist_entries (guild_id, suggested_at, id) WHERE watched_at IS NULL;
CREATE INDEX watchlist_by_suggester ON watchlist_entries (guild_id, suggested_by) WHERE watched_at IS NULL;
CREATE INDEX watchlist_watched ON watchlist_entries (guild_id, film_id, watched_at) WHERE watched_at IS NOT NULL;

-- "Want to see": one row per member and entry (the suggester's is added with the suggestion).
CREATE TABLE watchlist_wants (
    entry_id  INTEGER NOT NULL REFERENCES watchlist_entries (id) ON DELETE CASCADE,
    user_id   INTEGER NOT NULL,
    wanted_at TEXT NOT NULL,
    PRIMARY KEY (entry_id, user_id)
) WITHOUT ROWID;
CREATE INDEX watchlist_wants_member ON watchlist_wants (user_id, entry_id);

-- Members a moderator stopped from suggesting films (/settings watchlist block). The cap on suggestions
-- per member is a server setting (guild_settings, key 'watchlist_cap').
CREATE TABLE watchlist_blocks (
    guild_id   INTEGER NOT NULL,
    user_id    INTEGER NOT NULL,
    blocked_by INTEGER NOT NULL,
    blocked_at TEXT NOT NULL,
    PRIMARY KEY (guild_id, user_id)
) WITHOUT ROWID;
