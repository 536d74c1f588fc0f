"""The title index in the database stays in step with the films through every write: cards added, changed
and removed, imports added, updated, matched to a card or rolled back, and the upgrade that builds it
(migration 0012) for the films a database already holds.

After each step the index is compared with one computed from scratch: every film's names as
``name_keys`` gives them, with its year and vote count; each word with the number of names holding it; and
the FTS5 word index's own vocabulary (so no deleted name lingers in it).
"""

from __future__ import annotations

import sqlite3
from collections import Counter
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest

from bot.catalog.importing import import_catalog
from bot.catalog.loader import load_cards
from bot.films.matching import name_keys, words
from bot.films.models import FilmData, ImportedFilm, Score, Source
from bot.films.service import FilmService
from bot.store import Database, Store, _database, migrations
from bot.store.catalog_rows import prepare
from bot.store.search import PendingNames
from tests.catalog._helpers import cards_folder, imdb_folder
from tests.engines import sqlite_only

LIST = Source("a-list", "A list", "dataset", date(2026, 1, 1))
CARD = FilmData(
    slug="solaris-1972", title="Solaris", origin="card", year=1972, aliases=("Солярис", "Solyaris Tarkovsky")
)


def _imported(title: str, year: int, imdb_id: str, votes: int | None = None, *aliases: str) -> ImportedFilm:
    scores = (Score("IMDb", "average", 7.0, LIST.key, LIST.as_of, 10.0, votes),) if votes else ()
    return ImportedFilm(title, year, imdb_id=imdb_id, aliases=aliases, scores=scores)


async def expected(store: Store) -> tuple[set[tuple[int, str, int | None, int]], Counter[str]]:
    """The index as it should be: (film id, name, year, votes) rows, and each word's count of names."""
    votes = await store.catalog.popularity()
    rows = {
        (f.id, key, f.year, votes.get(f.id, 0))
        for f in await store.films.summaries()
        for key in name_keys(f.slug, f.title, f.original_title, f.aliases)
    }
    return rows, Counter(w for _, key, _, _ in rows for w in words(key))


async def assert_in_step(store: Store) -> None:
    rows, counts = await expected(store)
    held = {
        (r[0], r[1], r[2], r[3])
        for r in await store.db.fetchall("SELECT id >> 8, name, year, votes FROM search_names")
    }
    assert held == rows
    assert {
        r["word"]: r["docs"]
        for r in await store.db.fetchall("SELECT word, docs FROM search_words WHERE docs > 0")
    } == dict(counts)
    # The word index: SQLite's FTS5 table, PostgreSQL's search_name_words; each word's count of names.
    if isinstance(store.db, Database):
        await store.db.conn.execute(
            "CREATE VIRTUAL TABLE IF NOT EXISTS temp.terms USING fts5vocab(main, search_fts, 'row')"
        )
        terms = "SELECT term, doc FROM temp.terms"
    else:
        terms = "SELECT word, count(*) FROM search_name_words GROUP BY word"
    fts = {r[0]: r[1] for r in await store.db.fetchall(terms)}
    assert fts == dict(counts)


async def test_cards_added_changed_and_removed(store: Store) -> None:
    await store.films.upsert(CARD)
    await store.films.upsert(replace(CARD, slug="stalker", title="Stalker", year=1979, aliases=()))
    await assert_in_step(store)
    # Renamed, one alias dropped, another added: the old names leave the index, their words uncounted.
    await store.films.upsert(
        replace(CARD, title="Solaris (Director's Cut)", aliases=("Солярис", "Solaris DC"))
    )
    await assert_in_step(store)
    assert await store.films.delete("stalker") is None
    await assert_in_step(store)
    gone = await store.db.fetchone("SELECT docs FROM search_words WHERE word = 'stalker'")
    assert gone is None or gone["docs"] == 0
    assert await FilmService(store).autocomplete("stalker") == []


async def test_imports_added_updated_and_rolled_back(store: Store) -> None:
    await store.catalog.write_batch(
        [
            _imported("The Thing", 1982, "tt0084787", 500_000, "La Cosa"),
            _imported("Alien", 1979, "tt0078748"),
        ],
        LIST,
    )
    await assert_in_step(store)
    # A new title, another year, more votes, an alias gone: the film's names and votes follow.
    await store.catalog.write_batch([_imported("The Thing (1982)", 1983, "tt0084787", 600_000)], LIST)
    await assert_in_step(store)
    await store.catalog.write_batch([_imported("Nothing Kept", 2001, "tt0000009")], LIST, dry_run=True)
    await assert_in_step(store)
    assert await FilmService(store).autocomplete("nothing kept") == []


async def test_names_left_pending_in_a_transaction_are_indexed_before_it_commits(store: Store) -> None:
    """An import indexes the names of the films it adds once a transaction's worth have gathered; a film it
    changes later in the same transaction (added by an earlier batch) is indexed as it then stands."""
    pending = PendingNames()
    async with store.transaction() as tx:
        batches = (
            [
                _imported("The Thing", 1982, "tt0084787", 500_000, "La Cosa"),
                _imported("Alien", 1979, "tt0078748"),
            ],
            [_imported("Aliens", 1986, "tt0090605", 700_000)],
            [_imported("The Thing (1982)", 1983, "tt0084787", 600_000)],  # the first batch's film, changed
        )
        for films in batches:
            await tx.catalog.write_prepared(prepare(films, LIST), LIST, pending)
        await tx.catalog.index_pending(pending)
    assert pending.names == []
    await assert_in_step(store)
    assert [c.value for c in await FilmService(store).autocomplete("alien")][:2] == [
        "alien-1979",
        "aliens-1986",
    ]


async def test_a_card_and_an_import_of_one_film_in_either_order(store: Store, tmp_path: Path) -> None:
    await import_catalog(store, imdb_folder(tmp_path / "imdb"), "imdb")
    await assert_in_step(store)
    assert (await load_cards(store, cards_folder(tmp_path / "cards"))).ok
    await assert_in_step(store)
    service = FilmService(store)
    # The card's slug and alias, and the names the import brought (its title, original title, akas).
    for typed in ("solaris tarkovsky", "Solyaris", "солярис"):
        assert (await service.autocomplete(typed))[0].value == "solaris-tarkovsky", typed


@sqlite_only
async def test_the_upgrade_indexes_the_films_already_there(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "filmbot.sqlite3"
    store = await Store.open(path)
    try:
        await import_catalog(store, imdb_folder(tmp_path / "imdb"), "imdb")
        assert (await load_cards(store, cards_folder(tmp_path / "cards"))).ok
        before = await expected(store)
    finally:
        await store.close()
    # The same database as filmbot wrote it before migration 0012 (later migrations, which are not about
    # the index, stay applied: only 0012 runs again).
    with sqlite3.connect(path) as conn:
        conn.executescript(
            "DROP TABLE search_names; DROP TABLE search_fts; DROP TABLE search_words; DROP TABLE search_lengths; "
            "PRAGMA user_version = 11;"
        )
    every = migrations()
    monkeypatch.setattr(_database, "migrations", lambda: every[:12])
    upgraded = await Store.open(path)
    try:
        assert await upgraded.db.user_version() == 12
        assert await expected(upgraded) == before
        await assert_in_step(upgraded)
        assert (await FilmService(upgraded).autocomplete("amelie"))[0].name.startswith("Amélie (2001)")
    finally:
        await upgraded.close()
