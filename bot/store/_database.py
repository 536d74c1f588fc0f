"""The SQLite connection: pragmas, numbered migrations and write transactions.

Repositories are written against a ``Session``: either the ``Database`` itself (each write opens and
commits a transaction of its own) or a ``Transaction`` (every read and write joins that one transaction).
So one repository class serves both a single write and a unit of work spanning several repositories
(``Store.transaction()``). Code that must run only once a write is durable (waking the timer dispatcher,
say) registers it with ``after_commit``: it runs after COMMIT, and never if the transaction rolls back.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import sqlite3
from collections.abc import AsyncIterator, Callable, Iterable, Sequence
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from pathlib import Path
from typing import Any

import aiosqlite

from bot.errors import DatabaseTooNew, DatabaseUnusable
from bot.store import _functions
from bot.store._failures import constraint, unusable, write_failure
from bot.store._lock import hold_import
from bot.store._migrations import migrations
from bot.store._session import AfterCommit, Dialect, Params, Row
from bot.store._waiting import WaitSignal

log = logging.getLogger(__name__)

# A bulk write's settings: a page cache (KiB; SQLite's default is 2,000) big enough for the pages of the
# indexes it updates at random (a million films touch hundreds of MB of them); a checkpoint every 50,000
# pages, not 1,000 (pages every batch rewrites are copied back once); statement journals in memory.
BULK = {"cache_size": -256 * 1024, "wal_autocheckpoint": 50_000, "temp_store": 2}


async def _stopped(opening: aiosqlite.Connection) -> None:
    """Wait for the worker thread of a connection that failed to open to end.

    aiosqlite stops it by queueing a last call whose result it posts to this event loop: returning at
    once lets ``asyncio.run`` close the loop first, and the thread then dies printing a traceback ("Event
    loop is closed") under the one-sentence error.
    """
    thread = getattr(opening, "_thread", None)
    if thread is not None and thread.is_alive():
        await asyncio.to_thread(thread.join, 5)


class Database:
    """One aiosqlite connection. Reads run freely; writes go through ``transaction()``.

    A second, read-only connection serves ``read()``: searches that must answer while a long write (a
    catalog import) holds the first connection, and must see only what is committed.
    """

    dialect: Dialect = "sqlite"

    def __init__(self, conn: aiosqlite.Connection, path: Path) -> None:
        self.conn = conn
        self.path = path
        self._write_lock = asyncio.Lock()
        self._reader: aiosqlite.Connection | None = None
        self._queued = 0  # transactions of this process waiting for ``_write_lock``
        self._signal = WaitSignal(path)

    @asynccontextmanager
    async def import_lock(self) -> AsyncIterator[None]:
        """One catalog import at a time on this database file (``<database>.import.lock``)."""
        with hold_import(self.path):
            yield

    async def writers_waiting(self) -> bool:
        """Whether another write waits for the one in progress: in this process, or (a filmbot) in another."""
        return self._queued > 0 or self._signal.others_waiting()

    @classmethod
    async def open(cls, path: Path | str) -> Database:
        """Open (creating if needed), check and migrate the database at ``path``.

        Any failure closes the connection (its thread would otherwise keep the process alive) and raises
        ``DatabaseUnusable`` with one plain sentence saying why.
        """
        path = Path(path)
        opening: aiosqlite.Connection | None = None
        try:
            if str(path) != ":memory:":
                path.parent.mkdir(parents=True, exist_ok=True)
            opening = aiosqlite.connect(path, isolation_level=None)
            conn = await opening
        except (OSError, sqlite3.Error) as exc:
            if opening is not None:
                await _stopped(opening)
            raise unusable(path, exc) from exc
        db = cls(conn, path)
        try:
            await db._check()
            await db.migrate()
            await db._check_writable()
            await db._open_reader()
        except BaseException as exc:
            for opened in (conn, db._reader):
                if opened is not None:
                    with contextlib.suppress(Exception):
                        await opened.close()
            if isinstance(exc, OSError | sqlite3.Error):
                raise unusable(path, exc) from exc
            raise
        return db

    async def _check(self) -> None:
        """Settings, then a read of the schema: a damaged or truncated file fails here, not later."""
        self.conn.row_factory = aiosqlite.Row
        await _functions.register(self.conn)
        await self.conn.execute("PRAGMA journal_mode = WAL")
        # FULL: a commit is on disk (WAL fsynced) before we acknowledge anything to a member.
        await self.conn.execute("PRAGMA synchronous = FULL")
        await self.conn.execute("PRAGMA foreign_keys = ON")
        await self.conn.execute("PRAGMA busy_timeout = 5000")
        # Zero what a write frees (a wiped poll secret, say); Debian's SQLite does by default, not every build.
        await self.conn.execute("PRAGMA secure_delete = ON")
        await self.fetchone("SELECT count(*) FROM sqlite_schema")

    async def _check_writable(self) -> None:
        """A read-only file opens and reads fine; only a write tells. This one is rolled back."""
        version = await self.user_version()
        async with self._write_lock:
            await self.conn.execute("BEGIN IMMEDIATE")
            try:
                await self.conn.execute(f"PRAGMA user_version = {version}")
            finally:
                if self.conn.in_transaction:
                    await self.conn.execute("ROLLBACK")

    async def _open_reader(self) -> None:
        if str(self.path) == ":memory:":
            return  # a second connection would open another, empty database
        self._reader = await aiosqlite.connect(self.path, isolation_level=None)
        self._reader.row_factory = aiosqlite.Row
        await self._reader.execute("PRAGMA query_only = ON")
        await self._reader.execute("PRAGMA busy_timeout = 5000")

    @property
    def location(self) -> Path:
        return self.path

    async def close(self) -> None:
        async with self._write_lock:
            await self.conn.close()
            if self._reader is not None:
                await self._reader.close()
            self._signal.close()

    async def checkpoint(self, attempts: int = 20) -> bool:
        """Copy the WAL into the database file and truncate it, so no older page version stays in the
        WAL. A read still stepping on this connection (or another program's) makes SQLite refuse for a
        moment: tried again, between writes, up to ``attempts`` times; False if it never completed."""
        for attempt in range(attempts):
            async with self._write_lock:
                try:
                    async with self.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)") as cur:
                        row = await cur.fetchone()
                except sqlite3.Error as exc:
                    if exc.sqlite_errorcode & 0xFF not in (sqlite3.SQLITE_LOCKED, sqlite3.SQLITE_BUSY):
                        log.warning("WAL checkpoint failed", exc_info=True)
                        return False
                else:
                    if row is None or row[0] == 0:
                        return True
            await asyncio.sleep(0.01 * (attempt + 1))
        return False

    async def user_version(self) -> int:
        async with self.conn.execute("PRAGMA user_version") as cur:
            row = await cur.fetchone()
        return int(row[0]) if row else 0

    async def migrate(self) -> int:
        """Apply every migration newer than ``PRAGMA user_version``, each in its own transaction."""
        current = await self.user_version()
        known = migrations()
        if current > len(known):
            raise DatabaseTooNew(
                f"{self.path} was written by a newer filmbot: its schema version {current} is newer "
                f"than this filmbot ({len(known)}); upgrade filmbot, or point FILMBOT_DATABASE at another file"
            )
        for version, name, sql in known[current:]:
            # Some rebuild what a large catalog already holds (0012 indexes every film's titles).
            log.info("applying migration %s", name)
            async with self._write_lock:
                # executescript commits first; wrap the script so it applies completely or not at all.
                try:
                    await self.conn.executescript(
                        f"BEGIN IMMEDIATE;\n{sql}\nPRAGMA user_version = {version};\nCOMMIT;"
                    )
                except BaseException as exc:
                    if self.conn.in_transaction:
                        await self.conn.execute("ROLLBACK")
                    if isinstance(exc, sqlite3.OperationalError) and "no such module: fts5" in str(exc):
                        raise DatabaseUnusable(
                            f"the SQLite library this Python uses ({sqlite3.sqlite_version}) was built without "
                            "FTS5, which filmbot's title search needs; use a Python whose sqlite3 has it (the "
                            "python.org and most distribution builds do)"
                        ) from exc
                    raise
            log.info("applied migration %s", name)
        return len(known)

    @asynccontextmanager
    async def transaction(self, *, durable: bool = True) -> AsyncIterator[Transaction]:
        """A write transaction: committed when the block exits, rolled back if it raises.

        If the database refuses the write or its COMMIT (a full disk, a read-only or damaged file…), it
        is rolled back and ``WriteFailed`` raised: nothing of it was saved.

        ``durable=False``: the COMMIT does not wait for the disk (``synchronous = NORMAL``; still atomic, and
        durable with the next durable commit). Only for writes nobody has been told of yet: a catalog
        import's transactions before its last, whose films are not shown until that one commits.

        Callbacks registered with ``Transaction.after_commit`` run once the COMMIT has returned.
        """
        self._queued += 1
        try:
            await self._write_lock.acquire()
        finally:
            self._queued -= 1
        try:
            try:
                if not durable:  # a setting SQLite takes only outside a transaction
                    await self.conn.execute("PRAGMA synchronous = NORMAL")
                with self._signal.waiting():  # a catalog import in another process lets go for us
                    await self._begin()
                tx = Transaction(self.conn)
                try:
                    yield tx
                    await self.conn.execute("COMMIT")
                except BaseException:
                    await self._roll_back()
                    raise
            except sqlite3.Error as exc:
                failed = write_failure(self.path, exc)
                if failed is None:
                    raise
                raise failed from exc
            finally:
                if not durable:  # before any other transaction on this connection
                    await self.conn.execute("PRAGMA synchronous = FULL")
        finally:
            self._write_lock.release()
        tx.committed()

    @asynccontextmanager
    async def bulk(self) -> AsyncIterator[None]:
        """The ``BULK`` settings for the length of a bulk write (a catalog import); then the usual ones
        again, the big cache's memory freed."""
        usual = {}
        for name, value in BULK.items():
            row = await self.fetchone(f"PRAGMA {name}")
            usual[name] = row[0] if row else value
            await self.conn.execute(f"PRAGMA {name} = {value}")
        try:
            yield
        finally:
            for name, value in usual.items():
                await self.conn.execute(f"PRAGMA {name} = {value}")
            await self.conn.execute("PRAGMA shrink_memory")

    async def _begin(self) -> None:
        """BEGIN IMMEDIATE (it may wait for another connection's transaction). Cancelled meanwhile, it still
        runs on the connection's thread: then it is waited for and undone, so that no transaction is left
        open holding the write lock."""
        try:
            await self.conn.execute("BEGIN IMMEDIATE")
        except asyncio.CancelledError:
            await asyncio.shield(self._undo_begin())
            raise

    async def _undo_begin(self) -> None:
        with contextlib.suppress(sqlite3.Error):
            await self.conn.execute("SELECT 1")  # queued behind the BEGIN: returns once it has run
        await self._roll_back()

    async def _roll_back(self) -> None:
        """Undo the open transaction, if SQLite has not already (it does after some errors, a full disk
        among them); a failing ROLLBACK must not hide the error that led to it."""
        if self.conn.in_transaction:
            try:
                await self.conn.execute("ROLLBACK")
            except sqlite3.Error:
                log.warning("ROLLBACK failed after a failed write", exc_info=True)

    def write(self) -> AbstractAsyncContextManager[Transaction]:
        """Where a repository writes: here, a transaction of its own."""
        return self.transaction()

    def after_commit(self, callback: Callable[[], None]) -> None:
        """Outside any transaction there is nothing to wait for: run ``callback`` now."""
        callback()

    async def fetchall(self, sql: str, params: Params = ()) -> list[Row]:
        return await _fetchall(self.conn, sql, params)

    async def fetchone(self, sql: str, params: Params = ()) -> Row | None:
        return await _fetchone(self.conn, sql, params)

    async def read(self, sql: str, params: Params = ()) -> list[Row]:
        """Rows from the read-only connection: what is committed, never queued behind a write."""
        return await _fetchall(self._reader or self.conn, sql, params)


async def _fetchall(conn: aiosqlite.Connection, sql: str, params: Params) -> list[Row]:
    try:
        async with conn.execute(sql, params) as cur:
            return list(await cur.fetchall())
    except sqlite3.IntegrityError as exc:
        raise constraint(exc) from exc


async def _fetchone(conn: aiosqlite.Connection, sql: str, params: Params) -> Row | None:
    try:
        async with conn.execute(sql, params) as cur:
            row: Row | None = await cur.fetchone()
            return row
    except sqlite3.IntegrityError as exc:
        raise constraint(exc) from exc


class Transaction(AfterCommit):
    """One open write transaction. Repositories bound to it read and write inside it."""

    dialect: Dialect = "sqlite"

    def __init__(self, conn: aiosqlite.Connection) -> None:
        super().__init__()
        self._conn = conn

    @asynccontextmanager
    async def write(self) -> AsyncIterator[Transaction]:
        """Writes join this transaction; it commits when its owner's block ends."""
        yield self

    @asynccontextmanager
    async def savepoint(self) -> AsyncIterator[None]:
        """A part of the transaction that is undone alone if it raises (the rest goes on)."""
        await self._conn.execute("SAVEPOINT part")
        try:
            yield
        except BaseException:
            await self._conn.execute("ROLLBACK TO part")
            await self._conn.execute("RELEASE part")
            raise
        await self._conn.execute("RELEASE part")

    async def execute(self, sql: str, params: Params = ()) -> aiosqlite.Cursor:
        try:
            return await self._conn.execute(sql, params)
        except sqlite3.IntegrityError as exc:
            raise constraint(exc) from exc

    async def executemany(self, sql: str, rows: Iterable[Params]) -> aiosqlite.Cursor:
        try:
            return await self._conn.executemany(sql, rows)
        except sqlite3.IntegrityError as exc:
            raise constraint(exc) from exc

    async def insert_rows(self, table: str, columns: Sequence[str], rows: Sequence[tuple[Any, ...]]) -> None:
        """Plain inserts of many rows (a bulk write's): one prepared statement, every row."""
        marks = ", ".join("?" for _ in columns)
        await self.executemany(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})", rows)

    async def fetchall(self, sql: str, params: Params = ()) -> list[Row]:
        return await _fetchall(self._conn, sql, params)

    async def fetchone(self, sql: str, params: Params = ()) -> Row | None:
        return await _fetchone(self._conn, sql, params)

    async def read(self, sql: str, params: Params = ()) -> list[Row]:
        """Inside a transaction, reads see its own writes."""
        return await self.fetchall(sql, params)
