-- Polls: a question, its options, and one ballot per member.
--
-- Anonymous polls key ballots by HMAC-SHA256(poll secret, user id) instead of the user id, so no table
-- pairs a member with a choice. The secret lives only while the poll is open (so members can see and
-- change their own ballot) and is wiped when the poll closes: kept ballots become unlinkable for good.

CREATE TABLE polls (
    id                INTEGER PRIMARY KEY,
    guild_id          INTEGER NOT NULL,
    channel_id        INTEGER NOT NULL,
    message_id        INTEGER,
    author_id         INTEGER NOT NULL,
    kind              TEXT NOT NULL DEFAULT 'plain' CHECK (kind IN ('plain', 'movienight')),
    question          TEXT NOT NULL,
    mode              TEXT NOT NULL CHECK (mode IN ('single', 'multi', 'ranked', 'approval')),
    max_choices       INTEGER NOT NULL CHECK (max_choices >= 1),
    anonymous         INTEGER NOT NULL CHECK (anonymous IN (0, 1)),
    hide_results      INTEGER NOT NULL CHECK (hide_results IN (0, 1)),
    role_id           INTEGER,
    secret            BLOB,
    created_at        TEXT NOT NULL,
    closes_at         TEXT NOT NULL,
    closed_at         TEXT,
    closed_by         INTEGER,
    result_message_id INTEGER,
    CHECK (anonymous = 0 OR secret IS NOT NULL OR closed_at IS NOT NULL)
);
CREATE INDEX polls_open ON polls (guild_id, closes_at) WHERE closed_at IS NULL;

CREATE TABLE poll_options (
    poll_id  INTEGER NOT NULL REFERENCES polls (id) ON DELETE CASCADE,
    position INTEGER NOT NULL CHECK (position BETWEEN 0 AND 24),
    label    TEXT NOT NULL,
    film_id  INTEGER REFERENCES films (id),
    detail   TEXT,
    PRIMARY KEY (poll_id, position)
) WITHOUT ROWID;

-- ``voter`` is the user id in decimal, or the keyed hash for anonymous polls; ``choices`` the option
-- positions as a JSON list (in rank order for ranked polls).
CREATE TABLE poll_ballots (
    poll_id INTEGER NOT NULL REFERENCES polls (id) ON DELETE CASCADE,
    voter   TEXT NOT NULL,
    choices TEXT NOT NULL,
    PRIMARY KEY (poll_id, voter)
) WITHOUT ROWID;
