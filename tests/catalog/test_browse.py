"""Browsing by genre, year and director, and random picks, on an imported catalog."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.catalog.importing import import_catalog
from bot.catalog.models import PAGE_SIZE, BrowseFilters
from bot.catalog.render import browse_embed
from bot.catalog.service import CatalogService
from bot.catalog.views import PageButton
from bot.errors import NotFound
from bot.store import Store
from bot.ui import limits


@pytest.fixture
async def catalog(store: Store, tmp_path: Path) -> CatalogService:
    path = tmp_path / "films.csv"
    rows = ["title,year,director,genres,imdb_rating,imdb_votes"]
    for n in range(1, 24):
        rows.append(f"Drama {n:02d},{1990 + n % 3},Ana Costa,Drama,7.0,{n * 100}")
    rows += [
        "Alien,1979,Ridley Scott,Horror; Sci-Fi,8.5,900000",
        "Blade Runner,1982,Ridley Scott,Sci-Fi,8.1,800000",
        "Heat,1995,Michael Mann,Crime; Drama,8.3,700000",
        "Unrated,1995,Michael Mann,Crime,,",
    ]
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    await import_catalog(store, path, "csv")
    return CatalogService(store)


async def test_pages_most_rated_first(catalog: CatalogService) -> None:
    first = await catalog.browse(BrowseFilters(genre="drama"))
    assert first.total == 24 and first.pages == 3 and len(first.films) == PAGE_SIZE
    assert first.films[0].title == "Heat"
    assert [f.title for f in first.films[1:3]] == ["Drama 23", "Drama 22"]
    last = await catalog.browse_saved(first.filters.key, 3)
    assert last.page == 3 and len(last.films) == 4 and last.first_number == 21
    # Past the end shows the last page (a stale button after films were removed).
    assert (await catalog.browse_saved(first.filters.key, 99)).page == 3


async def test_filters_combine_case_insensitively(catalog: CatalogService) -> None:
    page = await catalog.browse(BrowseFilters(genre="sci-fi", director="ridley scott"))
    assert [f.title for f in page.films] == ["Alien", "Blade Runner"]
    page = await catalog.browse(BrowseFilters(director="Michael Mann", year=1995))
    assert [f.title for f in page.films] == ["Heat", "Unrated"]
    with pytest.raises(NotFound, match="No film in the catalog matches"):
        await catalog.browse(BrowseFilters(genre="Western"))


async def test_saved_filters_survive_and_unknown_keys_say_so(catalog: CatalogService) -> None:
    filters = BrowseFilters(genre="Drama", year=1991, director="Ana Costa")
    page = await catalog.browse(filters)
    again = await catalog.browse_saved(filters.key, 1)
    assert again.filters == filters and again.films == page.films
    with pytest.raises(NotFound, match="no longer available"):
        await catalog.browse_saved("0" * 16, 1)


async def test_random_respects_the_genre(catalog: CatalogService) -> None:
    picks = {(await catalog.random("horror")).title for _ in range(5)}
    assert picks == {"Alien"}
    assert (await catalog.random(None)).title
    with pytest.raises(NotFound, match="genre"):
        await catalog.random("Western")


async def test_random_on_an_empty_catalog(store: Store) -> None:
    with pytest.raises(NotFound, match="catalog is empty"):
        await CatalogService(store).random(None)


async def test_genre_and_director_suggestions(catalog: CatalogService) -> None:
    assert await catalog.genres("") == ["Crime", "Drama", "Horror", "Sci-Fi"]
    assert await catalog.genres("s") == ["Sci-Fi"]
    assert await catalog.directors("mi") == ["Michael Mann"]
    assert await catalog.genres("%") == []  # LIKE wildcards are literal


async def test_listing_fits_discord(catalog: CatalogService) -> None:
    long_director = "D" * 300
    page = await catalog.browse(BrowseFilters(genre="Drama"))
    embed = browse_embed(page)
    assert len(embed) <= limits.EMBED_TOTAL and "24 films" in (embed.title or "")
    custom_id = PageButton.make_id(
        page=999999, key=BrowseFilters(director=long_director, genre="x" * 100).key
    )
    assert len(custom_id) <= limits.CUSTOM_ID
