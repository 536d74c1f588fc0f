"""The watchlist's SQL: one entry per film however members race, every want kept, counts in step."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest

from bot.clock import ManualClock
from bot.films.models import DeleteRefused, FilmSummary
from bot.store import Duplicate, Store
from tests.engines import outside_rows
from tests.watchlist.conftest import ALICE, BRUNO, CHIARA, GUILD, OTHER_GUILD


def rows(store: Store, sql: str, params: tuple[object, ...] = ()) -> list[tuple[object, ...]]:
    """Read the database with another connection, as a restarted bot would."""
    return outside_rows(store.db.location, sql, params)


async def suggest(store: Store, clock: ManualClock, film: FilmSummary, user: int, **kwargs: object) -> str:
    options: dict[str, object] = {"toggle": False, "may_suggest": True, "cap": None, **kwargs}
    result = await store.watchlist.want(GUILD, film.id, user, clock.now(), **options)  # type: ignore[arg-type]
    return result.status


@pytest.mark.parametrize("alone", [False, True], ids=["group-commit", "one-commit-each"])
async def test_two_members_adding_one_film_at_the_same_instant_make_one_entry_with_both_wants(
    store: Store, clock: ManualClock, catalog: list[FilmSummary], alone: bool
) -> None:
    film = catalog[0]
    statuses = await asyncio.gather(
        suggest(store, clock, film, ALICE, alone=alone), suggest(store, clock, film, BRUNO, alone=alone)
    )
    assert sorted(statuses) == ["added", "wanted"]
    entries = rows(
        store, "SELECT id, suggested_by, wants FROM watchlist_entries WHERE film_id = ?", (film.id,)
    )
    assert len(entries) == 1
    (entry_id, suggester, wants), first = entries[0], [ALICE, BRUNO][statuses.index("added")]
    assert suggester == first and wants == 2
    wanted = rows(
        store, "SELECT user_id FROM watchlist_wants WHERE entry_id = ? ORDER BY user_id", (entry_id,)
    )
    assert wanted == [(ALICE,), (BRUNO,)]


async def test_a_burst_of_wants_and_toggles_keeps_every_want_and_the_count_in_step(
    store: Store, clock: ManualClock, catalog: list[FilmSummary]
) -> None:
    film = catalog[1]
    members = range(1000, 1300)
    first = await asyncio.gather(*(suggest(store, clock, film, m, toggle=True) for m in members))
    assert first.count("added") == 1 and first.count("wanted") == 299
    # Every third member takes it back, all at once, while ten newcomers want it.
    undo = [m for m in members if m % 3 == 0]
    again = await asyncio.gather(
        *(suggest(store, clock, film, m, toggle=True) for m in [*undo, *range(2000, 2010)])
    )
    assert again.count("unwanted") == len(undo) and again.count("wanted") == 10
    ((wants,),) = rows(store, "SELECT wants FROM watchlist_entries WHERE film_id = ?", (film.id,))
    ((stored,),) = rows(store, "SELECT count(*) FROM watchlist_wants")
    assert wants == stored == 300 - len(undo) + 10
    assert store.watchlist_writes.largest_batch > 1  # the burst shared commits


async def test_the_same_member_clicking_twice_at_once_ends_where_two_clicks_lead(
    store: Store, clock: ManualClock, catalog: list[FilmSummary]
) -> None:
    film = catalog[2]
    await suggest(store, clock, film, ALICE)
    statuses = await asyncio.gather(*(suggest(store, clock, film, BRUNO, toggle=True) for _ in range(2)))
    assert statuses == ["wanted", "unwanted"]
    assert rows(store, "SELECT wants FROM watchlist_entries") == [(1,)]


async def test_the_cap_is_decided_inside_the_write_even_for_concurrent_suggestions(
    store: Store, clock: ManualClock, catalog: list[FilmSummary]
) -> None:
    statuses = await asyncio.gather(*(suggest(store, clock, film, ALICE, cap=3) for film in catalog[:6]))
    assert statuses.count("added") == 3 and statuses.count("capped") == 3
    assert rows(store, "SELECT count(*) FROM watchlist_entries WHERE suggested_by = ?", (ALICE,)) == [(3,)]
    # Wanting a film already on the list is never capped; a blocked member can want, not suggest.
    on_list = rows(store, "SELECT film_id FROM watchlist_entries LIMIT 1")[0][0]
    film = next(f for f in catalog if f.id == on_list)
    assert await suggest(store, clock, film, BRUNO, cap=0, may_suggest=False) == "wanted"
    assert await suggest(store, clock, catalog[11], BRUNO, may_suggest=False) == "blocked"


async def test_one_open_entry_per_film_is_the_schema_s_rule_not_only_the_code_s(
    store: Store, clock: ManualClock, catalog: list[FilmSummary]
) -> None:
    await suggest(store, clock, catalog[0], ALICE)
    with pytest.raises(Duplicate):
        async with store.db.transaction() as tx:
            await tx.execute(
                "INSERT INTO watchlist_entries (guild_id, film_id, suggested_by, suggested_at) VALUES (?, ?, ?, ?)",
                (GUILD, catalog[0].id, BRUNO, "2026-01-01T00:00:00.000000Z"),
            )
    # Another server has a list of its own.
    result = await store.watchlist.want(
        OTHER_GUILD, catalog[0].id, BRUNO, clock.now(), toggle=False, may_suggest=True, cap=None
    )
    assert result.status == "added"


async def test_watched_films_leave_the_list_and_a_new_suggestion_starts_afresh(
    store: Store, clock: ManualClock, catalog: list[FilmSummary]
) -> None:
    film = catalog[0]
    await suggest(store, clock, film, ALICE)
    await suggest(store, clock, film, BRUNO)
    watched_at = clock.now() + timedelta(days=1)
    entry = await store.watchlist.mark_watched(GUILD, film.id, watched_at)
    assert entry is not None and entry.wants == 2
    assert await store.watchlist.mark_watched(GUILD, film.id, watched_at) is None  # idempotent
    assert await store.watchlist.open_entry(GUILD, film.id) is None
    assert await store.watchlist.count(GUILD) == 0
    assert await store.watchlist.last_watched(GUILD, film.id) == watched_at
    assert await suggest(store, clock, film, CHIARA) == "added"
    fresh = await store.watchlist.open_entry(GUILD, film.id)
    assert fresh is not None and fresh.id != entry.id and fresh.wants == 1 and fresh.suggested_by == CHIARA
    assert rows(store, "SELECT count(*) FROM watchlist_entries WHERE film_id = ?", (film.id,)) == [(2,)]


async def test_watched_inside_a_unit_of_work(
    store: Store, clock: ManualClock, catalog: list[FilmSummary]
) -> None:
    await suggest(store, clock, catalog[0], ALICE)
    with pytest.raises(RuntimeError):
        async with store.transaction() as tx:
            assert await tx.watchlist.mark_watched(GUILD, catalog[0].id, clock.now()) is not None
            raise RuntimeError("the history's write failed")
    assert await store.watchlist.open_entry(GUILD, catalog[0].id) is not None  # rolled back together
    async with store.transaction() as tx:
        await tx.watchlist.mark_watched(GUILD, catalog[0].id, clock.now())
    assert await store.watchlist.open_entry(GUILD, catalog[0].id) is None


async def test_removing_takes_the_wants_with_it_and_a_listed_film_stays_in_the_catalog(
    store: Store, clock: ManualClock, catalog: list[FilmSummary]
) -> None:
    await suggest(store, clock, catalog[0], ALICE)
    await suggest(store, clock, catalog[0], BRUNO)
    refused = await store.films.delete(catalog[0].slug)
    assert isinstance(refused, DeleteRefused)
    entry = await store.watchlist.open_entry(GUILD, catalog[0].id)
    assert entry is not None
    assert await store.watchlist.remove(entry.id) is True
    assert await store.watchlist.remove(entry.id) is False
    assert rows(store, "SELECT count(*) FROM watchlist_wants") == [(0,)]


async def test_pages_sorts_members_and_search(
    store: Store, clock: ManualClock, catalog: list[FilmSummary]
) -> None:
    for n, film in enumerate(catalog[:5]):
        await suggest(store, clock, film, ALICE if n % 2 == 0 else BRUNO)
        await clock.advance(timedelta(minutes=1))
    for user in (CHIARA, 105, 106):
        await suggest(store, clock, catalog[3], user)
    await suggest(store, clock, catalog[1], CHIARA)
    wanted = await store.watchlist.page(GUILD, sort="wanted", member_id=None, offset=0, limit=3)
    assert [e.film.title for e in wanted] == ["Film 04", "Film 02", "Film 01"]
    newest = await store.watchlist.page(GUILD, sort="newest", member_id=None, offset=1, limit=2)
    assert [e.film.title for e in newest] == ["Film 04", "Film 03"]
    oldest = await store.watchlist.page(GUILD, sort="oldest", member_id=None, offset=0, limit=10)
    assert [e.film.title for e in oldest] == ["Film 01", "Film 02", "Film 03", "Film 04", "Film 05"]
    # Chiara suggested nothing but wants two films; Bruno suggested two.
    chiara = await store.watchlist.page(GUILD, sort="oldest", member_id=CHIARA, offset=0, limit=10)
    assert [e.film.title for e in chiara] == ["Film 02", "Film 04"]
    assert await store.watchlist.count(GUILD, BRUNO) == 2
    assert [e.film.title for e in await store.watchlist.search(GUILD, "m 0", 25)][:2] == [
        "Film 04",
        "Film 02",
    ]
    assert await store.watchlist.search(GUILD, "%", 25) == []  # a wildcard typed is a character
    assert await store.watchlist.search(GUILD, "_", 25) == []
    assert len(await store.watchlist.search(GUILD, "", 3)) == 3


async def test_one_batch_applies_its_operations_in_order(
    store: Store, clock: ManualClock, catalog: list[FilmSummary]
) -> None:
    x, y, z = catalog[:3]
    ops = [
        suggest(store, clock, x, ALICE),  # suggests X
        suggest(store, clock, x, BRUNO, toggle=True),  # wants X
        suggest(store, clock, x, ALICE, toggle=True),  # takes back Alice's want
        suggest(store, clock, x, ALICE, toggle=True),  # and wants it again
        suggest(store, clock, y, CHIARA, cap=1),  # suggests Y: her first
        suggest(store, clock, z, CHIARA, cap=1),  # capped: Y counts already
        suggest(store, clock, z, BRUNO, may_suggest=False),  # blocked
        suggest(store, clock, y, BRUNO, toggle=True),  # wants Y
    ]
    statuses = await asyncio.gather(*ops)
    assert statuses == ["added", "wanted", "unwanted", "wanted", "added", "capped", "blocked", "wanted"]
    assert store.watchlist_writes.largest_batch == len(ops)
    counts = rows(store, "SELECT film_id, wants FROM watchlist_entries ORDER BY film_id")
    assert counts == [(x.id, 2), (y.id, 2)]
    wants = rows(
        store,
        "SELECT e.film_id, w.user_id FROM watchlist_wants w JOIN watchlist_entries e ON e.id = w.entry_id "
        "ORDER BY e.film_id, w.user_id",
    )
    assert wants == [(x.id, ALICE), (x.id, BRUNO), (y.id, BRUNO), (y.id, CHIARA)]


async def test_a_write_that_fails_fails_alone_and_the_rest_of_its_batch_commits(
    store: Store, clock: ManualClock, catalog: list[FilmSummary]
) -> None:
    gone = FilmSummary(999_999, "gone", "Gone", 2000)  # not in the catalog (any more)
    results = await asyncio.gather(
        suggest(store, clock, catalog[0], ALICE),
        suggest(store, clock, catalog[0], 2**70),  # an id SQLite cannot store: this write fails
        suggest(store, clock, gone, BRUNO),
        suggest(store, clock, catalog[0], CHIARA),
        return_exceptions=True,
    )
    assert results[0] == "added" and results[2] == "missing" and results[3] == "wanted"
    assert isinstance(results[1], OverflowError)
    assert rows(store, "SELECT film_id, wants FROM watchlist_entries") == [(catalog[0].id, 2)]
    # Without the server's rules, a film not on the list is only reported, never written.
    unlisted = await store.watchlist.want(
        GUILD, catalog[1].id, ALICE, clock.now(), toggle=True, may_suggest=None, cap=None
    )
    assert unlisted.status == "unlisted" and unlisted.entry is None
    assert await store.watchlist.count(GUILD) == 1
