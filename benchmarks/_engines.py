"""The database a benchmark runs on: a SQLite file, or a fresh database on a PostgreSQL server.

``BENCH_POSTGRES=postgresql://user@host/postgres`` (a user that may create databases; the test cluster of
``scripts/pg-test-cluster`` will do) adds PostgreSQL rows to a benchmark that supports it, in the same
run as its SQLite rows: each run gets a database of its own, dropped afterwards.
"""

from __future__ import annotations

import contextlib
import os
import uuid
from collections.abc import AsyncIterator
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import asyncpg

from bot.database_url import DatabaseLocation, postgres_url

SERVER = os.environ.get("BENCH_POSTGRES", "").strip()
ENGINES = ("sqlite", "postgresql") if SERVER else ("sqlite",)


async def _admin(statement: str) -> None:
    conn = await asyncpg.connect(SERVER, timeout=10)
    try:
        await conn.execute(statement)
    finally:
        await conn.close()


@contextlib.asynccontextmanager
async def database(engine: str, folder: Path, name: str) -> AsyncIterator[DatabaseLocation]:
    """A new, empty database for one run: ``folder/name.sqlite3``, or a database on the server."""
    if engine == "sqlite":
        yield folder / f"{name}.sqlite3"
        return
    dbname = f"filmbot_bench_{name.replace('-', '_')}_{uuid.uuid4().hex[:8]}"
    await _admin(f'CREATE DATABASE "{dbname}"')
    parts = urlsplit(SERVER)
    try:
        yield postgres_url(urlunsplit((parts.scheme, parts.netloc, "/" + dbname, parts.query, "")))
    finally:
        await _admin(f'DROP DATABASE IF EXISTS "{dbname}" WITH (FORCE)')
