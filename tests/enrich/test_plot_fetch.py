"""Fetch-through for /plot (``bot.enrich.plots``) with the real Wikipedia provider, a local Wikipedia and
a real store: fetched once and stored; concurrent asks share one fetch; a miss or a failure is not asked
about again too soon; nothing is asked when the bot is offline."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import timedelta

import pytest

from bot.clock import ManualClock
from bot.enrich.http import ProviderHttp
from bot.enrich.plots import RETRY_FAILED, PlotFetchThrough
from bot.enrich.wikipedia import WikipediaProvider
from bot.films.models import FilmData, FilmSummary
from bot.spoilers.service import PlotService
from bot.store import Store
from tests.enrich.fake_api import Fault
from tests.enrich.fake_wikipedia import FILM_ARTICLE, NO_PLOT, FakeWikipedia

TTL = timedelta(days=30)


@pytest.fixture
async def wiki() -> AsyncIterator[FakeWikipedia]:
    async with FakeWikipedia() as server:
        server.page("Sprint (2025 film)", FILM_ARTICLE)
        server.page("Quiet (2024 film)", NO_PLOT)
        yield server


@pytest.fixture
async def fetch(wiki: FakeWikipedia, store: Store, clock: ManualClock) -> AsyncIterator[PlotFetchThrough]:
    async def no_wait(seconds: float) -> None:
        return None

    http = ProviderHttp("Wikipedia", clock=clock, sleep=no_wait, timeout=2.0)
    fetcher = PlotFetchThrough(store, [WikipediaProvider(http, wiki.api, clock, maxlag=None)], clock, TTL)
    yield fetcher
    await fetcher.close()


async def film(store: Store, slug: str, title: str, year: int) -> FilmSummary:
    await store.films.upsert(FilmData(slug=slug, title=title, origin="import", year=year))
    summary = await store.films.summary_by_slug(slug)
    assert summary is not None
    return summary


async def test_fetched_once_and_stored(store: Store, fetch: PlotFetchThrough, wiki: FakeWikipedia) -> None:
    sprint = await film(store, "sprint", "Sprint", 2025)
    plots = PlotService(store, fetch)
    assert await plots.would_fetch(sprint)
    reveal = await plots.reveal(sprint)
    assert reveal.source is not None and reveal.source.title == "Sprint (2025 film)"
    assert not await plots.would_fetch(sprint)
    await plots.reveal(sprint)
    assert len(wiki.requests(action="parse")) == 1


async def test_concurrent_asks_share_one_fetch(
    store: Store, fetch: PlotFetchThrough, wiki: FakeWikipedia
) -> None:
    sprint = await film(store, "sprint", "Sprint", 2025)
    wiki.latency = 0.2
    plots = PlotService(store, fetch)
    reveals = await asyncio.gather(*(plots.reveal(sprint) for _ in range(5)))
    assert len({r.phases for r in reveals}) == 1
    assert len(wiki.requests(action="query")) == 1 and len(wiki.requests(action="parse")) == 1


async def test_a_miss_is_not_asked_again_within_the_ttl(
    store: Store, fetch: PlotFetchThrough, wiki: FakeWikipedia, clock: ManualClock
) -> None:
    quiet = await film(store, "quiet", "Quiet", 2024)
    assert await fetch.fetch_plot(quiet) == ("Wikipedia's article “Quiet (2024 film)” has no plot section.",)
    assert not await fetch.would_fetch(quiet)
    assert await fetch.fetch_plot(quiet) == ()
    await clock.advance(TTL)
    assert await fetch.would_fetch(quiet)
    assert len(wiki.log) == 2  # one search, one parse


async def test_a_failure_is_asked_again_after_a_while(
    store: Store, fetch: PlotFetchThrough, wiki: FakeWikipedia, clock: ManualClock
) -> None:
    sprint = await film(store, "sprint", "Sprint", 2025)
    wiki.fail(Fault.unavailable(), times=4)
    assert await fetch.fetch_plot(sprint) == (
        "Wikipedia was unavailable (503), 4 times.",
        "filmbot will ask again in 15 minutes.",
    )
    assert not await fetch.would_fetch(sprint)
    await clock.advance(RETRY_FAILED)
    assert await fetch.would_fetch(sprint)
    assert await fetch.fetch_plot(sprint) == ()
    assert (await store.spoilers.plot(sprint.id)).sections


async def test_offline_asks_nothing(store: Store, clock: ManualClock) -> None:
    sprint = await film(store, "sprint", "Sprint", 2025)
    offline = PlotFetchThrough(store, (), clock, TTL)
    assert not await offline.would_fetch(sprint)
    assert not await PlotService(store, offline).would_fetch(sprint)
    assert await offline.fetch_plot(sprint) == ()
