"""Member ratings in the store: one per member per film per server, upserted, durable, nothing lost."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest

from bot.store import ConstraintViolated, Store

NOW = datetime(2026, 3, 1, 20, 0, tzinfo=UTC)
GUILD, OTHER_GUILD = 10, 20


async def film_id(store: Store) -> int:
    summary = await store.films.summary_by_slug("100-meters")
    assert summary is not None
    return summary.id


async def test_rate_change_and_remove(catalog_store: Store) -> None:
    ratings = catalog_store.ratings
    film = await film_id(catalog_store)
    first = await ratings.upsert(GUILD, film, 1, 7.5, now=NOW, review="Loved the relay.")
    assert first.previous is None
    assert (first.rating.score, first.rating.review, first.rating.spoiler) == (7.5, "Loved the relay.", False)

    later = NOW + timedelta(days=1)
    second = await ratings.upsert(GUILD, film, 1, 9, now=later)
    assert second.previous is not None and second.previous.score == 7.5
    # Re-rating without a review keeps the review; created_at stays, updated_at moves.
    assert (second.rating.score, second.rating.review) == (9, "Loved the relay.")
    assert second.rating.created_at == NOW and second.rating.updated_at == later
    assert await ratings.scores(GUILD, film) == [9]

    removed = await ratings.remove(GUILD, film, 1)
    assert removed is not None and removed.score == 9
    assert await ratings.page(GUILD, film, offset=0, limit=1) == []
    assert await ratings.remove(GUILD, film, 1) is None


async def test_spoiler_flag_is_kept_unless_changed(catalog_store: Store) -> None:
    ratings = catalog_store.ratings
    film = await film_id(catalog_store)
    marked = await ratings.upsert(GUILD, film, 1, 8, now=NOW, review="The ending is unseen.", spoiler=True)
    assert marked.rating.spoiler is True
    # A new review text without saying: still hidden (the safe side).
    edited = await ratings.upsert(GUILD, film, 1, 8, now=NOW, review="Who wins is never shown.")
    assert edited.rating.spoiler is True and edited.rating.review == "Who wins is never shown."
    cleared = await ratings.upsert(GUILD, film, 1, 8, now=NOW, spoiler=False)
    assert cleared.rating.spoiler is False and cleared.rating.review == "Who wins is never shown."


async def test_ratings_are_per_server(catalog_store: Store) -> None:
    ratings = catalog_store.ratings
    film = await film_id(catalog_store)
    await ratings.upsert(GUILD, film, 1, 8, now=NOW)
    await ratings.upsert(OTHER_GUILD, film, 1, 3, now=NOW)
    assert await ratings.scores(GUILD, film) == [8]
    assert await ratings.scores(OTHER_GUILD, film) == [3]


async def test_the_schema_refuses_what_the_service_would(catalog_store: Store) -> None:
    film = await film_id(catalog_store)
    with pytest.raises(ValueError):
        await catalog_store.ratings.upsert(GUILD, film, 1, 7.3, now=NOW)
    with pytest.raises(ConstraintViolated):
        async with catalog_store.db.transaction() as conn:
            await conn.execute(
                "INSERT INTO ratings (guild_id, film_id, user_id, halves, review, spoiler, created_at, updated_at) "
                "VALUES (1, ?, 1, 21, NULL, 0, 'x', 'x')",
                (film,),
            )
    with pytest.raises(ConstraintViolated):
        async with catalog_store.db.transaction() as conn:
            await conn.execute(
                "INSERT INTO ratings (guild_id, film_id, user_id, halves, review, spoiler, created_at, updated_at) "
                "VALUES (1, ?, 1, 10, ?, 0, 'x', 'x')",
                (film, "x" * 501),
            )


async def test_many_members_at_once_lose_nothing(catalog_store: Store) -> None:
    ratings = catalog_store.ratings
    film = await film_id(catalog_store)
    members = range(1, 301)
    # Every member rates twice at once (the second one wins); all writes are in flight together.
    await asyncio.gather(*(ratings.upsert(GUILD, film, m, 5, now=NOW) for m in members))
    changes = await asyncio.gather(
        *(ratings.upsert(GUILD, film, m, (m % 20 + 1) / 2, now=NOW) for m in members)
    )
    assert all(c.previous is not None and c.previous.score == 5 for c in changes)
    assert sorted(await ratings.scores(GUILD, film)) == sorted((m % 20 + 1) / 2 for m in members)
    assert await ratings.count(GUILD, film) == 300


async def test_one_failing_write_in_a_batch_fails_only_its_caller(catalog_store: Store) -> None:
    ratings = catalog_store.ratings
    film = await film_id(catalog_store)
    results = await asyncio.gather(
        ratings.upsert(GUILD, film, 1, 8, now=NOW),
        ratings.upsert(GUILD, 999_999, 2, 8, now=NOW),  # no such film: a foreign-key failure
        ratings.upsert(GUILD, film, 3, 6, now=NOW),
        return_exceptions=True,
    )
    assert isinstance(results[1], ConstraintViolated)
    assert sorted(await ratings.scores(GUILD, film)) == [6, 8]


async def test_a_committed_rating_survives_reopening(tmp_path_factory: pytest.TempPathFactory) -> None:
    from bot.catalog.loader import load_cards
    from tests.conftest import FILMS_DIR

    path = tmp_path_factory.mktemp("durable") / "db.sqlite3"
    store = await Store.open(path)
    await load_cards(store, FILMS_DIR)
    film = await film_id(store)
    await store.ratings.upsert(GUILD, film, 1, 6.5, now=NOW, review="r", spoiler=True)
    await store.close()
    reopened = await Store.open(path)
    try:
        (got,) = await reopened.ratings.page(GUILD, film, offset=0, limit=1)
        assert got is not None and (got.score, got.review, got.spoiler) == (6.5, "r", True)
    finally:
        await reopened.close()


async def test_a_rated_film_cannot_be_deleted_from_the_catalog(catalog_store: Store) -> None:
    film = await film_id(catalog_store)
    await catalog_store.ratings.upsert(GUILD, film, 1, 8, now=NOW)
    refused = await catalog_store.films.delete("100-meters")
    assert refused is not None


async def test_paging_lists_reviews_first_then_newest(catalog_store: Store) -> None:
    ratings = catalog_store.ratings
    film = await film_id(catalog_store)
    for member in range(1, 6):
        review = "text" if member in (2, 4) else None
        await ratings.upsert(GUILD, film, member, 8, now=NOW + timedelta(minutes=member), review=review)
    first = await ratings.page(GUILD, film, offset=0, limit=3)
    second = await ratings.page(GUILD, film, offset=3, limit=3)
    assert [r.user_id for r in first + second] == [4, 2, 5, 3, 1]


async def test_by_film_and_outside_scores(catalog_store: Store) -> None:
    ratings = catalog_store.ratings
    film = await film_id(catalog_store)
    for member in range(1, 4):
        await ratings.upsert(GUILD, film, member, member * 2, now=NOW)
    (row,) = await ratings.by_film(GUILD, min_count=3)
    assert (row.film_id, row.count, row.total, sorted(row.ratings)) == (film, 3, 12, [2, 4, 6])
    assert await ratings.by_film(GUILD, min_count=4) == []
    outside = await ratings.outside_scores([film])
    assert {s.name for s in outside[film]} >= {"IMDb", "Letterboxd", "Rotten Tomatoes (critics)"}
    assert len(outside[film]) == 6  # the critics' score is reported by two documents: two rows
