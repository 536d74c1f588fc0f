"""SQL for the server watchlist: suggested films, who wants to see each, and films watched off the list.

A server has at most one open entry per film (a partial unique index); a film the server watched keeps
its entry with ``watched_at`` set, so it leaves the list and a later suggestion starts a new entry.
``wants`` counts the entry's rows in ``watchlist_wants`` and changes in the same transaction as they do,
so the most-wanted order is a walk along an index, never a count over every want.

A suggestion and a "want to see" toggle are one operation each (``WantOp``): whether the film is already
on the list, the member's cap and the member's block are all decided inside the transaction that writes,
so two members adding one film at the same instant make one entry with both wants. Operations go through
the store's group-commit engine: every operation queued while the previous commit was in flight is
applied by ``apply`` in one transaction (a few statements for the whole batch, whatever its size), and
each caller returns after the COMMIT that holds its write.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from bot.films.models import FilmSummary
from bot.store._group_commit import GroupCommit
from bot.store._session import Row, Session, Transaction, in_pairs, like
from bot.store.timers import decode_time, encode_time
from bot.watchlist.models import Entry, Sort, WantResult, WantStatus

# SQLite's default limit on bound variables is 32,766; a batch binds at most 2 per operation per statement.
MAX_BATCH = 2000
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


@dataclass(frozen=True, slots=True)
class WantOp:
    """One suggestion or "want to see" waiting to be committed.

    When the film is not on the list the member suggests it, unless ``may_suggest`` is False (a
    moderator's block) or they already have ``cap`` suggestions on the list; ``may_suggest`` None: the
    server's rules were not read (a click on a film that is usually listed), so an unlisted film is
    reported and nothing written. ``toggle`` takes an existing want back instead of keeping it.
    """

    guild_id: int
    film_id: int
    user_id: int
    now: datetime
    toggle: bool
    may_suggest: bool | None
    cap: int | None


def _entry(row: Row) -> Entry:
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


def _pairs(tx: Transaction, pairs: Iterable[tuple[int, int]]) -> tuple[str, list[Any]]:
    """``(a, b) IN …`` for a set of pairs of ids: the condition and its parameters."""
    return in_pairs(tx, sorted(set(pairs)), ("BIGINT", "BIGINT"))


@dataclass
class _Batch:
    """A batch's view of the list while its operations are applied in order, then written at once."""

    entries: dict[tuple[int, int], Entry]  # (guild, film) -> the open entry, wants as of now
    wants: set[tuple[int, int]]  # (entry, member) pairs that exist now
    suggestions: dict[tuple[int, int], int] = field(default_factory=dict)  # (guild, member) -> count
    added: dict[tuple[int, int], str] = field(default_factory=dict)  # wants to insert, with their time
    removed: set[tuple[int, int]] = field(default_factory=set)  # wants to delete
    touched: set[int] = field(default_factory=set)  # entries whose count changed

    @classmethod
    async def load(cls, tx: Transaction, ops: Sequence[WantOp]) -> _Batch:
        among, params = _pairs(tx, ((op.guild_id, op.film_id) for op in ops))
        rows = await tx.fetchall(
            f"SELECT {_ENTRY} FROM {_FROM} WHERE {_OPEN} AND (e.guild_id, e.film_id) {among}", params
        )
        entries = {(row["guild_id"], row["film_id"]): _entry(row) for row in rows}
        keys = [
            (entries[(op.guild_id, op.film_id)].id, op.user_id)
            for op in ops
            if (op.guild_id, op.film_id) in entries
        ]
        wants: set[tuple[int, int]] = set()
        if keys:
            among, params = _pairs(tx, keys)
            found = await tx.fetchall(
                f"SELECT entry_id, user_id FROM watchlist_wants WHERE (entry_id, user_id) {among}", params
            )
            wants = {(row["entry_id"], row["user_id"]) for row in found}
        return cls(entries, wants)

    async def run(self, tx: Transaction, op: WantOp) -> WantResult:
        key = (op.guild_id, op.film_id)
        entry = self.entries.get(key)
        if entry is None:
            return await self._suggest(tx, op)
        pair = (entry.id, op.user_id)
        status: WantStatus
        if pair not in self.wants:
            status, step = "wanted", self._want(pair, op.now)
        elif op.toggle:
            status, step = "unwanted", self._unwant(pair)
        else:
            status, step = "already", 0
        self.entries[key] = entry = replace(entry, wants=entry.wants + step)
        return WantResult(status, entry)

    async def _suggest(self, tx: Transaction, op: WantOp) -> WantResult:
        if op.may_suggest is None:
            return WantResult("unlisted", None)
        row = await tx.fetchone(
            "SELECT id, slug, title, year, original_title FROM films WHERE id = ?", (op.film_id,)
        )
        if row is None:
            return WantResult("missing", None)
        film = FilmSummary(row["id"], row["slug"], row["title"], row["year"], row["original_title"])
        if not op.may_suggest:
            return WantResult("blocked", None, film=film)
        mine = await self._suggestions(tx, op.guild_id, op.user_id)
        if op.cap is not None and mine >= op.cap:
            return WantResult("capped", None, mine, film)
        row = await tx.fetchone(
            "INSERT INTO watchlist_entries (guild_id, film_id, suggested_by, suggested_at, wants) "
            "VALUES (?, ?, ?, ?, 0) RETURNING id",
            (op.guild_id, op.film_id, op.user_id, encode_time(op.now)),
        )
        assert row is not None
        entry = await _open_entry(tx, op.guild_id, op.film_id)
        assert entry is not None
        self.suggestions[(op.guild_id, op.user_id)] = mine + 1
        entry = replace(entry, wants=self._want((entry.id, op.user_id), op.now))
        self.entries[(op.guild_id, op.film_id)] = entry
        return WantResult("added", entry)

    async def _suggestions(self, tx: Transaction, guild_id: int, user_id: int) -> int:
        """The member's suggestions on the list (read once a batch, counted on from there)."""
        if (guild_id, user_id) not in self.suggestions:
            row = await tx.fetchone(
                f"SELECT count(*) FROM watchlist_entries e WHERE e.guild_id = ? AND e.suggested_by = ? AND {_OPEN}",
                (guild_id, user_id),
            )
            self.suggestions[(guild_id, user_id)] = int(row[0]) if row else 0
        return self.suggestions[(guild_id, user_id)]

    def _want(self, pair: tuple[int, int], now: datetime) -> int:
        self.wants.add(pair)
        self.touched.add(pair[0])
        if pair in self.removed:
            self.removed.discard(pair)  # taken back and wanted again in one batch: the row stays
        else:
            self.added[pair] = encode_time(now)
        return 1

    def _unwant(self, pair: tuple[int, int]) -> int:
        self.wants.discard(pair)
        self.touched.add(pair[0])
        if self.added.pop(pair, None) is None:
            self.removed.add(pair)
        return -1

    async def write(self, tx: Transaction) -> None:
        if self.added:
            await tx.executemany(
                "INSERT INTO watchlist_wants (entry_id, user_id, wanted_at) VALUES (?, ?, ?)",
                [(entry_id, user_id, stamp) for (entry_id, user_id), stamp in sorted(self.added.items())],
            )
        if self.removed:
            await tx.executemany(
                "DELETE FROM watchlist_wants WHERE entry_id = ? AND user_id = ?", sorted(self.removed)
            )
        counts = {entry.id: entry.wants for entry in self.entries.values() if entry.id in self.touched}
        await tx.executemany(
            "UPDATE watchlist_entries SET wants = ? WHERE id = ?", [(n, i) for i, n in sorted(counts.items())]
        )


class WatchlistStore:
    def __init__(self, db: Session, writes: GroupCommit[WantOp, WantResult] | None) -> None:
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
        may_suggest: bool | None,
        cap: int | None,
        alone: bool = False,
    ) -> WantResult:
        """Suggest a film or want to see it (see ``WantOp``); returns once committed, group-committed with
        concurrent writes (``alone``: in a transaction of its own, the benchmark's baseline)."""
        op = WantOp(guild_id, film_id, user_id, now, toggle, may_suggest, cap)
        if self._writes is None:
            async with self._db.write() as tx:
                (result,) = await self.apply(tx, [op])
            return result
        if alone:
            return await self._writes.now(op)
        return await self._writes.submit(op)

    @staticmethod
    async def apply(tx: Transaction, ops: list[WantOp]) -> list[WantResult]:
        """Apply operations in order inside the caller's transaction; one result per operation."""
        batch = await _Batch.load(tx, ops)
        results = [await batch.run(tx, op) for op in ops]
        await batch.write(tx)
        return results

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
        async with self._db.write() as tx:
            entry = await _open_entry(tx, guild_id, film_id)
            if entry is not None:
                await tx.execute(
                    "UPDATE watchlist_entries SET watched_at = ? WHERE id = ?", (encode_time(now), entry.id)
                )
        return entry

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
            f"AND (f.title {like(self._db)} ? ESCAPE '\\' OR f.original_title {like(self._db)} ? ESCAPE '\\') "
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
