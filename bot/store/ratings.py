"""SQL for member ratings: one row per (server, film, member), upserted; group-committed writes.

Durability: every write is committed (``synchronous = FULL``: the WAL is fsynced) before ``upsert`` or
``remove`` returns, so a confirmation sent after them never announces a rating a crash could lose.
Throughput: when many members rate at once, their upserts queue and the next commit takes all of them in
one transaction. One fsync then covers many ratings, and still every caller returns only after the commit
that holds its rating. If any write in a batch fails, the batch is rolled back and its writes are retried
one transaction each, so a failure reaches only its own caller.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Collection, Iterable, Iterator, Sequence
from datetime import datetime
from typing import Any

import aiosqlite

from bot.films.models import Score, Source
from bot.scores.models import DatedRating, FilmRatings, MergedRating, Rating, RatingChange
from bot.store._database import Session, Transaction
from bot.store._group_commit import GroupCommit
from bot.store.films import score_from_row, source_from_row

RatingOp = Callable[[Transaction], Awaitable[Any]]


_COLUMNS = "guild_id, film_id, user_id, halves, review, spoiler, created_at, updated_at"


def _rating(row: aiosqlite.Row) -> Rating:
    return Rating(
        guild_id=row["guild_id"],
        film_id=row["film_id"],
        user_id=row["user_id"],
        score=row["halves"] / 2,
        review=row["review"],
        spoiler=bool(row["spoiler"]),
        created_at=datetime.fromisoformat(row["created_at"]),
        updated_at=datetime.fromisoformat(row["updated_at"]),
    )


def _halves(score: float) -> int:
    halves = score * 2
    if halves != int(halves) or not 1 <= halves <= 20:
        raise ValueError(f"a rating is 0.5–10 in steps of 0.5, not {score}")
    return int(halves)


def _chunks(ids: Iterable[int], size: int = 500) -> Iterator[tuple[int, ...]]:
    """Distinct ids, sorted, in groups small enough to bind in one statement (SQLite limits parameters)."""
    ordered = sorted(set(ids))
    for start in range(0, len(ordered), size):
        yield tuple(ordered[start : start + size])


def _marks(values: tuple[int, ...]) -> str:
    return ",".join("?" * len(values))


async def apply_ops(tx: Transaction, ops: list[RatingOp]) -> list[Any]:
    """The group-commit engine's batch: each queued rating write in turn, in one transaction."""
    return [await op(tx) for op in ops]


# An imported or fetched score gives way to the film's own (a card's) score of the same name, as on the card
# (``bot.films.models.merge_imported``): the card wins field by field.
_GIVES_WAY = (
    "(f.imported = 1 AND EXISTS (SELECT 1 FROM score_sources o JOIN film_sources fo ON fo.id = o.source_id "
    "WHERE o.film_id = s.film_id AND fo.imported = 0 AND lower(o.name) = lower(s.name)))"
)


