"""The suite's one switch between engines: ``FILMBOT_TEST_DATABASE``.

Unset, every test's database is a SQLite file in its temporary folder. Set to a PostgreSQL server's DSN
(``postgresql://postgres@/postgres?host=/tmp/…&port=…``: a user that may create databases), every test
gets a database of its own on that server instead, created from a template that already has every
migration applied (fast), and dropped after the test. ``scripts/pg-test-cluster`` starts such a server.

Tests of what only SQLite has (the file lock, WAL checkpoints, a truncated or read-only file, opening an
old SQLite dump) are marked ``sqlite_only`` and skipped on PostgreSQL.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import sqlite3
import threading
import uuid
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import urlsplit, urlunsplit

import asyncpg
import pytest

from bot.database_url import DatabaseLocation, PostgresUrl, postgres_url
from bot.store import Database, PgDatabase, Store
from bot.store._sql import numbered

T = TypeVar("T")

SERVER = os.environ.get("FILMBOT_TEST_DATABASE", "").strip()
ON_POSTGRES = bool(SERVER)
ENGINE = "postgresql" if ON_POSTGRES else "sqlite"

sqlite_only = pytest.mark.skipif(ON_POSTGRES, reason="SQLite only: the test is about the database file")
postgres_only = pytest.mark.skipif(not ON_POSTGRES, reason="PostgreSQL only: set FILMBOT_TEST_DATABASE")


def with_database(url: PostgresUrl, name: str) -> PostgresUrl:
    """The same server and user, another database."""
    parts = urlsplit(url.reveal())
    return postgres_url(urlunsplit((parts.scheme, parts.netloc, "/" + name, parts.query, parts.fragment)))


def _in_thread(work: Callable[[], Awaitable[T]]) -> T:
    """Run ``work`` on an event loop of its own (a sync fixture's, or beside the test's loop)."""
    result: list[T] = []
    failure: list[BaseException] = []

    def run() -> None:
        try:
            result.append(asyncio.run(work()))  # type: ignore[arg-type]
        except BaseException as exc:  # noqa: BLE001 - handed to the caller's thread
            failure.append(exc)

    thread = threading.Thread(target=run)
    thread.start()
    thread.join()
    if failure:
        raise failure[0]
    return result[0]


class PgTestServer:
    """The PostgreSQL server the suite runs on: a template database per worker, a database per test."""

    def __init__(self, dsn: str) -> None:
        self.url = postgres_url(dsn)
        worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
        self.template = f"filmbot_template_{worker}_{os.getpid()}"
        self._ready = False
        self._lock = threading.Lock()

    async def _admin(self, *statements: str) -> None:
        conn = await asyncpg.connect(self.url.reveal(), timeout=10)
        try:
            for statement in statements:
                await conn.execute(statement)
        finally:
            await conn.close()

    def _build_template(self) -> None:
        async def build() -> None:
            await self._admin(f'DROP DATABASE IF EXISTS "{self.template}" WITH (FORCE)')
            await self._admin(f'CREATE DATABASE "{self.template}"')
            db = await PgDatabase.open(with_database(self.url, self.template), pool_size=1)
            await db.close()

        _in_thread(build)

    def create(self, prefix: str = "filmbot_test") -> PostgresUrl:
        """A fresh, fully migrated database."""
        with self._lock:
            if not self._ready:
                self._build_template()
                self._ready = True
        name = f"{prefix}_{uuid.uuid4().hex[:12]}"
        _in_thread(lambda: self._admin(f'CREATE DATABASE "{name}" TEMPLATE "{self.template}"'))
        return with_database(self.url, name)

    def create_empty(self, prefix: str = "filmbot_empty") -> PostgresUrl:
        """A database with nothing in it (not even filmbot's tables)."""
        name = f"{prefix}_{uuid.uuid4().hex[:12]}"
        _in_thread(lambda: self._admin(f'CREATE DATABASE "{name}"'))
        return with_database(self.url, name)

    def drop(self, url: PostgresUrl) -> None:
        _in_thread(lambda: self._admin(f'DROP DATABASE IF EXISTS "{url.database}" WITH (FORCE)'))


TEST_SERVER = PgTestServer(SERVER) if ON_POSTGRES else None


def sqlite_db(store: Store) -> Database:
    """The store's SQLite database, for a test about SQLite itself (skipped on PostgreSQL)."""
    if not isinstance(store.db, Database):
        pytest.skip("SQLite only: the test reaches into the SQLite connection")
    return store.db


def sqlite_path(location: DatabaseLocation) -> Path:
    """The SQLite file of ``location`` (skipped on PostgreSQL)."""
    if not isinstance(location, Path):
        pytest.skip("SQLite only: the test reads the database file")
    return location


def outside_rows(
    location: DatabaseLocation, sql: str, params: tuple[object, ...] = ()
) -> list[tuple[Any, ...]]:
    """Rows read by a connection of their own (as another process, or a restarted bot, sees them): only
    what is committed. ``sql`` is written as the store's (``?`` placeholders); a statement that writes
    (a test changing the data behind the bot's back) is committed."""
    if isinstance(location, Path):
        with contextlib.closing(sqlite3.connect(location)) as conn, conn:  # committed, as asyncpg's is
            return list(conn.execute(sql, params))

    async def read() -> list[tuple[Any, ...]]:
        conn = await asyncpg.connect(location.reveal(), timeout=10)
        try:
            text, args = numbered(sql, params)
            return [tuple(row) for row in await conn.fetch(text, *args)]
        finally:
            await conn.close()

    return _in_thread(read)


def outside_execute(location: DatabaseLocation, sql: str, rows: list[tuple[object, ...]]) -> None:
    """Write ``rows`` with ``sql`` on a connection of its own, committed (seeding a large table fast)."""
    if isinstance(location, Path):
        with contextlib.closing(sqlite3.connect(location)) as conn, conn:
            conn.executemany(sql, rows)
        return

    async def write() -> None:
        conn = await asyncpg.connect(location.reveal(), timeout=10)
        try:
            text, _ = numbered(sql, rows[0] if rows else ())
            await conn.executemany(text, [numbered(sql, row)[1] for row in rows])
        finally:
            await conn.close()

    _in_thread(write)
