"""SQL for the watched history, the rating menus that follow a party, and the server's stats.

Days (``watched_on``) are ISO dates in the server's zone, so text order is day order; instants are the
fixed-width UTC text of ``bot.store.timers.encode_time``. Ratings are read here only to count them for
``/stats`` (the ratings themselves are written by ``bot/store/ratings.py``).
"""

from __future__ import annotations

from datetime import UTC, date, datetime

from bot.clock import Clock
from bot.history.models import Count, NewWatched, PartyLink, Period, RatingPrompt, Watched
from bot.store._session import Row, Session, nocase
from bot.store.timers import decode_time, encode_time

_WATCHED = (
    "w.id, w.guild_id, w.film_id, w.watched_on, w.watched_at, w.party_id, w.recorded_by, "
    "p.channel_id AS party_channel, p.message_id AS party_message, p.event_id AS party_event"
)
_FROM_WATCHED = "FROM watched w LEFT JOIN watch_parties p ON p.id = w.party_id"
_NEWEST_FIRST = "ORDER BY w.watched_on DESC, w.watched_at DESC, w.id DESC"
_PROMPT = "id, guild_id, channel_id, film_id, party_id, closes_at, state, message_id, last_error"
# The films of a server's viewings in a span of days (bound: guild, first day, day after the last).
_WATCHED_FILMS = "SELECT film_id FROM watched WHERE guild_id = ? AND watched_on >= ? AND watched_on < ?"


def _watched(row: Row) -> Watched:
    party = (
        PartyLink(row["party_id"], row["party_channel"], row["party_message"], row["party_event"])
        if row["party_id"] is not None and row["party_channel"] is not None
        else None
    )
    return Watched(
        id=row["id"],
        guild_id=row["guild_id"],
        film_id=row["film_id"],
        watched_on=date.fromisoformat(row["watched_on"]),
        watched_at=decode_time(row["watched_at"]),
        party=party,
        recorded_by=row["recorded_by"],
    )


def _prompt(row: Row) -> RatingPrompt:
    return RatingPrompt(
        id=row["id"],
        guild_id=row["guild_id"],
        channel_id=row["channel_id"],
        film_id=row["film_id"],
        party_id=row["party_id"],
        closes_at=decode_time(row["closes_at"]),
        state=row["state"],
        message_id=row["message_id"],
        last_error=row["last_error"],
    )


def _days(period: Period | None) -> tuple[str, str]:
    """A span of days as bounds for ``watched_on`` (every day when ``period`` is None)."""
    if period is None:
        return "0000-00-00", "9999-99-99"
    return period.first.isoformat(), period.after.isoformat()


def _instants(period: Period | None) -> tuple[str, str]:
    """A span as bounds for the ratings' ISO timestamps (written with ``datetime.isoformat`` in UTC)."""
    if period is None:
        return "0000", "9999"
    return period.start.astimezone(UTC).isoformat(), period.end.astimezone(UTC).isoformat()


