"""Watchlist fixtures: a real store with a dozen films, the service with a seeded random draw."""

from __future__ import annotations

import random
from datetime import date

import pytest

from bot.clock import ManualClock
from bot.films.models import FilmData, FilmSummary, Score, Source
from bot.preferences.service import PreferencesService
from bot.store import Store
from bot.watchlist.service import WatchlistService

GUILD = 10
OTHER_GUILD = 11
ALICE, BRUNO, CHIARA, DMITRI = 101, 102, 103, 104
MOD = 900


async def add_films(store: Store, count: int) -> list[FilmSummary]:
    """``count`` films, "Film 01" (1991, IMDb 6.1/10) … each with one outside score and a year."""
    source = Source(key="doc", title="A listing", kind="listing", as_of=date(2026, 1, 1))
    found = []
    for n in range(1, count + 1):
        slug = f"film-{n:02d}"
        score = Score("IMDb", "average", 6 + (n % 10) / 10, "doc", date(2026, 1, 1), scale=10)
        await store.films.upsert(
            FilmData(
                slug=slug,
                title=f"Film {n:02d}",
                origin="card",
                year=1990 + n,
                sources=(source,),
                scores=(score,),
            )
        )
        summary = await store.films.summary_by_slug(slug)
        assert summary is not None
        found.append(summary)
    return found


@pytest.fixture
async def catalog(store: Store) -> list[FilmSummary]:
    return await add_films(store, 12)


@pytest.fixture
def service(store: Store, clock: ManualClock) -> WatchlistService:
    return WatchlistService(store, clock, PreferencesService(store), rng=random.Random(7))
