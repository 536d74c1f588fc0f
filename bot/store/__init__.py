"""The store layer: the only place SQL lives. Rows become typed records here.

``Store`` is the database with one repository per feature, each writing in a transaction of its own.
``Store.transaction()`` is the unit of work: the same repositories bound to one transaction, so a service
writes several things atomically without ever holding a database connection. Writes to the timer table
wake the timer dispatcher once their transaction has committed (``Store.on_timers_changed``).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any

from bot.clock import Clock, SystemClock
from bot.database_url import DatabaseLocation, PostgresUrl
from bot.polls.models import BallotResult
from bot.store._database import Database, migrations
from bot.store._failures import database_failure
from bot.store._functions import register_functions
from bot.store._group_commit import GroupCommit
from bot.store._lock import hold_exclusive, hold_import, hold_lock, lock_path
from bot.store._postgres import PgDatabase
from bot.store._session import ConstraintViolated, Dialect, Duplicate, Session
from bot.store.catalog import CatalogStore
from bot.store.enrich import EnrichStore
from bot.store.films import FilmStore
from bot.store.history import HistoryStore
from bot.store.letterboxd import LetterboxdStore
from bot.store.meta import MetaStore
from bot.store.polls import MAX_BATCH, BallotOp, PollStore
from bot.store.preferences import PreferencesStore
from bot.store.ratings import RatingOp, RatingStore, apply_ops
from bot.store.search import SearchStore
from bot.store.spoilers import SpoilerStore
from bot.store.timers import Outcome, TimerStore, record_outcomes
from bot.store.watch_parties import WatchPartyStore
from bot.store.watchlist import MAX_BATCH as WANTS_MAX_BATCH
from bot.store.watchlist import WantOp, WatchlistStore
from bot.store.where_to_watch import WhereToWatchStore
from bot.watchlist.models import WantResult

__all__ = [
    "ConstraintViolated",
    "Database",
    "Dialect",
    "Duplicate",
    "PgDatabase",
    "Repositories",
    "Store",
    "database_failure",
    "hold_exclusive",
    "hold_import",
    "hold_lock",
    "lock_path",
    "migrations",
    "register_functions",
]


class Repositories:
    """One repository per feature, all on one session (the database, or one open transaction)."""

    def __init__(
        self,
        session: Session,
        clock: Clock,
        timers_changed: Callable[[], None],
        *,
        ballots: GroupCommit[BallotOp, BallotResult] | None = None,
        rating_writes: GroupCommit[RatingOp, Any] | None = None,
        watchlist_writes: GroupCommit[WantOp, WantResult] | None = None,
        timer_outcomes: GroupCommit[Outcome, bool] | None = None,
    ) -> None:
        self.films = FilmStore(session, clock)
        self.catalog = CatalogStore(session, clock)
        self.search = SearchStore(session)
        self.meta = MetaStore(session)
        self.ratings = RatingStore(session, rating_writes)
        self.timers = TimerStore(session, clock, timers_changed, timer_outcomes)
        self.spoilers = SpoilerStore(session)
        self.polls = PollStore(session, ballots)
        self.watch_parties = WatchPartyStore(session, clock)
        self.preferences = PreferencesStore(session, clock)
        self.history = HistoryStore(session, clock)
        self.letterboxd = LetterboxdStore(session, clock)
        self.watchlist = WatchlistStore(session, watchlist_writes)
        self.where_to_watch = WhereToWatchStore(session)
        self.enrich = EnrichStore(session)


class Store(Repositories):
    """The database and its repositories; ``transaction()`` hands out the same ones bound to one transaction."""

    def __init__(self, db: Database | PgDatabase, clock: Clock) -> None:
        self.db = db
        self.clock = clock
        self._timer_listeners: list[Callable[[], None]] = []
        # Group commit: concurrent ballots (ratings, watchlist wants) share one transaction and one fsync.
        self.ballots: GroupCommit[BallotOp, BallotResult] = GroupCommit(
            db, PollStore.apply, name="poll-ballots", max_batch=MAX_BATCH
        )
        self.rating_writes: GroupCommit[RatingOp, Any] = GroupCommit(db, apply_ops, name="rating-writes")
        self.watchlist_writes: GroupCommit[WantOp, WantResult] = GroupCommit(
            db, WatchlistStore.apply, name="watchlist-wants", max_batch=WANTS_MAX_BATCH
        )
        self.timer_outcomes: GroupCommit[Outcome, bool] = GroupCommit(
            db, record_outcomes, name="timer-outcomes"
        )
        super().__init__(
            db,
            clock,
            self._timers_changed,
            ballots=self.ballots,
            rating_writes=self.rating_writes,
            watchlist_writes=self.watchlist_writes,
            timer_outcomes=self.timer_outcomes,
        )

    @classmethod
    async def open(cls, location: DatabaseLocation | str, *, clock: Clock | None = None) -> Store:
        """Open (creating if needed) and migrate the database at ``location``: a SQLite file's path, or
        a PostgreSQL server's DSN (its database must exist; its tables are created here)."""
        if isinstance(location, PostgresUrl):
            return cls(await PgDatabase.open(location), clock or SystemClock())
        return cls(await Database.open(location), clock or SystemClock())

    @property
    def dialect(self) -> Dialect:
        return self.db.dialect

    @asynccontextmanager
    async def transaction(self, *, durable: bool = True) -> AsyncIterator[Repositories]:
        """A unit of work: every repository bound to one transaction, committed when the block ends
        (``durable=False``: see ``Database.transaction``)."""
        async with self.db.transaction(durable=durable) as tx:
            yield Repositories(tx, self.clock, self._timers_changed)

    def on_timers_changed(self, listener: Callable[[], None]) -> None:
        """Call ``listener`` after every commit that added or cancelled a timer (the dispatcher's wake)."""
        self._timer_listeners.append(listener)

    def _timers_changed(self) -> None:
        for listener in self._timer_listeners:
            listener()

    async def close(self) -> None:
        await self.ballots.stop()
        await self.rating_writes.stop()
        await self.watchlist_writes.stop()
        await self.timer_outcomes.stop()
        await self.db.close()
