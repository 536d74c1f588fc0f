"""``filmbot db copy`` between SQLite databases, run as an administrator runs it (a subprocess)."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import pytest

from bot.store.copying import schema_tables
from tests.dbcopy._filled import filled
from tests.startup._cli import DATABASE, environment, filmbot, one_sentence

COPIED = 0
NOT_EMPTY = 2
MISMATCH = 8


def contents(path: Path) -> dict[str, list[tuple[Any, ...]]]:
    """Every table's rows, sorted, read with the plain sqlite3 module (not the copy's own reader)."""
    with sqlite3.connect(path) as conn:
        names = [
            r[0] for r in conn.execute("SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name")
        ]
        tables = [n for n in names if not n.startswith(("sqlite_", "search_fts"))]
        return {name: sorted(conn.execute(f"SELECT * FROM {name}"), key=repr) for name in tables}


async def copy(tmp_path: Path, source: Path | str, target: Path | str, *extra: str) -> Any:
    return await filmbot(
        "db", "copy", "--from", str(source), "--to", str(target), *extra,
        env=environment(tmp_path / "unused.sqlite3"), cwd=tmp_path,
    )  # fmt: skip


async def test_every_table_is_copied_with_its_ids_and_verified(tmp_path: Path) -> None:
    source = await filled(tmp_path / "old.sqlite3")
    before = contents(source)
    assert all(before[t.name] for t in await schema_tables()), "the fixture must fill every table"
    done = await copy(tmp_path, source, tmp_path / "new" / "filmbot.sqlite3")
    assert done.status == COPIED, done.stderr
    copied = contents(tmp_path / "new" / "filmbot.sqlite3")
    assert copied == before  # every table, ids and the search index (rebuilt) alike
    assert contents(source) == before  # the source is only read
    aliases = "SELECT alias FROM film_aliases WHERE film_id = 1 AND source_id IS NULL ORDER BY rowid"
    with sqlite3.connect(tmp_path / "new" / "filmbot.sqlite3") as conn:
        assert [a for (a,) in conn.execute(aliases)][-2:] == ["Zz Last Written First", "Aa Written Second"]
    for table in await schema_tables():
        assert f"ok       {table.name}: {len(before[table.name]):,} rows, checksum " in done.stdout
        assert f"copied {table.name}: " in done.stdout  # the plain progress line, off a terminal
    assert "every table verified" in done.stdout


async def test_the_copy_answers_a_title_search_and_the_bot_starts_on_it(tmp_path: Path) -> None:
    source = await filled(tmp_path / "old.sqlite3")
    target = tmp_path / "new.sqlite3"
    assert (await copy(tmp_path, source, target)).status == COPIED
    done = await filmbot("ask", "/film 100 meter", env=environment(target), cwd=tmp_path)
    assert done.status == 0 and "100 Meters" in done.stdout, done.stdout + done.stderr


async def test_a_target_that_holds_data_is_refused_unless_forced(tmp_path: Path) -> None:
    source = await filled(tmp_path / "old.sqlite3")
    target = await filled(tmp_path / "busy.sqlite3")
    with sqlite3.connect(target) as conn:
        conn.execute("UPDATE ratings SET halves = 3")
    held = contents(target)
    refused = await copy(tmp_path, source, target)
    one_sentence(refused, NOT_EMPTY, "already holds filmbot data", "films (", "--force")
    assert contents(target) == held
    forced = await copy(tmp_path, source, target, "--force")
    assert forced.status == COPIED, forced.stderr
    assert "which replaced what it held" in forced.stdout
    assert contents(target) == contents(source)


@pytest.mark.parametrize("kind", ["missing", "not-a-database"])
async def test_a_bad_source_is_one_sentence_and_status_3(tmp_path: Path, kind: str) -> None:
    source = tmp_path / "nowhere.sqlite3"
    if kind == "not-a-database":
        source.write_text("these are my notes, not a database\n" * 100)
    done = await copy(tmp_path, source, tmp_path / "new.sqlite3")
    one_sentence(done, DATABASE, str(source))
    assert not (tmp_path / "new.sqlite3").exists() or kind == "not-a-database"


async def test_a_copy_that_reads_back_differently_is_rolled_back_with_a_clear_sentence(
    tmp_path: Path,
) -> None:
    source = await filled(tmp_path / "old.sqlite3")
    target = tmp_path / "new.sqlite3"
    assert (await copy(tmp_path, await filled(tmp_path / "twin.sqlite3"), target)).status == COPIED
    # A target that changes what it is given (a trigger left behind by another tool): the copy notices.
    with sqlite3.connect(target) as conn:
        conn.execute(
            "CREATE TRIGGER meddle AFTER INSERT ON ratings BEGIN "
            "UPDATE ratings SET halves = 1 WHERE guild_id = new.guild_id; END"
        )
    held = contents(target)
    done = await copy(tmp_path, source, target, "--force")
    one_sentence(done, MISMATCH, "differs from", "ratings", "nothing was copied")
    assert "MISMATCH ratings: read 1 rows" in done.stdout
    assert "ok       films:" in done.stdout
    assert contents(target) == held
