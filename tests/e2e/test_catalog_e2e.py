"""End-to-end /films browse, its buttons and menu, and /films random, on an imported catalog."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("tests.discord_emulator")

from bot.catalog.importing import import_catalog
from bot.store import Store
from tests.discord_emulator import Driver, Emulator
from tests.discord_emulator.botrunner import InProcessBot


@pytest.fixture
async def catalog_bot(emulator: Emulator, tmp_path: Path) -> AsyncIterator[Any]:
    database = tmp_path / "filmbot.sqlite3"
    path = tmp_path / "films.csv"
    rows = ["title,year,director,genres,runtime,imdb_rating,imdb_votes"]
    rows += [f"Night Film {n:02d},{1960 + n},Ana Costa,Drama,{90 + n},6.5,{1000 + n}" for n in range(1, 16)]
    rows += ["Solaris,1972,Andrei Tarkovsky,Drama; Sci-Fi,167,8.0,100000"]
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    store = await Store.open(database)
    await import_catalog(store, path, "csv")
    await store.close()
    runner = InProcessBot(emulator, database)
    await runner.start()
    try:
        yield runner
    finally:
        await runner.stop()


async def test_browse_pages_with_buttons_and_opens_a_card(
    emulator: Emulator, catalog_bot: Any, driver: Driver
) -> None:
    result = await driver.slash("films", "browse", genre="Drama")
    assert not result.ephemeral
    assert "17 films" in result.embed["title"]  # 16 imported, and the 100 Meters card
    assert "Solaris (1972)" in result.embed["description"].splitlines()[0]
    assert "Page 1 of 2" in result.embed["footer"]["text"]

    second = await driver.click(result, label="Next ▶")
    assert second.callback_type == 7  # the listing is edited in place
    assert "Page 2 of 2" in second.embed["footer"]["text"]
    assert "Night Film 01 (1961)" in second.embed["description"]

    # After a restart the buttons still work: the filters are in the store, not in memory.
    await catalog_bot.stop()
    await catalog_bot.start()
    back = await driver.click(second, label="◀ Previous")
    assert "Page 1 of 2" in back.embed["footer"]["text"]

    film_id = next(o["value"] for o in _options(back.message.components) if o["label"].startswith("Solaris"))
    card = await driver.select(back, "filmbot:films:open", [film_id])
    assert card.ephemeral
    assert card.embed["title"] == "Solaris (1972)"
    assert "Imported catalog data" in card.embed["footer"]["text"]


async def test_autocomplete_for_genre_and_director(
    emulator: Emulator, catalog_bot: Any, driver: Driver
) -> None:
    genres = await driver.autocomplete("films", "browse", "genre", "sc")
    assert genres.names == ["Sci-Fi"]
    directors = await driver.autocomplete("films", "browse", "director", "andrei")
    assert directors.names == ["Andrei Tarkovsky"]
    films = await driver.autocomplete("film", "title", "solaris")
    assert films.names[0].startswith("Solaris (1972)")


async def test_random_and_another_one(emulator: Emulator, catalog_bot: Any, driver: Driver) -> None:
    result = await driver.slash("films", "random", genre="Sci-Fi")
    assert result.embed["title"] == "Solaris (1972)"
    again = await driver.click(result, label="Another one")
    assert again.ephemeral and again.embed["title"] == "Solaris (1972)"
    missing = await driver.slash("films", "random", genre="Western")
    assert missing.ephemeral and "Western" in missing.text


def _options(components: list[dict[str, Any]]) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    for component in components:
        found += component.get("options", [])
        found += _options(component.get("components", []))
    return found
