"""Timers across processes: two dispatchers on one database, as two ``filmbot run`` processes would be
(on SQLite they share the one connection a SQLite database is served through; on PostgreSQL the pool).
Claims are leases: each timer fires once between them, a long fire keeps its claim, and a dispatcher that
dies mid-fire has its timers retried by the other after the lease."""

from __future__ import annotations

import asyncio
import collections
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import pytest

from bot.clock import ManualClock
from bot.store import PgDatabase, Store
from bot.timers import Firing, TimerDispatcher
from tests.engines import postgres_only
from tests.timers.test_dispatcher import crash, settle

T0 = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
LEASE = timedelta(minutes=1)


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(T0)


@pytest.fixture
async def other(store: Store) -> AsyncIterator[Store]:
    """The other process's store: on PostgreSQL a pool of its own; on SQLite the same one (a SQLite
    database is served by one process, through one connection)."""
    if not isinstance(store.db, PgDatabase):
        yield store
        return
    opened = await Store.open(store.db.url)
    try:
        yield opened
    finally:
        await opened.close()


class Tally:
    """Every firing of kind ``t``, by the dispatcher that ran it."""

    def __init__(self) -> None:
        self.by: dict[str, collections.Counter[str]] = collections.defaultdict(collections.Counter)

    def handler(self, dispatcher: TimerDispatcher) -> None:
        async def on_fire(firing: Firing) -> None:
            await asyncio.sleep(0)  # a handler's first await (a REST call), letting the other run
            self.by[dispatcher.owner][firing.timer.ref] += 1

        dispatcher.register("t", on_fire)

    def total(self) -> collections.Counter[str]:
        return sum(self.by.values(), collections.Counter())


async def test_two_dispatchers_fire_a_thousand_timers_due_at_one_instant_exactly_once_between_them(
    store: Store, other: Store, clock: ManualClock
) -> None:
    due = T0 + timedelta(minutes=5)
    async with store.transaction() as tx:
        for n in range(1000):
            await tx.timers.add("t", str(n), due)
    tally = Tally()
    pair = [TimerDispatcher(s, clock, lease=LEASE, concurrency=50) for s in (store, other)]
    for dispatcher in pair:
        tally.handler(dispatcher)
        dispatcher.start()
    try:
        await clock.advance(timedelta(minutes=5))
        await wait_until(lambda: sum(tally.total().values()) >= 1000)
        for dispatcher in pair:
            await asyncio.wait_for(dispatcher.idle(), timeout=60)
    finally:
        for dispatcher in pair:
            await dispatcher.stop()
    fired = tally.total()
    assert sorted(fired, key=int) == [str(n) for n in range(1000)]
    assert set(fired.values()) == {1}
    assert all(tally.by[d.owner] for d in pair), "both dispatchers fired a share"
    states = await store.db.fetchall("SELECT state, count(*) AS n FROM timers GROUP BY state")
    assert {row["state"]: row["n"] for row in states} == {"fired": 1000}


async def test_a_long_fire_renews_its_lease_and_the_other_dispatcher_leaves_it_alone(
    store: Store, other: Store, clock: ManualClock
) -> None:
    timer_id = await store.timers.add("t", "long", T0)
    release, started = asyncio.Event(), asyncio.Event()
    runs: list[str] = []

    async def slow(firing: Firing) -> None:
        runs.append(firing.timer.ref)
        started.set()
        await release.wait()

    holder = TimerDispatcher(store, clock, lease=LEASE)
    holder.register("t", slow)
    holder.start()
    watcher = TimerDispatcher(other, clock, lease=LEASE)
    tally = Tally()
    tally.handler(watcher)
    try:
        await asyncio.wait_for(started.wait(), timeout=60)
        watcher.start()  # once the holder has the timer
        for _ in range(8):  # four leases' worth, a third of a lease at a time
            await clock.advance(LEASE / 3)
            await wait_until(lambda: renewed_past(store, timer_id, clock.now()))
            await asyncio.wait_for(watcher.idle(), timeout=60)
        assert not tally.by and runs == ["long"]
        release.set()
        await asyncio.wait_for(holder.idle(), timeout=60)
    finally:
        release.set()
        await holder.stop()
        await watcher.stop()
    row = await store.timers.get(timer_id)
    assert row is not None and row.state == "fired" and row.attempts == 1


