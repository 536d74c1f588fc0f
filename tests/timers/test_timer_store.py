"""Timer rows: the due-row queries must seek the partial index, not scan every timer ever fired."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.store import Store
from bot.store.timers import _COLUMNS, _LIVE
from tests.engines import sqlite_only

T0 = datetime(2026, 3, 1, tzinfo=UTC)


async def plan(store: Store, sql: str, params: tuple[object, ...] = ()) -> str:
    rows = await store.db.fetchall("EXPLAIN QUERY PLAN " + sql, params)
    return " | ".join(str(row["detail"]) for row in rows)


@sqlite_only  # SQLite's query plan; PostgreSQL's planner picks by its statistics
async def test_due_queries_use_the_partial_index(store: Store) -> None:
    claim = (
        f"SELECT {_COLUMNS} FROM timers WHERE {_LIVE} AND state IN (?, ?) AND due_at <= ? ORDER BY due_at, id"
    )
    assert "USING INDEX timers_pending_due" in await plan(store, claim, ("pending", "running", "x"))
    assert "USING INDEX timers_pending_due" in await plan(
        store, f"SELECT min(due_at) FROM timers WHERE {_LIVE} AND state = 'pending'"
    )


async def test_claim_reports_the_attempt_being_made(store: Store) -> None:
    timer_id = await store.timers.add("k", "r", T0)
    (first,) = await store.timers.claim_due(T0)
    assert first.id == timer_id and first.attempts == 1 and first.state == "running"
    assert await store.timers.claim_due(T0) == []  # running rows are not claimed again...
    (again,) = await store.timers.claim_due(T0, recover=True)  # ...except on recovery after a crash
    assert again.attempts == 2
    assert await store.timers.next_due() is None
