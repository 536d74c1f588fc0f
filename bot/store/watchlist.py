"""SQL for the server watchlist: suggested films, who wants to see each, and films watched off the list.

A server has at most one open entry per film (a partial unique index); a film the server watched keeps
its entry with ``watched_at`` set, so it leaves the list and a later suggestion starts a new entry.
``wants`` counts the entry's rows in ``watchlist_wants`` and changes in the same transaction as they do,
so the most-wanted order is a walk along an index, never a count over every want.

A suggestion and a "want to see" toggle are one write each (``want``): whether the film is already on the
list, the member's cap and the member's block are all decided inside the transaction that writes, so two
members adding one film at the same instant make one entry with both wants. Those writes go through the
store's group-commit engine: each caller returns after the COMMIT that holds its write.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

import aiosqlite

from bot.films.models import FilmSummary
from bot.store._database import Session, Transaction
from bot.store._group_commit import GroupCommit, Write, commit_write
from bot.store.timers import decode_time, encode_time
from bot.watchlist.models import Entry, Sort, WantResult, WantStatus

_ENTRY = (
    "e.id, e.guild_id, e.film_id, e.suggested_by, e.suggested_at, e.wants, e.watched_at, "
    "f.slug, f.title, f.year, f.original_title"
)
_FROM = "watchlist_entries e JOIN films f ON f.id = e.film_id"
# The partial indexes' condition, spelled as in the migration so SQLite uses them.
_OPEN = "e.watched_at IS NULL"
_MEMBER = (
    "(e.suggested_by = :member OR EXISTS "
    "(SELECT 1 FROM watchlist_wants w WHERE w.entry_id = e.id AND w.user_id = :member))"
)
_ORDER: dict[Sort, str] = {
    "wanted": "e.wants DESC, e.suggested_at, e.id",
    "newest": "e.suggested_at DESC, e.id DESC",
    "oldest": "e.suggested_at, e.id",
    "score": "e.wants DESC, e.suggested_at, e.id",  # the service orders by score; this is its tie-break
}
_CHUNK = 500  # bound variables per statement, well inside SQLite's limit


def _entry(row: aiosqlite.Row) -> Entry:
    return Entry(
        id=row["id"],
        guild_id=row["guild_id"],
        film=FilmSummary(row["film_id"], row["slug"], row["title"], row["year"], row["original_title"]),
        suggested_by=row["suggested_by"],
        suggested_at=decode_time(row["suggested_at"]),
        wants=row["wants"],
        watched_at=decode_time(row["watched_at"]) if row["watched_at"] else None,
    )


def _where(guild_id: int, member_id: int | None) -> tuple[str, dict[str, Any]]:
    where = f"e.guild_id = :guild AND {_OPEN}"
    if member_id is not None:
        where += f" AND {_MEMBER}"
    return where, {"guild": guild_id, "member": member_id}


async def _open_entry(session: Session, guild_id: int, film_id: int) -> Entry | None:
    row = await session.fetchone(
        f"SELECT {_ENTRY} FROM {_FROM} WHERE e.guild_id = ? AND e.film_id = ? AND {_OPEN}",
        (guild_id, film_id),
    )
    return _entry(row) if row is not None else None


async def _add_want(tx: Transaction, entry_id: int, user_id: int, stamp: str, step: int) -> bool:
    """Add (``step`` 1) or take back (``step`` -1) a member's want; whether anything changed."""
    if step > 0:
        sql = (
            "INSERT INTO watchlist_wants (entry_id, user_id, wanted_at) VALUES (?, ?, ?) "
            "ON CONFLICT (entry_id, user_id) DO NOTHING RETURNING entry_id"
        )
        params: tuple[Any, ...] = (entry_id, user_id, stamp)
    else:
        sql = "DELETE FROM watchlist_wants WHERE entry_id = ? AND user_id = ? RETURNING entry_id"
        params = (entry_id, user_id)
    if await tx.fetchone(sql, params) is None:
        return False
    await tx.execute("UPDATE watchlist_entries SET wants = wants + ? WHERE id = ?", (step, entry_id))
    return True


