"""Title search at 100,000 films: typed prefixes, typos, punctuation, word order, aliases, original titles.

The 100,000-film index is built once for the module from the synthetic catalog (the index the bot builds
from the store; the store→index path is covered below on a bulk-imported catalog).
"""

from __future__ import annotations

import random
import re
from pathlib import Path

import pytest

from benchmarks._catalog_data import SynthFilm, films, write_csv
from bot.catalog.importing import import_catalog
from bot.errors import NotFound
from bot.films.matching import TitleIndex
from bot.films.models import FilmSummary
from bot.films.service import FilmService
from bot.store import Store

HUNDRED_METERS = FilmSummary(
    10_000_000, "100-meters", "100 Meters", 2025, "Hyakuemu", ("Hyakuemu", "100m", "100 Metres")
)
N = 100_000


def _slug(title: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", title.casefold()).strip("-") or "film"


def _summary(n: int, film: SynthFilm) -> FilmSummary:
    original = film.original_title if film.original_title != film.title else None
    return FilmSummary(
        n, f"{_slug(film.title)}-{film.year}-{film.tconst}", film.title, film.year, original, film.aliases
    )


@pytest.fixture(scope="module")
def catalog() -> list[FilmSummary]:
    return [_summary(n, f) for n, f in enumerate(films(N), start=1)] + [HUNDRED_METERS]


@pytest.fixture(scope="module")
def service(catalog: list[FilmSummary]) -> FilmService:
    built = FilmService.__new__(FilmService)
    built._index = TitleIndex(catalog)
    return built


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
def test_every_spelling_of_100_meters_at_100k(service: FilmService, query: str) -> None:
    choices = service.autocomplete(query)
    assert choices[0].value == "100-meters", [c.name for c in choices[:5]]
    assert service.resolve(query).slug == "100-meters"


def test_full_titles_resolve_to_their_film(service: FilmService, catalog: list[FilmSummary]) -> None:
    for film in _unique_titles(catalog, 60):
        assert service.autocomplete(film.title)[0].value == film.slug
        assert service.resolve(film.title.upper()).slug == film.slug


def test_typed_prefixes_put_the_film_first(service: FilmService, catalog: list[FilmSummary]) -> None:
    hits = 0
    sample = _unique_titles(catalog, 60)
    for film in sample:
        # Typing stops once the title is unambiguous: most of it typed.
        prefix = film.title[: max(len(film.title) - 3, 10)]
        slugs = [c.value for c in service.autocomplete(prefix)]
        assert film.slug in slugs, (prefix, slugs[:5])
        hits += slugs[0] == film.slug
    # A prefix can be shared by several titles; the film is in the list always and first nearly always.
    assert hits >= 0.8 * len(sample)


def test_one_typo_still_finds_the_film(service: FilmService, catalog: list[FilmSummary]) -> None:
    rng = random.Random(5)
    firsts = 0
    sample = _unique_titles(catalog, 60)
    for film in sample:
        title = film.title
        i = rng.randrange(1, len(title) - 1)
        typo = title[:i] + title[i + 1] + title[i] + title[i + 2 :]  # two letters swapped
        slugs = [c.value for c in service.autocomplete(typo)]
        assert film.slug in slugs[:5], (typo, slugs[:5])
        firsts += slugs[0] == film.slug
    assert firsts >= 0.9 * len(sample)


def test_aliases_and_original_titles_find_the_film(service: FilmService, catalog: list[FilmSummary]) -> None:
    with_alias = [f for f in catalog if f.aliases][:30]
    for film in with_alias:
        assert film.slug in [c.value for c in service.autocomplete(film.aliases[0])[:25]]
    originals = [f for f in catalog if f.original_title and "Кино" not in f.original_title][:30]
    for film in originals:
        label = f"{film.original_title} {film.year}"
        assert film.slug in [c.value for c in service.autocomplete(label)], label


def test_same_title_films_are_told_apart_by_year(service: FilmService, catalog: list[FilmSummary]) -> None:
    by_title: dict[str, list[FilmSummary]] = {}
    for film in catalog:
        by_title.setdefault(film.title, []).append(film)
    remade = next(group for group in by_title.values() if len({f.year for f in group}) == len(group) >= 2)
    names = [c.name for c in service.autocomplete(remade[0].title)]
    assert all(f.label in " ".join(names) for f in remade)
    with pytest.raises(NotFound) as caught:
        service.resolve(remade[0].title)
    labels = {f.label for f in remade}
    assert set(caught.value.hints) <= labels and len(caught.value.hints) == min(len(remade), 5)
    assert service.resolve(f"{remade[1].title} ({remade[1].year})").slug == remade[1].slug


def test_short_queries_and_limits(service: FilmService) -> None:
    for query in ("t", "th", "1", "é", "", "   "):
        choices = service.autocomplete(query)
        assert len(choices) <= 25
        assert all(len(c.name) <= 100 and len(c.value) <= 100 for c in choices)
    assert all(c.name.casefold().startswith("th") for c in service.autocomplete("th")[:10])
    assert service.autocomplete("zzqxj zzqxj") == []


async def test_the_bots_own_path_from_a_bulk_import(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "catalog.csv"
    write_csv(path, films(3000, seed=11))
    report = await import_catalog(store, path, "csv")
    assert report.added + report.skipped == 3000 and report.added > 2900
    service = FilmService(store)
    await service.refresh()
    film = next(f for f in films(3000, seed=11) if len(f.title) > 14)
    choice = service.autocomplete(film.title)[0]
    assert choice.name.startswith(film.title)
    assert (await service.card(service.resolve(choice.value))).title == film.title