class RatingStore:
    def __init__(self, db: Session, writes: GroupCommit[RatingOp, Any] | None) -> None:
        self._db = db
        # The group-commit engine (None inside a unit of work: writes then join its transaction).
        self._writes = writes

    async def _run(self, op: RatingOp, *, alone: bool = False) -> Any:
        """Commit ``op``: in the open unit of work, group-committed, or (``alone``) in its own transaction."""
        if self._writes is None:
            async with self._db.write() as tx:
                return await op(tx)
        if alone:
            return await self._writes.now(op)
        return await self._writes.submit(op)

    # -- writes ------------------------------------------------------------------------------------

    async def upsert(
        self,
        guild_id: int,
        film_id: int,
        user_id: int,
        score: float,
        *,
        now: datetime,
        review: str | None = None,
        spoiler: bool | None = None,
    ) -> RatingChange:
        """Rate or re-rate; ``None`` for ``review``/``spoiler`` keeps what the member wrote before.

        Returns once the rating is committed to disk (group-committed with concurrent ratings).
        """
        op = self._upsert_op(guild_id, film_id, user_id, _halves(score), now, review, spoiler)
        change: RatingChange = await self._run(op)
        return change

    async def upsert_single(
        self, guild_id: int, film_id: int, user_id: int, score: float, *, now: datetime
    ) -> RatingChange:
        """The benchmark's baseline only (``benchmarks/scores.py``): the same write committed in a transaction
        of its own (``GroupCommit.now``: one commit, one fsync per rating), never batched with others."""
        op = self._upsert_op(guild_id, film_id, user_id, _halves(score), now, None, None)
        change: RatingChange = await self._run(op, alone=True)
        return change

    def _upsert_op(
        self,
        guild_id: int,
        film_id: int,
        user_id: int,
        halves: int,
        now: datetime,
        review: str | None,
        spoiler: bool | None,
    ) -> Callable[[Transaction], Awaitable[RatingChange]]:
        stamp = now.isoformat()
        key = (guild_id, film_id, user_id)

        async def op(conn: Transaction) -> RatingChange:
            async with conn.execute(
                f"SELECT {_COLUMNS} FROM ratings WHERE guild_id = ? AND film_id = ? AND user_id = ?", key
            ) as cur:
                before = await cur.fetchone()
            async with conn.execute(
                f"INSERT INTO ratings ({_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?) "
                "ON CONFLICT (guild_id, film_id, user_id) DO UPDATE SET "
                "halves = excluded.halves, "
                "review = CASE WHEN ? THEN ratings.review ELSE excluded.review END, "
                "spoiler = CASE WHEN ? THEN ratings.spoiler ELSE excluded.spoiler END, "
                "updated_at = excluded.updated_at "
                f"RETURNING {_COLUMNS}",
                (
                    *key,
                    halves,
                    review,
                    int(bool(spoiler)),
                    stamp,
                    stamp,
                    review is None,
                    spoiler is None,
                ),
            ) as cur:
                after = await cur.fetchone()
            assert after is not None
            return RatingChange(_rating(after), _rating(before) if before is not None else None)

        return op

    async def merge_dated(
        self,
        guild_id: int,
        user_id: int,
        ratings: Sequence[DatedRating],
        wins: Callable[[Rating | None, DatedRating], bool],
    ) -> list[MergedRating]:
        """Write each dated rating that ``wins`` over the member's current one, all in one transaction.

        The current ratings are read in the same transaction as the writes, so a rating the member makes
        meanwhile is either seen by ``wins`` or made after the whole merge. A written rating's
        ``updated_at`` is its ``rated_at`` (and ``created_at`` too when it is new); reviews are kept.
        """

        async def op(conn: Transaction) -> list[MergedRating]:
            current: dict[int, Rating] = {}
            ids = sorted({r.film_id for r in ratings})
            for start in range(0, len(ids), 400):
                chunk = ids[start : start + 400]
                async with conn.execute(
                    f"SELECT {_COLUMNS} FROM ratings WHERE guild_id = ? AND user_id = ? "
                    f"AND film_id IN ({','.join('?' for _ in chunk)})",
                    (guild_id, user_id, *chunk),
                ) as cur:
                    current.update((row["film_id"], _rating(row)) for row in await cur.fetchall())
            merged = [
                MergedRating(r, current.get(r.film_id), wins(current.get(r.film_id), r)) for r in ratings
            ]
            await conn.executemany(
                f"INSERT INTO ratings ({_COLUMNS}) VALUES (?, ?, ?, ?, NULL, 0, ?, ?) "
                "ON CONFLICT (guild_id, film_id, user_id) DO UPDATE SET "
                "halves = excluded.halves, updated_at = excluded.updated_at",
                [
                    (guild_id, m.wanted.film_id, user_id, _halves(m.wanted.score), stamp, stamp)
                    for m in merged
                    if m.written
                    for stamp in [m.wanted.rated_at.isoformat()]
                ],
            )
            return merged

        result: list[MergedRating] = await self._run(op)
        return result

    async def remove(self, guild_id: int, film_id: int, user_id: int) -> Rating | None:
        """Delete a member's rating (committed before returning); the removed rating, or ``None``."""

        async def op(conn: Transaction) -> Rating | None:
            async with conn.execute(
                f"DELETE FROM ratings WHERE guild_id = ? AND film_id = ? AND user_id = ? RETURNING {_COLUMNS}",
                (guild_id, film_id, user_id),
            ) as cur:
                row = await cur.fetchone()
            return _rating(row) if row is not None else None

        removed: Rating | None = await self._run(op)
        return removed

    # -- reads -------------------------------------------------------------------------------------

    async def scores(self, guild_id: int, film_id: int) -> list[float]:
        rows = await self._db.fetchall(
            "SELECT halves FROM ratings WHERE guild_id = ? AND film_id = ?", (guild_id, film_id)
        )
        return [row["halves"] / 2 for row in rows]

    async def count(self, guild_id: int, film_id: int) -> int:
        row = await self._db.fetchone(
            "SELECT count(*) FROM ratings WHERE guild_id = ? AND film_id = ?", (guild_id, film_id)
        )
        return int(row[0]) if row else 0

    async def page(self, guild_id: int, film_id: int, *, offset: int, limit: int) -> list[Rating]:
        """A film's ratings in one server, reviews first, newest first (stable order for paging)."""
        rows = await self._db.fetchall(
            f"SELECT {_COLUMNS} FROM ratings WHERE guild_id = ? AND film_id = ? "
            "ORDER BY review IS NULL, updated_at DESC, user_id LIMIT ? OFFSET ?",
            (guild_id, film_id, limit, offset),
        )
        return [_rating(row) for row in rows]

    async def by_film(
        self, guild_id: int, *, min_count: int = 1, film_ids: Collection[int] | None = None
    ) -> list[FilmRatings]:
        """Every film rated at least ``min_count`` times in a server (of ``film_ids`` only, if given), with
        its ratings."""
        if film_ids is None:
            return await self._by_film(guild_id, min_count, "", ())
        out: list[FilmRatings] = []
        for chunk in _chunks(film_ids):
            out += await self._by_film(guild_id, min_count, f" AND film_id IN ({_marks(chunk)})", chunk)
        return out

    async def _by_film(
        self, guild_id: int, min_count: int, only: str, film_ids: tuple[int, ...]
    ) -> list[FilmRatings]:
        rows = await self._db.fetchall(
            "SELECT film_id, group_concat(halves) AS halves, count(*) AS n FROM ratings "
            f"WHERE guild_id = ?{only} GROUP BY film_id HAVING count(*) >= ?",
            (guild_id, *film_ids, min_count),
        )
        out = []
        for row in rows:
            values = tuple(int(h) / 2 for h in str(row["halves"]).split(","))
            out.append(FilmRatings(film_id=row["film_id"], count=row["n"], total=sum(values), ratings=values))
        return out

    async def outside_scores(self, film_ids: Iterable[int]) -> dict[int, list[Score]]:
        """The catalog's outside scores for many films at once (for ranking), keyed by film id."""
        found: dict[int, list[Score]] = {}
        for chunk in _chunks(film_ids):
            found.update({i: [] for i in chunk})
            rows = await self._db.fetchall(
                "SELECT s.film_id, s.name, s.kind, s.value, s.scale, s.votes, s.as_of, s.note, s.dated, s.site_named, f.key "
                "FROM score_sources s JOIN film_sources f ON f.id = s.source_id "
                f"WHERE s.film_id IN ({_marks(chunk)}) AND NOT {_GIVES_WAY} ORDER BY s.film_id, s.position, s.id",
                chunk,
            )
            for row in rows:
                found[row["film_id"]].append(score_from_row(row, row["key"]))
        return found

    async def film_sources(self, film_id: int) -> list[Source]:
        """A film's documents in card order (the card numbers them from 1 in this order)."""
        rows = await self._db.fetchall(
            "SELECT key, title, publisher, kind, url, file, as_of, dated, licence FROM film_sources "
            "WHERE film_id = ? ORDER BY id",
            (film_id,),
        )
        return [source_from_row(r) for r in rows]
