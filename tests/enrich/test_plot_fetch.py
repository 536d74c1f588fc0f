"""/plot's fetch-through: the enrichment service (the plot service's ``PlotFetcher``) runs the real
Wikipedia provider against a local Wikipedia, and ``EnrichStore.record`` stores the plot with its source
in a real store, in the transaction that writes the rest of the result: fetched once; concurrent asks
share one fetch; a refetch replaces the plot with the new revision's, and a plot that cannot be written
rolls the whole result back; Wikipedia down keeps the plot fetched before; a card's plot always wins;
offline asks nothing."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import replace
from datetime import timedelta

import pytest

from bot.clock import ManualClock
from bot.enrich.http import ProviderHttp
from bot.enrich.service import EnrichService
from bot.enrich.wikipedia import WikipediaProvider
from bot.errors import NotFound
from bot.films.models import FilmData, FilmSummary
from bot.spoilers.service import PlotService
from bot.store import Store
from tests.enrich.fake_api import Fault
from tests.enrich.fake_wikipedia import FILM_ARTICLE, NO_PLOT, FakeWikipedia

TTL = timedelta(days=30)


@pytest.fixture
async def wiki() -> AsyncIterator[FakeWikipedia]:
    async with FakeWikipedia() as server:
        server.page("Sprint (2025 film)", FILM_ARTICLE, revid=111)
        server.page("Quiet (2024 film)", NO_PLOT)
        yield server


@pytest.fixture
async def enrich(wiki: FakeWikipedia, store: Store, clock: ManualClock) -> AsyncIterator[EnrichService]:
    async def no_wait(seconds: float) -> None:
        return None

    http = ProviderHttp("Wikipedia", clock=clock, sleep=no_wait, timeout=2.0)
    service = EnrichService(store, clock, (WikipediaProvider(http, wiki.api, clock, maxlag=None),), ttl=TTL)
    yield service
    await service.close()


async def film(store: Store, slug: str, title: str, year: int, **data: object) -> FilmSummary:
    await store.films.upsert(FilmData(slug=slug, title=title, origin="import", year=year, **data))  # type: ignore[arg-type]
    summary = await store.films.summary_by_slug(slug)
    assert summary is not None
    return summary


async def test_fetched_once_and_stored(store: Store, enrich: EnrichService, wiki: FakeWikipedia) -> None:
    sprint = await film(store, "sprint", "Sprint", 2025)
    plots = PlotService(store, enrich)
    assert await plots.would_fetch(sprint)
    reveal = await plots.reveal(sprint)
    assert reveal.source is not None
    assert (reveal.source.title, reveal.source.revision) == ("Sprint (2025 film)", 111)
    assert reveal.source.licence == "CC BY-SA 4.0"
    assert not await plots.would_fetch(sprint)
    await plots.reveal(sprint)
    assert len(wiki.requests(action="parse")) == 1


async def test_concurrent_asks_share_one_fetch(
    store: Store, enrich: EnrichService, wiki: FakeWikipedia
) -> None:
    sprint = await film(store, "sprint", "Sprint", 2025)
    wiki.latency = 0.2
    plots = PlotService(store, enrich)
    reveals = await asyncio.gather(*(plots.reveal(sprint) for _ in range(5)))
    assert len({r.phases for r in reveals}) == 1
    assert len(wiki.requests(action="query")) == 1 and len(wiki.requests(action="parse")) == 1


async def test_a_refetch_takes_the_new_revision(
    store: Store, enrich: EnrichService, wiki: FakeWikipedia, clock: ManualClock
) -> None:
    sprint = await film(store, "sprint", "Sprint", 2025)
    await enrich.ensure(sprint)
    wiki.page("Sprint (2025 film)", FILM_ARTICLE.replace("Komiya wins", "Komiya loses"), revid=222)
    await clock.advance(TTL)
    await enrich.ensure(sprint)
    stored = await store.spoilers.plot(sprint.id)
    assert stored.source is not None and stored.source.revision == 222
    assert stored.source.url is not None and stored.source.url.endswith("&oldid=222")
    text = " ".join(s.text for s in stored.sections)
    assert "Komiya loses" in text and "Komiya wins" not in text


async def test_a_plot_that_cannot_be_written_rolls_the_whole_result_back(
    store: Store, enrich: EnrichService, wiki: FakeWikipedia, clock: ManualClock
) -> None:
    """The refetched plot and the result's other rows land in one commit: when the plot fails to write,
    the enrichment row and the source stay as the first fetch left them, and so does its plot."""
    sprint = await film(store, "sprint", "Sprint", 2025)
    await enrich.ensure(sprint)
    before = await store.spoilers.plot(sprint.id)
    state = await store.enrich.state(sprint.id)
    wiki.page("Sprint (2025 film)", FILM_ARTICLE.replace("Komiya wins", "Komiya loses"), revid=222)
    await clock.advance(TTL)
    result = await enrich.providers[0].fetch(await store.enrich.ref(sprint.id) or pytest.fail(), ())
    assert result.plot and result.sources[0].revision == 222
    clash = (*result.plot, replace(result.plot[0], text="same position twice"))  # UNIQUE (film, position)
    with pytest.raises(Exception, match=r"(?i)unique"):
        await store.enrich.record(sprint.id, replace(result, plot=clash), clock.now())
    assert await store.spoilers.plot(sprint.id) == before
    assert await store.enrich.state(sprint.id) == state
    await store.enrich.record(sprint.id, result, clock.now())  # the same result, writable: both land
    after = await store.spoilers.plot(sprint.id)
    assert after.source is not None and after.source.revision == 222
    assert (await store.enrich.state(sprint.id)).fetches[0].fetched_at == clock.now()


async def test_wikipedia_down_keeps_the_plot_fetched_before(
    store: Store, enrich: EnrichService, wiki: FakeWikipedia, clock: ManualClock
) -> None:
    sprint = await film(store, "sprint", "Sprint", 2025)
    await enrich.ensure(sprint)
    before = await store.spoilers.plot(sprint.id)
    wiki.fail(Fault.unavailable(), times=10)
    await clock.advance(TTL)
    report = await enrich.ensure(sprint)
    assert report.fetched and "Wikipedia was unavailable (503), 4 times." in report.state.problems
    assert await store.spoilers.plot(sprint.id) == before


async def test_a_plot_that_could_not_be_had_says_why(store: Store, enrich: EnrichService) -> None:
    quiet = await film(store, "quiet", "Quiet", 2024)
    with pytest.raises(NotFound) as raised:
        await PlotService(store, enrich).reveal(quiet)
    assert str(raised.value) == "The catalog has no plot summary for “Quiet” yet."


async def test_wikipedia_down_says_so(store: Store, enrich: EnrichService, wiki: FakeWikipedia) -> None:
    sprint = await film(store, "sprint", "Sprint", 2025)
    wiki.fail(Fault.unavailable(), times=10)
    with pytest.raises(NotFound) as raised:
        await PlotService(store, enrich).reveal(sprint)
    assert str(raised.value) == (
        "The catalog has no plot summary for “Sprint” yet. Wikipedia was unavailable (503), 4 times."
    )


async def test_a_cards_plot_wins(catalog_store: Store, clock: ManualClock, wiki: FakeWikipedia) -> None:
    http = ProviderHttp("Wikipedia", clock=clock, timeout=2.0)
    service = EnrichService(catalog_store, clock, (WikipediaProvider(http, wiki.api, clock, maxlag=None),))
    wiki.page("100 Meters (film)", FILM_ARTICLE)
    try:
        meters = await catalog_store.films.summary_by_slug("100-meters")
        assert meters is not None
        before = await catalog_store.spoilers.plot(meters.id)
        await service.refresh(meters)
        assert await catalog_store.spoilers.plot(meters.id) == before
        assert before.source is None
    finally:
        await service.close()


async def test_offline_asks_nothing(store: Store, clock: ManualClock) -> None:
    sprint = await film(store, "sprint", "Sprint", 2025)
    offline = EnrichService(store, clock, ())
    assert not await offline.would_fetch(sprint)
    assert not await PlotService(store, offline).would_fetch(sprint)
