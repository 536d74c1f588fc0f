"""Timer rows: the due-row queries must seek the partial index, not scan every timer ever fired."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.store import Store
from bot.store.timers import _CLAIMABLE, _LIVE
from tests.engines import sqlite_only

T0 = datetime(2026, 3, 1, tzinfo=UTC)


async def plan(store: Store, sql: str, params: tuple[object, ...] | dict[str, object] = ()) -> str:
    rows = await store.db.fetchall("EXPLAIN QUERY PLAN " + sql, params)
    return " | ".join(str(row["detail"]) for row in rows)


@sqlite_only  # SQLite's query plan; PostgreSQL's planner picks by its statistics
async def test_due_queries_use_the_partial_index(store: Store) -> None:
    claim = await plan(store, _CLAIMABLE, {"now": "x", "recover": False, "limit": 100})
    assert "USING INDEX timers_pending_due" in claim and "TEMP B-TREE" not in claim
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


async def test_a_claim_is_a_lease_that_lapses_and_only_the_holder_records_the_outcome(store: Store) -> None:
    timer_id = await store.timers.add("k", "r", T0)
    (first,) = await store.timers.claim_due(T0, owner="a", lease=timedelta(minutes=1))
    assert first.attempts == 1
    # Held: nobody claims it again while the lease runs; the holder's own claims are not a wake-up.
    assert await store.timers.claim_due(T0 + timedelta(seconds=59), owner="b") == []
    assert await store.timers.next_due("a") is None
    assert await store.timers.next_due("b") == T0 + timedelta(minutes=1)
    # Renewed, it holds past its first term.
    assert await store.timers.renew("a", [timer_id], T0 + timedelta(minutes=2)) == 1
    assert await store.timers.claim_due(T0 + timedelta(seconds=90), owner="b") == []
    # Lapsed (a stopped renewing): b takes it over, as a retry.
    (again,) = await store.timers.claim_due(T0 + timedelta(minutes=2), owner="b")
    assert again.id == timer_id and again.attempts == 2
    # a's late outcome is not recorded over b's claim; b's is.
    assert not await store.timers.finish(timer_id, "failed", fired_at=T0, late_by=0.0, owner="a")
    assert await store.timers.finish(timer_id, "fired", fired_at=T0, late_by=0.0, owner="b")
    row = await store.timers.get(timer_id)
    assert row is not None and row.state == "fired" and row.error is None


async def test_a_claim_takes_at_most_its_limit_oldest_first(store: Store) -> None:
    for n in range(5):
        await store.timers.add("k", str(n), T0 - timedelta(seconds=n))
    taken = await store.timers.claim_due(T0, owner="a", limit=3)
    assert [t.ref for t in taken] == ["4", "3", "2"]
    assert [t.ref for t in await store.timers.claim_due(T0, owner="b")] == ["1", "0"]
