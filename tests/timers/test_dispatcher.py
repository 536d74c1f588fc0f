"""The timer dispatcher against a real SQLite store and a manual clock."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import pytest

from bot.clock import ManualClock
from bot.store import Store
from bot.timers import Firing, TimerDispatcher
from bot.timers.dispatcher import RETENTION

T0 = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


class Recorder:
    def __init__(self) -> None:
        self.fired: list[Firing] = []
        self.missed: list[Firing] = []

    async def on_fire(self, firing: Firing) -> None:
        self.fired.append(firing)

    async def on_missed(self, firing: Firing) -> None:
        self.missed.append(firing)

    @property
    def refs(self) -> list[str]:
        return [f.timer.ref for f in self.fired]


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(T0)


@pytest.fixture
async def dispatcher(store: Store, clock: ManualClock) -> AsyncIterator[TimerDispatcher]:
    made = TimerDispatcher(store, clock, grace=timedelta(minutes=15))
    yield made
    await made.stop()


async def settle(dispatcher: TimerDispatcher, clock: ManualClock, seconds: float = 0) -> None:
    """Advance the clock, then wait until the dispatcher has handled everything due and sleeps again."""
    await clock.advance(seconds)
    await asyncio.wait_for(dispatcher.idle(), timeout=60)


async def test_fires_in_due_order_not_insert_order(
    store: Store, dispatcher: TimerDispatcher, clock: ManualClock
) -> None:
    seen = Recorder()
    dispatcher.register("t", seen.on_fire)
    for ref, minutes in (("c", 30), ("a", 10), ("b", 20)):
        await dispatcher.schedule("t", ref, T0 + timedelta(minutes=minutes))
    dispatcher.start()
    await settle(dispatcher, clock)
    assert seen.refs == []
    for _ in range(3):
        await settle(dispatcher, clock, 600)
    assert seen.refs == ["a", "b", "c"]
    assert all(not f.late for f in seen.fired)


async def test_an_earlier_insert_wakes_the_sleeping_dispatcher(
    store: Store, dispatcher: TimerDispatcher, clock: ManualClock
) -> None:
    seen = Recorder()
    dispatcher.register("t", seen.on_fire)
    await dispatcher.schedule("t", "late", T0 + timedelta(hours=5))
    dispatcher.start()
    await settle(dispatcher, clock)  # now asleep until T0 + 5 h
    await dispatcher.schedule("t", "soon", T0 + timedelta(seconds=30))
    await settle(dispatcher, clock, 30)
    assert seen.refs == ["soon"]
    assert seen.fired[0].late_by == timedelta(0)


async def test_a_row_written_in_a_unit_of_work_wakes_it_on_commit(
    store: Store, dispatcher: TimerDispatcher, clock: ManualClock
) -> None:
    seen = Recorder()
    dispatcher.register("t", seen.on_fire)
    dispatcher.start()
    await settle(dispatcher, clock)
    async with store.transaction() as tx:
        await tx.timers.add("t", "mine", T0 + timedelta(seconds=5))
    await settle(dispatcher, clock, 5)
    assert seen.refs == ["mine"]


async def test_fires_once_and_marks_the_row_never_deletes_it(
    store: Store, dispatcher: TimerDispatcher, clock: ManualClock
) -> None:
    seen = Recorder()
    dispatcher.register("t", seen.on_fire)
    timer_id = await dispatcher.schedule("t", "x", T0 + timedelta(seconds=1), {"k": 1})
    dispatcher.start()
    for _ in range(5):
        await settle(dispatcher, clock, 1)
    assert seen.refs == ["x"]
    row = await store.timers.get(timer_id)
    assert row is not None and row.state == "fired" and row.attempts == 1 and row.payload == {"k": 1}


async def test_cancelled_timers_do_not_fire(
    store: Store, dispatcher: TimerDispatcher, clock: ManualClock
) -> None:
    seen = Recorder()
    dispatcher.register("t", seen.on_fire)
    await dispatcher.schedule("t", "gone", T0 + timedelta(seconds=10))
    await dispatcher.schedule("t", "kept", T0 + timedelta(seconds=20))
    dispatcher.start()
    await settle(dispatcher, clock)
    assert await dispatcher.cancel("t", "gone") == 1
    await settle(dispatcher, clock, 30)
    assert seen.refs == ["kept"]


async def test_restart_catch_up_within_grace_fires_late_and_older_is_missed(
    store: Store, clock: ManualClock
) -> None:
    # Scheduled while "the bot was down": nothing running. Then a new dispatcher starts later.
    await store.timers.add("t", "long-ago", T0 - timedelta(hours=2))
    await store.timers.add("t", "just-now", T0 - timedelta(minutes=10))
    await store.timers.add("t", "future", T0 + timedelta(minutes=1))
    seen = Recorder()
    dispatcher = TimerDispatcher(store, clock, grace=timedelta(minutes=15))
    dispatcher.register("t", seen.on_fire, seen.on_missed)
    dispatcher.start()
    try:
        await settle(dispatcher, clock)
        assert seen.refs == ["just-now"]
        assert seen.fired[0].late and seen.fired[0].late_by == timedelta(minutes=10)
        assert [f.timer.ref for f in seen.missed] == ["long-ago"]
        states = {
            t.ref: t.state
            for t in [
                *(await store.timers.for_ref("t", "long-ago")),
                *(await store.timers.for_ref("t", "just-now")),
            ]
        }
        assert states == {"long-ago": "missed", "just-now": "fired"}
        await settle(dispatcher, clock, 60)
        assert seen.refs == ["just-now", "future"]
    finally:
        await dispatcher.stop()


async def test_grace_window_is_configurable(store: Store, clock: ManualClock) -> None:
    await store.timers.add("t", "ten-min-late", T0 - timedelta(minutes=10))
    seen = Recorder()
    dispatcher = TimerDispatcher(store, clock, grace=timedelta(minutes=5))
    dispatcher.register("t", seen.on_fire, seen.on_missed)
    dispatcher.start()
    try:
        await settle(dispatcher, clock)
    finally:
        await dispatcher.stop()
    assert seen.refs == [] and [f.timer.ref for f in seen.missed] == ["ten-min-late"]


async def test_a_restart_never_fires_a_finished_timer_again(store: Store, clock: ManualClock) -> None:
    timer_id = await store.timers.add("t", "once", T0)
    for _ in range(3):  # three "process lifetimes"
        seen = Recorder()
        dispatcher = TimerDispatcher(store, clock)
        dispatcher.register("t", seen.on_fire)
        dispatcher.start()
        await settle(dispatcher, clock, 1)
        await dispatcher.stop()
        if _ == 0:
            assert seen.refs == ["once"]
        else:
            assert seen.refs == []
    row = await store.timers.get(timer_id)
    assert row is not None and row.attempts == 1


async def test_a_timer_interrupted_mid_fire_is_retried_once_its_lease_lapses_with_retry_set(
    store: Store, clock: ManualClock
) -> None:
    timer_id = await store.timers.add("t", "crashy", T0)
    # First lifetime: the handler never finishes (the process is killed while it runs).
    blocked = asyncio.Event()

    async def hangs(firing: Firing) -> None:
        blocked.set()
        await asyncio.Event().wait()

    first = TimerDispatcher(store, clock)
    first.register("t", hangs)
    first.start()
    await asyncio.wait_for(blocked.wait(), timeout=60)
    row = await store.timers.get(timer_id)
    assert row is not None and row.state == "running"
    await crash(first)
    # Second lifetime: the claim holds until its lease lapses, then the row is claimed again and the
    # handler told it is a retry.
    seen = Recorder()
    second = TimerDispatcher(store, clock)
    second.register("t", seen.on_fire)
    second.start()
    try:
        await settle(second, clock)
        assert seen.refs == []
        await settle(second, clock, first.lease.total_seconds())
    finally:
        await second.stop()
    assert seen.refs == ["crashy"] and seen.fired[0].retry
    row = await store.timers.get(timer_id)
    assert row is not None and row.state == "fired" and row.attempts == 2


async def crash(dispatcher: TimerDispatcher) -> None:
    """What SIGKILL does to a dispatcher: its tasks end without recording or renewing anything."""
    tasks = [t for t in (dispatcher._task, dispatcher._renewer, *dispatcher._inflight) if t is not None]
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)
    dispatcher._task = dispatcher._renewer = None
    dispatcher._inflight.clear()
    dispatcher._claims.clear()


async def test_a_failing_handler_is_recorded_and_not_retried_forever(
    store: Store, dispatcher: TimerDispatcher, clock: ManualClock
) -> None:
    calls = 0

    async def boom(firing: Firing) -> None:
        nonlocal calls
        calls += 1
        raise RuntimeError("channel deleted")

    dispatcher.register("t", boom)
    timer_id = await dispatcher.schedule("t", "x", T0 + timedelta(seconds=1))
    dispatcher.start()
    for _ in range(5):
        await settle(dispatcher, clock, 60)
    row = await store.timers.get(timer_id)
    assert calls == 1
    assert row is not None and row.state == "failed" and row.error == "RuntimeError: channel deleted"


async def test_unknown_kind_is_marked_failed(
    store: Store, dispatcher: TimerDispatcher, clock: ManualClock
) -> None:
    timer_id = await dispatcher.schedule("nobody-handles-this", "x", T0)
    dispatcher.start()
    await settle(dispatcher, clock)
    row = await store.timers.get(timer_id)
    assert row is not None and row.state == "failed" and "no handler" in (row.error or "")


async def test_many_timers_at_the_same_instant_all_fire_once(
    store: Store, dispatcher: TimerDispatcher, clock: ManualClock
) -> None:
    seen = Recorder()
    dispatcher.register("t", seen.on_fire)
    for n in range(50):
        await dispatcher.schedule("t", str(n), T0 + timedelta(seconds=10))
    dispatcher.start()
    await settle(dispatcher, clock, 10)
    await settle(dispatcher, clock, 10)
    assert sorted(seen.refs, key=int) == [str(n) for n in range(50)]


# --- idle(): the signal tests wait on instead of sleeping -------------------------------------------


class JumpClock:
    """A clock whose sleepers never wake by themselves: only ``idle()`` noticing the jump can fire a timer."""

    def __init__(self, start: datetime) -> None:
        self.at = start

    def now(self) -> datetime:
        return self.at

    async def sleep_until(self, when: datetime) -> None:
        if when <= self.at:
            await asyncio.sleep(0)
            return
        await asyncio.Event().wait()


class Gate:
    """A handler that records its start and waits until the test opens it."""

    def __init__(self) -> None:
        self.started = asyncio.Event()
        self.opened = asyncio.Event()
        self.finished: list[str] = []

    async def on_fire(self, firing: Firing) -> None:
        self.started.set()
        await self.opened.wait()
        self.finished.append(firing.timer.ref)


async def idle_while_a_handler_runs(
    dispatcher: TimerDispatcher, gate: Gate
) -> tuple[int, asyncio.Task[None]]:
    """Start a due timer whose handler waits at ``gate``, then call ``idle()`` in a task while it runs."""
    dispatcher.register("t", gate.on_fire)
    timer_id = await dispatcher.schedule("t", "slow", T0)
    dispatcher.start()
    await asyncio.wait_for(gate.started.wait(), timeout=60)
    waiting = asyncio.create_task(dispatcher.idle())
    await turns()
    return timer_id, waiting


async def turns(count: int = 50) -> None:
    """Let the event loop run other tasks for a while (no wall-clock time involved)."""
    for _ in range(count):
        await asyncio.sleep(0)


async def test_idle_returns_promptly_when_nothing_is_due(
    store: Store, dispatcher: TimerDispatcher, clock: ManualClock
) -> None:
    seen = Recorder()
    dispatcher.register("t", seen.on_fire)
    await dispatcher.schedule("t", "tomorrow", T0 + timedelta(days=1))
    dispatcher.start()
    await asyncio.wait_for(dispatcher.idle(), timeout=60)
    # Already idle: a second call returns without the loop doing anything.
    await asyncio.wait_for(dispatcher.idle(), timeout=60)
    assert seen.refs == []


async def test_idle_does_not_return_while_a_due_handler_runs(
    store: Store, dispatcher: TimerDispatcher, clock: ManualClock
) -> None:
    gate = Gate()
    timer_id, waiting = await idle_while_a_handler_runs(dispatcher, gate)
    assert not waiting.done()
    gate.opened.set()
    await asyncio.wait_for(waiting, timeout=60)
    assert gate.finished == ["slow"]
    row = await store.timers.get(timer_id)
    assert row is not None and row.state == "fired"  # marked before idle() returned


async def test_idle_after_advancing_past_a_due_time_waits_for_that_firing(
    store: Store, dispatcher: TimerDispatcher, clock: ManualClock
) -> None:
    gate = Gate()
    dispatcher.register("t", gate.on_fire)
    await dispatcher.schedule("t", "soon", T0 + timedelta(seconds=10))
    dispatcher.start()
    await asyncio.wait_for(dispatcher.idle(), timeout=60)
    await clock.advance(10)
    waiting = asyncio.create_task(dispatcher.idle())
    await asyncio.wait_for(gate.started.wait(), timeout=60)
    await turns()
    assert not waiting.done()
    gate.opened.set()
    await asyncio.wait_for(waiting, timeout=60)
    assert gate.finished == ["soon"]


async def test_idle_notices_a_clock_that_jumped_without_waking_the_loop(store: Store) -> None:
    clock = JumpClock(T0)
    seen = Recorder()
    dispatcher = TimerDispatcher(store, clock)
    dispatcher.register("t", seen.on_fire)
    await dispatcher.schedule("t", "jumped", T0 + timedelta(minutes=5))
    dispatcher.start()
    try:
        await asyncio.wait_for(dispatcher.idle(), timeout=60)
        clock.at = T0 + timedelta(minutes=6)  # the loop still sleeps: nothing woke it
        await asyncio.wait_for(dispatcher.idle(), timeout=60)
        assert seen.refs == ["jumped"]
    finally:
        await dispatcher.stop()


async def test_idle_waits_for_timers_that_handlers_schedule(
    store: Store, dispatcher: TimerDispatcher, clock: ManualClock
) -> None:
    seen = Recorder()

    async def chain(firing: Firing) -> None:
        seen.fired.append(firing)
        step = int(firing.timer.ref)
        if step < 3:  # due at once: part of what is due "now"
            await dispatcher.schedule("t", str(step + 1), firing.now)
        await dispatcher.schedule("t", "later", firing.now + timedelta(hours=1))  # not due: not waited for

    dispatcher.register("t", chain)
    await dispatcher.schedule("t", "1", T0)
    dispatcher.start()
    await asyncio.wait_for(dispatcher.idle(), timeout=60)
    assert seen.refs == ["1", "2", "3"]


async def test_a_wake_during_a_handler_is_not_lost(
    store: Store, dispatcher: TimerDispatcher, clock: ManualClock
) -> None:
    gate = Gate()
    seen = Recorder()
    dispatcher.register("slow", gate.on_fire)
    dispatcher.register("t", seen.on_fire)
    await dispatcher.schedule("slow", "s", T0)
    dispatcher.start()
    await asyncio.wait_for(gate.started.wait(), timeout=60)
    # While the handler runs, another commit adds a due timer (the wake arrives mid-handler).
    await dispatcher.schedule("t", "meanwhile", T0)
    gate.opened.set()
    await asyncio.wait_for(dispatcher.idle(), timeout=60)
    assert gate.finished == ["s"] and seen.refs == ["meanwhile"]


async def test_giving_up_on_idle_does_not_cancel_the_running_handler(
    store: Store, dispatcher: TimerDispatcher, clock: ManualClock
) -> None:
    gate = Gate()
    timer_id, waiting = await idle_while_a_handler_runs(dispatcher, gate)
    waiting.cancel()
    with pytest.raises(asyncio.CancelledError):
        await waiting
    gate.opened.set()
    await asyncio.wait_for(dispatcher.idle(), timeout=60)
    assert gate.finished == ["slow"]
    row = await store.timers.get(timer_id)
    assert row is not None and row.state == "fired"


async def test_idle_on_a_dispatcher_that_is_not_running_raises(store: Store, clock: ManualClock) -> None:
    dispatcher = TimerDispatcher(store, clock)
    with pytest.raises(RuntimeError, match="not running"):
        await dispatcher.idle()
    dispatcher.start()
    await asyncio.wait_for(dispatcher.idle(), timeout=60)
    await dispatcher.stop()
    with pytest.raises(RuntimeError, match="not running"):
        await dispatcher.idle()


async def test_idle_raises_when_the_dispatcher_stops_while_it_waits(store: Store, clock: ManualClock) -> None:
    dispatcher = TimerDispatcher(store, clock)
    dispatcher.start()
    waiting = asyncio.create_task(dispatcher.idle())
    await asyncio.sleep(0)  # idle() now waits for the loop's first sleep
    assert not waiting.done()
    await dispatcher.stop()
    with pytest.raises(RuntimeError, match="not running"):
        await asyncio.wait_for(waiting, timeout=60)


async def test_finished_timers_are_forgotten_after_the_retention_but_pending_ones_never(
    store: Store, clock: ManualClock
) -> None:
    seen = Recorder()
    old = await store.timers.add("t", "old", T0 - RETENTION - timedelta(days=1))
    recent = await store.timers.add("t", "recent", T0 - timedelta(days=1))
    far = await store.timers.add("t", "far", T0 + RETENTION * 3)
    cancelled = await store.timers.add("t", "cancelled", T0 - RETENTION - timedelta(days=2))
    await store.timers.cancel("t", "cancelled")
    async with store.transaction() as tx:  # an old firing as if from a long-gone lifetime
        for timer_id in (old, recent):
            await tx.timers.finish(timer_id, "fired", fired_at=T0 - timedelta(days=1), late_by=0.0)
    dispatcher = TimerDispatcher(store, clock, grace=timedelta(minutes=15))
    dispatcher.register("t", seen.on_fire)
    dispatcher.start()
    try:
        await settle(dispatcher, clock)
        assert await store.timers.get(old) is None and await store.timers.get(cancelled) is None
        assert await store.timers.get(recent) is not None  # inside the retention
        pending = await store.timers.get(far)
        assert pending is not None and pending.state == "pending"  # never pruned, however far ahead
        # A day later the dispatcher prunes again: "recent" is still inside the retention.
        await settle(dispatcher, clock, 86_400)
        assert await store.timers.get(recent) is not None
    finally:
        await dispatcher.stop()
    assert seen.refs == []