class WatchlistStore:
    def __init__(self, db: Session, writes: GroupCommit[Write, Any] | None) -> None:
        self._db = db
        # The group-commit engine (None inside a unit of work: writes then join its transaction).
        self._writes = writes

    # -- writes ------------------------------------------------------------------------------------

    async def want(
        self,
        guild_id: int,
        film_id: int,
        user_id: int,
        now: datetime,
        *,
        toggle: bool,
        may_suggest: bool,
        cap: int | None,
        alone: bool = False,
    ) -> WantResult:
        """Suggest a film or want to see it; ``toggle`` takes an existing want back instead of keeping it.

        When the film is not on the list the member suggests it, unless ``may_suggest`` is False (a
        moderator's block) or they already have ``cap`` suggestions on the list. Returns once committed
        (group-committed with concurrent writes; ``alone``: in a transaction of its own, the benchmark's
        baseline).
        """
        stamp = encode_time(now)

        async def write(tx: Transaction) -> WantResult:
            entry = await _open_entry(tx, guild_id, film_id)
            if entry is None:
                return await self._suggest(tx, guild_id, film_id, user_id, stamp, may_suggest, cap)
            status: WantStatus
            if await _add_want(tx, entry.id, user_id, stamp, 1):
                status = "wanted"
            elif toggle:
                await _add_want(tx, entry.id, user_id, stamp, -1)
                status = "unwanted"
            else:
                status = "already"
            fresh = await _open_entry(tx, guild_id, film_id)
            return WantResult(status, fresh)

        result: WantResult = await commit_write(self._db, self._writes, write, alone=alone)
        return result

    @staticmethod
    async def _suggest(
        tx: Transaction, guild_id: int, film_id: int, user_id: int, stamp: str, may: bool, cap: int | None
    ) -> WantResult:
        if not may:
            return WantResult("blocked", None)
        if cap is not None:
            row = await tx.fetchone(
                "SELECT count(*) FROM watchlist_entries e "
                f"WHERE e.guild_id = ? AND e.suggested_by = ? AND {_OPEN}",
                (guild_id, user_id),
            )
            mine = int(row[0]) if row else 0
            if mine >= cap:
                return WantResult("capped", None, mine)
        row = await tx.fetchone(
            "INSERT INTO watchlist_entries (guild_id, film_id, suggested_by, suggested_at, wants) "
            "VALUES (?, ?, ?, ?, 0) RETURNING id",
            (guild_id, film_id, user_id, stamp),
        )
        assert row is not None
        await _add_want(tx, row["id"], user_id, stamp, 1)
        return WantResult("added", await _open_entry(tx, guild_id, film_id))

    async def remove(self, entry_id: int) -> bool:
        """Take an entry off the list (its wants go with it); False if it was already gone or watched."""
        async with self._db.write() as tx:
            row = await tx.fetchone(
                "DELETE FROM watchlist_entries WHERE id = ? AND watched_at IS NULL RETURNING id", (entry_id,)
            )
        return row is not None

    async def mark_watched(self, guild_id: int, film_id: int, now: datetime) -> Entry | None:
        """The server watched the film: its open entry leaves the list (kept, with ``watched_at``).

        The entry as it was (wants included), or None when the film was not on the list. Idempotent.
        """

        async def write(tx: Transaction) -> Entry | None:
            entry = await _open_entry(tx, guild_id, film_id)
            if entry is not None:
                await tx.execute(
                    "UPDATE watchlist_entries SET watched_at = ? WHERE id = ?", (encode_time(now), entry.id)
                )
            return entry

        watched: Entry | None = await commit_write(self._db, self._writes, write)
        return watched

    # -- reads -------------------------------------------------------------------------------------

    async def open_entry(self, guild_id: int, film_id: int) -> Entry | None:
        return await _open_entry(self._db, guild_id, film_id)

    async def wants(self, entry_id: int, user_id: int) -> bool:
        row = await self._db.fetchone(
            "SELECT 1 FROM watchlist_wants WHERE entry_id = ? AND user_id = ?", (entry_id, user_id)
        )
        return row is not None

    async def count(self, guild_id: int, member_id: int | None = None) -> int:
        where, params = _where(guild_id, member_id)
        row = await self._db.fetchone(f"SELECT count(*) FROM watchlist_entries e WHERE {where}", params)
        return int(row[0]) if row else 0

    async def page(
        self, guild_id: int, *, sort: Sort, member_id: int | None, offset: int, limit: int
    ) -> list[Entry]:
        """One page of the list in ``sort`` order (for "score", the store's tie-break order)."""
        where, params = _where(guild_id, member_id)
        rows = await self._db.fetchall(
            f"SELECT {_ENTRY} FROM {_FROM} WHERE {where} ORDER BY {_ORDER[sort]} LIMIT :limit OFFSET :offset",
            {**params, "limit": limit, "offset": offset},
        )
        return [_entry(row) for row in rows]

    async def film_ids(self, guild_id: int, member_id: int | None = None) -> list[int]:
        """Every film on the list (most wanted first): for ranking by score and random draws."""
        where, params = _where(guild_id, member_id)
        rows = await self._db.fetchall(
            f"SELECT e.film_id FROM watchlist_entries e WHERE {where} ORDER BY {_ORDER['wanted']}", params
        )
        return [row["film_id"] for row in rows]

    async def entries(self, guild_id: int, film_ids: Iterable[int]) -> list[Entry]:
        """The open entries of these films, in the order the ids are given."""
        ids = list(film_ids)
        found: dict[int, Entry] = {}
        for start in range(0, len(ids), _CHUNK):
            chunk = ids[start : start + _CHUNK]
            rows = await self._db.fetchall(
                f"SELECT {_ENTRY} FROM {_FROM} WHERE e.guild_id = ? AND {_OPEN} "
                f"AND e.film_id IN ({','.join('?' * len(chunk))})",
                (guild_id, *chunk),
            )
            found.update((row["film_id"], _entry(row)) for row in rows)
        return [found[i] for i in ids if i in found]

    async def search(self, guild_id: int, text: str, limit: int) -> list[Entry]:
        """Films on the list whose title or original title contains ``text`` (case-insensitive)."""
        pattern = "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        rows = await self._db.fetchall(
            f"SELECT {_ENTRY} FROM {_FROM} WHERE e.guild_id = ? AND {_OPEN} "
            "AND (f.title LIKE ? ESCAPE '\\' OR f.original_title LIKE ? ESCAPE '\\') "
            f"ORDER BY {_ORDER['wanted']} LIMIT ?",
            (guild_id, pattern, pattern, limit),
        )
        return [_entry(row) for row in rows]

    async def last_watched(self, guild_id: int, film_id: int) -> datetime | None:
        """When the server last watched this film off its list, if ever."""
        row = await self._db.fetchone(
            "SELECT max(watched_at) FROM watchlist_entries WHERE guild_id = ? AND film_id = ? "
            "AND watched_at IS NOT NULL",
            (guild_id, film_id),
        )
        return decode_time(row[0]) if row and row[0] else None
