"""SQL for timer rows: every timer is a row, claimed before it fires and marked (never deleted) after.

A claim is a lease: the claiming process's id (``claimed_by``) and the time the claim lapses
(``lease_until``), committed before the handler runs. Several processes may share the table; each claims
with one statement, so no row is claimed by two live leases, and a lapsed lease (its process died mid-fire)
makes the row claimable again.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Callable, Collection
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from bot.clock import Clock
from bot.store import _pg_listen
from bot.store._group_commit import GroupCommit
from bot.store._postgres import PgDatabase
from bot.store._session import Params, Row, Session, Transaction, inserted_id
from bot.timers.models import Timer

_FORMAT = "%Y-%m-%dT%H:%M:%S.%fZ"


def encode_time(value: datetime) -> str:
    """A fixed-width UTC text form, so that text order is time order in SQL."""
    if value.tzinfo is None:
        raise ValueError("naive datetime")
    return value.astimezone(UTC).strftime(_FORMAT)


def decode_time(text: str) -> datetime:
    return datetime.strptime(text, _FORMAT).replace(tzinfo=UTC)


# The partial index's condition, spelled exactly as in the migration so SQLite can use that index.
_LIVE = "state IN ('pending', 'running')"
_COLUMNS = "id, kind, ref, due_at, state, attempts, payload, fired_at, late_by, error"
# Due rows nobody holds: pending ones, and running ones whose lease has lapsed (or that have none: left by
# a filmbot from before leases). With ``:recover``, every running row (a test or tool that knows the
# claimer is gone). Oldest first, so a backlog drains in due order across processes.
_CLAIMABLE = (
    f"SELECT id FROM timers WHERE {_LIVE} AND due_at <= :now "
    "AND (state = 'pending' OR lease_until IS NULL OR lease_until <= :now OR :recover) "
    "ORDER BY due_at, id LIMIT :limit"
)
# Which rows a claim updates. PostgreSQL: rows another process's claim has locked are passed over, not
# waited for, and the ids are collected first (an array), so the update finds them by primary key rather
# than joining the whole table. SQLite has one writer at a time: nothing is locked by anyone else.
_CLAIM_WHERE = {
    "postgresql": f"id = ANY (ARRAY ({_CLAIMABLE} FOR UPDATE SKIP LOCKED))",
    "sqlite": f"id IN ({_CLAIMABLE})",
}
# How many rows one claim takes at most when the caller sets no limit.
CLAIM_ALL = 1_000_000


def _timer(row: Row) -> Timer:
    return Timer(
        id=row["id"],
        kind=row["kind"],
        ref=row["ref"],
        due_at=decode_time(row["due_at"]),
        state=row["state"],
        attempts=row["attempts"],
        payload=json.loads(row["payload"]),
        fired_at=decode_time(row["fired_at"]) if row["fired_at"] else None,
        late_by=row["late_by"],
        error=row["error"],
    )


@dataclass(frozen=True, slots=True)
class Outcome:
    """How one firing ended, to be recorded on its row (if ``owner``'s claim still holds it)."""

    timer_id: int
    state: str
    fired_at: datetime
    late_by: float
    error: str | None
    owner: str | None


async def record_outcomes(tx: Transaction, outcomes: list[Outcome]) -> list[bool]:
    """The group-commit engine's batch: every outcome in one transaction; True where recorded."""
    if tx.dialect == "postgresql":
        return await _record_outcomes_pg(tx, outcomes)
    recorded = []
    for outcome in outcomes:
        held = "" if outcome.owner is None else " AND state = 'running' AND claimed_by = ?"
        cur = await tx.execute(
            f"UPDATE timers SET state = ?, fired_at = ?, late_by = ?, error = ? WHERE id = ?{held}",
            (
                *_outcome_values(outcome)[1:5],
                outcome.timer_id,
                *(() if outcome.owner is None else (outcome.owner,)),
            ),
        )
        recorded.append(cur.rowcount == 1)
    return recorded


async def _record_outcomes_pg(tx: Transaction, outcomes: list[Outcome]) -> list[bool]:
    """One statement for the whole batch: a round trip per outcome would bound how fast a backlog drains."""
    columns = list(zip(*(_outcome_values(outcome) for outcome in outcomes), strict=True))
    rows = await tx.fetchall(
        "UPDATE timers t SET state = v.state, fired_at = v.fired_at, late_by = v.late_by, error = v.error "
        "FROM unnest(?::bigint[], ?::text[], ?::text[], ?::float8[], ?::text[], ?::text[]) "
        "AS v (id, state, fired_at, late_by, error, owner) "
        "WHERE t.id = v.id AND (v.owner IS NULL OR (t.state = 'running' AND t.claimed_by = v.owner)) "
        "RETURNING t.id",
        tuple(list(column) for column in columns),
    )
    done = {int(row[0]) for row in rows}
    return [outcome.timer_id in done for outcome in outcomes]


def _outcome_values(outcome: Outcome) -> tuple[Any, ...]:
    return (
        outcome.timer_id,
        outcome.state,
        encode_time(outcome.fired_at),
        outcome.late_by,
        outcome.error,
        outcome.owner,
    )


# Other processes' dispatchers listen here (PostgreSQL): a notification means "read the next due row again".
CHANNEL = "filmbot_timers"


async def _notify_if_earliest(tx: Transaction, timer_id: int, due_at: str) -> None:
    """Wake every process's dispatcher when this timer comes before every other pending one (a later one
    is read when that earlier one fires). Delivered when the transaction commits, never if it rolls back;
    several in one transaction are delivered once."""
    earlier = await tx.fetchone(
        f"SELECT 1 FROM timers WHERE {_LIVE} AND state = 'pending' AND due_at < ? AND id <> ? LIMIT 1",
        (due_at, timer_id),
    )
    if earlier is None:
        await tx.execute(f"NOTIFY {CHANNEL}")


class TimerStore:
    """Timer rows. Adding or cancelling one tells ``changed`` once the transaction has committed, so the
    dispatcher re-reads the earliest due row without any service having to wake it."""

    def __init__(
        self,
        db: Session,
        clock: Clock,
        changed: Callable[[], None],
        outcomes: GroupCommit[Outcome, bool] | None = None,
    ) -> None:
        self._db = db
        self._clock = clock
        self._changed = changed
        # Firings' outcomes, group-committed (None inside a unit of work: they join its transaction).
        self._outcomes = outcomes

    async def add(self, kind: str, ref: str, due_at: datetime, payload: dict[str, Any] | None = None) -> int:
        """Insert a pending timer (in the session's transaction, or one of its own)."""
        params = (kind, ref, encode_time(due_at), json.dumps(payload or {}), encode_time(self._clock.now()))
        async with self._db.write() as tx:
            timer_id = await inserted_id(
                tx,
                "INSERT INTO timers (kind, ref, due_at, payload, created_at) VALUES (?, ?, ?, ?, ?)",
                params,
            )
            if tx.dialect == "postgresql":
                await _notify_if_earliest(tx, timer_id, params[2])
            tx.after_commit(self._changed)
        return timer_id

    async def cancel(self, kind: str, ref: str) -> int:
        """Cancel the pending timers of one thing (a poll, a party). Returns how many."""
        async with self._db.write() as tx:
            cur = await tx.execute(
                "UPDATE timers SET state = 'cancelled' WHERE kind = ? AND ref = ? AND state = 'pending'",
                (kind, ref),
            )
            tx.after_commit(self._changed)
        return cur.rowcount

    def listening(self, callback: Callable[[], None]) -> AbstractAsyncContextManager[None]:
        """For the length of the block, call ``callback`` when another process commits a timer earlier than
        every pending one (PostgreSQL's ``LISTEN``). On SQLite one process serves the database: its own
        writes wake it (``changed``), so there is nothing to listen to."""
        if isinstance(self._db, PgDatabase):
            return _pg_listen.listening(self._db.url, CHANNEL, callback)
        return contextlib.nullcontext()

    async def next_due(self, owner: str | None = None) -> datetime | None:
        """When a claim may next be made: the earliest pending timer, or the earliest lease of another
        process's claim (it lapses then if that process died). ``owner``'s own claims are alive."""
        # The literal IN (...) matches the partial index timers_pending_due, so this is an index seek
        # rather than a scan of every timer ever fired (SQLite uses a partial index only then).
        row = await self._db.fetchone(f"SELECT min(due_at) FROM timers WHERE {_LIVE} AND state = 'pending'")
        due = decode_time(row[0]) if row and row[0] else None
        lease = await self._db.fetchone(
            "SELECT min(coalesce(lease_until, due_at)) FROM timers WHERE state = 'running' "
            "AND (claimed_by IS NULL OR claimed_by <> ?)",
            (owner or "",),
        )
        lapse = decode_time(lease[0]) if lease and lease[0] else None
        return min(filter(None, (due, lapse)), default=None)

    async def claim_due(
        self,
        now: datetime,
        *,
        owner: str = "",
        lease: timedelta = timedelta(minutes=1),
        limit: int = CLAIM_ALL,
        recover: bool = False,
    ) -> list[Timer]:
        """Claim up to ``limit`` due timers for ``owner`` until ``now + lease`` (committed) and return them.

        A claimed row is ``running`` with its attempt counted (1 = first try). Rows whose lease lapsed are
        claimed again: their handlers see ``attempts > 1`` and must make the effect idempotent. With
        ``recover``, every running row is taken whatever its lease (for tools and tests only: a live
        process may hold it).
        """
        params = {
            "now": encode_time(now),
            "recover": recover,
            "limit": limit,
            "owner": owner,
            "until": encode_time(now + lease),
        }
        sql = (
            "UPDATE timers SET state = 'running', attempts = attempts + 1, claimed_by = :owner, "
            f"lease_until = :until WHERE {_CLAIM_WHERE[self._db.dialect]} RETURNING {_COLUMNS}"
        )
        rows = await self._write_alone(sql, params)
        return sorted((_timer(row) for row in rows), key=lambda timer: (timer.due_at, timer.id))

    async def renew(self, owner: str, timer_ids: Collection[int], until: datetime) -> int:
        """Extend ``owner``'s claims on ``timer_ids`` (their handlers still run) to ``until``. How many.

        On PostgreSQL outside the write lock, like a claim: a long write elsewhere (a catalog import)
        must not let running timers' leases lapse.
        """
        if not timer_ids:
            return 0
        marks = ",".join("?" for _ in timer_ids)
        sql = (
            "UPDATE timers SET lease_until = ? WHERE state = 'running' AND claimed_by = ? "
            f"AND id IN ({marks}) RETURNING id"
        )
        params = (encode_time(until), owner, *timer_ids)
        return len(await self._write_alone(sql, params))

    async def finish(
        self,
        timer_id: int,
        state: str,
        *,
        fired_at: datetime,
        late_by: float,
        error: str | None = None,
        owner: str | None = None,
    ) -> bool:
        """Mark a claimed timer done (committed when this returns). With ``owner``, only while that claim
        still holds it: False when its lease lapsed and another claim took the timer over (that one
        records the outcome)."""
        outcome = Outcome(timer_id, state, fired_at, late_by, error, owner)
        if self._outcomes is not None:
            return await self._outcomes.submit(outcome)
        async with self._db.write() as tx:
            (recorded,) = await record_outcomes(tx, [outcome])
        return recorded

    async def _write_alone(self, sql: str, params: Params) -> list[Row]:
        """A write that is one statement, atomic by itself (the rows a claim takes are locked, others'
        skipped). On PostgreSQL it runs outside the write lock that serializes the store's
        read-modify-write transactions: for it that lock would only add waiting. Inside a unit of work,
        or on SQLite (one writer), it is an ordinary write."""
        if isinstance(self._db, PgDatabase):
            return await self._db.statement(sql, params)
        async with self._db.write() as conn:
            return await conn.fetchall(sql, params)

    async def prune(self, before: datetime) -> int:
        """Delete finished timers (fired, missed, failed, cancelled) due before ``before``; how many.

        A finished row only guards against firing twice while its time is near; kept forever, recurring
        work (a feed polled every half hour) would grow the table without bound. Rows a watch party's
        delivery record still points at are kept with it.
        """
        async with self._db.write() as tx:
            cur = await tx.execute(
                "DELETE FROM timers WHERE state IN ('fired', 'missed', 'failed', 'cancelled') AND due_at < ? "
                "AND id NOT IN (SELECT timer_id FROM watch_party_deliveries)",
                (encode_time(before),),
            )
        return cur.rowcount

    async def get(self, timer_id: int) -> Timer | None:
        row = await self._db.fetchone(f"SELECT {_COLUMNS} FROM timers WHERE id = ?", (timer_id,))
        return None if row is None else _timer(row)

    async def for_ref(self, kind: str, ref: str) -> list[Timer]:
        rows = await self._db.fetchall(
            f"SELECT {_COLUMNS} FROM timers WHERE kind = ? AND ref = ? ORDER BY due_at, id",
            (kind, ref),
        )
        return [_timer(row) for row in rows]