async def test_a_dispatcher_stopped_mid_fire_has_its_claims_retried_by_the_other_after_the_lease(
    store: Store, other: Store, clock: ManualClock
) -> None:
    async with store.transaction() as tx:
        for n in range(10):
            await tx.timers.add("t", str(n), T0)
    started = asyncio.Event()

    async def hangs(firing: Firing) -> None:
        started.set()
        await asyncio.Event().wait()

    dying = TimerDispatcher(store, clock, lease=LEASE, concurrency=4)
    dying.register("t", hangs)
    dying.start()
    await asyncio.wait_for(started.wait(), timeout=60)
    await wait_until(lambda: len(dying._inflight) == 4)
    held = {
        int(row["id"]) for row in await store.db.fetchall("SELECT id FROM timers WHERE state = 'running'")
    }
    await crash(dying)
    survivor = TimerDispatcher(other, clock, lease=LEASE)
    tally = Tally()
    tally.handler(survivor)
    survivor.start()
    try:
        await settle(survivor, clock)
        assert sum(tally.total().values()) == 6  # the unclaimed ones at once; the held ones wait
        await settle(survivor, clock, LEASE.total_seconds())
    finally:
        await survivor.stop()
    assert sorted(tally.total(), key=int) == [str(n) for n in range(10)]
    assert set(tally.total().values()) == {1}
    rows = await store.db.fetchall("SELECT id, state, attempts, claimed_by FROM timers")
    assert {row["state"] for row in rows} == {"fired"}
    assert {int(row["id"]) for row in rows if row["attempts"] == 2} == held
    assert {row["claimed_by"] for row in rows} == {survivor.owner}


def listening(store: Store) -> asyncio.Future[bool]:
    """Whether a connection to this database is listening for timers (its last statement was LISTEN)."""

    async def check() -> bool:
        rows = await store.db.fetchall(
            "SELECT 1 FROM pg_stat_activity WHERE datname = current_database() AND query LIKE 'LISTEN%'"
        )
        return bool(rows)

    return asyncio.ensure_future(check())


def renewed_past(store: Store, timer_id: int, now: datetime) -> asyncio.Future[bool]:
    async def check() -> bool:
        row = await store.db.fetchone("SELECT lease_until FROM timers WHERE id = ?", (timer_id,))
        return row is not None and row[0] > (now + LEASE / 2).strftime("%Y-%m-%dT%H:%M:%S.%fZ")

    return asyncio.ensure_future(check())


async def wait_until(condition: object, timeout: float = 60.0) -> None:  # noqa: ASYNC109
    """Wait (without a wall-clock assertion on a busy machine: a generous ceiling) for ``condition()``."""
    assert callable(condition)
    async with asyncio.timeout(timeout):
        while True:
            result = condition()
            if asyncio.isfuture(result):
                result = await result
            if result:
                return
            await asyncio.sleep(0.01)


@postgres_only
async def test_a_timer_another_process_adds_earlier_wakes_this_dispatcher(
    store: Store, other: Store, clock: ManualClock
) -> None:
    """B sleeps with nothing due; A adds a timer due now: A's commit notifies B, which fires it."""
    await store.timers.add("t", "later", T0 + timedelta(days=1))
    tally = Tally()
    sleeper = TimerDispatcher(other, clock, lease=LEASE)
    tally.handler(sleeper)
    sleeper.start()
    try:
        await asyncio.wait_for(sleeper.idle(), timeout=60)
        await wait_until(lambda: listening(store))
        await asyncio.wait_for(sleeper.idle(), timeout=60)  # the wake a new LISTEN gives is over
        await store.timers.add("t", "now", T0)  # another process's write: B's own store never saw it
        await wait_until(lambda: tally.total()["now"] == 1)
    finally:
        await sleeper.stop()
    assert tally.total() == {"now": 1}
