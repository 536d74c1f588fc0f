"""The PostgreSQL engine: an asyncpg pool behind the same session shape as the SQLite one.

Repositories write their SQL once, with ``?`` (or ``:name``) placeholders: the sessions here number them
(``$1``…) before asyncpg sees them (``_sql.numbered``). Rows are asyncpg ``Record``s, which answer by
name and by position as ``sqlite3.Row`` does; ``numeric`` values (a ``sum`` of integers) come back as
Python ints or floats, as SQLite's do, so the services see the same values on both engines.

Writes serialize as on SQLite, where one writer at a time holds ``BEGIN IMMEDIATE``: a process's writes
queue on one lock, and every write transaction takes one transaction-scoped advisory lock first, so the
read-modify-write a repository does (a ballot batch reads the ballots it then rewrites) is never
interleaved with another process's. A write that waits longer than ``LOCK_WAIT`` for another process (a
long import, say) fails as ``WriteFailed``, as SQLite's does after its busy timeout. Reads run on the pool's other connections and see what is committed.
Every commit waits for the WAL flush (``synchronous_commit = on``): durable before acknowledged.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Callable, Iterable, Iterator, Sequence
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from typing import Any, TypeAlias

import asyncpg
from asyncpg.pool import PoolConnectionProxy

from bot.database_url import PostgresUrl
from bot.errors import BadInput
from bot.store import _pg_migrations
from bot.store._pg_failures import CONNECT_TIMEOUT, constraint, pg_unusable, pg_write_failure
from bot.store._session import AfterCommit, Dialect, Params, Row
from bot.store._sql import numbered

log = logging.getLogger(__name__)

# The advisory lock every write transaction holds (the key is "filmbot" in ASCII: any constant would do,
# but one no other application on a shared server is likely to pick).
WRITE_LOCK = 0x66696C6D626F74
# The advisory lock one catalog import at a time holds (SQLite's ``<database>.import.lock``).
IMPORT_LOCK = WRITE_LOCK + 1
POOL_SIZE = 10
# Whether a session waits for the write lock (an advisory lock on a bigint: its high and low 32 bits).
_LOCK_WAITERS = (
    "SELECT EXISTS (SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND NOT granted "
    "AND classid = $1::bigint::oid AND objid = $2::bigint::oid AND objsubid = 1)"
)
# How long a write waits for another process's write (SQLite's busy_timeout): then it is WriteFailed.
LOCK_WAIT = 5.0

Connection: TypeAlias = asyncpg.Connection | PoolConnectionProxy
# Errors after which a connection cannot be trusted with another statement.
_BROKEN = (
    OSError,
    asyncpg.PostgresConnectionError,
    asyncpg.InterfaceError,
    asyncpg.AdminShutdownError,
    asyncpg.exceptions.InternalClientError,
)


class PgCursor:
    """What ``execute`` hands back: the number of rows the statement changed (from its command tag)."""

    __slots__ = ("rowcount",)

    def __init__(self, status: str) -> None:
        last = status.rpartition(" ")[2]
        self.rowcount = int(last) if last.isdigit() else -1


def _number(text: str) -> int | float:
    """A ``numeric`` value as SQLite would give it: an int when whole, else a float."""
    return int(text) if text.lstrip("-").isdigit() else float(text)


async def _prepare(conn: asyncpg.Connection) -> None:
    await conn.set_type_codec("numeric", encoder=str, decoder=_number, schema="pg_catalog", format="text")


async def _reset(conn: asyncpg.Connection) -> None:
    """What a connection needs before the pool hands it out again: nothing, unless a transaction was left
    open (a cancelled write). The store leaves no session state behind (its locks and settings are the
    transaction's), so asyncpg's default reset, a round trip per use, would only double every read's."""
    if conn.is_in_transaction():
        await conn.reset()


@contextlib.contextmanager
def _statement_errors() -> Iterator[None]:
    """A statement's failures as both engines report them: the store's ``ConstraintViolated`` for a
    rule of the schema, ``OverflowError`` for an integer too large to store (SQLite's own)."""
    try:
        yield
    except asyncpg.IntegrityConstraintViolationError as exc:
        raise constraint(exc) from exc
    except asyncpg.DataError as exc:
        if isinstance(exc.__cause__, OverflowError):
            raise OverflowError(str(exc)) from exc
        raise


async def _fetch(conn: Connection, sql: str, params: Params) -> list[Row]:
    text, args = numbered(sql, params)
    with _statement_errors():
        return list(await conn.fetch(text, *args))


class PgDatabase:
    """An asyncpg pool. Reads run on any connection; writes go through ``transaction()``."""

    dialect: Dialect = "postgresql"

    def __init__(self, pool: asyncpg.Pool, url: PostgresUrl) -> None:
        self._pool = pool
        self.url = url
        self._write_lock = asyncio.Lock()
        self._waiting = 0  # this process's writes waiting for the write lock
        self.lock_wait = LOCK_WAIT

    @property
    def location(self) -> PostgresUrl:
        return self.url

    @classmethod
    async def open(cls, url: PostgresUrl, *, pool_size: int = POOL_SIZE) -> PgDatabase:
        """Connect, check and migrate; ``DatabaseUnusable`` (one plain sentence) when the server cannot
        be reached in time, refuses the login, or has no such database."""
        try:
            pool = await asyncpg.create_pool(
                url.reveal(),
                min_size=1,
                max_size=pool_size,
                timeout=CONNECT_TIMEOUT,
                init=_prepare,
                reset=_reset,
                server_settings={"synchronous_commit": "on", "application_name": "filmbot"},
            )
        except (OSError, asyncpg.PostgresError, asyncpg.InterfaceError, TimeoutError) as exc:
            raise pg_unusable(url, exc) from exc
        db = cls(pool, url)
        try:
            async with pool.acquire() as conn:
                await _pg_migrations.migrate(conn, url)
        except BaseException as exc:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(pool.close(), CONNECT_TIMEOUT)
            if isinstance(exc, OSError | asyncpg.PostgresError | asyncpg.InterfaceError | TimeoutError):
                raise pg_unusable(url, exc) from exc
            raise
        return db

    async def close(self) -> None:
        async with self._write_lock:
            try:
                await asyncio.wait_for(self._pool.close(), CONNECT_TIMEOUT)
            except TimeoutError:
                self._pool.terminate()

    async def checkpoint(self, attempts: int = 20) -> bool:
        """Nothing to do: the server manages its own write-ahead log (SQLite's WAL checkpoint has no twin)."""
        return True

    async def vacuum(self, table: str) -> None:
        """Remove the old versions of ``table``'s rows that no transaction can see any more."""
        async with self.connection() as conn:
            await conn.execute(f"VACUUM {table}")

    async def user_version(self) -> int:
        async with self.connection() as conn:
            return await _pg_migrations.current_version(conn)

    async def writers_waiting(self) -> bool:
        """Whether another write waits for the one in progress (a long import yields to it): one of this
        process's, or any process's waiting for the write lock on the server."""
        if self._waiting > 0:
            return True
        async with self.connection() as conn:
            return bool(await conn.fetchval(_LOCK_WAITERS, WRITE_LOCK >> 32, WRITE_LOCK & 0xFFFFFFFF))

    @asynccontextmanager
    async def import_lock(self) -> AsyncIterator[None]:
        """One catalog import at a time on this database, across processes (a session advisory lock)."""
        # A connection of its own, not the pool's: closing it lets go of the lock however the import ends.
        try:
            conn = await asyncpg.connect(self.url.reveal(), timeout=CONNECT_TIMEOUT)
        except (*_BROKEN, asyncpg.PostgresError, TimeoutError) as exc:
            raise pg_unusable(self.url, exc) from exc
        try:
            if not await conn.fetchval("SELECT pg_try_advisory_lock($1)", IMPORT_LOCK):
                raise BadInput(f"another catalog import is writing to {self.url}; wait for it to finish")
            yield
        finally:
            await conn.close()

    @asynccontextmanager
    async def transaction(self, *, durable: bool = True) -> AsyncIterator[PgTransaction]:
        """A write transaction: committed when the block exits, rolled back if it raises; ``WriteFailed``
        when the server refuses it (a full disk, a read-only server, a lost connection). ``durable=False``
        (an import's chunk that nothing shown depends on yet) commits without waiting for the disk."""
        self._waiting += 1
        try:
            await self._write_lock.acquire()
        finally:
            self._waiting -= 1
        try:
            try:
                async with self.connection() as conn, conn.transaction():
                    await conn.execute(
                        "SELECT set_config('lock_timeout', $1, true), pg_advisory_xact_lock($2)",
                        f"{round(self.lock_wait * 1000)}ms",
                        WRITE_LOCK,
                    )
                    if not durable:
                        await conn.execute("SET LOCAL synchronous_commit = off")
                    tx = PgTransaction(conn)
                    yield tx
            except (*_BROKEN, asyncpg.PostgresError) as exc:
                failed = pg_write_failure(self.url, exc)
                if failed is None:
                    raise
                raise failed from exc
        finally:
            self._write_lock.release()
        tx.committed()

    @asynccontextmanager
    async def bulk(self) -> AsyncIterator[None]:
        """A bulk write needs no settings of its own here (SQLite's page cache and checkpoints)."""
        yield

    def write(self) -> AbstractAsyncContextManager[PgTransaction]:
        """Where a repository writes: here, a transaction of its own."""
        return self.transaction()

    def after_commit(self, callback: Callable[[], None]) -> None:
        """Outside any transaction there is nothing to wait for: run ``callback`` now."""
        callback()

    async def fetchall(self, sql: str, params: Params = ()) -> list[Row]:
        """Rows on a connection of the pool; read again on another if that one had broken (a read is
        safe to repeat: the server restarted, or cut idle connections, and the pool still held them)."""
        try:
            async with self.connection() as conn:
                return await _fetch(conn, sql, params)
        except _BROKEN:
            log.info("a database connection had broken; reading again on another", exc_info=True)
        async with self.connection() as conn:
            return await _fetch(conn, sql, params)

    async def fetchone(self, sql: str, params: Params = ()) -> Row | None:
        rows = await self.fetchall(sql, params)
        return rows[0] if rows else None

    async def read(self, sql: str, params: Params = ()) -> list[Row]:
        """Rows of what is committed, on a connection of the pool: never queued behind a write."""
        return await self.fetchall(sql, params)

    async def statement(self, sql: str, params: Params = ()) -> list[Row]:
        """One write statement that is atomic by itself (a timer claim), committed on its own, outside the
        write lock: for a statement that reads nothing it then writes back, that lock only adds waiting."""
        try:
            async with self.connection() as conn:
                return await _fetch(conn, sql, params)
        except (*_BROKEN, asyncpg.PostgresError) as exc:
            failed = pg_write_failure(self.url, exc)
            if failed is None:
                raise
            raise failed from exc

    @asynccontextmanager
    async def connection(self) -> AsyncIterator[Connection]:
        """A connection of the pool, for what only PostgreSQL does (``COPY``, say). Leave no session
        state on it (``LISTEN``, session locks, ``SET``): the pool does not reset it (``_reset``). A
        connection that broke (the server went away, a protocol error) is closed, never handed out again."""
        async with self._pool.acquire() as conn:
            try:
                yield conn
            except _BROKEN:
                conn.terminate()
                raise


class PgTransaction(AfterCommit):
    """One open write transaction on one connection of the pool."""

    dialect: Dialect = "postgresql"

    def __init__(self, conn: Connection) -> None:
        super().__init__()
        self.conn = conn

    @asynccontextmanager
    async def write(self) -> AsyncIterator[PgTransaction]:
        """Writes join this transaction; it commits when its owner's block ends."""
        yield self

    @asynccontextmanager
    async def savepoint(self) -> AsyncIterator[None]:
        """A part of the transaction that is undone alone if it raises (the rest goes on)."""
        async with self.conn.transaction():
            yield

    async def execute(self, sql: str, params: Params = ()) -> PgCursor:
        text, args = numbered(sql, params)
        with _statement_errors():
            return PgCursor(await self.conn.execute(text, *args))

    async def executemany(self, sql: str, rows: Iterable[Params]) -> None:
        batch = list(rows)
        if not batch:
            return
        text, _ = numbered(sql, batch[0])
        args = [numbered(sql, row)[1] for row in batch]
        with _statement_errors():
            await self.conn.executemany(text, args)

    async def fetchall(self, sql: str, params: Params = ()) -> list[Row]:
        return await _fetch(self.conn, sql, params)

    async def fetchone(self, sql: str, params: Params = ()) -> Row | None:
        rows = await _fetch(self.conn, sql, params)
        return rows[0] if rows else None

    async def read(self, sql: str, params: Params = ()) -> list[Row]:
        """Inside a transaction, reads see its own writes."""
        return await self.fetchall(sql, params)

    async def insert_rows(self, table: str, columns: Sequence[str], rows: Sequence[tuple[Any, ...]]) -> None:
        """Plain inserts of many rows (a bulk write's) with ``COPY``: several times faster than one
        ``INSERT`` per row; triggers and constraints apply as to any insert."""
        if not rows:
            return
        with _statement_errors():
            await self.conn.copy_records_to_table(table, records=rows, columns=list(columns))
