"""``filmbot db copy`` SQLite → PostgreSQL → SQLite: every table arrives as it left (PostgreSQL only)."""

from __future__ import annotations

from pathlib import Path

from bot.database_url import database_env
from bot.store import Store
from tests.dbcopy._filled import filled
from tests.dbcopy.test_copy_sqlite import COPIED, NOT_EMPTY, contents, copy
from tests.engines import TEST_SERVER, outside_rows, postgres_only
from tests.startup._cli import DATABASE, one_sentence

pytestmark = postgres_only


async def test_a_round_trip_through_postgresql_gives_back_every_table(tmp_path: Path) -> None:
    assert TEST_SERVER is not None
    source = await filled(tmp_path / "old.sqlite3")
    server = TEST_SERVER.create_empty()  # not even filmbot's tables: the copy migrates it
    try:
        there = await copy(tmp_path, source, database_env(server))
        assert there.status == COPIED, there.stderr
        assert "every table verified" in there.stdout
        # Written out of alphabetical order, a film's own aliases stay in the order they were written.
        aliases = outside_rows(
            server, "SELECT alias FROM film_aliases WHERE film_id = 1 AND source_id IS NULL ORDER BY rowid"
        )
        assert [a for (a,) in aliases][-2:] == ["Zz Last Written First", "Aa Written Second"]
        # Ids go on after the copied ones: the sequences were moved past them.
        store = await Store.open(server)
        try:
            [(highest,)] = outside_rows(server, "SELECT max(id) FROM timers")
            assert await store.timers.add("t", "after-copy", store.clock.now()) == highest + 1
        finally:
            await store.close()
        outside_rows(server, "SELECT 1")  # the store is closed; the server still answers
        back = tmp_path / "back.sqlite3"
        returned = await copy(tmp_path, database_env(server), back)
        assert returned.status == COPIED, returned.stderr
    finally:
        TEST_SERVER.drop(server)
    expected = contents(source)
    got = contents(back)
    timer = [row for row in got["timers"] if row[2] == "after-copy"]
    assert len(timer) == 1
    got["timers"].remove(timer[0])
    assert got == expected


async def test_a_postgresql_target_holding_data_is_refused_and_a_bad_server_is_status_3(
    tmp_path: Path,
) -> None:
    assert TEST_SERVER is not None
    source = await filled(tmp_path / "old.sqlite3")
    server = TEST_SERVER.create()
    try:
        assert (await copy(tmp_path, source, database_env(server))).status == COPIED
        refused = await copy(tmp_path, source, database_env(server))
        one_sentence(refused, NOT_EMPTY, "already holds filmbot data", "--force")
    finally:
        TEST_SERVER.drop(server)
    missing = server.reveal().replace(server.database, f"{server.database}_gone")
    done = await copy(tmp_path, missing, tmp_path / "new.sqlite3")
    one_sentence(done, DATABASE, f"{server.database}_gone")
