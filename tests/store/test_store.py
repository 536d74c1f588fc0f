from __future__ import annotations

import sqlite3
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from bot.database_url import DatabaseLocation
from bot.films.models import Fact, FilmData, Source
from bot.store import ConstraintViolated, Store, migrations
from bot.store._database import BULK
from tests.engines import sqlite_db, sqlite_only

SOURCE = Source(key="doc", title="A document", kind="review", as_of=date(2026, 1, 2))


def film(slug: str = "solaris-1972", **changes: Any) -> FilmData:
    base = FilmData(
        slug=slug,
        title="Solaris",
        origin="card",
        year=1972,
        aliases=("Солярис",),
        sources=(SOURCE,),
        facts=(Fact(key="runtime_minutes", value="167", source="doc"),),
    )
    return replace(base, **changes)


async def test_migrations_set_user_version_and_pragmas(store: Store) -> None:
    assert await store.db.user_version() == len(migrations())
    db = sqlite_db(store)
    journal = await db.fetchone("PRAGMA journal_mode")
    foreign = await db.fetchone("PRAGMA foreign_keys")
    assert journal is not None and journal[0] == "wal"
    assert foreign is not None and foreign[0] == 1


async def test_reopening_applies_nothing_twice(db_location: DatabaseLocation) -> None:
    path = db_location
    first = await Store.open(path)
    await first.films.upsert(film())
    await first.close()
    second = await Store.open(path)
    try:
        assert await second.db.user_version() == len(migrations())
        assert len(await second.films.slugs()) == 1
    finally:
        await second.close()


@sqlite_only
async def test_newer_database_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "db.sqlite3"
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version = {len(migrations()) + 1}")
    conn.close()
    with pytest.raises(RuntimeError, match="newer than this filmbot"):
        await Store.open(path)


async def test_migrations_are_numbered_without_gaps() -> None:
    assert [v for v, _, _ in migrations()] == list(range(1, len(migrations()) + 1))


async def test_upsert_reports_added_unchanged_updated(store: Store) -> None:
    assert await store.films.upsert(film()) == "added"
    assert await store.films.upsert(film()) == "unchanged"
    assert await store.films.upsert(film(title="Solaris (restored)")) == "updated"
    record = await store.films.get("solaris-1972")
    assert record is not None
    assert record.title == "Solaris (restored)"
    assert record.summary.aliases == ("Солярис",)
    assert [f.value for f in record.facts] == ["167"]


async def test_update_replaces_children_rather_than_duplicating(store: Store) -> None:
    await store.films.upsert(film())
    await store.films.upsert(film(facts=(Fact(key="runtime_minutes", value="166", source="doc"),)))
    record = await store.films.get("solaris-1972")
    assert record is not None
    assert [f.value for f in record.facts] == ["166"]


async def test_delete_refused_while_member_data_refers_to_film(store: Store) -> None:
    await store.films.upsert(film())
    summary = await store.films.summary_by_slug("solaris-1972")
    assert summary is not None
    async with store.db.transaction() as conn:
        await conn.execute("CREATE TABLE member_refs (film_id INTEGER NOT NULL REFERENCES films (id))")
        await conn.execute("INSERT INTO member_refs VALUES (?)", (summary.id,))
    refused = await store.films.delete("solaris-1972")
    assert refused is not None and "refers to it" in refused.reason
    assert len(await store.films.slugs()) == 1


async def test_failed_transaction_rolls_back(store: Store) -> None:
    with pytest.raises(RuntimeError):
        async with store.db.transaction() as conn:
            await conn.execute("INSERT INTO meta (key, value) VALUES ('k', 'v')")
            raise RuntimeError("boom")
    assert await store.meta.get("k") is None
    await store.meta.set("k", "v2")
    assert await store.meta.get("k") == "v2"


async def test_score_rows_respect_their_scale(store: Store) -> None:
    await store.films.upsert(film())
    with pytest.raises(ConstraintViolated):
        async with store.db.transaction() as conn:
            await conn.execute(
                "INSERT INTO score_sources (film_id, position, name, kind, value, scale, as_of, source_id) "
                "SELECT f.id, 0, 'x', 'average', 11, 10, '2026-01-01', s.id FROM films f JOIN film_sources s ON s.film_id = f.id"
            )


async def test_a_bulk_write_has_its_own_settings_and_gives_them_back(store: Store) -> None:
    db = sqlite_db(store)

    async def settings() -> dict[str, int]:
        return {name: (await db.fetchall(f"PRAGMA {name}"))[0][0] for name in BULK}

    usual = await settings()
    assert usual != BULK
    async with db.bulk():
        assert await settings() == BULK
    assert await settings() == usual
