"""Keeping the catalog fresh while the bot runs (``FILMBOT_IMDB_REFRESH``: off, daily, weekly, monthly).

The refresh is a timer row (kind ``imdb-refresh``) like any other: exactly one is pending while the
setting is on. ``schedule()`` (at start) adds it when there is none, due one period after the last
refresh (at once if there never was one), and replaces it when the period changed; each refresh adds the
next row when it finishes, one period later (six hours later after a failure). A refresh interrupted by
a stop is claimed again by the dispatcher at the next start and resumes its partial downloads. The work
runs in a child process (``child.py``); the bot finds what it imported as soon as the import commits.
"""

from __future__ import annotations

import asyncio
import calendar
import contextlib
import logging
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from typing import Protocol

from bot.catalog.download.child import RefreshRun
from bot.catalog.download.run import imported
from bot.clock import Clock
from bot.store import Repositories, Store
from bot.timers import Firing, Timer, TimerDispatcher

log = logging.getLogger(__name__)

TIMER_KIND = "imdb-refresh"
TIMER_REF = "imdb"
RETRY_AFTER_FAILURE = timedelta(hours=6)


class RefreshRunner(Protocol):
    async def run(self) -> RefreshRun: ...


class RefreshFailed(Exception):
    """A scheduled refresh failed; the timer row records why (the child's own line)."""


def after(moment: datetime, every: str) -> datetime:
    """One period after ``moment``: a day, a week, or the same day next month (clamped: 31 Jan -> 28 Feb)."""
    if every == "daily":
        return moment + timedelta(days=1)
    if every == "weekly":
        return moment + timedelta(weeks=1)
    if every != "monthly":
        raise ValueError(f"not a refresh period: {every!r}")
    year, month = (moment.year + 1, 1) if moment.month == 12 else (moment.year, moment.month + 1)
    return moment.replace(year=year, month=month, day=min(moment.day, calendar.monthrange(year, month)[1]))


class ImdbRefreshService:
    """Schedules and runs the refresh; ``on_changed``, if given, is called after each run (the title index
    lives in the database: a running bot finds what the child imported as soon as it commits)."""

    def __init__(
        self,
        store: Store,
        clock: Clock,
        every: str,
        runner: RefreshRunner,
        on_changed: Callable[[], Awaitable[None]] | None = None,
    ) -> None:
        self._store = store
        self._clock = clock
        self.every = every
        self._runner = runner
        self._on_changed = on_changed
        self._running: asyncio.Future[RefreshRun] | None = None

    def register_timers(self, timers: TimerDispatcher) -> None:
        """A refresh that comes due late (the bot was down) is still wanted: missed ones run too."""
        timers.register(TIMER_KIND, self.refresh_due, self.refresh_due)

    async def schedule(self) -> Timer | None:
        """Exactly one pending refresh while the setting is on, none when off; returns the pending one."""
        async with self._store.transaction() as tx:
            rows = await tx.timers.for_ref(TIMER_KIND, TIMER_REF)
            pending = [t for t in rows if t.state == "pending"]
            if self.every == "off":
                if pending:
                    await tx.timers.cancel(TIMER_KIND, TIMER_REF)
                    log.info("FILMBOT_IMDB_REFRESH is off: the scheduled refresh is cancelled")
                return None
            if any(t.state == "running" for t in rows):
                # A refresh interrupted by a stop: the dispatcher runs it again, and it adds the next.
                return None
            if len(pending) == 1 and pending[0].payload.get("every") == self.every:
                return pending[0]
            if pending:
                await tx.timers.cancel(TIMER_KIND, TIMER_REF)
            due = await self._first_due(tx, rows)
            timer_id = await tx.timers.add(TIMER_KIND, TIMER_REF, due, {"every": self.every})
            log.info("IMDb datasets refresh (%s) scheduled for %s", self.every, due.isoformat())
            return await tx.timers.get(timer_id)

    async def _first_due(self, tx: Repositories, rows: list[Timer]) -> datetime:
        """One period after the last refresh (else after the last ``films download``'s import), or now."""
        ran = [t.fired_at for t in rows if t.fired_at is not None and t.state != "running"]
        if not ran:
            last = await imported(tx)
            ran = [last.at] if last is not None else []
        now = self._clock.now()
        return max(after(max(ran), self.every), now) if ran else now

    async def refresh_due(self, firing: Firing) -> None:
        """The timer's handler: run the refresh, call ``on_changed``, add the next row.

        Cancelled by ``stop()`` (the bot is stopping), it adds nothing: the row stays claimed, and the
        dispatcher runs it again at the next start.
        """
        self._running = asyncio.ensure_future(self._run())
        try:
            run = await self._running
        finally:
            self._running = None
        try:
            if self._on_changed is not None:
                await self._on_changed()
        finally:
            await self._add_next(failed=not run.ok)
        if not run.ok:
            log.error("the IMDb datasets refresh failed: %s", run.reason)
            raise RefreshFailed(run.reason)

    async def _run(self) -> RefreshRun:
        try:
            return await self._runner.run()
        except Exception as exc:  # the child could not even start: still a failed run, retried later
            log.exception("the IMDb datasets refresh could not run")
            return RefreshRun(-1, (f"{type(exc).__name__}: {exc}",))

    async def stop(self) -> None:
        """Stop a refresh in progress (its child process too); the next start resumes it."""
        running = self._running
        if running is not None and not running.done():
            running.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await running

    async def _add_next(self, *, failed: bool) -> None:
        if self.every == "off":
            return
        now = self._clock.now()
        due = min(now + RETRY_AFTER_FAILURE, after(now, self.every)) if failed else after(now, self.every)
        async with self._store.transaction() as tx:
            if not any(t.state == "pending" for t in await tx.timers.for_ref(TIMER_KIND, TIMER_REF)):
                await tx.timers.add(TIMER_KIND, TIMER_REF, due, {"every": self.every})
