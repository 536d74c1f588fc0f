"""The group-commit engine against real SQLite: batching, per-caller results and failures, stop, cancel."""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.store._database import Database, Transaction
from bot.store._group_commit import GroupCommit


@pytest.fixture
async def db(tmp_path: Path) -> AsyncIterator[Database]:
    """A migrated database with a scratch table whose CHECK refuses negative values."""
    opened = await Database.open(tmp_path / "group.sqlite3")
    async with opened.transaction() as tx:
        await tx.execute(
            "CREATE TABLE scratch (id INTEGER PRIMARY KEY, value INTEGER NOT NULL CHECK (value >= 0))"
        )
    try:
        yield opened
    finally:
        await opened.close()


async def insert_all(tx: Transaction, values: list[int]) -> list[int]:
    """One row per write; each caller's result is its row id."""
    ids = []
    for value in values:
        cur = await tx.execute("INSERT INTO scratch (value) VALUES (?)", (value,))
        assert cur.lastrowid is not None
        ids.append(cur.lastrowid)
    return ids


@pytest.fixture
async def engine(db: Database) -> AsyncIterator[GroupCommit[int, int]]:
    made: GroupCommit[int, int] = GroupCommit(db, insert_all, name="test-writes")
    try:
        yield made
    finally:
        await made.stop()


def committed_rows(db: Database) -> dict[int, int]:
    """The rows another connection sees: only what has been committed."""
    with sqlite3.connect(db.path) as other:
        return dict(other.execute("SELECT id, value FROM scratch").fetchall())


async def test_concurrent_writes_share_a_commit_and_each_caller_gets_its_own_result(
    db: Database, engine: GroupCommit[int, int]
) -> None:
    values = list(range(100))
    ids = await asyncio.gather(*(engine.submit(v) for v in values))
    assert engine.largest_batch > 1
    assert engine.batches < len(values)
    rows = committed_rows(db)
    assert [rows[row_id] for row_id in ids] == values


async def test_a_caller_returns_only_once_its_write_is_committed(
    db: Database, engine: GroupCommit[int, int]
) -> None:
    async def write_and_look(value: int) -> bool:
        row_id = await engine.submit(value)
        return committed_rows(db).get(row_id) == value

    assert all(await asyncio.gather(*(write_and_look(v) for v in range(20))))


async def test_a_failing_write_fails_only_its_caller(db: Database, engine: GroupCommit[int, int]) -> None:
    values = [1, 2, -3, 4, 5]
    outcomes = await asyncio.gather(*(engine.submit(v) for v in values), return_exceptions=True)
    assert isinstance(outcomes[2], sqlite3.IntegrityError)
    good = [(o, v) for o, v in zip(outcomes, values, strict=True) if v >= 0]
    rows = committed_rows(db)
    assert sorted(rows.values()) == [1, 2, 4, 5]
    assert all(isinstance(o, int) and rows[o] == v for o, v in good)
    # The engine carries on after a failure.
    row_id = await engine.submit(6)
    assert committed_rows(db)[row_id] == 6


async def test_an_apply_that_returns_the_wrong_count_fails_its_callers_instead_of_stranding_them(
    db: Database,
) -> None:
    async def loses_one(tx: Transaction, values: list[int]) -> list[int]:
        return (await insert_all(tx, values))[:-1]

    engine: GroupCommit[int, int] = GroupCommit(db, loses_one, name="broken")
    try:
        outcomes = await asyncio.wait_for(
            asyncio.gather(*(engine.submit(v) for v in range(3)), return_exceptions=True), timeout=60
        )
    finally:
        await engine.stop()
    assert all(isinstance(o, RuntimeError) for o in outcomes)
    assert committed_rows(db) == {}


async def test_stop_commits_what_is_queued(db: Database) -> None:
    engine: GroupCommit[int, int] = GroupCommit(db, insert_all, name="stopping")
    callers = [asyncio.create_task(engine.submit(v)) for v in range(30)]
    await asyncio.sleep(0)  # every write is queued; the writer has taken the first batch
    await engine.stop()
    assert all(task.done() for task in callers)
    rows = committed_rows(db)
    assert sorted(rows.values()) == list(range(30))
    assert [rows[task.result()] for task in callers] == list(range(30))


async def test_a_cancelled_caller_does_not_cancel_the_batch_for_the_others(
    db: Database, engine: GroupCommit[int, int]
) -> None:
    callers = [asyncio.create_task(engine.submit(v)) for v in range(10)]
    await asyncio.sleep(0)  # all queued, one batch under way
    callers[3].cancel()
    outcomes = await asyncio.gather(*callers, return_exceptions=True)
    assert isinstance(outcomes[3], asyncio.CancelledError)
    rows = committed_rows(db)
    for index, outcome in enumerate(outcomes):
        if index != 3:
            assert isinstance(outcome, int) and rows[outcome] == index
    # A write once queued is committed even though its caller stopped waiting for the answer.
    assert sorted(rows.values()) == list(range(10))
