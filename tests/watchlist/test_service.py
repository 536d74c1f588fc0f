"""The watchlist service: suggestions and wants, the rules moderators set, removal, pages, watched films."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.clock import ManualClock
from bot.errors import Conflict, NotAllowed, NotFound
from bot.films.models import FilmSummary
from bot.preferences.service import PreferencesService
from bot.store import Store
from bot.watchlist.service import PAGE_SIZE, WatchlistService
from tests.watchlist.conftest import ALICE, BRUNO, CHIARA, DMITRI, GUILD, MOD


async def test_adding_suggests_then_adds_wants_and_names_who_suggested_first(
    service: WatchlistService, clock: ManualClock, catalog: list[FilmSummary]
) -> None:
    film = catalog[0]
    first = await service.add(GUILD, film, ALICE)
    assert first.status == "added" and first.entry.suggested_by == ALICE and first.entry.wants == 1
    assert first.entry.suggested_at == clock.now() and first.watched_before is None
    second = await service.add(GUILD, film, BRUNO)
    assert second.status == "wanted" and second.entry.suggested_by == ALICE and second.entry.wants == 2
    again = await service.add(GUILD, film, BRUNO)
    assert again.status == "already" and again.entry.wants == 2


async def test_the_want_toggle_suggests_wants_and_takes_back(
    service: WatchlistService, catalog: list[FilmSummary]
) -> None:
    film = catalog[0]
    assert (await service.toggle_want(GUILD, film.id, ALICE)).status == "added"
    assert (await service.toggle_want(GUILD, film.id, BRUNO)).status == "wanted"
    back = await service.toggle_want(GUILD, film.id, BRUNO)
    assert back.status == "unwanted" and back.entry.wants == 1
    # The suggester may take back their own want; the film stays on the list, suggested by them.
    mine = await service.toggle_want(GUILD, film.id, ALICE)
    assert mine.status == "unwanted" and mine.entry.wants == 0 and mine.entry.suggested_by == ALICE


async def test_a_cap_and_a_block_refuse_suggestions_with_a_clear_answer_and_write_nothing(
    store: Store, service: WatchlistService, catalog: list[FilmSummary]
) -> None:
    preferences = PreferencesService(store)
    await preferences.set_watchlist_cap(GUILD, 2)
    await service.add(GUILD, catalog[0], ALICE)
    await service.add(GUILD, catalog[1], ALICE)
    with pytest.raises(Conflict) as capped:
        await service.add(GUILD, catalog[2], ALICE)
    assert "2 suggestions" in capped.value.message and "(2)" in capped.value.message
    assert "Film 03" in capped.value.message
    with pytest.raises(Conflict):
        await service.toggle_want(GUILD, catalog[2].id, ALICE)  # the card's toggle suggests too: capped alike
    assert await store.watchlist.open_entry(GUILD, catalog[2].id) is None

    assert await preferences.block_from_watchlist(GUILD, BRUNO, MOD)
    assert not await preferences.block_from_watchlist(GUILD, BRUNO, MOD)
    with pytest.raises(NotAllowed, match="stopped you from suggesting"):
        await service.add(GUILD, catalog[3], BRUNO)
    assert (await service.add(GUILD, catalog[0], BRUNO)).status == "wanted"  # wanting stays open
    rules = await preferences.watchlist_rules(GUILD)
    assert rules.cap == 2 and rules.blocked == (BRUNO,)
    assert await preferences.unblock_from_watchlist(GUILD, BRUNO)
    await preferences.set_watchlist_cap(GUILD, None)
    assert (await service.add(GUILD, catalog[3], BRUNO)).status == "added"
    assert (await service.add(GUILD, catalog[4], ALICE)).status == "added"


async def test_a_click_on_a_film_no_longer_in_the_catalog_is_a_clear_answer(
    service: WatchlistService, catalog: list[FilmSummary]
) -> None:
    with pytest.raises(NotFound, match="no longer in the catalog"):
        await service.toggle_want(GUILD, 999_999, ALICE)


async def test_a_cap_out_of_range_is_refused(store: Store) -> None:
    preferences = PreferencesService(store)
    for cap in (0, 1001):
        with pytest.raises(Exception, match="between 1 and 1000"):
            await preferences.set_watchlist_cap(GUILD, cap)
    assert (await preferences.watchlist_rules(GUILD)).cap is None


async def test_only_the_suggester_or_a_moderator_removes(
    store: Store, service: WatchlistService, catalog: list[FilmSummary]
) -> None:
    await service.add(GUILD, catalog[0], ALICE)
    await service.add(GUILD, catalog[1], ALICE)
    await service.add(GUILD, catalog[0], BRUNO)
    with pytest.raises(NotAllowed, match="Manage Messages"):
        await service.remove(GUILD, catalog[0], BRUNO, can_manage=False)
    removed = await service.remove(GUILD, catalog[0], ALICE, can_manage=False)
    assert removed.film == catalog[0] and removed.wants == 2
    assert (await service.remove(GUILD, catalog[1], MOD, can_manage=True)).suggested_by == ALICE
    with pytest.raises(NotFound, match="not on this server's watchlist"):
        await service.remove(GUILD, catalog[1], ALICE, can_manage=False)
    assert await store.watchlist.count(GUILD) == 0


async def test_watched_films_leave_the_list_and_coming_back_says_when_they_were_watched(
    service: WatchlistService, clock: ManualClock, catalog: list[FilmSummary]
) -> None:
    await service.add(GUILD, catalog[0], ALICE)
    await service.add(GUILD, catalog[1], ALICE)
    watched = await service.mark_watched(GUILD, catalog[0].id)
    assert watched is not None and watched.film == catalog[0]
    assert await service.mark_watched(GUILD, catalog[0].id) is None
    assert await service.mark_watched(GUILD, catalog[5].id) is None  # never on the list
    page = await service.page(GUILD, "wanted", None, 0)
    assert [listed.entry.film for listed in page.films] == [catalog[1]]
    await clock.advance(timedelta(days=3))
    back = await service.add(GUILD, catalog[0], BRUNO)
    assert back.status == "added" and back.watched_before == clock.now() - timedelta(days=3)


async def test_pages_number_films_clamp_and_carry_score_lines(
    store: Store, service: WatchlistService, clock: ManualClock, catalog: list[FilmSummary]
) -> None:
    for film in catalog:  # 12 films: two pages
        await service.add(GUILD, film, ALICE)
        await clock.advance(timedelta(minutes=1))
    first = await service.page(GUILD, "oldest", None, 0)
    assert (first.page, first.pages, first.total) == (0, 2, 12)
    assert [listed.number for listed in first.films] == list(range(1, PAGE_SIZE + 1))
    last = await service.page(GUILD, "oldest", None, 99)  # past the end: the last page
    assert last.page == 1 and [listed.number for listed in last.films] == [11, 12]
    assert [listed.entry.film.title for listed in last.films] == ["Film 11", "Film 12"]
    assert last.films[0].score_line == "Aggregate 61/100"  # IMDb 6.1/10, no member rating yet
    await store.ratings.upsert(GUILD, catalog[10].id, BRUNO, 9, now=clock.now())
    rated = await service.page(GUILD, "oldest", None, 1)
    assert rated.films[0].score_line.endswith("members 9/10 (1)")
    newest = await service.page(GUILD, "newest", None, 0)
    assert newest.films[0].entry.film.title == "Film 12"


async def test_score_order_ranks_by_the_aggregate_and_breaks_ties_by_wants(
    store: Store, service: WatchlistService, clock: ManualClock, catalog: list[FilmSummary]
) -> None:
    for film in catalog:
        await service.add(GUILD, film, ALICE)
    # IMDb scores repeat every ten films: Film 09 and Film 19… the best outside score is 6.9 (Film 09).
    await service.add(GUILD, catalog[1], BRUNO)  # Film 02 (6.2) has two wants, Film 12 (6.2) one
    for user in range(200, 230):  # thirty members rate Film 01 (6.1) 10/10: it now leads
        await store.ratings.upsert(GUILD, catalog[0].id, user, 10, now=clock.now())
    page = await service.page(GUILD, "score", None, 0)
    titles = [listed.entry.film.title for listed in page.films]
    assert titles[:3] == ["Film 01", "Film 09", "Film 08"]
    second = await service.page(GUILD, "score", None, 1)
    order = titles + [listed.entry.film.title for listed in second.films]
    assert order.index("Film 02") == order.index("Film 12") - 1  # same score: more wants first
    assert sorted(order) == sorted(f.title for f in catalog)


async def test_a_score_ranking_is_kept_while_paging_and_renewed_by_time_or_a_change_to_the_list(
    store: Store, service: WatchlistService, clock: ManualClock, catalog: list[FilmSummary]
) -> None:
    for film in catalog:
        await service.add(GUILD, film, ALICE)
    before = [listed.entry.film.title for listed in (await service.page(GUILD, "score", None, 0)).films]
    assert before[0] == "Film 09"
    for user in range(200, 240):  # forty 10/10 ratings lift Film 05 to the top
        await store.ratings.upsert(GUILD, catalog[4].id, user, 10, now=clock.now())
    await clock.advance(timedelta(seconds=30))
    kept = await service.page(GUILD, "score", None, 0)
    assert [listed.entry.film.title for listed in kept.films] == before  # same order while paging…
    assert kept.films[before.index("Film 05")].score_line.endswith("members 10/10 (40)")  # …fresh lines
    await clock.advance(timedelta(seconds=31))
    renewed = await service.page(GUILD, "score", None, 0)
    assert renewed.films[0].entry.film.title == "Film 05"
    for user in range(240, 280):
        await store.ratings.upsert(GUILD, catalog[5].id, user, 10, now=clock.now())
    await service.toggle_want(GUILD, catalog[0].id, BRUNO)  # a change to the list: ranked afresh
    assert (await service.page(GUILD, "score", None, 0)).films[0].entry.film.title == "Film 06"


async def test_member_filter_and_empty_lists_answer_clearly(
    service: WatchlistService, catalog: list[FilmSummary]
) -> None:
    with pytest.raises(NotFound, match="watchlist is empty"):
        await service.page(GUILD, "wanted", None, 0)
    await service.add(GUILD, catalog[0], ALICE)
    await service.add(GUILD, catalog[1], BRUNO)
    await service.add(GUILD, catalog[1], CHIARA)
    chiara = await service.page(GUILD, "wanted", CHIARA, 0)
    assert [listed.entry.film for listed in chiara.films] == [catalog[1]] and chiara.member_id == CHIARA
    with pytest.raises(NotFound, match="That member has not suggested"):
        await service.page(GUILD, "wanted", DMITRI, 0)


async def test_autocomplete_lists_films_on_the_list_with_their_wants(
    service: WatchlistService, catalog: list[FilmSummary]
) -> None:
    assert await service.choices(GUILD, "") == []
    await service.add(GUILD, catalog[0], ALICE)
    await service.add(GUILD, catalog[10], ALICE)
    await service.add(GUILD, catalog[10], BRUNO)
    choices = await service.choices(GUILD, "film 1")
    assert [(c.name, c.value) for c in choices] == [
        ("Film 11 (2001) · 2 want it", catalog[10].slug),
    ]
    assert [c.value for c in await service.choices(GUILD, "  ")] == [catalog[10].slug, catalog[0].slug]
