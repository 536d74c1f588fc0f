"""The history repository on a real SQLite file: one viewing and one menu per party under concurrency,
two manual viewings of one day allowed by the store (the service decides), paging order, and the film a
viewing refers to kept in the catalog."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime, timedelta

from bot.films.models import FilmSummary
from bot.history.models import NewWatched
from bot.store import Store
from bot.watchparty.models import NewParty

GUILD = 10
AT = datetime(2026, 3, 27, 20, 0, tzinfo=UTC)


async def party(store: Store, film: FilmSummary) -> int:
    return await store.watch_parties.insert(
        NewParty(GUILD, 20, film.id, AT, "UTC", runtime_minutes=100, created_by=30)
    )


async def test_concurrent_records_of_one_party_keep_one(catalog_store: Store, film: FilmSummary) -> None:
    party_id = await party(catalog_store, film)
    viewing = NewWatched(GUILD, film.id, AT.date(), AT, party_id=party_id)
    ids = await asyncio.gather(*(catalog_store.history.insert(viewing) for _ in range(10)))
    assert len([i for i in ids if i is not None]) == 1
    prompts = await asyncio.gather(
        *(
            catalog_store.history.add_prompt(GUILD, 20, film.id, party_id, AT + timedelta(days=7))
            for _ in range(10)
        )
    )
    assert len([p for p in prompts if p is not None]) == 1
    (entry,) = await catalog_store.history.of_film(GUILD, film.id)
    assert entry.party is not None and (entry.party.party_id, entry.party.channel_id) == (party_id, 20)


async def test_manual_viewings_are_each_their_own_row(catalog_store: Store, film: FilmSummary) -> None:
    day = date(2026, 3, 1)
    at = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
    first = await catalog_store.history.insert(NewWatched(GUILD, film.id, day, at, recorded_by=30))
    second = await catalog_store.history.insert(NewWatched(GUILD, film.id, day, at, recorded_by=31))
    assert first is not None and second is not None and first != second
    assert await catalog_store.history.count(GUILD, None) == 2


async def test_pages_are_newest_first_and_stable(catalog_store: Store, film: FilmSummary) -> None:
    for offset in (3, 1, 2, 1):
        day = date(2026, 3, 1) + timedelta(days=offset)
        await catalog_store.history.insert(
            NewWatched(GUILD, film.id, day, datetime.combine(day, datetime.min.time(), UTC))
        )
    rows = await catalog_store.history.page(GUILD, None, offset=0, limit=10)
    assert [(r.watched_on.day, r.id) for r in rows] == [(4, 1), (3, 3), (2, 4), (2, 2)]
    assert await catalog_store.history.page(GUILD, None, offset=3, limit=10) == rows[3:]
    assert await catalog_store.history.years(GUILD) == [2026]


async def test_a_watched_film_stays_in_the_catalog(catalog_store: Store, film: FilmSummary) -> None:
    await catalog_store.history.insert(NewWatched(GUILD, film.id, AT.date(), AT))
    refused = await catalog_store.films.delete(film.slug)
    assert refused is not None and await catalog_store.films.get(film.slug) is not None


async def test_a_menu_closes_once(catalog_store: Store, film: FilmSummary) -> None:
    prompt_id = await catalog_store.history.add_prompt(GUILD, 20, film.id, None, AT)
    assert prompt_id is not None
    assert await catalog_store.history.close_prompt(prompt_id)
    assert not await catalog_store.history.close_prompt(prompt_id)
    await catalog_store.history.prompt_error(prompt_id, "x" * 900)
    prompt = await catalog_store.history.prompt(prompt_id)
    assert prompt is not None and prompt.state == "closed" and len(prompt.last_error or "") == 500
