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
import fcntl
import logging
import os
import re
import resource
import shutil
import sqlite3
from collections.abc import AsyncIterator, Callable, Iterable, Iterator
from contextlib import AbstractAsyncContextManager, asynccontextmanager, contextmanager
from importlib import resources
from pathlib import Path
from typing import Any

import aiosqlite
from aiosqlite.context import Result

from bot.errors import DatabaseInUse, DatabaseTooNew, DatabaseUnusable
from bot.store import _functions

log = logging.getLogger(__name__)

Params = tuple[Any, ...] | list[Any] | dict[str, Any]

_MIGRATION_NAME = re.compile(r"^(\d{4})_[a-z0-9_]+\.sql$")
# A bulk write's settings: a page cache (KiB; SQLite's default is 2,000) big enough for the pages of the
# indexes it updates at random (a million films touch hundreds of MB of them); a checkpoint every 50,000
# pages, not 1,000 (pages every batch rewrites are copied back once); statement journals in memory.
BULK = {"cache_size": -256 * 1024, "wal_autocheckpoint": 50_000, "temp_store": 2}


def migrations() -> list[tuple[int, str, str]]:
    """Every bundled migration as ``(version, name, sql)``, in order, numbered without gaps."""
    found: list[tuple[int, str, str]] = []
    for entry in resources.files("bot.store").joinpath("migrations").iterdir():
        match = _MIGRATION_NAME.match(entry.name)
        if match:
            found.append((int(match.group(1)), entry.name, entry.read_text(encoding="utf-8")))
    found.sort()
    for expected, (version, name, _) in enumerate(found, start=1):
        if version != expected:
            raise RuntimeError(f"migration {name} is out of sequence: expected number {expected:04d}")
    return found


def unusable(path: Path, exc: OSError | sqlite3.Error) -> DatabaseUnusable:
    """Why the database at ``path`` cannot be used, in one plain sentence (by SQLite's error code)."""
    if isinstance(exc, OSError):
        return DatabaseUnusable(f"cannot create the folder {path.parent} for the database: {_reason(exc)}")
    code = exc.sqlite_errorcode
    primary = code & 0xFF
    if primary == sqlite3.SQLITE_NOTADB:
        return DatabaseUnusable(
            f"{path} is not a SQLite database; point FILMBOT_DATABASE at filmbot's database, "
            "or move this file away to start a new one"
        )
    if primary == sqlite3.SQLITE_CORRUPT:
        return DatabaseUnusable(
            f"{path} is damaged (cut short or overwritten; SQLite says: {exc}); restore it from a backup, "
            "or move it away to start a new database"
        )
    if code == sqlite3.SQLITE_READONLY_DIRECTORY:
        return DatabaseUnusable(
            f"cannot write {path}: its folder is read-only, and SQLite needs to create "
            f"{path.name}-wal and {path.name}-shm beside it"
        )
    if primary == sqlite3.SQLITE_READONLY:
        return DatabaseUnusable(
            f"{path} is read-only; give the user running filmbot write access to it, its folder "
            f"and any {path.name}-wal and {path.name}-shm files beside it"
        )
    if primary == sqlite3.SQLITE_CANTOPEN:
        return DatabaseUnusable(_cannot_open(path))
    if primary in (sqlite3.SQLITE_FULL, sqlite3.SQLITE_IOERR):
        return DatabaseUnusable(_cannot_write(path, exc))
    if primary in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED):
        return DatabaseUnusable(
            f"{path} stayed locked by another program for 5 seconds; try again when it is done"
        )
    return DatabaseUnusable(f"cannot use {path} (SQLite says: {exc})")


# SQLite's codes for a database that cannot be used as it stands (not a bug in a statement).
_UNUSABLE = {
    sqlite3.SQLITE_NOTADB,
    sqlite3.SQLITE_CORRUPT,
    sqlite3.SQLITE_READONLY,
    sqlite3.SQLITE_CANTOPEN,
    sqlite3.SQLITE_FULL,
    sqlite3.SQLITE_IOERR,
    sqlite3.SQLITE_BUSY,
    sqlite3.SQLITE_LOCKED,
}


def database_failure(path: Path, exc: BaseException) -> DatabaseUnusable | None:
    """``exc`` as ``DatabaseUnusable`` if it says the database at ``path`` is sick (damaged, read-only,
    full…), e.g. a disk that fills while the catalog loads at start; ``None`` for any other error."""
    if isinstance(exc, sqlite3.Error) and exc.sqlite_errorcode & 0xFF in _UNUSABLE:
        return unusable(path, exc)
    return None


def _reason(exc: OSError) -> str:
    return (exc.strerror or str(exc)).lower() if exc.errno else str(exc)


def _cannot_open(path: Path) -> str:
    if path.is_dir():
        return f"cannot open {path}: it is a folder; FILMBOT_DATABASE must name a file"
    return f"cannot open {path}: check that the user running filmbot may read and write it and its folder"


def _cannot_write(path: Path, exc: sqlite3.Error) -> str:
    """A full disk and a file-size limit look alike to SQLite (SQLITE_FULL or a write error): ask the OS."""
    limit, _ = resource.getrlimit(resource.RLIMIT_FSIZE)
    if limit != resource.RLIM_INFINITY:
        return (
            f"cannot write {path}: the file-size limit of this process ({limit:,} bytes, see ulimit -f) "
            "is too small for the database"
        )
    free = shutil.disk_usage(path.parent if path.parent.is_dir() else ".").free
    if exc.sqlite_errorcode == sqlite3.SQLITE_FULL or free < 1 << 20:
        return f"cannot write {path}: the disk holding it is full ({free:,} bytes free)"
    return f"cannot read or write {path}: the disk reported an error (SQLite says: {exc}); check the disk"


