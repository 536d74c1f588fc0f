"""A database with rows in every table: the film cards loaded, then a few rows of each kind of member data
(odd values on purpose: NULLs, a blob, snowflakes near 2**63, text beyond ASCII, a float's last digit)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from bot.catalog.loader import load_cards
from bot.store import Store
from bot.store.search import reindex
from tests.conftest import FILMS_DIR

BIG = 2**63 - 1  # the largest snowflake Discord could send
T = "2026-03-27T12:00:00.000000Z"
LATER = "2026-03-28T20:30:00.000000Z"

ROWS: list[tuple[str, tuple[Any, ...]]] = [
    # Written out of alphabetical order: a film's own aliases are listed in the order they were written.
    ("INSERT INTO film_aliases (film_id, alias) VALUES (?, ?)", (1, "Zz Last Written First")),
    ("INSERT INTO film_aliases (film_id, alias) VALUES (?, ?)", (1, "Aa Written Second")),
    (
        "INSERT INTO catalog_imports (id, format, path, source_key, started_at, finished_at, added, outcome) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (1, "csv", "/srv/films ünïcode.csv", "csv:/srv/films.csv", T, LATER, 3, "done"),
    ),
    # An import still writing: films from id 1,000,000 on are not shown yet (nor is any of this fixture's).
    ("INSERT INTO catalog_unpublished (run_id, first_id) VALUES (?, ?)", (1, 1_000_000)),
    (
        "INSERT INTO guild_settings (guild_id, key, value, updated_at) VALUES (?, ?, ?, ?)",
        (BIG, "timezone", "Europe/Paris", T),
    ),
    (
        "INSERT INTO member_settings (user_id, timezone, dm_reminders, updated_at) VALUES (?, ?, ?, ?)",
        (BIG - 1, None, 1, T),
    ),
    ("INSERT INTO meta (key, value) VALUES (?, ?)", ("command-tree:1:global", "ab" * 32)),
    (
        "INSERT INTO polls (id, guild_id, channel_id, message_id, author_id, question, mode, max_choices, "
        "anonymous, hide_results, secret, created_at, closes_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            7,
            100,
            200,
            300,
            400,
            "Tonight? 🎬 “quoted” ||not a spoiler||",
            "ranked",
            3,
            1,
            0,
            b"\x00\xffsecret",
            T,
            LATER,
        ),
    ),
    (
        "INSERT INTO poll_options (poll_id, position, label, film_id, detail) VALUES (?, ?, ?, ?, ?)",
        (7, 0, "Heat", 1, None),
    ),
    (
        "INSERT INTO poll_options (poll_id, position, label, film_id, detail) VALUES (?, ?, ?, ?, ?)",
        (7, 1, "Ronin", None, "1998"),
    ),
    ("INSERT INTO poll_ballots (poll_id, voter, choices) VALUES (?, ?, ?)", (7, "h:9f86d081", "[1, 0]")),
    (
        "INSERT INTO ratings (guild_id, film_id, user_id, halves, review, spoiler, created_at, updated_at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (100, 1, BIG, 17, "Ending: he *wins*. Ünïcode & <tags>", 1, T, LATER),
    ),
    (
        "INSERT INTO spoiler_channels (guild_id, channel_id, added_by, added_at) VALUES (?, ?, ?, ?)",
        (100, 201, 400, T),
    ),
    (
        "INSERT INTO timers (id, kind, ref, due_at, state, attempts, payload, fired_at, late_by, error, created_at, "
        "claimed_by, lease_until) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            5,
            "wp-reminder",
            "3",
            T,
            "fired",
            1,
            '{"offset": 3600}',
            T,
            0.123456789012345,
            None,
            T,
            "h:1:ab",
            LATER,
        ),
    ),
    (
        "INSERT INTO timers (id, kind, ref, due_at, created_at) VALUES (?, ?, ?, ?, ?)",
        (6, "poll-close", "7", LATER, T),
    ),
    (
        "INSERT INTO watch_parties (id, guild_id, channel_id, film_id, starts_at, timezone, reminders, runtime_minutes, "
        "created_by, created_at, previous_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (3, 100, 200, 1, T, "UTC", "[3600]", 120, 400, T, None),
    ),
    (
        "INSERT INTO watch_parties (id, guild_id, channel_id, film_id, starts_at, timezone, repeat, runtime_minutes, "
        "created_by, created_at, previous_id, location) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (4, 100, 200, 1, LATER, "America/New_York", "weekly", 95, 400, T, 3, "Room 1"),
    ),
    (
        "INSERT INTO watch_party_deliveries (timer_id, part, message_id, sent_at) VALUES (?, ?, ?, ?)",
        (5, "channel:0", 900, T),
    ),
    (
        "INSERT INTO watch_party_rsvps (party_id, user_id, answer, via, updated_at) VALUES (?, ?, ?, ?, ?)",
        (3, 400, "going", "button", T),
    ),
    (
        "INSERT INTO watched (id, guild_id, film_id, watched_on, watched_at, party_id, recorded_by, created_at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (1, 100, 1, "2026-03-27", T, 3, None, T),
    ),
    (
        "INSERT INTO rating_prompts (id, guild_id, channel_id, film_id, party_id, closes_at, created_at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?)",
        (1, 100, 200, 1, 3, LATER, T),
    ),
    (
        "INSERT INTO watchlist_blocks (guild_id, user_id, blocked_by, blocked_at) VALUES (?, ?, ?, ?)",
        (100, 401, 400, T),
    ),
    (
        "INSERT INTO watchlist_entries (id, guild_id, film_id, suggested_by, suggested_at, wants) VALUES (?, ?, ?, ?, ?, ?)",
        (1, 100, 1, 400, T, 1),
    ),
    ("INSERT INTO watchlist_wants (entry_id, user_id, wanted_at) VALUES (?, ?, ?)", (1, 400, T)),
    (
        "INSERT INTO letterboxd_feeds (id, username, etag, created_at) VALUES (?, ?, ?, ?)",
        (1, "cinéphile", '"abc"', T),
    ),
    (
        "INSERT INTO letterboxd_follows (guild_id, user_id, feed_id, created_at, primed_at) VALUES (?, ?, ?, ?, ?)",
        (100, 400, 1, T, T),
    ),
    (
        "INSERT INTO letterboxd_entries (feed_id, guid, film_title, film_year, rating_halves, watched_on, "
        "published_at, review, first_seen_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (1, "letterboxd-review-1", "Amélie", 2001, 9, "2026-03-26", T, "line one\nline two", T),
    ),
    (
        "INSERT INTO letterboxd_posts (guild_id, user_id, feed_id, guid, state, created_at, updated_at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?)",
        (100, 400, 1, "letterboxd-review-1", "posted", T, T),
    ),
    (
        "INSERT INTO enrichments (film_id, provider, fetched_at, succeeded_at, status, problems, ids, source_keys) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (1, "wikidata", T, T, "ok", "[]", '{"wikidata": "Q123"}', '["wikidata"]'),
    ),
    (
        "INSERT INTO film_tmdb (film_id, tmdb_id, poster_url, premise, fetched_at) VALUES (?, ?, ?, ?, ?)",
        (1, 1_234_567, "https://image.tmdb.org/t/p/w342/poster.jpg", "A runner — ünïcode premise.", T),
    ),
    (
        "INSERT INTO film_watch_options (film_id, country, kind, service, link, position) VALUES (?, ?, ?, ?, ?, ?)",
        (1, "JP", "flatrate", "Netflix", None, 0),
    ),
]


async def filled(path: Path) -> Path:
    """Create the database at ``path`` with rows in every table filmbot keeps."""
    store = await Store.open(path)
    try:
        report = await load_cards(store, FILMS_DIR)
        assert report.ok, report.lines()
        async with store.db.transaction() as tx:
            for sql, params in ROWS:
                await tx.execute(sql, params)
            await reindex(tx, [1])  # film 1's new aliases, found by the title search as a film write does
    finally:
        await store.close()
    return path
