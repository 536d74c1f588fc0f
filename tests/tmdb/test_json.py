"""TMDB's documented JSON read into records: find, search/movie (several films of one title) and the
movie details with credits, release dates and watch providers appended; nullable fields; bad shapes."""

from __future__ import annotations

from typing import Any

import pytest

from bot.enrich._tmdb_json import WATCH_KINDS, Candidate, parse_find, parse_movie, parse_search, pick
from tests.tmdb.fixtures import (
    DUNE_1984,
    DUNE_2000,
    DUNE_2021,
    DUNE_PART_TWO,
    HUNDRED_METERS,
    details_json,
    find_json,
    search_json,
)

APPEND = ("credits", "release_dates", "watch/providers")


def test_find_reads_movie_results_only() -> None:
    (found,) = parse_find(find_json(HUNDRED_METERS))
    assert found == Candidate(
        HUNDRED_METERS.id,
        HUNDRED_METERS.title,
        HUNDRED_METERS.original_title or "",
        HUNDRED_METERS.year,
        HUNDRED_METERS.popularity,
        HUNDRED_METERS.vote_count,
    )
    assert parse_find(find_json(None)) == []


@pytest.mark.parametrize(
    ("year", "expected"),
    [(1984, DUNE_1984), (2021, DUNE_2021), (2000, DUNE_2000), (2022, DUNE_2021), (None, DUNE_2021)],
)
def test_pick_by_year_then_title_then_popularity(year: int | None, expected: Any) -> None:
    candidates = parse_search(search_json([DUNE_PART_TWO, DUNE_1984, DUNE_2000, DUNE_2021]))
    chosen = pick(candidates, "dune", year)
    assert chosen is not None and chosen.id == expected.id


def test_pick_prefers_the_same_title_over_a_more_popular_other_one() -> None:
    candidates = parse_search(search_json([DUNE_PART_TWO, DUNE_2021]))
    chosen = pick(candidates, "Dune", None)
    assert chosen is not None and chosen.id == DUNE_2021.id
    assert DUNE_PART_TWO.popularity > DUNE_2021.popularity  # what makes this test mean something


def test_pick_finds_nothing_years_away_or_in_no_results() -> None:
    candidates = parse_search(search_json([DUNE_1984, DUNE_2021]))
    assert pick(candidates, "Dune", 1995) is None
    assert pick([], "Dune", None) is None


def test_movie_details_with_everything_appended() -> None:
    movie = parse_movie(details_json(HUNDRED_METERS, APPEND))
    assert (movie.id, movie.title, movie.year, movie.imdb_id) == (
        HUNDRED_METERS.id,
        HUNDRED_METERS.title,
        HUNDRED_METERS.year,
        HUNDRED_METERS.imdb_id,
    )
    assert movie.overview == HUNDRED_METERS.overview and movie.poster_path == HUNDRED_METERS.poster_path
    assert (movie.runtime, movie.vote_average, movie.vote_count) == (
        HUNDRED_METERS.runtime,
        HUNDRED_METERS.vote_average,
        HUNDRED_METERS.vote_count,
    )
    assert [c.name for c in movie.cast] == [name for name, _ in HUNDRED_METERS.cast]
    assert {(c.name, c.job) for c in movie.crew} == {(n, j) for n, _, j in HUNDRED_METERS.crew}
    # Releases in date order, dates without their time, certification and note kept.
    dates = [(r.country, r.date, r.type) for r in movie.releases]
    assert dates == sorted(dates, key=lambda d: d[1])
    us = [r for r in movie.releases if r.country == "US"]
    assert [(r.date, r.certification, r.note) for r in us] == [
        ("2025-10-10", "PG-13", "GKIDS"),
        ("2025-12-31", None, "Netflix"),
    ]
    # Watch providers per country, subscription first, each kind in TMDB's display order.
    by_country = {w.country: w for w in movie.watch}
    assert set(by_country) == set(HUNDRED_METERS.watch)
    us_offers = by_country["US"]
    assert us_offers.link == HUNDRED_METERS.watch["US"].link
    assert [(o.kind, o.service) for o in us_offers.offers] == [
        (kind, name) for kind in WATCH_KINDS for name in getattr(HUNDRED_METERS.watch["US"], kind)
    ]


def test_movie_without_the_appended_parts_or_with_nulls() -> None:
    data = details_json(HUNDRED_METERS)
    data.update(runtime=None, poster_path=None, overview="", release_date="", imdb_id=None)
    movie = parse_movie(data)
    assert (movie.runtime, movie.poster_path, movie.overview, movie.year, movie.imdb_id) == (None,) * 5
    assert movie.cast == () and movie.releases == () and movie.watch == ()
    data["runtime"] = 0  # TMDB's "unknown" runtime
    assert parse_movie(data).runtime is None


@pytest.mark.parametrize(
    "change",
    [
        {"id": "1258001"},
        {"id": None},
        {"title": 5},
        {"credits": {"cast": {"name": "x"}}},
        {"watch/providers": {"results": []}},
        {"release_dates": {"results": [{"iso_3166_1": "US"}]}},
        {"vote_average": "7.4"},
    ],
)
def test_shapes_tmdb_never_sends_raise(change: dict[str, Any]) -> None:
    data = details_json(HUNDRED_METERS, APPEND)
    data.update(change)
    with pytest.raises((KeyError, TypeError, ValueError)):
        parse_movie(data)


@pytest.mark.parametrize("body", [[], {"page": 1}, {"results": {}}, {"results": [{"title": "x"}]}, "x"])
def test_bad_search_answers_raise(body: Any) -> None:
    with pytest.raises((KeyError, TypeError, ValueError)):
        parse_search(body)


@pytest.mark.parametrize(
    "body", [[], {"results": []}, {"movie_results": [{"id": 0}]}, {"movie_results": "x"}]
)
def test_bad_find_answers_raise(body: Any) -> None:
    with pytest.raises((KeyError, TypeError, ValueError)):
        parse_find(body)


def test_odd_watch_entries_are_left_out_or_unlinked() -> None:
    data = details_json(HUNDRED_METERS, APPEND)
    results = data["watch/providers"]["results"]
    results["XKX"] = {"link": "https://www.themoviedb.org/x", "flatrate": [{"provider_name": "Odd"}]}
    results["US"]["link"] = "javascript:alert(1)"
    results["GB"]["link"] = "https://www.themoviedb.org/movie/1) [click](https://evil.example"
    watch = {w.country: w for w in parse_movie(data).watch}
    assert set(watch) == set(HUNDRED_METERS.watch)
    assert watch["US"].link is None and watch["GB"].link is None
    assert watch["JP"].link == HUNDRED_METERS.watch["JP"].link


@pytest.mark.parametrize(
    ("path", "kept"),
    [
        ("/kqjL17yufvn9OVLyXYpvtyrFfak.jpg", True),
        ("kqj.jpg", False),
        ("/a b.jpg", False),
        ("/x.jpg?y=1", False),
    ],
)
def test_only_real_poster_paths_are_kept(path: str, kept: bool) -> None:
    data = details_json(HUNDRED_METERS)
    data["poster_path"] = path
    assert parse_movie(data).poster_path == (path if kept else None)