def lock_path(database: Path) -> Path:
    """The file ``hold_exclusive`` locks: ``<database>.lock``, beside the database."""
    return database.with_name(f"{database.name}.lock")


@contextmanager
def hold_exclusive(database: Path) -> Iterator[None]:
    """Hold an exclusive lock on ``<database>.lock`` for the block: one serving filmbot per database.

    ``flock`` locks go with the process: a crash or kill -9 releases them, so a stale file means nothing.
    """
    if str(database) == ":memory:":
        yield
        return
    lock = lock_path(database)
    try:
        lock.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(lock, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as exc:
        raise DatabaseUnusable(f"cannot create the lock file {lock}: {_reason(exc)}") from exc
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 20, 0).decode("ascii", "replace").strip()
            who = f" (process {holder})" if holder.isdigit() else ""
            raise DatabaseInUse(
                f"another filmbot{who} is already serving from {database}; stop it first, or give this "
                "one its own FILMBOT_DATABASE"
            ) from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
        yield
    finally:
        os.close(fd)


class Duplicate(Exception):
    """A write would break a uniqueness rule: the row (or its twin) is already there."""


class Database:
    """One aiosqlite connection. Reads run freely; writes go through ``transaction()``.

    A second, read-only connection serves ``read()``: searches that must answer while a long write (a
    catalog import) holds the first connection, and must see only what is committed.
    """

    def __init__(self, conn: aiosqlite.Connection, path: Path) -> None:
        self.conn = conn
        self.path = path
        self._write_lock = asyncio.Lock()
        self._reader: aiosqlite.Connection | None = None

    @classmethod
    async def open(cls, path: Path | str) -> Database:
        """Open (creating if needed), check and migrate the database at ``path``.

        Any failure closes the connection (its thread would otherwise keep the process alive) and raises
        ``DatabaseUnusable`` with one plain sentence saying why.
        """
        path = Path(path)
        try:
            if str(path) != ":memory:":
                path.parent.mkdir(parents=True, exist_ok=True)
            conn = await aiosqlite.connect(path, isolation_level=None)
        except (OSError, sqlite3.Error) as exc:
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

    async def close(self) -> None:
        async with self._write_lock:
            await self.conn.close()
            if self._reader is not None:
                await self._reader.close()

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
            # Some rebuild what a large catalog already holds (0007 indexes every film's titles).
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
    async def transaction(self) -> AsyncIterator[Transaction]:
        """A write transaction: committed when the block exits, rolled back if it raises.

        Callbacks registered with ``Transaction.after_commit`` run once the COMMIT has returned.
        """
        async with self._write_lock:
            await self.conn.execute("BEGIN IMMEDIATE")
            tx = Transaction(self.conn)
            try:
                yield tx
            except BaseException:
                await self.conn.execute("ROLLBACK")
                raise
            else:
                await self.conn.execute("COMMIT")
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

    def write(self) -> AbstractAsyncContextManager[Transaction]:
        """Where a repository writes: here, a transaction of its own."""
        return self.transaction()

    def after_commit(self, callback: Callable[[], None]) -> None:
        """Outside any transaction there is nothing to wait for: run ``callback`` now."""
        callback()

    async def fetchall(self, sql: str, params: Params = ()) -> list[aiosqlite.Row]:
        async with self.conn.execute(sql, params) as cur:
            return list(await cur.fetchall())

    async def fetchone(self, sql: str, params: Params = ()) -> aiosqlite.Row | None:
        async with self.conn.execute(sql, params) as cur:
            return await cur.fetchone()

    async def read(self, sql: str, params: Params = ()) -> list[aiosqlite.Row]:
        """Rows from the read-only connection: what is committed, never queued behind a write."""
        async with (self._reader or self.conn).execute(sql, params) as cur:
            return list(await cur.fetchall())


class Transaction:
    """One open write transaction. Repositories bound to it read and write inside it."""

    def __init__(self, conn: aiosqlite.Connection) -> None:
        self._conn = conn
        self._after: list[Callable[[], None]] = []

    @asynccontextmanager
    async def write(self) -> AsyncIterator[Transaction]:
        """Writes join this transaction; it commits when its owner's block ends."""
        yield self

    def after_commit(self, callback: Callable[[], None]) -> None:
        if callback not in self._after:
            self._after.append(callback)

    def committed(self) -> None:
        for callback in self._after:
            try:
                callback()
            except Exception:
                log.exception("an after-commit callback failed")

    def execute(self, sql: str, params: Params = ()) -> Result[aiosqlite.Cursor]:
        """Awaitable, or ``async with`` for a cursor that is closed after use."""
        return self._conn.execute(sql, params)

    def executemany(self, sql: str, rows: Iterable[Params]) -> Result[aiosqlite.Cursor]:
        return self._conn.executemany(sql, rows)

    async def fetchall(self, sql: str, params: Params = ()) -> list[aiosqlite.Row]:
        async with self._conn.execute(sql, params) as cur:
            return list(await cur.fetchall())

    async def fetchone(self, sql: str, params: Params = ()) -> aiosqlite.Row | None:
        async with self._conn.execute(sql, params) as cur:
            return await cur.fetchone()

    async def read(self, sql: str, params: Params = ()) -> list[aiosqlite.Row]:
        """Inside a transaction, reads see its own writes."""
        return await self.fetchall(sql, params)


# What a repository is given: the database (a transaction per write) or one open transaction.
Session = Database | Transaction
