"""The timer dispatcher: one task sleeping until the earliest due row, woken when an earlier one is added.

Every timer is a row (see ``bot.store.timers``). A due row is claimed (marked ``running``, committed)
before its handler runs and marked ``fired``/``failed`` after, never deleted, so a restart never fires a
finished timer twice and never drops one. Timers that came due while the bot was down fire late with
``Firing.late`` set when they are within the grace window; older ones are recorded as ``missed`` and
handed to the kind's ``on_missed`` handler so it can report them.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from bot.clock import Clock
from bot.store.timers import Timer, TimerStore

log = logging.getLogger(__name__)

# Lateness below this is scheduling noise, not "late".
LATE_NOTE_THRESHOLD = timedelta(seconds=30)


@dataclass(frozen=True, slots=True)
class Firing:
    timer: Timer
    now: datetime
    late_by: timedelta

    @property
    def late(self) -> bool:
        """True when the timer fires noticeably after its time (the bot was down, say)."""
        return self.late_by > LATE_NOTE_THRESHOLD

    @property
    def retry(self) -> bool:
        """True when an earlier attempt was interrupted; the handler must not repeat a visible effect."""
        return self.timer.attempts > 1


FireHandler = Callable[[Firing], Awaitable[None]]
MissedHandler = Callable[[Firing], Awaitable[None]]


@dataclass(frozen=True, slots=True)
class _Handlers:
    on_fire: FireHandler
    on_missed: MissedHandler | None


class TimerDispatcher:
    def __init__(self, timers: TimerStore, clock: Clock, *, grace: timedelta = timedelta(minutes=15)) -> None:
        self._timers = timers
        self._clock = clock
        self._grace = grace
        self._handlers: dict[str, _Handlers] = {}
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._inflight: set[asyncio.Task[None]] = set()

    def register(self, kind: str, on_fire: FireHandler, on_missed: MissedHandler | None = None) -> None:
        """Say what to do when a timer of ``kind`` comes due (and when it was missed)."""
        self._handlers[kind] = _Handlers(on_fire, on_missed)

    @property
    def running(self) -> bool:
        return self._task is not None and not self._task.done()

    def start(self) -> None:
        if not self.running:
            self._task = asyncio.create_task(self._run(), name="timer-dispatcher")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
        await self.drain()

    async def drain(self) -> None:
        """Wait for every handler that is running now to finish."""
        while self._inflight:
            await asyncio.gather(*self._inflight, return_exceptions=True)

    async def schedule(
        self, kind: str, ref: str, due_at: datetime, payload: dict[str, Any] | None = None
    ) -> int:
        """Add a timer (committed before this returns) and wake the dispatcher."""
        timer_id = await self._timers.add(kind, ref, due_at, payload)
        self.wake()
        return timer_id

    async def cancel(self, kind: str, ref: str) -> int:
        count = await self._timers.cancel(kind, ref)
        self.wake()
        return count

    def wake(self) -> None:
        """Re-read the earliest due row (call after writing timer rows in your own transaction)."""
        self._wake.set()

    async def _run(self) -> None:
        recover = True
        while True:
            self._wake.clear()
            try:
                now = self._clock.now()
                for timer in await self._timers.claim_due(now, recover=recover):
                    task = asyncio.create_task(self._fire(timer, now), name=f"timer-{timer.kind}-{timer.id}")
                    self._inflight.add(task)
                    task.add_done_callback(self._inflight.discard)
                recover = False
                next_due = await self._timers.next_due()
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("timer dispatcher could not read the timer table; retrying in 5 s")
                await asyncio.sleep(5)
                continue
            await self._sleep(next_due)

    async def _sleep(self, until: datetime | None) -> None:
        waiter = asyncio.create_task(self._wake.wait())
        sleeper = asyncio.create_task(self._clock.sleep_until(until)) if until is not None else None
        try:
            await asyncio.wait(
                {waiter} | ({sleeper} if sleeper else set()), return_when=asyncio.FIRST_COMPLETED
            )
        finally:
            waiter.cancel()
            if sleeper is not None:
                sleeper.cancel()

    async def _fire(self, timer: Timer, now: datetime) -> None:
        firing = Firing(timer=timer, now=now, late_by=max(now - timer.due_at, timedelta(0)))
        handlers = self._handlers.get(timer.kind)
        late_seconds = firing.late_by.total_seconds()
        if handlers is None:
            log.error("timer %s of kind %r has no handler; marked failed", timer.id, timer.kind)
            await self._timers.finish(
                timer.id, "failed", fired_at=now, late_by=late_seconds, error=f"no handler for {timer.kind}"
            )
            return
        missed = firing.late_by > self._grace
        try:
            if missed:
                log.warning("timer %s (%s %s) missed by %s", timer.id, timer.kind, timer.ref, firing.late_by)
                if handlers.on_missed is not None:
                    await handlers.on_missed(firing)
            else:
                await handlers.on_fire(firing)
        except Exception as exc:
            log.exception("timer %s (%s %s) failed", timer.id, timer.kind, timer.ref)
            await self._timers.finish(
                timer.id,
                "failed",
                fired_at=now,
                late_by=late_seconds,
                error=f"{type(exc).__name__}: {exc}"[:500],
            )
        else:
            state = "missed" if missed else "fired"
            await self._timers.finish(timer.id, state, fired_at=now, late_by=late_seconds)
