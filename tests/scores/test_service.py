"""The score service: validation with clear answers, summaries, removal, paging and the top list."""

from __future__ import annotations

from datetime import date

import pytest

from bot.clock import ManualClock
from bot.errors import BadInput, NotFound
from bot.films.models import FilmData, Score, Source
from bot.films.service import FilmService
from bot.scores.service import RATINGS_PER_PAGE, TOP_PER_PAGE, ScoreService, parse_rating, parse_review
from bot.store import Store

GUILD = 7


async def service(store: Store) -> tuple[ScoreService, FilmService]:
    films = FilmService(store)
    return ScoreService(store, films, ManualClock()), films


async def add_film(store: Store, slug: str, imdb: float | None) -> None:
    source = Source(key="doc", title="A page", kind="listing", as_of=date(2026, 1, 1))
    scores = (Score("IMDb", "average", imdb, "doc", date(2026, 1, 1), scale=10),) if imdb is not None else ()
    await store.films.upsert(
        FilmData(
            slug=slug, title=slug.replace("-", " ").title(), origin="card", sources=(source,), scores=scores
        )
    )


@pytest.mark.parametrize(
    ("value", "says"),
    [
        (0, "0.5 to 10; 0 is out of range"),
        (11, "0.5 to 10; 11 is out of range"),
        (7.3, "use steps of 0.5, e.g. 7 or 7.5"),
        (0.2, "out of range"),
        (9.9, "e.g. 9.5 or 10"),
    ],
)
def test_bad_scores_get_a_clear_answer(value: float, says: str) -> None:
    with pytest.raises(BadInput) as caught:
        parse_rating(value)
    assert says in caught.value.message


def test_reviews_are_trimmed_and_limited() -> None:
    assert parse_review("  fine  ") == "fine"
    assert parse_review("   ") is None
    assert parse_review("x" * 500) == "x" * 500
    with pytest.raises(BadInput, match="at most 500 characters; yours has 501"):
        parse_review("x" * 501)


async def test_summary_without_a_server_has_no_members(catalog_store: Store) -> None:
    scores, films = await service(catalog_store)
    film = await films.resolve("100-meters")
    await scores.rate(GUILD, film, 1, 9)
    anywhere = await scores.summary(film, None)
    # IMDb 81 and Letterboxd 76; the listing's 7.7 names no site, so it is not counted.
    assert anywhere.members is None and anywhere.aggregate == pytest.approx(78.5)
    here = await scores.summary(film, GUILD)
    assert here.members is not None and here.members.count == 1
    # (81 + 76 + (10 × 78.5 + 90) / 11) / 3 = 78.8
    assert here.line == "Aggregate 79/100 · members 9/10 (1)"
    assert here.source_number("spokon-article") == 5


async def test_rate_rejects_before_writing_and_remove_says_when_nothing_to_remove(
    catalog_store: Store,
) -> None:
    scores, films = await service(catalog_store)
    film = await films.resolve("100-meters")
    with pytest.raises(BadInput):
        await scores.rate(GUILD, film, 1, 7.3)
    assert await catalog_store.ratings.count(GUILD, film.id) == 0
    with pytest.raises(NotFound, match="You have not rated 100 Meters"):
        await scores.remove(GUILD, film, 1)


async def test_ratings_pages(catalog_store: Store) -> None:
    scores, films = await service(catalog_store)
    film = await films.resolve("100-meters")
    for member in range(RATINGS_PER_PAGE * 2 + 1):
        await scores.rate(GUILD, film, member, 6)
    last = await scores.ratings_page(GUILD, film, 99)
    assert (last.page, last.pages, last.total, len(last.ratings)) == (2, 3, RATINGS_PER_PAGE * 2 + 1, 1)
    empty = await scores.ratings_page(GUILD + 1, film, 0)
    assert (empty.page, empty.pages, empty.total, empty.ratings) == (0, 1, 0, ())


async def test_top_ranks_by_the_bayesian_member_score(catalog_store: Store) -> None:
    await add_film(catalog_store, "well-liked", imdb=6.0)
    await add_film(catalog_store, "no-outside-score", imdb=None)
    scores, films = await service(catalog_store)
    hundred, liked, unknown = [
        await films.resolve(s) for s in ("100-meters", "well-liked", "no-outside-score")
    ]
    # Three perfect ratings for a film with no outside score: shrunk toward 50, (500 + 300) / 13 = 61.5.
    for member in range(3):
        await scores.rate(GUILD, unknown, member, 10)
    # Twenty 9s against a consensus of 60: (600 + 1800) / 30 = 80.
    for member in range(20):
        await scores.rate(GUILD, liked, member, 9)
    # Three 8s against 78.5: (785 + 240) / 13 = 78.8.
    for member in range(3):
        await scores.rate(GUILD, hundred, member, 8)
    top = await scores.top(GUILD, 3, 0)
    assert [e.film.slug for e in top.entries] == ["well-liked", "100-meters", "no-outside-score"]
    assert top.entries[0].members.bayesian == pytest.approx(80.0)
    assert top.entries[2].members.bayesian == pytest.approx(800 / 13)
    assert [e.rank for e in top.entries] == [1, 2, 3]
    only_many = await scores.top(GUILD, 4, 0)
    assert [e.film.slug for e in only_many.entries] == ["well-liked"]
    with pytest.raises(BadInput):
        await scores.top(GUILD, 0, 0)


async def test_top_pages(catalog_store: Store) -> None:
    for index in range(TOP_PER_PAGE + 2):
        await add_film(catalog_store, f"film-{index:02d}", imdb=5.0)
    scores, films = await service(catalog_store)
    for index in range(TOP_PER_PAGE + 2):
        await scores.rate(GUILD, await films.resolve(f"film-{index:02d}"), 1, (index % 20 + 1) / 2)
    first, second = await scores.top(GUILD, 1, 0), await scores.top(GUILD, 1, 1)
    assert (first.pages, len(first.entries), len(second.entries)) == (2, TOP_PER_PAGE, 2)
    assert second.entries[0].rank == TOP_PER_PAGE + 1
    ranked = [e.members.bayesian for e in first.entries + second.entries]
    assert ranked == sorted(ranked, reverse=True)
