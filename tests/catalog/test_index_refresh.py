"""The running bot's index: it catches up with an import made by another process, and ranks the better
known of two equal matches first."""

from __future__ import annotations

import asyncio
from pathlib import Path

from bot.catalog.importing import import_catalog
from bot.films.service import FilmService
from bot.store import Store


async def test_an_import_from_another_process_reaches_a_running_index(store: Store, tmp_path: Path) -> None:
    service = FilmService(store)
    await service.refresh()
    assert service.autocomplete("stalker") == []
    await service.catch_up()  # nothing changed: nothing to do
    assert service._rebuild is None

    path = tmp_path / "films.csv"
    path.write_text("title,year\nStalker,1979\n", encoding="utf-8")
    other = await Store.open(store.db.path)  # as `filmbot films import` would, while the bot runs
    try:
        await import_catalog(other, path, "csv")
    finally:
        await other.close()

    await service.catch_up()
    assert service._rebuild is not None
    await asyncio.wait_for(service._rebuild, 10)
    assert [c.name for c in service.autocomplete("stalker")] == ["Stalker (1979)"]


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
    await service.refresh()
    assert [c.name for c in service.autocomplete("the thing")] == [
        "The Thing (1982)",
        "The Thing (2011)",
        "The Thing (1951)",
    ]
