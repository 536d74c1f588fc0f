"""``Store.transaction()``: several repositories' writes commit together or not at all, and the timer
dispatcher's listener hears about timer rows only once they are committed."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest

from bot.store import Store
from tests.engines import sqlite_db, sqlite_path

DUE = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


class Boom(Exception):
    pass


class Listener:
    def __init__(self) -> None:
        self.calls = 0

    def __call__(self) -> None:
        self.calls += 1


async def seen_from_outside(store: Store) -> tuple[list[tuple[str, str]], list[str]]:
    """Meta rows and timer refs another connection sees: only committed ones."""
    meta = await store.db.read("SELECT key, value FROM meta WHERE key LIKE 'uow-%' ORDER BY key")
    refs = await store.db.read("SELECT ref FROM timers ORDER BY id")
    return [(row[0], row[1]) for row in meta], [row[0] for row in refs]


async def test_writes_of_several_repositories_commit_together(store: Store) -> None:
    heard = Listener()
    store.on_timers_changed(heard)
    async with store.transaction() as tx:
        await tx.meta.set("uow-a", "1")
        await tx.timers.add("t", "first", DUE)
        await tx.timers.add("t", "second", DUE + timedelta(minutes=1))
        # Inside the unit of work its own writes are visible; outside, nothing yet.
        assert await tx.meta.get("uow-a") == "1"
        assert await seen_from_outside(store) == ([], [])
        assert heard.calls == 0
    assert await seen_from_outside(store) == ([("uow-a", "1")], ["first", "second"])
    assert heard.calls == 1  # one commit, one wake, however many timers it held
    assert [t.ref for t in await store.timers.for_ref("t", "first")] == ["first"]


async def test_an_exception_rolls_every_repository_back_and_wakes_nobody(store: Store) -> None:
    heard = Listener()
    store.on_timers_changed(heard)
    await store.meta.set("uow-kept", "before")
    with pytest.raises(Boom):
        async with store.transaction() as tx:
            await tx.meta.set("uow-kept", "changed")
            await tx.meta.set("uow-new", "x")
            await tx.timers.add("t", "never", DUE)
            raise Boom
    assert await seen_from_outside(store) == ([("uow-kept", "before")], [])
    assert await store.meta.get("uow-new") is None
    assert heard.calls == 0


async def test_an_error_from_a_repository_rolls_back_the_writes_before_it(store: Store) -> None:
    heard = Listener()
    store.on_timers_changed(heard)
    with pytest.raises(ValueError, match="naive"):
        async with store.transaction() as tx:
            await tx.timers.add("t", "first", DUE)
            await tx.timers.add("t", "naive", DUE.replace(tzinfo=None))  # refused: naive
    assert await seen_from_outside(store) == ([], [])
    assert heard.calls == 0


async def test_a_write_outside_a_unit_of_work_commits_and_wakes_at_once(store: Store) -> None:
    heard = Listener()
    store.on_timers_changed(heard)
    await store.timers.add("t", "alone", DUE)
    assert heard.calls == 1
    assert (await seen_from_outside(store))[1] == ["alone"]
    assert await store.timers.cancel("t", "alone") == 1
    assert heard.calls == 2


async def test_the_store_is_usable_after_a_rolled_back_unit_of_work(store: Store) -> None:
    with pytest.raises(Boom):
        async with store.transaction() as tx:
            await tx.meta.set("uow-a", "1")
            raise Boom
    async with store.transaction() as tx:
        await tx.meta.set("uow-b", "2")
    assert (await seen_from_outside(store))[0] == [("uow-b", "2")]


async def test_a_transaction_that_need_not_wait_for_the_disk_gives_the_full_setting_back(
    store: Store,
) -> None:
    sqlite_path(store.db.location)  # SQLite's setting; PostgreSQL's commits are always synchronous here

    async def synchronous() -> int:
        return int((await store.db.fetchall("PRAGMA synchronous"))[0][0])

    assert await synchronous() == 2  # FULL: a commit is on disk before anyone is told
    async with store.db.transaction(durable=False) as tx:
        await tx.execute("INSERT INTO meta (key, value) VALUES ('uow-fast', '1')")
    assert await synchronous() == 2
    with pytest.raises(Boom):
        async with store.db.transaction(durable=False):
            raise Boom
    assert await synchronous() == 2
    assert (await seen_from_outside(store))[0] == [("uow-fast", "1")]


async def test_a_write_waiting_for_another_connection_knows_it_and_undoes_its_begin_if_cancelled(
    store: Store,
) -> None:
    other = await Store.open(
        sqlite_path(store.db.location)
    )  # another connection (or process) writing to the same file
    try:
        async with other.db.transaction():
            assert not await other.db.writers_waiting()
            waiting = asyncio.create_task(store.meta.set("uow-waiting", "1"))
            while not await other.db.writers_waiting():  # noqa: ASYNC110 - the waiter's flock: nothing to await
                await asyncio.sleep(0.01)
            waiting.cancel()
            await asyncio.sleep(0)  # the cancellation is delivered while the BEGIN still waits
        with pytest.raises(asyncio.CancelledError):
            await waiting
        # The cancelled BEGIN ran once the other transaction ended, and was undone: nothing holds the lock.
        assert not sqlite_db(store).conn.in_transaction
        await other.meta.set("uow-after", "1")
        await store.meta.set("uow-mine", "1")
        assert not await other.db.writers_waiting()
    finally:
        await other.close()
    assert (await seen_from_outside(store))[0] == [("uow-after", "1"), ("uow-mine", "1")]
