"""SQL for polls: the poll, its options, and ballots written by a group-commit writer.

Durability: a ballot is acknowledged only after the transaction that holds it has committed with
``synchronous = FULL`` (WAL fsynced). To keep that fast under a burst, ballots go through the store's
group-commit engine (``bot.store._group_commit``): every ballot queued while the previous commit was in
flight is applied in one transaction by ``apply``. ``cast_now`` is the one-commit-per-vote path (kept
for the benchmark baseline).

Anonymous polls: ballots are keyed by HMAC-SHA256(poll secret, user id). The secret never leaves this
module and is wiped when the poll closes: the row is updated (with ``secure_delete``, the freed bytes are
zeroed) and ``shred_wiped_secrets`` truncates the WAL, which still held the page as it was before.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
from dataclasses import dataclass
from datetime import datetime

from bot.polls.models import BallotResult, NewPoll, Poll, PollOption
from bot.store._database import Database
from bot.store._group_commit import GroupCommit
from bot.store._postgres import PgDatabase
from bot.store._session import Row, Session, Transaction, in_ids, in_pairs, inserted_id
from bot.store.timers import decode_time, encode_time

# SQLite's default limit on bound variables is 32,766; a batch binds at most 2 per ballot.
MAX_BATCH = 2000

_POLL_COLUMNS = (
    "id, guild_id, channel_id, message_id, author_id, kind, question, mode, max_choices, anonymous, "
    "hide_results, role_id, created_at, closes_at, closed_at, closed_by, result_message_id"
)


@dataclass(frozen=True, slots=True)
class BallotOp:
    """One vote (``choices``) or retraction (``choices`` None) waiting to be committed."""

    poll_id: int
    user_id: int
    choices: tuple[int, ...] | None
    now: datetime


def _voter(user_id: int, secret: bytes | None) -> str:
    if secret is None:
        return str(user_id)
    return hmac.new(secret, str(user_id).encode(), hashlib.sha256).hexdigest()


def _poll(row: Row, options: tuple[PollOption, ...]) -> Poll:
    return Poll(
        id=row["id"],
        guild_id=row["guild_id"],
        channel_id=row["channel_id"],
        message_id=row["message_id"],
        author_id=row["author_id"],
        kind=row["kind"],
        question=row["question"],
        mode=row["mode"],
        max_choices=row["max_choices"],
        anonymous=bool(row["anonymous"]),
        hide_results=bool(row["hide_results"]),
        role_id=row["role_id"],
        created_at=decode_time(row["created_at"]),
        closes_at=decode_time(row["closes_at"]),
        closed_at=decode_time(row["closed_at"]) if row["closed_at"] else None,
        closed_by=row["closed_by"],
        result_message_id=row["result_message_id"],
        options=options,
    )


class PollStore:
    def __init__(self, db: Session, ballots: GroupCommit[BallotOp, BallotResult] | None) -> None:
        self._db = db
        # The group-commit engine (None inside a unit of work: ballots then join its transaction).
        self._ballots = ballots

    # -- polls ---------------------------------------------------------------------------------------

    async def insert(self, new: NewPoll, now: datetime) -> int:
        """Insert a poll and its options; returns the poll id."""
        async with self._db.write() as conn:
            return await self._insert(conn, new, now)

    async def _insert(self, conn: Transaction, new: NewPoll, now: datetime) -> int:
        poll_id = await inserted_id(
            conn,
            "INSERT INTO polls (guild_id, channel_id, author_id, kind, question, mode, max_choices, anonymous, "
            "hide_results, role_id, secret, created_at, closes_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                new.guild_id,
                new.channel_id,
                new.author_id,
                new.kind,
                new.question,
                new.mode,
                new.max_choices,
                int(new.anonymous),
                int(new.hide_results),
                new.role_id,
                secrets.token_bytes(32) if new.anonymous else None,
                encode_time(now),
                encode_time(new.closes_at),
            ),
        )
        await conn.executemany(
            "INSERT INTO poll_options (poll_id, position, label, film_id, detail) VALUES (?, ?, ?, ?, ?)",
            [(poll_id, o.position, o.label, o.film_id, o.detail) for o in new.options],
        )
        return poll_id

    async def get(self, poll_id: int) -> Poll | None:
        row = await self._db.fetchone(f"SELECT {_POLL_COLUMNS} FROM polls WHERE id = ?", (poll_id,))
        if row is None:
            return None
        options = await self._db.fetchall(
            "SELECT position, label, film_id, detail FROM poll_options WHERE poll_id = ? ORDER BY position",
            (poll_id,),
        )
        return _poll(
            row, tuple(PollOption(o["position"], o["label"], o["film_id"], o["detail"]) for o in options)
        )

    async def open_polls(self, guild_id: int) -> list[Poll]:
        rows = await self._db.fetchall(
            "SELECT id FROM polls WHERE guild_id = ? AND closed_at IS NULL ORDER BY closes_at, id",
            (guild_id,),
        )
        found = [await self.get(row["id"]) for row in rows]
        return [p for p in found if p is not None]

    async def recent(self, guild_id: int, limit: int = 25) -> list[tuple[int, str, bool]]:
        """``(id, question, open)`` of the guild's latest polls, newest first (for autocomplete)."""
        rows = await self._db.fetchall(
            "SELECT id, question, closed_at IS NULL AS open FROM polls WHERE guild_id = ? ORDER BY id DESC LIMIT ?",
            (guild_id, limit),
        )
        return [(row["id"], row["question"], bool(row["open"])) for row in rows]

    async def unposted_results(self, since: datetime) -> list[int]:
        """Polls closed since ``since`` whose result was never posted (the bot stopped in between)."""
        rows = await self._db.fetchall(
            "SELECT id FROM polls WHERE closed_at >= ? AND result_message_id IS NULL ORDER BY id",
            (encode_time(since),),
        )
        return [row["id"] for row in rows]

    async def set_message(self, poll_id: int, channel_id: int, message_id: int) -> None:
        async with self._db.write() as conn:
            await conn.execute(
                "UPDATE polls SET channel_id = ?, message_id = ? WHERE id = ?",
                (channel_id, message_id, poll_id),
            )

    async def set_result_message(self, poll_id: int, message_id: int) -> None:
        async with self._db.write() as conn:
            await conn.execute(
                "UPDATE polls SET result_message_id = ? WHERE id = ? AND result_message_id IS NULL",
                (message_id, poll_id),
            )

    async def close(self, poll_id: int, now: datetime, closed_by: int | None) -> bool:
        """Close the poll (wiping an anonymous poll's secret). False if it was already closed."""
        async with self._db.write() as conn:
            cur = await conn.execute(
                "UPDATE polls SET closed_at = ?, closed_by = ?, secret = NULL WHERE id = ? AND closed_at IS NULL",
                (encode_time(now), closed_by, poll_id),
            )
        return cur.rowcount == 1

    async def shred_wiped_secrets(self) -> bool:
        """After a secret was wiped (at close): truncate the WAL, which still holds the page as it was
        before; with ``secure_delete`` the database file keeps no copy either. False if a reader (a
        backup tool, say) kept the WAL from being truncated this time.

        On PostgreSQL the server's own VACUUM of the table is the nearest thing: the old row version is
        removed from the table (its bytes are overwritten as the page is reused; the server's WAL keeps
        it until recycled, as the README says)."""
        if isinstance(self._db, Database):
            return await self._db.checkpoint()
        if isinstance(self._db, PgDatabase):
            await self._db.vacuum("polls")
            return True
        return False

    # -- ballots -------------------------------------------------------------------------------------

    async def ballots(self, poll_id: int) -> list[tuple[int, ...]]:
        """Every ballot's choices, without voters (the order carries no meaning)."""
        rows = await self._db.fetchall("SELECT choices FROM poll_ballots WHERE poll_id = ?", (poll_id,))
        return [tuple(json.loads(row["choices"])) for row in rows]

    async def ballot_count(self, poll_id: int) -> int:
        row = await self._db.fetchone("SELECT count(*) FROM poll_ballots WHERE poll_id = ?", (poll_id,))
        return int(row[0]) if row else 0

    async def ballot_of(self, poll_id: int, user_id: int) -> tuple[int, ...] | None:
        """A member's own ballot (None if they have none, or the anonymous poll closed and forgot them)."""
        poll = await self._db.fetchone("SELECT anonymous, secret FROM polls WHERE id = ?", (poll_id,))
        if poll is None or (poll["anonymous"] and poll["secret"] is None):
            return None
        row = await self._db.fetchone(
            "SELECT choices FROM poll_ballots WHERE poll_id = ? AND voter = ?",
            (poll_id, _voter(user_id, poll["secret"])),
        )
        return None if row is None else tuple(json.loads(row["choices"]))

    async def cast(
        self, poll_id: int, user_id: int, choices: tuple[int, ...] | None, now: datetime
    ) -> BallotResult:
        """Vote (or retract with ``choices`` None), group-committed; returns once committed."""
        if self._ballots is None:  # inside a unit of work: the ballot joins its transaction
            return await self.cast_now(poll_id, user_id, choices, now)
        return await self._ballots.submit(BallotOp(poll_id, user_id, choices, now))

    async def cast_now(
        self, poll_id: int, user_id: int, choices: tuple[int, ...] | None, now: datetime
    ) -> BallotResult:
        """The same in a transaction of its own, one commit per vote: ``benchmarks/polls.py``'s baseline."""
        async with self._db.write() as conn:
            (result,) = await self.apply(conn, [BallotOp(poll_id, user_id, choices, now)])
        return result

    @staticmethod
    async def apply(conn: Transaction, ops: list[BallotOp]) -> list[BallotResult]:
        """Apply ballot operations in order inside the caller's transaction; one result per operation."""
        among, poll_ids = in_ids(conn, sorted({op.poll_id for op in ops}))
        rows = await conn.fetchall(
            f"SELECT id, closes_at, closed_at, secret FROM polls WHERE id {among}", (poll_ids,)
        )
        polls = {row["id"]: row for row in rows}
        keys = [
            (op.poll_id, _voter(op.user_id, polls[op.poll_id]["secret"])) if op.poll_id in polls else None
            for op in ops
        ]
        wanted = sorted({k for k in keys if k is not None})
        current: dict[tuple[int, str], tuple[int, ...] | None] = {}
        if wanted:
            pairs, params = in_pairs(conn, wanted, ("BIGINT", "TEXT"))
            for row in await conn.fetchall(
                f"SELECT poll_id, voter, choices FROM poll_ballots WHERE (poll_id, voter) {pairs}", params
            ):
                current[(row["poll_id"], row["voter"])] = tuple(json.loads(row["choices"]))
        touched: set[tuple[int, str]] = set()
        results: list[BallotResult] = []
        for op, key in zip(ops, keys, strict=True):
            poll = polls.get(op.poll_id)
            if key is None or poll is None:
                results.append(BallotResult("missing", None))
                continue
            if poll["closed_at"] is not None or encode_time(op.now) >= poll["closes_at"]:
                results.append(BallotResult("closed", current.get(key)))
                continue
            before = current.get(key)
            if op.choices is None:
                results.append(BallotResult("retracted" if before is not None else "none", None))
            elif before is None:
                results.append(BallotResult("new", op.choices))
            else:
                results.append(BallotResult("unchanged" if before == op.choices else "changed", op.choices))
            if before != op.choices:
                current[key] = op.choices
                touched.add(key)
        upserts = [(k[0], k[1], json.dumps(current[k])) for k in sorted(touched) if current[k] is not None]
        deletes = [k for k in sorted(touched) if current[k] is None]
        if upserts:
            await conn.executemany(
                "INSERT INTO poll_ballots (poll_id, voter, choices) VALUES (?, ?, ?) "
                "ON CONFLICT (poll_id, voter) DO UPDATE SET choices = excluded.choices",
                upserts,
            )
        if deletes:
            await conn.executemany("DELETE FROM poll_ballots WHERE poll_id = ? AND voter = ?", deletes)
        return results
