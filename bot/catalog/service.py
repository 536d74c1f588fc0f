"""Browsing the catalog by genre, year and director, a page at a time, and picking a film at random."""

from __future__ import annotations

import math

from bot.catalog.models import PAGE_SIZE, BrowseFilters, BrowsePage
from bot.errors import BadInput, NotFound
from bot.films.models import FilmSummary
from bot.store import Store
from bot.ui import limits

_META_PREFIX = "films-browse:"


class CatalogService:
    def __init__(self, store: Store) -> None:
        self._store = store

    async def browse(self, filters: BrowseFilters, page: int = 1, *, save: bool = True) -> BrowsePage:
        """One page of films matching every filter; a page past the end shows the last page."""
        if save:
            await self._store.meta.set(_META_PREFIX + filters.key, filters.to_json())
        total = await self._store.catalog.count_matching(
            genre=filters.genre, year=filters.year, director=filters.director
        )
        pages = max(math.ceil(total / PAGE_SIZE), 1)
        page = min(max(page, 1), pages)
        films = await self._store.catalog.browse(
            genre=filters.genre,
            year=filters.year,
            director=filters.director,
            offset=(page - 1) * PAGE_SIZE,
            limit=PAGE_SIZE,
        )
        if not films:
            raise NotFound(
                f"No film in the catalog matches {filters.describe().casefold()}. "
                "Pick a genre or director from the list as you type, or leave a filter out."
            )
        return BrowsePage(filters, page, pages, total, tuple(films))

    async def browse_saved(self, key: str, page: int) -> BrowsePage:
        """A page of a listing made earlier (from a button, even after a restart)."""
        saved = await self._store.meta.get(_META_PREFIX + key)
        if saved is None:
            raise NotFound("That list is no longer available; run /films browse again.")
        return await self.browse(BrowseFilters.from_json(saved), page, save=False)

    async def random(self, genre: str | None) -> FilmSummary:
        film = await self._store.catalog.random_film(genre=genre)
        if film is None:
            if genre:
                raise NotFound(
                    f"No film in the catalog has the genre “{genre[:100]}”. Pick one from the list."
                )
            raise NotFound("The catalog is empty; a moderator can load films with `filmbot films import`.")
        return film

    async def genres(self, prefix: str) -> list[str]:
        return await self._store.catalog.genres(prefix.strip(), limits.AUTOCOMPLETE_CHOICES)

    async def directors(self, prefix: str) -> list[str]:
        return await self._store.catalog.directors(prefix.strip(), limits.AUTOCOMPLETE_CHOICES)


def check_year(year: int | None) -> int | None:
    if year is not None and not 1870 <= year <= 2100:
        raise BadInput(f"{year} is not a film year; give one between 1870 and 2100.")
    return year
