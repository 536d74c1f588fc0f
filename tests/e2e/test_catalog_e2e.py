"""End-to-end /films browse, its buttons and menu, and /films random, on an imported catalog."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from bot.database_url import DatabaseLocation

pytest.importorskip("tests.discord_emulator")

from bot.catalog.importing import import_catalog
from bot.catalog.loader import load_cards
from bot.store import Store
from tests.discord_emulator import Driver, Emulator
from tests.discord_emulator.botrunner import FILMS_DIR, InProcessBot, SubprocessBot


@pytest.fixture
async def catalog_bot(
    emulator: Emulator, tmp_path: Path, db_location: DatabaseLocation
) -> AsyncIterator[Any]:
    database = db_location
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


# -- issue #16: cards fail safe at bot start (items 1 and 2) and a long premise (item 4) ---------------


async def _rated_film(database: DatabaseLocation, films: Path) -> None:
    """The repository's cards loaded and 100 Meters rated: what a typo in the cards folder must not lose."""
    store = await Store.open(database)
    try:
        assert (await load_cards(store, films)).ok
        film = await store.films.summary_by_slug("100-meters")
        assert film is not None
        await store.ratings.upsert(1, film.id, 7, 8.0, now=datetime.now(UTC))
    finally:
        await store.close()


async def test_a_mistyped_cards_folder_at_start_keeps_every_film(
    emulator: Emulator, driver: Driver, tmp_path: Path, db_location: DatabaseLocation
) -> None:
    database = db_location
    await _rated_film(database, FILMS_DIR)
    workdir = tmp_path / "run"
    workdir.mkdir()
    bot = SubprocessBot(emulator, database, workdir, FILMBOT_FILMS_DIR="data/flims")
    await bot.start()
    try:
        card = await driver.slash("film", title="100-meters")
        assert card.embed["title"] == "100 Meters (2025)"
    finally:
        await bot.stop()
    errors = [line for line in bot.output if " ERROR " in line]
    assert len(errors) == 1, bot.output
    assert (
        "film cards not loaded" in errors[0] and "data/flims" in errors[0] and "does not exist" in errors[0]
    )
    assert not any("Traceback" in line for line in bot.output)
    store = await Store.open(database)
    try:
        assert await store.films.slugs() == {"100-meters"}
    finally:
        await store.close()


def _card(slug: str, title: str, imdb_id: str, plot: str = "", year: int = 1995) -> str:
    return (
        f'slug = "{slug}"\ntitle = "{title}"\nyear = {year}\nimdb_id = "{imdb_id}"\n\n'
        '[sources.doc]\ntitle = "Doc"\nkind = "review"\nas_of = 2026-01-01\n' + plot
    )


async def test_two_cards_with_one_imdb_id_at_start(
    emulator: Emulator, driver: Driver, tmp_path: Path, db_location: DatabaseLocation
) -> None:
    films = tmp_path / "films"
    films.mkdir()
    (films / "heat.toml").write_text(_card("heat", "Heat", "tt0113277"), encoding="utf-8")
    (films / "heat-again.toml").write_text(_card("heat-again", "Heat Again", "tt0113277"), encoding="utf-8")
    (films / "alien.toml").write_text(_card("alien", "Alien", "tt0078748", year=1979), encoding="utf-8")
    workdir = tmp_path / "run"
    workdir.mkdir()
    bot = SubprocessBot(emulator, db_location, workdir, FILMBOT_FILMS_DIR=str(films))
    await bot.start()
    try:
        heat = await driver.slash("film", title="heat")
        assert heat.embed["title"] == "Heat (1995)"
        alien = await driver.slash("film", title="alien")
        assert alien.embed["title"] == "Alien (1979)"
    finally:
        await bot.stop()
    skipped = [line for line in bot.output if "film card skipped" in line]
    assert (
        len(skipped) == 1
        and "heat-again.toml: imdb_id: tt0113277 is also the IMDb id of heat.toml" in (skipped[0])
    )
    assert not any("UNIQUE" in line or "Traceback" in line for line in bot.output)


PREMISE_SECTION = '\n[[plot]]\nphase = "Premise {n}"\nlevel = 0\ntext = "{text}"\n'


async def test_a_long_premise_is_paged_across_messages(
    emulator: Emulator, driver: Driver, tmp_path: Path, db_location: DatabaseLocation
) -> None:
    # Three level-0 sections of 1,512 characters: more than one embed description (4,096) holds.
    texts = [(f"Part {n} " + " ".join(f"w{n}x{w:04d}" for w in range(300)))[:1512] for n in range(3)]
    plot = "".join(PREMISE_SECTION.format(n=n, text=text) for n, text in enumerate(texts))
    plot += '\n[[plot]]\nphase = "The end"\nlevel = 1\ntext = "The secret ending."\n'
    films = tmp_path / "films"
    films.mkdir()
    (films / "heat.toml").write_text(_card("heat", "Heat", "tt0113277", plot), encoding="utf-8")
    assert all(len(t) == 1512 for t in texts)
    runner = InProcessBot(emulator, db_location, FILMBOT_FILMS_DIR=str(films))
    await runner.start()
    try:
        result = await driver.slash("plot", film="heat")
        followups = await result.wait_followups(1)
    finally:
        await runner.stop()
    messages = [result.message, *followups]
    shown = "\n".join(m.embed.get("description") or "" for m in messages)
    for text in texts:
        assert text.replace("\n", " ") in " ".join(shown.split()), "a premise part is missing"
    assert "Something went wrong" not in " ".join(m.text for m in messages)
    assert messages[-1].embed["fields"][0]["value"] == "||The secret ending.||"
    assert all(m.ephemeral for m in messages)
