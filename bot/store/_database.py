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
import re
import resource
import shutil
import sqlite3
from collections.abc import AsyncIterator, Callable, Iterable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from importlib import resources
from pathlib import Path
from typing import Any

import aiosqlite
from aiosqlite.context import Result

from bot.errors import DatabaseTooNew, DatabaseUnusable, WriteFailed

log = logging.getLogger(__name__)

Params = tuple[Any, ...] | list[Any] | dict[str, Any]

_MIGRATION_NAME = re.compile(r"^(\d{4})_[a-z0-9_]+\.sql$")


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


# What the member is told about a write the database refused, by SQLite's primary error code.
_WRITE_REFUSALS = {
    sqlite3.SQLITE_FULL: "the disk holding the bot's database is full",
    sqlite3.SQLITE_IOERR: "the disk holding the bot's database is full or failing",
    sqlite3.SQLITE_READONLY: "the bot's database is read-only",
    sqlite3.SQLITE_BUSY: "another program kept the bot's database locked",
    sqlite3.SQLITE_LOCKED: "another program kept the bot's database locked",
    sqlite3.SQLITE_CORRUPT: "the bot's database file is damaged",
    sqlite3.SQLITE_NOTADB: "the bot's database file is damaged",
    sqlite3.SQLITE_CANTOPEN: "the bot's database file could not be opened",
}


def write_failure(path: Path, exc: sqlite3.Error) -> WriteFailed | None:
    """``exc``, raised by a write that was then rolled back, as ``WriteFailed`` if the database refused it
    (full, read-only, damaged, locked); ``None`` for any other error (a bug in a statement, say)."""
    why = _WRITE_REFUSALS.get(exc.sqlite_errorcode & 0xFF)
    if why is None:
        return None
    return WriteFailed(unusable(path, exc).message, why)


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


async def _stopped(opening: aiosqlite.Connection) -> None:
    """Wait for the worker thread of a connection that failed to open to end.

    aiosqlite stops it by queueing a last call whose result it posts to this event loop: returning at
    once lets ``asyncio.run`` close the loop first, and the thread then dies printing a traceback ("Event
    loop is closed") under the one-sentence error.
    """
    thread = getattr(opening, "_thread", None)
    if thread is not None and thread.is_alive():
        await asyncio.to_thread(thread.join, 5)


class Duplicate(Exception):
    """A write would break a uniqueness rule: the row (or its twin) is already there."""


class Database:
    """One aiosqlite connection. Reads run freely; writes go through ``transaction()``."""

    def __init__(self, conn: aiosqlite.Connection, path: Path) -> None:
        self.conn = conn
        self.path = path
        self._write_lock = asyncio.Lock()

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
        except BaseException as exc:
            with contextlib.suppress(Exception):
                await conn.close()
            if isinstance(exc, OSError | sqlite3.Error):
                raise unusable(path, exc) from exc
            raise
        return db

    async def _check(self) -> None:
        """Settings, then a read of the schema: a damaged or truncated file fails here, not later."""
        self.conn.row_factory = aiosqlite.Row
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

    async def close(self) -> None:
        async with self._write_lock:
            await self.conn.close()

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
            async with self._write_lock:
                # executescript commits first; wrap the script so it applies completely or not at all.
                try:
                    await self.conn.executescript(
                        f"BEGIN IMMEDIATE;\n{sql}\nPRAGMA user_version = {version};\nCOMMIT;"
                    )
                except BaseException:
                    if self.conn.in_transaction:
                        await self.conn.execute("ROLLBACK")
                    raise
            log.info("applied migration %s", name)
        return len(known)

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[Transaction]:
        """A write transaction: committed when the block exits, rolled back if it raises.

        If the database refuses the write or its COMMIT (a full disk, a read-only or damaged file…), it
        is rolled back and ``WriteFailed`` raised: nothing of it was saved.

        Callbacks registered with ``Transaction.after_commit`` run once the COMMIT has returned.
        """
        async with self._write_lock:
            try:
                await self.conn.execute("BEGIN IMMEDIATE")
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
        tx.committed()

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

    async def fetchall(self, sql: str, params: Params = ()) -> list[aiosqlite.Row]:
        async with self.conn.execute(sql, params) as cur:
            return list(await cur.fetchall())

    async def fetchone(self, sql: str, params: Params = ()) -> aiosqlite.Row | None:
        async with self.conn.execute(sql, params) as cur:
            return await cur.fetchone()


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


# What a repository is given: the database (a transaction per write) or one open transaction.
Session = Database | Transaction
