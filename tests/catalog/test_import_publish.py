"""An import writes in short transactions and publishes what it adds at its end (issue #12).

A running bot's own writes (ratings here; ballots go through the same group-commit engine) get in while an
import is still writing, none fails and every one is stored; the films an import adds stay out of search
and browsing until its last transaction; an interrupted import takes them out again, and one killed
outright leaves them to the next import, which deletes them first. The bot's store is a second store on
the same file, as the running bot's is while ``filmbot films import`` or a refresh writes.
"""

from __future__ import annotations

import asyncio
import signal
import sqlite3
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.catalog.importing import import_catalog
from bot.catalog.importing._assembly import WRITE_SLICE
from bot.catalog.importing.run import ImportStopped
from bot.errors import BadInput, WriteFailed
from bot.films.service import FilmService
from bot.store import Store
from tests.engines import outside_rows
from tests.startup._cli import environment

NOW = datetime(2026, 3, 1, 20, 0, tzinfo=UTC)
FILMS = 20_000
# Films written (not yet committed) when a test interrupts an import.
WRITTEN = 1_000


class _Watch:
    """An import's progress: ``reached`` is set once ``at`` films have been written (not committed)."""

    def __init__(self, at: int) -> None:
        self.at = at
        self.reached = asyncio.Event()
        self.phase = ""

    def start(self, phase: str, total: int) -> None:
        self.phase = phase

    def finish(self) -> None: ...

    def update(self, done: int, films: int) -> None:
        if self.phase == "writing films" and films >= self.at:
            self.reached.set()


def many_films(tmp_path: Path, count: int = FILMS) -> Path:
    path = tmp_path / "films.csv"
    rows = "".join(f"Quiet Harbour {n},{1950 + n % 70}\n" for n in range(count))
    path.write_text("title,year\n" + rows, encoding="utf-8")
    return path


async def count(store: Store, sql: str) -> int:
    row = await store.db.fetchone(sql)
    assert row is not None
    return int(row[0])


async def films_committed(store: Store) -> int:
    """Wait until a transaction of an import writing elsewhere has committed films; how many. Each look is a
    write that waits for the import's transaction, so the import ends its transactions after a slice: it
    is then far from done (it shows its films only at its end)."""
    while True:
        async with store.db.transaction() as tx:
            row = await tx.fetchone("SELECT count(*) FROM films WHERE origin = 'import'")
            assert row is not None
            if row[0]:
                return int(row[0])
        await asyncio.sleep(0.01)


async def films_committed_and_held(store: Store) -> None:
    # Some (on PostgreSQL, whose writes are faster, perhaps all) committed, none shown yet.
    assert 0 < await films_committed(store) <= FILMS
    assert await count(store, "SELECT count(*) FROM catalog_unpublished") == 1


async def test_the_bots_writes_get_in_while_an_import_writes_and_none_fails(
    store: Store, tmp_path: Path
) -> None:
    seed = tmp_path / "seed.csv"
    seed.write_text("title,year\nStalker,1979\n", encoding="utf-8")
    await import_catalog(store, seed, "csv")
    film_id = await count(store, "SELECT id FROM films WHERE title = 'Stalker'")
    bot = await Store.open(store.db.location)  # the running bot's own connection to the same file
    try:
        watch = _Watch(at=WRITTEN)
        importing = asyncio.create_task(import_catalog(store, many_films(tmp_path), "csv", progress=watch))
        # From here the import holds SQLite's write lock in its transaction: every rating waits for it.
        await watch.reached.wait()
        stored_while_importing, failures, member = 0, list[BaseException](), 0
        while not importing.done():
            member += 1
            try:
                await bot.ratings.upsert(1, film_id, member, 1 + member % 5, now=NOW)
            except (WriteFailed, sqlite3.Error) as exc:  # a write the bot would tell a member failed
                failures.append(exc)
            stored_while_importing += not importing.done()
        report = await importing
    finally:
        await bot.close()
    assert failures == []
    # Committed while films were still being written: the import let go of the lock between transactions.
    assert stored_while_importing >= 1
    assert await count(store, "SELECT count(*) FROM ratings") == member
    assert report.added == FILMS and report.stopped is None


async def test_added_films_are_hidden_until_the_last_commit_and_gone_if_interrupted(
    store: Store, tmp_path: Path
) -> None:
    path = many_films(tmp_path)
    bot = await Store.open(store.db.location)
    films = FilmService(bot)
    try:
        importing = asyncio.create_task(import_catalog(store, path, "csv"))
        await films_committed_and_held(bot)  # some transactions of the import have committed, not all
        assert await films.autocomplete("quiet harbour 1") == []
        assert await films.autocomplete("") == []
        assert await bot.catalog.count_matching(genre=None, year=1950, director=None) == 0
        assert (await bot.films.summary_by_slug("quiet-harbour-0-1950")) is None
        importing.cancel()  # an interruption (Ctrl-C) half-way
        with pytest.raises(asyncio.CancelledError):
            await importing
        assert await count(bot, "SELECT count(*) FROM films") == 0
        assert await count(bot, "SELECT count(*) FROM search_names") == 0
        assert await count(bot, "SELECT count(*) FROM catalog_unpublished") == 0
        last = await bot.catalog.last_import()
        assert last is not None and last.outcome == "interrupted" and last.counts.added == 0
        report = await import_catalog(store, path, "csv")  # and a whole run afterwards is whole
        assert report.added == FILMS
        found = await films.autocomplete("quiet harbour 1234")
        assert found[0].name == "Quiet Harbour 1234 (1994)"
        assert await bot.catalog.count_matching(genre=None, year=1950, director=None) == FILMS // 70 + 1
    finally:
        await bot.close()


