"""A write the database refuses is rolled back and reported as ``WriteFailed``; the next one works.

SQLite's refusals, provoked through its own settings (PostgreSQL's are in ``test_postgres.py``)."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

import pytest

from bot.errors import WriteFailed
from bot.store import Store
from tests.engines import sqlite_db

NOW = datetime(2026, 1, 1, tzinfo=UTC)


async def test_a_refused_write_is_write_failed_and_leaves_no_transaction_open(store: Store) -> None:
    db = sqlite_db(store)
    await db.conn.execute("PRAGMA query_only = 1")  # every write is refused (SQLITE_READONLY)
    with pytest.raises(WriteFailed) as refused:
        async with store.transaction() as tx:
            await tx.meta.set("k", "v")
    assert refused.value.why == "the bot's database is read-only"
    assert not db.conn.in_transaction
    await db.conn.execute("PRAGMA query_only = 0")
    await store.meta.set("k", "v")  # the connection takes the next write
    assert await store.meta.get("k") == "v"


async def test_a_full_database_fails_each_waiting_rating_once_and_recovers(catalog_store: Store) -> None:
    store = catalog_store
    db = sqlite_db(store)
    row = await store.db.fetchone("SELECT id FROM films LIMIT 1")
    assert row is not None
    film = row["id"]
    pages = await store.db.fetchone("PRAGMA page_count")
    assert pages is not None
    await db.conn.execute(f"PRAGMA max_page_count = {pages[0]}")  # the disk is full from now on
    user = 0
    with pytest.raises(WriteFailed, match="full"):  # ratings fill the free space left in the pages
        while True:
            user += 1
            await store.ratings.upsert(1, film, user, 8, now=NOW)
    results = await asyncio.gather(
        *(store.ratings.upsert(1, film, 10_000 + n, 8, now=NOW) for n in range(20)), return_exceptions=True
    )
    assert all(isinstance(r, WriteFailed) for r in results)
    assert await store.ratings.count(1, film) == user - 1
    await db.conn.execute("PRAGMA max_page_count = 1073741823")  # space again
    await store.ratings.upsert(1, film, 99_999, 8, now=NOW)
    assert await store.ratings.count(1, film) == user


async def test_a_checkpoint_waits_for_a_read_still_stepping(store: Store) -> None:
    db = sqlite_db(store)
    for n in range(50):
        await store.meta.set(f"k{n}", "v")
    async with db.conn.execute("SELECT key FROM meta") as cursor:
        await cursor.fetchone()  # a statement in progress on the connection: SQLite refuses to checkpoint
        waiting = asyncio.ensure_future(store.db.checkpoint())
        await asyncio.sleep(0.05)
        assert not waiting.done()
        await cursor.fetchall()
    assert await waiting
    wal = db.path.with_name(db.path.name + "-wal")
    assert wal.stat().st_size == 0
