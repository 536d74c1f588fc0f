-- The watched history (a party's end or a moderator's /watched) and the "How was it?" rating menus.

-- One row per time a server watched a film: watched twice is two rows.
CREATE TABLE watched (
    id          INTEGER PRIMARY KEY,
    guild_id    INTEGER NOT NULL,
    film_id     INTEGER NOT NULL REFERENCES films (id),
    watched_on  TEXT NOT NULL,                     -- the day, in the server's zone when recorded (YYYY-MM-DD)
    watched_at  TEXT NOT NULL,                     -- UTC, fixed-width: the party's start, or noon that day
    party_id    INTEGER REFERENCES watch_parties (id),
    recorded_by INTEGER,                           -- the moderator who ran /watched; NULL for a party's end
    created_at  TEXT NOT NULL
);
-- A party's end is recorded once, however often its end timer is retried.
CREATE UNIQUE INDEX watched_party ON watched (party_id) WHERE party_id IS NOT NULL;
-- /history lists a server's newest first; /stats counts a year's by month.
CREATE INDEX watched_guild ON watched (guild_id, watched_on, watched_at, id);
CREATE INDEX watched_film ON watched (film_id);

-- The rating menu posted in a party's channel when it ends; it takes ratings until closes_at.
CREATE TABLE rating_prompts (
    id         INTEGER PRIMARY KEY,
    guild_id   INTEGER NOT NULL,
    channel_id INTEGER NOT NULL,
    film_id    INTEGER NOT NULL REFERENCES films (id),
    party_id   INTEGER UNIQUE REFERENCES watch_parties (id),
    closes_at  TEXT NOT NULL,                      -- UTC, fixed-width
    state      TEXT NOT NULL DEFAULT 'open' CHECK (state IN ('open', 'closed')),
    message_id INTEGER,                            -- the posted message, once Discord accepted it
    last_error TEXT,                               -- why posting or closing failed (a deleted channel, say)
    created_at TEXT NOT NULL
);
CREATE INDEX rating_prompts_film ON rating_prompts (film_id);