async def test_films_left_by_a_killed_import_are_deleted_by_the_next_one(
    store: Store, tmp_path: Path
) -> None:
    path = many_films(tmp_path)
    env = environment(store.db.location, FILMBOT_LOG_LEVEL="WARNING")
    child = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "films", "import", str(path),
        env=env, cwd=tmp_path, stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.DEVNULL,
    )  # fmt: skip
    try:
        await films_committed_and_held(store)
    finally:
        child.send_signal(signal.SIGKILL)  # killed outright: nothing of it runs after this
        await child.wait()
    left = await count(store, "SELECT count(*) FROM films")
    assert left > 0 and await count(store, "SELECT count(*) FROM catalog_unpublished") == 1
    assert await FilmService(store).autocomplete("quiet harbour") == []
    report = await import_catalog(store, path, "csv")
    assert report.added == FILMS  # the killed import's films were deleted first, then all were added
    assert await count(store, "SELECT count(*) FROM films") == FILMS
    assert await count(store, "SELECT count(*) FROM catalog_unpublished") == 0
    outcomes = outside_rows(store.db.location, "SELECT outcome FROM catalog_imports ORDER BY id")
    assert outcomes == [(None,), ("done",)]  # the killed one never ended its row


async def test_a_second_import_while_one_writes_is_refused(store: Store, tmp_path: Path) -> None:
    watch = _Watch(at=WRITTEN)
    importing = asyncio.create_task(import_catalog(store, many_films(tmp_path), "csv", progress=watch))
    await watch.reached.wait()
    other = tmp_path / "other.csv"
    other.write_text("title,year\nStalker,1979\n", encoding="utf-8")
    with pytest.raises(
        BadInput, match=r"^another catalog import( \(process \d+\))? is writing to .*; wait for it"
    ):
        await import_catalog(store, other, "csv")
    assert (await importing).added == FILMS


# Film 2999's update fails, as a full disk would fail a write, in each engine's own trigger language.
FAILING_TRIGGER = {
    "sqlite": (
        "CREATE TRIGGER fourth_batch_fails BEFORE UPDATE ON films WHEN new.title = 'Film 2999' "
        "BEGIN SELECT RAISE(ABORT, 'simulated write failure'); END",
    ),
    "postgresql": (
        "CREATE FUNCTION fourth_batch_fails() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
        "IF NEW.title = 'Film 2999' THEN RAISE EXCEPTION 'simulated write failure'; END IF; RETURN NEW; END $$",
        "CREATE TRIGGER fourth_batch_fails BEFORE UPDATE ON films FOR EACH ROW EXECUTE FUNCTION fourth_batch_fails()",
    ),
}


async def test_a_failed_refresh_keeps_the_films_it_updated_and_deletes_those_it_added(
    store: Store, tmp_path: Path
) -> None:
    path = tmp_path / "films.csv"
    path.write_text(
        "title,year,runtime\n" + "".join(f"Film {n},2000,90\n" for n in range(3000)), encoding="utf-8"
    )
    await import_catalog(store, path, "csv")
    # The refresh: 500 new films, then every film's runtime changed; its last films fail (as a disk would).
    rows = [f"Film {n},2000,91\n" for n in (*range(3000, 3500), *range(3000))]
    path.write_text("title,year,runtime\n" + "".join(rows), encoding="utf-8")
    async with store.db.transaction() as tx:
        for statement in FAILING_TRIGGER[store.dialect]:
            await tx.execute(statement)
    bot = await Store.open(store.db.location)
    stop = asyncio.Event()

    async def vote_meanwhile() -> None:  # a bot's writes wait: the import commits every WRITE_SLICE films
        while not stop.is_set():
            await bot.meta.set("votes", "1")

    voting = asyncio.create_task(vote_meanwhile())
    try:
        with pytest.raises(ImportStopped) as failed:
            await import_catalog(store, path, "csv")
    finally:
        stop.set()
        await voting
        await bot.close()
    report = failed.value.report
    kept = 3000 - WRITE_SLICE  # every slice but the one holding 'Film 2999' was committed on its own
    assert report.lines()[:2] == [
        f"films.csv: 0 added, {kept:,} updated, 0 unchanged, 0 skipped "
        "(stopped: the films it added were taken out again; run it again to finish)",
        # The refusal's own name: the store's ConstraintViolated on SQLite, asyncpg's RaiseError.
        f"  stopped: {'RaiseError' if store.dialect == 'postgresql' else 'ConstraintViolated'}: simulated write failure",
    ]
    assert await count(store, "SELECT count(*) FROM films") == 3000  # the 500 added are gone
    assert (
        await count(store, "SELECT count(*) FROM facts WHERE key = 'runtime_minutes' AND value = '91'")
        == kept
    )
    last = await store.catalog.last_import()
    assert last is not None and last.outcome == "failed" and last.counts.updated == kept
