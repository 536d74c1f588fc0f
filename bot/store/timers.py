"""SQL for timer rows: every timer is a row, claimed before it fires and marked (never deleted) after."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from bot.clock import Clock
from bot.store._session import Row, Session, inserted_id
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


class TimerStore:
    """Timer rows. Adding or cancelling one tells ``changed`` once the transaction has committed, so the
    dispatcher re-reads the earliest due row without any service having to wake it."""

    def __init__(self, db: Session, clock: Clock, changed: Callable[[], None]) -> None:
        self._db = db
        self._clock = clock
        self._changed = changed

    async def add(self, kind: str, ref: str, due_at: datetime, payload: dict[str, Any] | None = None) -> int:
        """Insert a pending timer (in the session's transaction, or one of its own)."""
        params = (kind, ref, encode_time(due_at), json.dumps(payload or {}), encode_time(self._clock.now()))
        async with self._db.write() as tx:
            timer_id = await inserted_id(
                tx,
                "INSERT INTO timers (kind, ref, due_at, payload, created_at) VALUES (?, ?, ?, ?, ?)",
                params,
            )
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

    async def next_due(self) -> datetime | None:
        # The literal IN (...) matches the partial index timers_pending_due, so this is an index seek
        # rather than a scan of every timer ever fired (SQLite uses a partial index only then).
        row = await self._db.fetchone(f"SELECT min(due_at) FROM timers WHERE {_LIVE} AND state = 'pending'")
        return decode_time(row[0]) if row and row[0] else None

    async def claim_due(self, now: datetime, *, recover: bool = False) -> list[Timer]:
        """Mark every due pending timer as running (committed) and return them.

        With ``recover``, timers left ``running`` by a process that died mid-fire are claimed again;
        their handlers see ``attempts > 1`` and must make the effect idempotent.
        """
        states = ("pending", "running") if recover else ("pending",)
        marks = ",".join("?" for _ in states)
        async with self._db.write() as conn:
            rows = await conn.fetchall(
                f"SELECT {_COLUMNS} FROM timers WHERE {_LIVE} AND state IN ({marks}) AND due_at <= ? "
                "ORDER BY due_at, id",
                (*states, encode_time(now)),
            )
            await conn.executemany(
                "UPDATE timers SET state = 'running', attempts = attempts + 1 WHERE id = ?",
                [(row["id"],) for row in rows],
            )
        # The rows were read before the claim: report the attempt being made now (1 = first try).
        return [
            dataclasses.replace(_timer(row), state="running", attempts=row["attempts"] + 1) for row in rows
        ]

    async def finish(
        self, timer_id: int, state: str, *, fired_at: datetime, late_by: float, error: str | None = None
    ) -> None:
        async with self._db.write() as conn:
            await conn.execute(
                "UPDATE timers SET state = ?, fired_at = ?, late_by = ?, error = ? WHERE id = ?",
                (state, encode_time(fired_at), late_by, error, timer_id),
            )

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
