-- Letterboxd: members' public diary feeds followed into a server's channel, each entry posted once.

-- One row per Letterboxd member whose feed filmbot reads, however many servers follow it: the feed is
-- requested once per poll, with the validators of the last answer (conditional requests).
CREATE TABLE letterboxd_feeds (
    id            INTEGER PRIMARY KEY,
    username      TEXT NOT NULL UNIQUE,          -- lower case, as in letterboxd.com/<username>/
    etag          TEXT,
    last_modified TEXT,
    checked_at    TEXT,                          -- the last request, whatever came of it (UTC, fixed-width)
    ok_at         TEXT,                          -- the last request that was answered with the feed
    failures      INTEGER NOT NULL DEFAULT 0,    -- failed requests in a row (the backoff grows with it)
    last_error    TEXT,
    next_poll_at  TEXT,                          -- when the poll timer is due (shown by /letterboxd status)
    created_at    TEXT NOT NULL
);

-- A member following a Letterboxd username in one server (one username per member per server).
CREATE TABLE letterboxd_follows (
    guild_id   INTEGER NOT NULL,
    user_id    INTEGER NOT NULL,
    feed_id    INTEGER NOT NULL REFERENCES letterboxd_feeds (id),
    created_at TEXT NOT NULL,
    primed_at  TEXT NOT NULL,                    -- its first fetch: entries published before it are not new
    PRIMARY KEY (guild_id, user_id)
) WITHOUT ROWID;
CREATE INDEX letterboxd_follows_feed ON letterboxd_follows (feed_id);

-- Diary entries as read from a feed (what a post shows), kept after they leave the feed's window.
CREATE TABLE letterboxd_entries (
    feed_id       INTEGER NOT NULL REFERENCES letterboxd_feeds (id),
    guid          TEXT NOT NULL,                 -- the item's guid: letterboxd-review-…, letterboxd-watch-…
    film_title    TEXT NOT NULL,
    film_year     INTEGER,
    rating_halves INTEGER CHECK (rating_halves IS NULL OR rating_halves BETWEEN 1 AND 10),  -- half stars
    rewatch       INTEGER NOT NULL DEFAULT 0 CHECK (rewatch IN (0, 1)),
    liked         INTEGER NOT NULL DEFAULT 0 CHECK (liked IN (0, 1)),
    watched_on    TEXT,                          -- YYYY-MM-DD
    published_at  TEXT NOT NULL,                 -- pubDate (else the watched date, else first seen)
    link          TEXT,
    poster        TEXT,
    tmdb_id       INTEGER,
    review        TEXT,
    spoiler       INTEGER NOT NULL DEFAULT 0 CHECK (spoiler IN (0, 1)),
    first_seen_at TEXT NOT NULL,
    PRIMARY KEY (feed_id, guid)
) WITHOUT ROWID;
CREATE INDEX letterboxd_entries_recent ON letterboxd_entries (feed_id, published_at);

-- Each entry's fate for each follow, recorded (``pending``, with its nonce's inputs) before it is posted,
-- so a restart never posts it twice: ``posted`` (with the message), ``seen`` (old, or not posted on
-- purpose), ``failed`` (Discord refused it; the error says why).
CREATE TABLE letterboxd_posts (
    guild_id   INTEGER NOT NULL,
    user_id    INTEGER NOT NULL,
    feed_id    INTEGER NOT NULL,
    guid       TEXT NOT NULL,
    state      TEXT NOT NULL CHECK (state IN ('pending', 'posted', 'seen', 'failed')),
    attempts   INTEGER NOT NULL DEFAULT 0,
    more       INTEGER NOT NULL DEFAULT 0,       -- newer entries left out of this poll (said in the post)
    channel_id INTEGER,
    message_id INTEGER,
    error      TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (guild_id, user_id, feed_id, guid),
    FOREIGN KEY (feed_id, guid) REFERENCES letterboxd_entries (feed_id, guid)
) WITHOUT ROWID;
CREATE INDEX letterboxd_posts_pending ON letterboxd_posts (feed_id) WHERE state = 'pending';
