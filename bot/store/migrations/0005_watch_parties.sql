-- Watch parties, their RSVPs and reminder deliveries; member and server settings other features can use.

-- Per-server settings, one row per key (timezone, modlog channel, ...), for every feature.
CREATE TABLE guild_settings (
    guild_id   INTEGER NOT NULL,
    key        TEXT NOT NULL,
    value      TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (guild_id, key)
) WITHOUT ROWID;

-- Per-member settings that follow the member across servers.
CREATE TABLE member_settings (
    user_id      INTEGER PRIMARY KEY,
    timezone     TEXT,
    dm_reminders INTEGER NOT NULL DEFAULT 0 CHECK (dm_reminders IN (0, 1)),
    updated_at   TEXT NOT NULL
);

CREATE TABLE watch_parties (
    id               INTEGER PRIMARY KEY,
    guild_id         INTEGER NOT NULL,
    channel_id       INTEGER NOT NULL,            -- where the announcement and reminders go
    film_id          INTEGER NOT NULL REFERENCES films (id),
    starts_at        TEXT NOT NULL,               -- UTC, fixed-width (see bot.store.timers.encode_time)
    timezone         TEXT NOT NULL,               -- the zone the time was read in: repeats keep its wall time
    voice_channel_id INTEGER,
    location         TEXT,
    reminders        TEXT NOT NULL DEFAULT '[]',  -- JSON list of seconds before the start
    repeat           TEXT CHECK (repeat IN ('weekly', 'biweekly')),
    note             TEXT,
    runtime_minutes  INTEGER NOT NULL CHECK (runtime_minutes > 0),
    status           TEXT NOT NULL DEFAULT 'scheduled'
                     CHECK (status IN ('scheduled', 'started', 'completed', 'cancelled')),
    event_id         INTEGER,                     -- the Discord scheduled event
    message_id       INTEGER,                     -- the announcement with the RSVP buttons
    created_by       INTEGER NOT NULL,
    created_at       TEXT NOT NULL,
    previous_id      INTEGER REFERENCES watch_parties (id),  -- the occurrence this one repeats
    last_error       TEXT,
    last_error_at    TEXT,
    CHECK (voice_channel_id IS NULL OR location IS NULL)
);
CREATE INDEX watch_parties_guild ON watch_parties (guild_id, status, starts_at);
CREATE UNIQUE INDEX watch_parties_event ON watch_parties (event_id) WHERE event_id IS NOT NULL;
CREATE UNIQUE INDEX watch_parties_next ON watch_parties (previous_id) WHERE previous_id IS NOT NULL;

CREATE TABLE watch_party_rsvps (
    party_id   INTEGER NOT NULL REFERENCES watch_parties (id) ON DELETE CASCADE,
    user_id    INTEGER NOT NULL,
    answer     TEXT NOT NULL CHECK (answer IN ('going', 'maybe', 'cant')),
    via        TEXT NOT NULL CHECK (via IN ('button', 'event')),
    updated_at TEXT NOT NULL,
    PRIMARY KEY (party_id, user_id)
) WITHOUT ROWID;

-- What a timer already delivered (one row per message part or DM), written as each part is sent,
-- so an interrupted firing that is retried after a restart sends only the parts still missing.
CREATE TABLE watch_party_deliveries (
    timer_id   INTEGER NOT NULL REFERENCES timers (id),
    part       TEXT NOT NULL,                     -- 'channel:0', 'channel:1', 'dm:<user id>'
    message_id INTEGER,
    sent_at    TEXT NOT NULL,
    PRIMARY KEY (timer_id, part)
) WITHOUT ROWID;
