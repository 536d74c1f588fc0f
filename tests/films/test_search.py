"""Title search through the store's index, where an in-memory index never had to choose: more films of one
name than a query fetches, a misspelled title among hundreds of shorter names holding the same words,
words typed beyond a title, a word still being typed; and how a query's words are asked of the index."""

from __future__ import annotations

from datetime import date

import pytest

from bot.films.models import ImportedFilm, Score, Source, WordGroup
from bot.films.search import (
    COMMON_RATIO,
    COMPLETIONS,
    PREFIX_CANDIDATES,
    Query,
    choose_groups,
    plan_groups,
    prefixes,
)
from bot.films.service import FilmService
from bot.store import Store
from bot.store.search import match_expression

LIST = Source("a-list", "A list", "dataset", date(2026, 1, 1))
HAMLETS = PREFIX_CANDIDATES + 24


def _film(n: int, title: str, year: int, votes: int | None = None) -> ImportedFilm:
    scores = (Score("IMDb", "average", 7.0, LIST.key, LIST.as_of, 10.0, votes),) if votes else ()
    return ImportedFilm(title, year, imdb_id=f"tt{n:07d}", scores=scores)


@pytest.fixture
async def service(store: Store) -> FilmService:
    films = [_film(n, "Hamlet", 1900 + n, votes=1000 + (n * 37) % HAMLETS) for n in range(HAMLETS)]
    # Hundreds of names holding both words of the title below, every one of them shorter.
    nouns = ["Heart", "Road", "Dream", "Night", "Storm", "Tide", "Wolf", "Echo", "Orbit", "Ghost"]
    films += [
        _film(1000 + n, f"Broken Stranger{':' if n % 2 else ''} {nouns[n % 10]} {n}", 1950 + n % 60)
        for n in range(300)
    ]
    films += [
        _film(2000, "Broken Stranger Stranger", 1977),
        _film(2001, "The Silent River", 1990, votes=50),
        _film(2002, "Kingdom of the Silent River", 1961),
        _film(2003, "River of the Silent Kingdom", 1962),
    ]
    await store.catalog.write_batch(films, LIST)
    return FilmService(store)


async def test_a_year_finds_its_film_among_more_of_that_name_than_a_query_fetches(
    service: FilmService,
) -> None:
    assert (await service.resolve("Hamlet 1948")).year == 1948
    assert (await service.resolve("Hamlet (1901)")).year == 1901


async def test_equal_names_show_the_best_known_first(service: FilmService) -> None:
    choices = await service.autocomplete("hamlet")
    assert len(choices) == 25
    votes = {1900 + n: 1000 + (n * 37) % HAMLETS for n in range(HAMLETS)}
    shown = [votes[int(c.name[-5:-1])] for c in choices]
    assert shown == sorted(votes.values(), reverse=True)[:25]


async def test_a_misspelled_title_among_many_shorter_names_with_its_words(service: FilmService) -> None:
    assert (await service.autocomplete("Broken Stranger Srtanger"))[
        0
    ].name == "Broken Stranger Stranger (1977)"
    assert (await service.autocomplete("brokn strnger stranger"))[0].name == "Broken Stranger Stranger (1977)"


async def test_words_typed_beyond_the_title(service: FilmService) -> None:
    assert (await service.autocomplete("the silent river film"))[0].name == "The Silent River (1990)"


@pytest.mark.parametrize(
    ("typed", "first"),
    [
        ("kingdom of the silnet river", "Kingdom of the Silent River (1961)"),
        ("silent kingdom", "River of the Silent Kingdom (1962)"),
        ("of the silent riv", "Kingdom of the Silent River (1961)"),
        ("silent rivr", "The Silent River (1990)"),
    ],
)
async def test_word_order_partial_words_and_typos(service: FilmService, typed: str, first: str) -> None:
    assert (await service.autocomplete(typed))[0].name == first


async def test_the_same_words_in_any_order(service: FilmService) -> None:
    # Both names hold exactly these words: they tie, ahead of every other name.
    choices = [c.name for c in await service.autocomplete("kingdom river silent of the")]
    assert set(choices[:2]) == {"Kingdom of the Silent River (1961)", "River of the Silent Kingdom (1962)"}


def test_each_word_asks_for_itself_its_corrections_or_the_words_it_starts() -> None:
    known = {"silent": 10, "of": 400}
    completions = [("river", 20), ("rivers", 2)]
    corrections = {"kingdmo": [("kingdom", 30)]}
    groups = plan_groups(["kingdmo", "of", "silent", "zzz", "riv"], known, completions, corrections)
    assert groups == [
        WordGroup(("kingdom",), None, 30),
        WordGroup(("of",), None, 400),
        WordGroup(("silent",), None, 10),
        WordGroup(("river", "rivers"), None, 22),
    ]
    many = [(f"riv{n:02d}", 1) for n in range(COMPLETIONS + 1)]
    assert plan_groups(["rivxx"], {}, many, {}) == [WordGroup((), "riv", COMPLETIONS + 1)]


def test_the_rarest_groups_are_asked_and_far_commoner_ones_left_out() -> None:
    groups = [WordGroup(("the",), None, 5000), WordGroup(("a",), None, 9), WordGroup(("b",), None, 10)]
    groups += [WordGroup(("c",), None, 11), WordGroup(("d",), None, 12)]
    assert [g.terms for g in choose_groups(groups)] == [("a",), ("b",), ("c",)]
    assert [g.terms for g in choose_groups([groups[0], groups[1]])] == [("a",)]
    assert COMMON_RATIO * 9 < 5000
    assert choose_groups([]) == []
    # A group another one implies asks nothing more.
    implied = [WordGroup(("b", "bs"), None, 12), WordGroup(("b",), None, 10), WordGroup(("c",), None, 11)]
    assert [g.terms for g in choose_groups(implied)] == [("b",), ("c",)]


def test_names_may_start_with_the_query_as_typed_corrected_or_less_its_last_word() -> None:
    corrections = {"silnet": [("silent", 40), ("silents", 2)]}
    assert prefixes(Query("the silnet river film", None), corrections) == [
        "thesilnetriverfilm",
        "thesilentriverfilm",
        "thesilentriver",
    ]
    assert prefixes(Query("solaris", 1972), {}) == ["solaris"]
    assert prefixes(Query("up 2", None), {}) == ["up2"]  # 'up' is too short to stand as a title


def test_a_group_becomes_one_fts5_clause() -> None:
    groups = [WordGroup(("silent",)), WordGroup(("river", "rivers"), "riv")]
    assert match_expression(groups) == '("silent") AND ("river" OR "rivers" OR "riv"*)'
