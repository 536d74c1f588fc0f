"""The timer dispatcher: one task sleeping until the earliest due row, woken when an earlier one is added.

Every timer is a row (see ``bot.store.timers``). A due row is claimed (marked ``running``, committed)
before its handler runs and marked ``fired``/``failed`` after, never deleted, so a restart never fires a
finished timer twice and never drops one. Timers that came due while the bot was down fire late with
``Firing.late`` set when they are within the grace window; older ones are recorded as ``missed`` and
handed to the kind's ``on_missed`` handler so it can report them.

Across processes (several ``filmbot run`` on one PostgreSQL) any live dispatcher fires any due timer. A
claim is a lease held by this dispatcher's ``owner`` id until ``lease`` from the claim, renewed while its
handlers run; a process killed mid-fire stops renewing, its lease lapses and another dispatcher claims
the timer again (``Firing.retry``: the handler's nonce recording keeps its messages single). A dispatcher
claims at most ``concurrency`` timers at a time, so a backlog is shared out between the live processes
rather than claimed by one that could not start them all before their leases lapse.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import secrets
import socket
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from bot.clock import Clock
from bot.timers.models import Firing, Timer

if TYPE_CHECKING:
    from bot.store import Store

log = logging.getLogger(__name__)

# Finished timer rows are kept this long (a restart within it never fires them again), then deleted.
RETENTION = timedelta(days=30)
PRUNE_EVERY = timedelta(days=1)
# How long a claim holds a timer unless renewed; renewed every third of it while its handler runs.
LEASE = timedelta(minutes=1)
# Timers one dispatcher runs at once (and so claims at most).
CONCURRENCY = 100

FireHandler = Callable[[Firing], Awaitable[None]]
MissedHandler = Callable[[Firing], Awaitable[None]]


@dataclass(frozen=True, slots=True)
class _Handlers:
    on_fire: FireHandler
    on_missed: MissedHandler | None


class TimerDispatcher:
    """The one timer loop. Any commit that adds or cancels a timer wakes it (``Store.on_timers_changed``)."""

    def __init__(
        self,
        store: Store,
        clock: Clock,
        *,
        grace: timedelta = timedelta(minutes=15),
        lease: timedelta = LEASE,
        concurrency: int = CONCURRENCY,
    ) -> None:
        self._timers = store.timers
        self._clock = clock
        self._grace = grace
        self.lease = lease
        self._concurrency = concurrency
        # Who holds this dispatcher's claims: unique per dispatcher, readable in the timers table.
        self.owner = f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(4)}"
        self._renewer: asyncio.Task[None] | None = None
        self._claims: set[int] = set()  # ids of the timers this dispatcher's handlers are running
        self._handlers: dict[str, _Handlers] = {}
        self._wake = asyncio.Event()
        # Set while the loop sleeps with nothing due and no handler running: see ``idle()``.
        self._idle = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._inflight: set[asyncio.Task[None]] = set()
        self._next_due: datetime | None = None
        self._sleeping = False
        self._saturated = False
        self._pruned_at: datetime | None = None
        store.on_timers_changed(self.wake)

    def register(self, kind: str, on_fire: FireHandler, on_missed: MissedHandler | None = None) -> None:
        """Say what to do when a timer of ``kind`` comes due (and when it was missed)."""
        self._handlers[kind] = _Handlers(on_fire, on_missed)

    @property
    def running(self) -> bool:
        return self._task is not None and not self._task.done()

    def start(self) -> None:
        if not self.running:
            self._task = asyncio.create_task(self._run(), name="timer-dispatcher")
            self._renewer = asyncio.create_task(self._renew_leases(), name="timer-leases")

    async def stop(self) -> None:
        """Stop claiming, let the handlers that run finish (their leases renewed meanwhile), then stop."""
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
        await self.drain()
        if self._renewer is not None:
            self._renewer.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._renewer
            self._renewer = None
        await self._release()

    async def _release(self) -> None:
        """Claims whose handlers were cancelled by the stop (a refresh cut short) lapse now rather than
        after their lease: the next start, or another process, takes them up at once."""
        left, self._claims = set(self._claims), set()
        if left:
            try:
                await self._timers.renew(self.owner, left, self._clock.now())
            except Exception:
                log.exception(
                    "could not release %d unfinished timer claims; retried after the lease", len(left)
                )

    async def drain(self) -> None:
        """Wait for every handler that is running now to finish.

        ``asyncio.wait``, not ``gather``: a caller that gives up waiting (a timeout, a cancelled test) must
        not cancel the handlers it was waiting for.
        """
        while self._inflight:
            await asyncio.wait(set(self._inflight))

    async def schedule(
        self, kind: str, ref: str, due_at: datetime, payload: dict[str, Any] | None = None
    ) -> int:
        """Add a timer (committed before this returns; the commit wakes the dispatcher)."""
        return await self._timers.add(kind, ref, due_at, payload)

    async def cancel(self, kind: str, ref: str) -> int:
        return await self._timers.cancel(kind, ref)

    def wake(self) -> None:
        """Re-read the earliest due row."""
        self._idle.clear()
        self._wake.set()

    async def idle(self) -> None:
        """Return once every timer due by the clock's "now" has been handled and the loop sleeps again.

        For tests and tools that move a clock and then need the consequences: wait on this instead of
        sleeping for a guessed while. Timers that handlers add (due already) are handled before it returns.
        Raises ``RuntimeError`` if the dispatcher is not running or stops while this waits. Never await it
        from a timer handler: it would wait for itself.
        """
        while True:
            task = self._task
            if task is None or task.done():
                raise RuntimeError("the timer dispatcher is not running")
            if self._inflight:
                await self.drain()
            elif not self._idle.is_set():
                await self._idle_or_stopped(task)
            elif self._next_due is not None and self._next_due <= self._clock.now():
                self.wake()  # the clock moved past the next timer: have the loop look again
            else:
                return

    async def _idle_or_stopped(self, task: asyncio.Task[None]) -> None:
        """Wait until the loop sleeps with nothing to do, or ends (then ``idle`` raises)."""
        waiter = asyncio.ensure_future(self._idle.wait())
        try:
            await asyncio.wait({waiter, task}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            waiter.cancel()

    async def _run(self) -> None:
        async with self._timers.listening(self.wake):
            await self._loop()

    async def _loop(self) -> None:
        while True:
            self._wake.clear()
            try:
                now = self._clock.now()
                room = self._concurrency - len(self._inflight)
                claimed = await self._claim(now, room) if room > 0 else []
                # A full batch may have left due timers behind: claim more once half the handlers ended
                # (a batch at a time, not a round trip per timer), without reading the next due one.
                self._saturated = room <= 0 or len(claimed) == room
                await self._prune_now_and_then(now)
                next_due = self._next_due = (
                    None if self._saturated else await self._timers.next_due(self.owner)
                )
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("timer dispatcher could not read the timer table; retrying in 5 s")
                await asyncio.sleep(5)
                continue
            await self._sleep(None if self._saturated else next_due)

    async def _claim(self, now: datetime, room: int) -> list[Timer]:
        claimed = await self._timers.claim_due(now, owner=self.owner, lease=self.lease, limit=room)
        for timer in claimed:
            self._claims.add(timer.id)
            task = asyncio.create_task(self._fire(timer, now), name=f"timer-{timer.kind}-{timer.id}")
            self._inflight.add(task)
            task.add_done_callback(self._handled)
        return claimed

    async def _renew_leases(self) -> None:
        """While handlers run, keep their claims: every third of the lease, extend them all by a lease."""
        while True:
            await self._clock.sleep_until(self._clock.now() + self.lease / 3)
            if not self._claims:
                continue
            try:
                await self._timers.renew(self.owner, set(self._claims), self._clock.now() + self.lease)
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("could not renew the leases of running timers; trying again")

    async def _prune_now_and_then(self, now: datetime) -> None:
        """Once a day (and at start), forget timers that finished more than ``RETENTION`` ago."""
        if self._pruned_at is not None and now - self._pruned_at < PRUNE_EVERY:
            return
        self._pruned_at = now
        removed = await self._timers.prune(now - RETENTION)
        if removed:
            log.info("forgot %d timers finished before %s", removed, now - RETENTION)

    def _handled(self, task: asyncio.Task[None]) -> None:
        self._inflight.discard(task)
        if self._saturated and len(self._inflight) <= self._concurrency // 2:
            self._saturated = False
            self.wake()  # room for more: claim what a full batch left behind
        elif not self._inflight and self._sleeping and not self._wake.is_set():
            self._idle.set()

    async def _sleep(self, until: datetime | None) -> None:
        self._sleeping = True
        if not self._inflight and not self._wake.is_set():
            self._idle.set()
        waiter = asyncio.create_task(self._wake.wait())
        sleeper = asyncio.create_task(self._clock.sleep_until(until)) if until is not None else None
        try:
            await asyncio.wait(
                {waiter} | ({sleeper} if sleeper else set()), return_when=asyncio.FIRST_COMPLETED
            )
        finally:
            self._sleeping = False
            self._idle.clear()
            waiter.cancel()
            if sleeper is not None:
                sleeper.cancel()

    async def _fire(self, timer: Timer, now: datetime) -> None:
        firing = Firing(timer=timer, now=now, late_by=max(now - timer.due_at, timedelta(0)))
        handlers = self._handlers.get(timer.kind)
        if handlers is None:
            log.error("timer %s of kind %r has no handler; marked failed", timer.id, timer.kind)
            await self._finish(firing, "failed", f"no handler for {timer.kind}")
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
            await self._finish(firing, "failed", f"{type(exc).__name__}: {exc}"[:500])
        else:
            await self._finish(firing, "missed" if missed else "fired")

    async def _finish(self, firing: Firing, state: str, error: str | None = None) -> None:
        """Record the outcome, if the claim is still ours (else whoever took it over records it).

        If it cannot be recorded (the database is unreachable), the claim is no longer renewed: its lease
        lapses and the timer is retried, by this process or another, as after a crash.
        """
        timer = firing.timer
        late = firing.late_by.total_seconds()
        try:
            recorded = await self._timers.finish(
                timer.id, state, fired_at=firing.now, late_by=late, error=error, owner=self.owner
            )
        except Exception:
            log.exception("timer %s (%s %s): outcome not recorded; retried after its lease", *_named(timer))
            return
        finally:
            self._claims.discard(timer.id)
        if not recorded:
            log.warning(
                "timer %s (%s %s) ran past its lease and was taken over by another claim; its outcome is "
                "theirs to record",
                *_named(timer),
            )


def _named(timer: Timer) -> tuple[int, str, str]:
    return timer.id, timer.kind, timer.ref
