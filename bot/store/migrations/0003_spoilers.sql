-- Spoiler channels: where /plot public:True may post a plot (every phase past the premise still tagged).

CREATE TABLE spoiler_channels (
    guild_id   INTEGER NOT NULL,
    channel_id INTEGER NOT NULL,
    added_by   INTEGER NOT NULL,
    added_at   TEXT NOT NULL,
    PRIMARY KEY (guild_id, channel_id)
);
