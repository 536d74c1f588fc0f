"""The SQLite connection: pragmas, numbered migrations and write transactions.

Repositories are written against a ``Session``: either the ``Database`` itself (each write opens and
commits a transaction of its own) or a ``Transaction`` (every read and write joins that one transaction).
So one repository class serves both a single write and a unit of work spanning several repositories
(``Store.transaction()``). Code that must run only once a write is durable (waking the timer dispatcher,
say) registers it with ``after_commit``: it runs after COMMIT, and never if the transaction rolls back.
"""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import AsyncIterator, Callable, Iterable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from importlib import resources
from pathlib import Path
from typing import Any

import aiosqlite
from aiosqlite.context import Result

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
        path = Path(path)
        if str(path) != ":memory:":
            path.parent.mkdir(parents=True, exist_ok=True)
        conn = await aiosqlite.connect(path, isolation_level=None)
        conn.row_factory = aiosqlite.Row
        await conn.execute("PRAGMA journal_mode = WAL")
        # FULL: a commit is on disk (WAL fsynced) before we acknowledge anything to a member.
        await conn.execute("PRAGMA synchronous = FULL")
        await conn.execute("PRAGMA foreign_keys = ON")
        await conn.execute("PRAGMA busy_timeout = 5000")
        db = cls(conn, path)
        try:
            await db.migrate()
        except BaseException:
            await conn.close()
            raise
        return db

    async def close(self) -> None:
        async with self._write_lock:
            await self.conn.close()

    async def user_version(self) -> int:
        async with self.conn.execute("PRAGMA user_version") as cur:
            row = await cur.fetchone()
        return int(row[0]) if row else 0

    async def migrate(self) -> int:
        """Apply every migration newer than ``PRAGMA user_version``, each in its own transaction."""
        current = await self.user_version()
        known = migrations()
        if current > len(known):
            raise RuntimeError(
                f"database {self.path} is at schema version {current}, newer than this filmbot "
                f"({len(known)}); upgrade filmbot or use another FILMBOT_DATABASE"
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
