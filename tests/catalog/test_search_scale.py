"""Title search at 100,000 films: typed prefixes, typos, punctuation, word order, aliases, original titles.

The synthetic catalog is written once for the module the way an import writes it (batches through the
catalog store, the title index kept in step in each batch's transaction), with the 100 Meters card beside
it; each test searches it through the film service, as the bot does.
"""

from __future__ import annotations

import asyncio
import random
from collections.abc import AsyncIterator
from datetime import date
from pathlib import Path

import pytest

from benchmarks._catalog_data import SynthFilm, films, write_csv
from bot.catalog.importing import import_catalog
from bot.errors import NotFound
from bot.films.models import FilmData, FilmSummary, ImportedFilm, Score, Source
from bot.films.service import FilmService
from bot.store import Store

N = 100_000
SOURCE = Source("synthetic", "A synthetic catalog", "dataset", date(2026, 1, 1))


def _imported(film: SynthFilm) -> ImportedFilm:
    rated = film.rating is not None
    score = Score("IMDb", "average", film.rating or 0.0, "synthetic", SOURCE.as_of, 10.0, film.votes)
    return ImportedFilm(
        film.title,
        film.year,
        film.original_title if film.original_title != film.title else None,
        film.tconst,
        film.aliases,
        scores=(score,) if rated else (),
    )


async def _write(path: Path) -> None:
    store = await Store.open(path)
    try:
        batch: list[ImportedFilm] = []
        for film in films(N):
            batch.append(_imported(film))
            if len(batch) == 2000:
                await store.catalog.write_batch(batch, SOURCE)
                batch.clear()
        await store.films.upsert(
            FilmData(
                "100-meters",
                "100 Meters",
                "card",
                2025,
                "Hyakuemu",
                aliases=("Hyakuemu", "100m", "100 Metres"),
            )
        )
    finally:
        await store.close()


@pytest.fixture(scope="module")
def database(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("catalog") / "filmbot.sqlite3"
    asyncio.run(_write(path))
    return path


@pytest.fixture
async def searched(database: Path) -> AsyncIterator[Store]:
    opened = await Store.open(database)
    try:
        yield opened
    finally:
        await opened.close()


@pytest.fixture(scope="module")
def catalog(database: Path) -> list[FilmSummary]:
    async def read() -> list[FilmSummary]:
        store = await Store.open(database)
        try:
            return await store.films.summaries()
        finally:
            await store.close()

    return asyncio.run(read())


@pytest.fixture
def service(searched: Store) -> FilmService:
    return FilmService(searched)


def _unique_titles(catalog: list[FilmSummary], count: int) -> list[FilmSummary]:
    """Films whose title (normalized) no other film shares, so exactly one answer is right."""
    seen: dict[str, int] = {}
    for film in catalog:
        key = film.title.casefold()
        seen[key] = seen.get(key, 0) + 1
    unique = [f for f in catalog if seen[f.title.casefold()] == 1 and len(f.title) >= 12 and not f.aliases]
    return random.Random(4).sample(unique, count)


@pytest.mark.parametrize(
    "query", ["100-meters", "100 meters", "100 metres", "100 m", "hyakuemu", "100m", "100 metrs", "Meters 100",
              "HYAKUEMU", "hyakuemo", "100 Meters (2025)"]
)  # fmt: skip
async def test_every_spelling_of_100_meters_at_100k(service: FilmService, query: str) -> None:
    choices = await service.autocomplete(query)
    assert choices[0].value == "100-meters", [c.name for c in choices[:5]]
    assert (await service.resolve(query)).slug == "100-meters"


async def test_full_titles_resolve_to_their_film(service: FilmService, catalog: list[FilmSummary]) -> None:
    for film in _unique_titles(catalog, 60):
        assert (await service.autocomplete(film.title))[0].value == film.slug
        assert (await service.resolve(film.title.upper())).slug == film.slug


async def test_typed_prefixes_put_the_film_first(service: FilmService, catalog: list[FilmSummary]) -> None:
    hits = 0
    sample = _unique_titles(catalog, 60)
    for film in sample:
        # Typing stops once the title is unambiguous: most of it typed.
        prefix = film.title[: max(len(film.title) - 3, 10)]
        slugs = [c.value for c in await service.autocomplete(prefix)]
        assert film.slug in slugs, (prefix, slugs[:5])
        hits += slugs[0] == film.slug
    # A prefix can be shared by several titles; the film is in the list always and first nearly always.
    assert hits >= 0.8 * len(sample)


async def test_one_typo_still_finds_the_film(service: FilmService, catalog: list[FilmSummary]) -> None:
    rng = random.Random(5)
    firsts = 0
    sample = _unique_titles(catalog, 60)
    for film in sample:
        title = film.title
        i = rng.randrange(1, len(title) - 1)
        typo = title[:i] + title[i + 1] + title[i] + title[i + 2 :]  # two letters swapped
        slugs = [c.value for c in await service.autocomplete(typo)]
        assert film.slug in slugs[:5], (typo, slugs[:5])
        firsts += slugs[0] == film.slug
    assert firsts >= 0.9 * len(sample)


async def test_aliases_and_original_titles_find_the_film(
    service: FilmService, catalog: list[FilmSummary]
) -> None:
    with_alias = [f for f in catalog if f.aliases][:30]
    for film in with_alias:
        assert film.slug in [c.value for c in (await service.autocomplete(film.aliases[0]))[:25]]
    originals = [f for f in catalog if f.original_title and "Кино" not in f.original_title][:30]
    for film in originals:
        label = f"{film.original_title} {film.year}"
        assert film.slug in [c.value for c in await service.autocomplete(label)], label


async def test_same_title_films_are_told_apart_by_year(
    service: FilmService, catalog: list[FilmSummary]
) -> None:
    by_title: dict[str, list[FilmSummary]] = {}
    for film in catalog:
        by_title.setdefault(film.title, []).append(film)
    remade = next(group for group in by_title.values() if len({f.year for f in group}) == len(group) >= 2)
    names = [c.name for c in await service.autocomplete(remade[0].title)]
    assert all(f.label in " ".join(names) for f in remade)
    with pytest.raises(NotFound) as caught:
        await service.resolve(remade[0].title)
    labels = {f.label for f in remade}
    assert set(caught.value.hints) <= labels and len(caught.value.hints) == min(len(remade), 5)
    assert (await service.resolve(f"{remade[1].title} ({remade[1].year})")).slug == remade[1].slug


async def test_short_queries_and_limits(service: FilmService) -> None:
    for query in ("t", "th", "1", "é", "", "   "):
        choices = await service.autocomplete(query)
        assert len(choices) <= 25
        assert all(len(c.name) <= 100 and len(c.value) <= 100 for c in choices)
    assert all(c.name.casefold().startswith("th") for c in (await service.autocomplete("th"))[:10])
    assert await service.autocomplete("zzqxj zzqxj") == []


async def test_the_bots_own_path_from_a_bulk_import(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "catalog.csv"
    write_csv(path, films(3000, seed=11))
    report = await import_catalog(store, path, "csv")
    assert report.added + report.skipped == 3000 and report.added > 2900
    service = FilmService(store)
    film = next(f for f in films(3000, seed=11) if len(f.title) > 14)
    choice = (await service.autocomplete(film.title))[0]
    assert choice.name.startswith(film.title)
    assert (await service.card(await service.resolve(choice.value))).title == film.title
