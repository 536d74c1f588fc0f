"""Title matching through the store's title index: every spelling finds the film, same titles are told
apart by year, and the service's choices and resolution respect Discord's limits."""

from __future__ import annotations

from collections.abc import Iterable

import pytest

from bot.errors import Ambiguous, NotFound
from bot.films.matching import normalize, split_year, typo_variants
from bot.films.models import FilmData, FilmSummary
from bot.films.service import FilmService
from bot.store import Store

FILMS = [
    FilmSummary(1, "100-meters", "100 Meters", 2025, "Hyakuemu", ("Hyakuemu", "100m", "100 Metres")),
    FilmSummary(2, "solaris-1972", "Solaris", 1972, "Солярис", ()),
    FilmSummary(3, "solaris-2002", "Solaris", 2002, None, ()),
    FilmSummary(4, "the-100-foot-journey", "The Hundred-Foot Journey", 2014, None, ()),
    FilmSummary(5, "meters-and-miles", "Meters and Miles", 1999, None, ()),
    FilmSummary(6, "amelie", "Amélie", 2001, "Le Fabuleux Destin d'Amélie Poulain", ()),
    FilmSummary(7, "blade-runner-2049", "Blade Runner 2049", 2017, None, ()),
    FilmSummary(8, "100-rifles", "100 Rifles", 1969, None, ()),
]


async def holding(store: Store, films: Iterable[FilmSummary]) -> FilmService:
    """A film service over ``store`` once it holds ``films`` (written as cards)."""
    for film in films:
        await store.films.upsert(
            FilmData(film.slug, film.title, "card", film.year, film.original_title, aliases=film.aliases)
        )
    return FilmService(store)


@pytest.fixture
async def index(store: Store) -> FilmService:
    return await holding(store, FILMS)


def test_normalize_folds_case_accents_punctuation_and_spelling() -> None:
    assert normalize("100-Metres!") == "100 meters"
    assert normalize("Amélie") == "amelie"
    assert normalize("  D'Amélie  ") == "damelie"


def test_typo_variants_are_every_spelling_one_edit_away() -> None:
    variants = typo_variants("river")
    # A letter dropped, added, changed, two swapped.
    assert {"rver", "rivers", "rivar", "irver"} <= variants
    assert "river" not in variants and "rvier" in variants
    # Any script: letters swapped, doubled, or changed for another of the alphabet.
    assert "солярис" in typo_variants("солярси") & typo_variants("соллярис") & typo_variants("сорярис")
    # Two edits away is not one.
    assert "rvire" not in variants


def test_split_year() -> None:
    assert split_year("Solaris (1972)") == ("Solaris", 1972)
    assert split_year("Solaris 2002") == ("Solaris", 2002)
    assert split_year("2001") == ("2001", None)
    # A year is typed in ASCII digits; other scripts' digits and superscripts stay part of the title.
    assert split_year("Solaris (١٩٧٢)") == ("Solaris (١٩٧٢)", None)
    assert split_year("Solaris ¹⁹⁷²") == ("Solaris ¹⁹⁷²", None)


async def test_a_year_in_the_title_still_finds_the_film(index: FilmService) -> None:
    assert (await index.search("Blade Runner 2049"))[0].film.slug == "blade-runner-2049"


@pytest.mark.parametrize("query", ["100-meters", "100 meters", "100 metres", "100 m", "hyakuemu", "100m", "100 metrs",
                                   "Meters 100", "HYAKUEMU", "hyakuemo", "100 Meters (2025)"])  # fmt: skip
async def test_every_spelling_finds_100_meters_first(index: FilmService, query: str) -> None:
    results = await index.search(query)
    assert results, query
    assert results[0].film.slug == "100-meters", [(m.film.slug, m.score) for m in results]


async def test_original_titles_and_accents(index: FilmService) -> None:
    assert (await index.search("amelie"))[0].film.slug == "amelie"
    assert (await index.search("fabuleux destin"))[0].film.slug == "amelie"
    assert (await index.search("солярис"))[0].film.slug == "solaris-1972"


async def test_same_title_films_are_told_apart_by_year(index: FilmService) -> None:
    both = [m.film.slug for m in (await index.search("solaris"))[:2]]
    assert sorted(both) == ["solaris-1972", "solaris-2002"]
    assert (await index.search("solaris 1972"))[0].film.slug == "solaris-1972"
    assert (await index.search("Solaris (2002)"))[0].film.slug == "solaris-2002"


async def test_results_are_capped_and_ranked(index: FilmService) -> None:
    results = await index.search("100", limit=3)
    assert len(results) <= 3
    assert [m.score for m in results] == sorted((m.score for m in results), reverse=True)


async def test_nonsense_finds_nothing(index: FilmService) -> None:
    assert await index.search("zzzzqqqq") == []
    assert await index.search("   ") == []


async def test_service_autocomplete_and_resolve(catalog_store: Store) -> None:
    service = FilmService(catalog_store)
    choices = await service.autocomplete("100 m")
    assert choices[0].value == "100-meters"
    assert choices[0].name.startswith("100 Meters (2025)")
    assert len(await service.autocomplete("")) <= 25
    assert (await service.resolve("100-meters")).slug == "100-meters"
    assert (await service.resolve("hyakuemu")).slug == "100-meters"
    with pytest.raises(NotFound) as caught:
        await service.resolve("The Godfather")
    assert "No film in the catalog matches" in caught.value.message


async def test_ambiguous_same_title_asks_for_year(index: FilmService) -> None:
    service = index
    with pytest.raises(Ambiguous) as caught:
        await service.resolve("Solaris")
    assert set(caught.value.hints) == {"Solaris (1972)", "Solaris (2002)"}
    assert (await service.resolve("Solaris 1972")).slug == "solaris-1972"


async def test_autocomplete_never_exceeds_25_choices(store: Store) -> None:
    many = [FilmSummary(i, f"film-{i}", f"Film {i}", 2000, None, ()) for i in range(200)]
    service = await holding(store, many)
    assert len(await service.autocomplete("film")) == 25
    assert len(await service.autocomplete("")) == 25
    assert all(len(c.name) <= 100 and len(c.value) <= 100 for c in await service.autocomplete("film"))
