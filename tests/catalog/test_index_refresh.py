"""The running bot's title search: it finds what an import made by another process committed (with
nothing rebuilt), never what an import in progress has not committed yet, and ranks the better known of
two equal matches first."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from bot.catalog.importing import import_catalog
from bot.films.models import ImportedFilm, Source
from bot.films.service import FilmService
from bot.store import Store


async def test_an_import_from_another_process_reaches_a_running_index(store: Store, tmp_path: Path) -> None:
    service = FilmService(store)
    assert await service.autocomplete("stalker") == []

    path = tmp_path / "films.csv"
    path.write_text("title,year\nStalker,1979\n", encoding="utf-8")
    other = await Store.open(store.db.location)  # as `filmbot films import` would, while the bot runs
    try:
        await import_catalog(other, path, "csv")
    finally:
        await other.close()

    assert [c.name for c in await service.autocomplete("stalker")] == ["Stalker (1979)"]
    assert (await service.resolve("Stalker")).title == "Stalker"


async def test_films_of_an_import_in_progress_are_found_once_it_commits(store: Store) -> None:
    service = FilmService(store)
    source = Source("a-list", "A list", "dataset", date(2026, 1, 1))
    async with store.transaction() as tx:
        await tx.catalog.write_batch([ImportedFilm("Stalker", 1979)], source)
        # Written, not committed: the bot's searches (on their own connection) do not see it yet.
        assert await service.autocomplete("stalker") == []
        assert await service.autocomplete("") == []
    assert [c.name for c in await service.autocomplete("stalker")] == ["Stalker (1979)"]


async def test_an_import_rolled_back_leaves_nothing_to_find(store: Store) -> None:
    service = FilmService(store)
    source = Source("a-list", "A list", "dataset", date(2026, 1, 1))
    await store.catalog.write_batch([ImportedFilm("Stalker", 1979)], source, dry_run=True)
    assert await service.autocomplete("stalker") == []
    assert await store.db.fetchone("SELECT 1 FROM search_names") is None


async def test_equal_matches_rank_the_better_known_first(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "films.csv"
    path.write_text(
        "imdb_id,title,year,imdb_rating,imdb_votes\n"
        "tt0000001,The Thing,2011,6.2,150000\n"
        "tt0000002,The Thing,1982,8.2,500000\n"
        "tt0000003,The Thing,1951,7.0,\n",
        encoding="utf-8",
    )
    await import_catalog(store, path, "csv")
    service = FilmService(store)
    assert [c.name for c in await service.autocomplete("the thing")] == [
        "The Thing (1982)",
        "The Thing (2011)",
        "The Thing (1951)",
    ]
