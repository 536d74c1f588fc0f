"""SQL for Letterboxd: the feeds read, the members following them, their diary entries, and each entry's
post per follow (recorded as ``pending`` before it is posted, so it is posted once across restarts)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime

from bot.clock import Clock
from bot.letterboxd.models import DiaryEntry, Feed, Follow, PendingPost, PostDecision
from bot.store._session import Row, Session
from bot.store.timers import decode_time, encode_time

_FEED = "id, username, etag, last_modified, checked_at, ok_at, failures, last_error, next_poll_at"
_FOLLOW = "w.guild_id, w.user_id, w.feed_id, f.username, w.created_at, w.primed_at"
_ENTRY = (
    "e.guid, e.film_title, e.film_year, e.rating_halves, e.rewatch, e.liked, e.watched_on, e.published_at, "
    "e.link, e.poster, e.tmdb_id, e.review, e.spoiler"
)
PostKey = tuple[int, int, int, str]  # guild, member, feed, guid


def _time(text: str | None) -> datetime | None:
    return decode_time(text) if text else None


def _feed(row: Row) -> Feed:
    return Feed(
        id=row["id"],
        username=row["username"],
        etag=row["etag"],
        last_modified=row["last_modified"],
        checked_at=_time(row["checked_at"]),
        ok_at=_time(row["ok_at"]),
        failures=row["failures"],
        last_error=row["last_error"],
        next_poll_at=_time(row["next_poll_at"]),
    )


def _follow(row: Row) -> Follow:
    return Follow(
        guild_id=row["guild_id"],
        user_id=row["user_id"],
        feed_id=row["feed_id"],
        username=row["username"],
        created_at=decode_time(row["created_at"]),
        primed_at=decode_time(row["primed_at"]),
    )


def _entry(row: Row) -> DiaryEntry:
    return DiaryEntry(
        guid=row["guid"],
        film_title=row["film_title"],
        film_year=row["film_year"],
        rating=row["rating_halves"] / 2 if row["rating_halves"] is not None else None,
        rewatch=bool(row["rewatch"]),
        liked=bool(row["liked"]),
        watched_on=date.fromisoformat(row["watched_on"]) if row["watched_on"] else None,
        published_at=decode_time(row["published_at"]),
        link=row["link"],
        poster=row["poster"],
        tmdb_id=row["tmdb_id"],
        review=row["review"],
        spoiler=bool(row["spoiler"]),
    )


def _entry_row(feed_id: int, entry: DiaryEntry, now: str) -> tuple[object, ...]:
    return (
        feed_id,
        entry.guid,
        entry.film_title,
        entry.film_year,
        int(entry.rating * 2) if entry.rating is not None else None,
        int(entry.rewatch),
        int(entry.liked),
        entry.watched_on.isoformat() if entry.watched_on else None,
        encode_time(entry.published_at),
        entry.link,
        entry.poster,
        entry.tmdb_id,
        entry.review,
        int(entry.spoiler),
        now,
    )


class LetterboxdStore:
    def __init__(self, db: Session, clock: Clock) -> None:
        self._db = db
        self._clock = clock

    def _now(self) -> str:
        return encode_time(self._clock.now())

    # -- feeds ---------------------------------------------------------------------------------------

    async def feed(self, feed_id: int) -> Feed | None:
        row = await self._db.fetchone(f"SELECT {_FEED} FROM letterboxd_feeds WHERE id = ?", (feed_id,))
        return _feed(row) if row else None

    async def feed_named(self, username: str) -> Feed | None:
        row = await self._db.fetchone(f"SELECT {_FEED} FROM letterboxd_feeds WHERE username = ?", (username,))
        return _feed(row) if row else None

    async def add_feed(self, username: str) -> int:
        """The feed's id, inserting it if it is new."""
        async with self._db.write() as tx:
            row = await tx.fetchone(
                "INSERT INTO letterboxd_feeds (username, created_at) VALUES (?, ?) "
                "ON CONFLICT (username) DO UPDATE SET username = excluded.username RETURNING id",
                (username, self._now()),
            )
        assert row is not None
        return int(row["id"])

    async def record_success(
        self,
        feed_id: int,
        now: datetime,
        next_poll: datetime,
        validators: tuple[str | None, str | None] | None,
    ) -> None:
        """A request answered with the feed (``validators``: the new ETag and Last-Modified) or 304 (None)."""
        keep = validators is None
        etag, modified = validators or (None, None)
        async with self._db.write() as tx:
            await tx.execute(
                "UPDATE letterboxd_feeds SET checked_at = ?, ok_at = ?, failures = 0, last_error = NULL, "
                "next_poll_at = ?, etag = CASE WHEN ? THEN etag ELSE ? END, "
                "last_modified = CASE WHEN ? THEN last_modified ELSE ? END WHERE id = ?",
                (
                    encode_time(now),
                    encode_time(now),
                    encode_time(next_poll),
                    keep,
                    etag,
                    keep,
                    modified,
                    feed_id,
                ),
            )

    async def record_failure(self, feed_id: int, now: datetime, error: str, next_poll: datetime) -> None:
        async with self._db.write() as tx:
            await tx.execute(
                "UPDATE letterboxd_feeds SET checked_at = ?, failures = failures + 1, last_error = ?, "
                "next_poll_at = ? WHERE id = ?",
                (encode_time(now), error[:300], encode_time(next_poll), feed_id),
            )

    async def feeds_without_timer(self, kind: str) -> list[int]:
        """Followed feeds with no poll timer pending or running (after a handler failed, say)."""
        rows = await self._db.fetchall(
            "SELECT f.id FROM letterboxd_feeds f "
            "WHERE EXISTS (SELECT 1 FROM letterboxd_follows w WHERE w.feed_id = f.id) "
            "AND NOT EXISTS (SELECT 1 FROM timers t WHERE t.kind = ? AND t.ref = CAST(f.id AS TEXT) "
            "AND t.state IN ('pending', 'running')) ORDER BY f.id",
            (kind,),
        )
        return [row["id"] for row in rows]

    # -- follows -------------------------------------------------------------------------------------

    async def follow_of(self, guild_id: int, user_id: int) -> Follow | None:
        row = await self._db.fetchone(
            f"SELECT {_FOLLOW} FROM letterboxd_follows w JOIN letterboxd_feeds f ON f.id = w.feed_id "
            "WHERE w.guild_id = ? AND w.user_id = ?",
            (guild_id, user_id),
        )
        return _follow(row) if row else None

    async def follows_of_feed(self, feed_id: int) -> list[Follow]:
        rows = await self._db.fetchall(
            f"SELECT {_FOLLOW} FROM letterboxd_follows w JOIN letterboxd_feeds f ON f.id = w.feed_id "
            "WHERE w.feed_id = ? ORDER BY w.guild_id, w.user_id",
            (feed_id,),
        )
        return [_follow(row) for row in rows]

    async def follows_in(self, guild_id: int) -> list[Follow]:
        rows = await self._db.fetchall(
            f"SELECT {_FOLLOW} FROM letterboxd_follows w JOIN letterboxd_feeds f ON f.id = w.feed_id "
            "WHERE w.guild_id = ? ORDER BY f.username",
            (guild_id,),
        )
        return [_follow(row) for row in rows]

    async def set_follow(self, guild_id: int, user_id: int, feed_id: int, now: datetime) -> None:
        """Follow ``feed_id`` (replacing the member's follow in this server), primed at ``now``."""
        stamp = encode_time(now)
        async with self._db.write() as tx:
            await tx.execute(
                "INSERT INTO letterboxd_follows (guild_id, user_id, feed_id, created_at, primed_at) "
                "VALUES (?, ?, ?, ?, ?) ON CONFLICT (guild_id, user_id) DO UPDATE SET "
                "feed_id = excluded.feed_id, created_at = excluded.created_at, primed_at = excluded.primed_at",
                (guild_id, user_id, feed_id, stamp, stamp),
            )

    async def remove_follow(self, guild_id: int, user_id: int) -> None:
        """Stop following; entries waiting to be posted for it are recorded as seen instead."""
        async with self._db.write() as tx:
            await tx.execute(
                "UPDATE letterboxd_posts SET state = 'seen', error = 'unfollowed', updated_at = ? "
                "WHERE guild_id = ? AND user_id = ? AND state = 'pending'",
                (self._now(), guild_id, user_id),
            )
            await tx.execute(
                "DELETE FROM letterboxd_follows WHERE guild_id = ? AND user_id = ?", (guild_id, user_id)
            )

    async def is_followed(self, feed_id: int) -> bool:
        row = await self._db.fetchone(
            "SELECT 1 FROM letterboxd_follows WHERE feed_id = ? LIMIT 1", (feed_id,)
        )
        return row is not None

    # -- entries -------------------------------------------------------------------------------------

    async def add_entries(self, feed_id: int, entries: Iterable[DiaryEntry]) -> None:
        """Keep the entries as read (an entry edited on Letterboxd is updated; first seen stays)."""
        rows = [_entry_row(feed_id, entry, self._now()) for entry in entries]
        async with self._db.write() as tx:
            await tx.executemany(
                "INSERT INTO letterboxd_entries (feed_id, guid, film_title, film_year, rating_halves, rewatch, "
                "liked, watched_on, published_at, link, poster, tmdb_id, review, spoiler, first_seen_at) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (feed_id, guid) DO UPDATE SET "
                "film_title = excluded.film_title, film_year = excluded.film_year, "
                "rating_halves = excluded.rating_halves, rewatch = excluded.rewatch, liked = excluded.liked, "
                "watched_on = excluded.watched_on, link = excluded.link, poster = excluded.poster, "
                "tmdb_id = excluded.tmdb_id, review = excluded.review, spoiler = excluded.spoiler",
                rows,
            )

    async def entries_since(self, feed_id: int, since: datetime) -> list[DiaryEntry]:
        """A feed's stored entries published since ``since``, newest first."""
        rows = await self._db.fetchall(
            f"SELECT {_ENTRY} FROM letterboxd_entries e WHERE e.feed_id = ? AND e.published_at >= ? "
            "ORDER BY e.published_at DESC, e.guid",
            (feed_id, encode_time(since)),
        )
        return [_entry(row) for row in rows]

    # -- posts ---------------------------------------------------------------------------------------

    async def recorded(self, follow: Follow, guids: Sequence[str]) -> set[str]:
        """Which of these entries already have a post record for this follow (any state)."""
        found: set[str] = set()
        for start in range(0, len(guids), 400):
            chunk = list(guids[start : start + 400])
            rows = await self._db.fetchall(
                "SELECT guid FROM letterboxd_posts WHERE guild_id = ? AND user_id = ? AND feed_id = ? "
                f"AND guid IN ({','.join('?' for _ in chunk)})",
                (follow.guild_id, follow.user_id, follow.feed_id, *chunk),
            )
            found.update(row["guid"] for row in rows)
        return found

    async def record_decision(self, follow: Follow, decision: PostDecision) -> None:
        """Record entries to post (``pending``: before they are posted) and entries seen, for a follow."""
        now = self._now()
        key = (follow.guild_id, follow.user_id, follow.feed_id)
        last = decision.post[-1] if decision.post else None
        rows = [(*key, g, "pending", decision.more if g == last else 0, now, now) for g in decision.post]
        rows += [(*key, g, "seen", 0, now, now) for g in decision.seen]
        async with self._db.write() as tx:
            await tx.executemany(
                "INSERT INTO letterboxd_posts (guild_id, user_id, feed_id, guid, state, more, created_at, "
                "updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) "
                "ON CONFLICT (guild_id, user_id, feed_id, guid) DO NOTHING",
                rows,
            )

    async def pending(self, feed_id: int) -> list[PendingPost]:
        """Entries recorded for posting and not posted yet, for the feed's current follows, oldest first."""
        rows = await self._db.fetchall(
            f"SELECT p.guild_id, p.user_id, p.feed_id, f.username, p.attempts, p.more, p.created_at, {_ENTRY} "
            "FROM letterboxd_posts p "
            "JOIN letterboxd_entries e ON e.feed_id = p.feed_id AND e.guid = p.guid "
            "JOIN letterboxd_follows w ON w.guild_id = p.guild_id AND w.user_id = p.user_id "
            "AND w.feed_id = p.feed_id "
            "JOIN letterboxd_feeds f ON f.id = p.feed_id "
            "WHERE p.feed_id = ? AND p.state = 'pending' ORDER BY e.published_at, e.guid, p.guild_id, p.user_id",
            (feed_id,),
        )
        return [
            PendingPost(
                guild_id=row["guild_id"],
                user_id=row["user_id"],
                feed_id=row["feed_id"],
                username=row["username"],
                entry=_entry(row),
                attempts=row["attempts"],
                more=row["more"],
                created_at=decode_time(row["created_at"]),
            )
            for row in rows
        ]

    async def begin_attempt(self, key: PostKey) -> int:
        """Count an attempt to post (committed before the attempt); the attempt's number, 1 for the first."""
        async with self._db.write() as tx:
            row = await tx.fetchone(
                "UPDATE letterboxd_posts SET attempts = attempts + 1, updated_at = ? "
                "WHERE guild_id = ? AND user_id = ? AND feed_id = ? AND guid = ? RETURNING attempts",
                (self._now(), *key),
            )
        return int(row["attempts"]) if row else 0

    async def finish_post(
        self,
        key: PostKey,
        state: str,
        *,
        channel_id: int | None = None,
        message_id: int | None = None,
        error: str | None = None,
    ) -> None:
        async with self._db.write() as tx:
            await tx.execute(
                "UPDATE letterboxd_posts SET state = ?, channel_id = ?, message_id = ?, error = ?, updated_at = ? "
                "WHERE guild_id = ? AND user_id = ? AND feed_id = ? AND guid = ?",
                (state, channel_id, message_id, error[:300] if error else None, self._now(), *key),
            )

    async def post_counts(self, follow: Follow) -> tuple[int, int, str | None]:
        """Posted and failed entries of a follow, and the newest failure's reason."""
        row = await self._db.fetchone(
            "SELECT sum(CASE WHEN state = 'posted' THEN 1 ELSE 0 END) AS posted, "
            "sum(CASE WHEN state = 'failed' THEN 1 ELSE 0 END) AS failed, "
            "(SELECT error FROM letterboxd_posts WHERE guild_id = ?1 AND user_id = ?2 AND feed_id = ?3 "
            " AND state = 'failed' ORDER BY updated_at DESC LIMIT 1) AS error "
            "FROM letterboxd_posts WHERE guild_id = ?1 AND user_id = ?2 AND feed_id = ?3",
            (follow.guild_id, follow.user_id, follow.feed_id),
        )
        if row is None:
            return 0, 0, None
        return int(row["posted"] or 0), int(row["failed"] or 0), row["error"]