class HistoryStore:
    def __init__(self, db: Session, clock: Clock) -> None:
        self._db = db
        self._clock = clock

    def _now(self) -> str:
        return encode_time(self._clock.now())

    # -- viewings ------------------------------------------------------------------------------------

    async def insert(self, new: NewWatched) -> int | None:
        """Record a viewing; its id, or None when the party's viewing is already recorded (a retry)."""
        async with self._db.write() as tx:
            row = await tx.fetchone(
                "INSERT INTO watched (guild_id, film_id, watched_on, watched_at, party_id, recorded_by, "
                "created_at) VALUES (?, ?, ?, ?, ?, ?, ?) "
                "ON CONFLICT (party_id) WHERE party_id IS NOT NULL DO NOTHING RETURNING id",
                (
                    new.guild_id,
                    new.film_id,
                    new.watched_on.isoformat(),
                    encode_time(new.watched_at),
                    new.party_id,
                    new.recorded_by,
                    self._now(),
                ),
            )
        return None if row is None else int(row[0])

    async def get(self, entry_id: int) -> Watched | None:
        row = await self._db.fetchone(f"SELECT {_WATCHED} {_FROM_WATCHED} WHERE w.id = ?", (entry_id,))
        return None if row is None else _watched(row)

    async def of_film(self, guild_id: int, film_id: int) -> list[Watched]:
        """A film's viewings in a server, newest first."""
        rows = await self._db.fetchall(
            f"SELECT {_WATCHED} {_FROM_WATCHED} WHERE w.guild_id = ? AND w.film_id = ? {_NEWEST_FIRST}",
            (guild_id, film_id),
        )
        return [_watched(row) for row in rows]

    async def delete(self, entry_id: int) -> bool:
        async with self._db.write() as tx:
            cur = await tx.execute("DELETE FROM watched WHERE id = ?", (entry_id,))
        return cur.rowcount > 0

    async def count(self, guild_id: int, period: Period | None) -> int:
        row = await self._db.fetchone(
            "SELECT count(*) FROM watched WHERE guild_id = ? AND watched_on >= ? AND watched_on < ?",
            (guild_id, *_days(period)),
        )
        return int(row[0]) if row else 0

    async def page(self, guild_id: int, period: Period | None, *, offset: int, limit: int) -> list[Watched]:
        """A server's viewings in ``period``, newest first (a stable order for paging)."""
        rows = await self._db.fetchall(
            f"SELECT {_WATCHED} {_FROM_WATCHED} "
            f"WHERE w.guild_id = ? AND w.watched_on >= ? AND w.watched_on < ? {_NEWEST_FIRST} "
            "LIMIT ? OFFSET ?",
            (guild_id, *_days(period), limit, offset),
        )
        return [_watched(row) for row in rows]

    async def years(self, guild_id: int) -> list[int]:
        """The years a server has viewings in, newest first."""
        rows = await self._db.fetchall(
            "SELECT DISTINCT substr(watched_on, 1, 4) AS year FROM watched WHERE guild_id = ? "
            "ORDER BY year DESC",
            (guild_id,),
        )
        return [int(row["year"]) for row in rows]

    # -- rating menus --------------------------------------------------------------------------------

    async def add_prompt(
        self, guild_id: int, channel_id: int, film_id: int, party_id: int | None, closes_at: datetime
    ) -> int | None:
        """A new rating menu's id, or None when the party already has one (a retried end)."""
        async with self._db.write() as tx:
            row = await tx.fetchone(
                "INSERT INTO rating_prompts (guild_id, channel_id, film_id, party_id, closes_at, created_at) "
                "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (party_id) DO NOTHING RETURNING id",
                (guild_id, channel_id, film_id, party_id, encode_time(closes_at), self._now()),
            )
        return None if row is None else int(row[0])

    async def prompt(self, prompt_id: int) -> RatingPrompt | None:
        row = await self._db.fetchone(f"SELECT {_PROMPT} FROM rating_prompts WHERE id = ?", (prompt_id,))
        return None if row is None else _prompt(row)

    async def prompt_of_party(self, party_id: int) -> RatingPrompt | None:
        row = await self._db.fetchone(f"SELECT {_PROMPT} FROM rating_prompts WHERE party_id = ?", (party_id,))
        return None if row is None else _prompt(row)

    async def set_prompt_message(self, prompt_id: int, message_id: int) -> None:
        async with self._db.write() as tx:
            await tx.execute("UPDATE rating_prompts SET message_id = ? WHERE id = ?", (message_id, prompt_id))

    async def prompt_error(self, prompt_id: int, error: str) -> None:
        async with self._db.write() as tx:
            await tx.execute(
                "UPDATE rating_prompts SET last_error = ? WHERE id = ?", (error[:500], prompt_id)
            )

    async def close_prompt(self, prompt_id: int) -> bool:
        """Close a rating menu; True if this call closed it."""
        async with self._db.write() as tx:
            cur = await tx.execute(
                "UPDATE rating_prompts SET state = 'closed' WHERE id = ? AND state = 'open'", (prompt_id,)
            )
        return cur.rowcount > 0

    # -- stats ---------------------------------------------------------------------------------------

    async def viewings(self, guild_id: int, period: Period | None) -> tuple[int, int, int]:
        """How many viewings, of how many different films, how many of them at a party."""
        row = await self._db.fetchone(
            "SELECT count(*), count(DISTINCT film_id), count(party_id) FROM watched "
            "WHERE guild_id = ? AND watched_on >= ? AND watched_on < ?",
            (guild_id, *_days(period)),
        )
        return (int(row[0]), int(row[1]), int(row[2])) if row else (0, 0, 0)

    async def per_month(self, guild_id: int, period: Period) -> dict[str, int]:
        """Viewings per month ("2026-03") in ``period``; months without any are left out."""
        rows = await self._db.fetchall(
            "SELECT substr(watched_on, 1, 7) AS month, count(*) AS n FROM watched "
            "WHERE guild_id = ? AND watched_on >= ? AND watched_on < ? GROUP BY month",
            (guild_id, *_days(period)),
        )
        return {row["month"]: int(row["n"]) for row in rows}

    async def film_ids(self, guild_id: int, period: Period | None) -> list[int]:
        """The films watched in ``period``, each once."""
        rows = await self._db.fetchall(
            f"SELECT DISTINCT film_id FROM ({_WATCHED_FILMS}) AS watched ORDER BY film_id",
            (guild_id, *_days(period)),
        )
        return [int(row["film_id"]) for row in rows]

    async def genres(self, guild_id: int, period: Period | None, limit: int) -> list[Count]:
        """The genres of the films watched, by how many films have each, most first.

        A film's genres are its card's; an import's only count for a film whose card names none (the
        card wins, as it does on the card itself: ``bot.films.models.merge_imported``).
        """
        rows = await self._db.fetchall(
            "SELECT min(g.value) AS genre, count(DISTINCT g.film_id) AS n "
            "FROM facts g JOIN film_sources s ON s.id = g.source_id "
            f"WHERE g.key = 'genre' AND g.film_id IN ({_WATCHED_FILMS}) AND (s.imported = 0 OR NOT EXISTS ("
            "SELECT 1 FROM facts c JOIN film_sources cs ON cs.id = c.source_id "
            "WHERE c.film_id = g.film_id AND c.key = 'genre' AND cs.imported = 0)) "
            f"GROUP BY {nocase(self._db, 'g.value')} ORDER BY n DESC, {nocase(self._db, 'min(g.value)')} LIMIT ?",
            (guild_id, *_days(period), limit),
        )
        return [Count(row["genre"], int(row["n"])) for row in rows]

    async def rating_steps(self, guild_id: int, period: Period | None) -> dict[int, int]:
        """How many ratings (given or last changed in ``period``) there are of each step, in halves."""
        rows = await self._db.fetchall(
            "SELECT halves, count(*) AS n FROM ratings "
            "WHERE guild_id = ? AND updated_at >= ? AND updated_at < ? GROUP BY halves",
            (guild_id, *_instants(period)),
        )
        return {int(row["halves"]): int(row["n"]) for row in rows}

    async def suggesters(self, guild_id: int, period: Period | None, limit: int) -> list[Count]:
        """The ``limit`` members who suggested most films to the watchlist in ``period`` (most first)."""
        start, end = (
            ("0000", "9999") if period is None else (encode_time(period.start), encode_time(period.end))
        )
        rows = await self._db.fetchall(
            "SELECT suggested_by, count(*) AS n FROM watchlist_entries "
            "WHERE guild_id = ? AND suggested_at >= ? AND suggested_at < ? "
            "GROUP BY suggested_by ORDER BY n DESC, suggested_by LIMIT ?",
            (guild_id, start, end, limit),
        )
        return [Count(str(r["suggested_by"]), int(r["n"])) for r in rows]

    async def raters(self, guild_id: int, period: Period | None, limit: int) -> tuple[int, list[Count]]:
        """How many members rated in ``period``, and the ``limit`` who rated most (most first)."""
        bounds = (guild_id, *_instants(period))
        where = "WHERE guild_id = ? AND updated_at >= ? AND updated_at < ?"
        row = await self._db.fetchone(f"SELECT count(DISTINCT user_id) FROM ratings {where}", bounds)
        rows = await self._db.fetchall(
            f"SELECT user_id, count(*) AS n FROM ratings {where} GROUP BY user_id "
            "ORDER BY n DESC, user_id LIMIT ?",
            (*bounds, limit),
        )
        return (int(row[0]) if row else 0), [Count(str(r["user_id"]), int(r["n"])) for r in rows]
