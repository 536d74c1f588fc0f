"""Fetched plots in the store: kept with their source (article, revision, licence), replaced as a whole,
and never over a curated card's plot, which always wins; /plot shows them attributed."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from bot.errors import NotFound
from bot.films.models import FilmData, FilmSummary, PlotSection, Source
from bot.spoilers.render import SOURCE_FIELD, attribution, plot_embeds
from bot.spoilers.service import PlotService
from bot.store import Store

CARD_SOURCE = Source(key="press", title="A press kit", kind="official", as_of=date(2025, 5, 1))
CARD = FilmData(slug="sprint", title="Sprint", origin="card", year=2025, sources=(CARD_SOURCE,))
WIKIPEDIA = Source(
    key="wikipedia",
    title="Sprint (2025 film)",
    kind="wikipedia",
    as_of=date(2026, 11, 30),
    publisher="Wikipedia",
    url="https://en.wikipedia.org/w/index.php?title=Sprint_%282025_film%29&oldid=1234",
    dated=False,
    licence="CC BY-SA 4.0",
    revision=1234,
)
PHASES = (
    PlotSection(1, "Part 1 of 2", 1, "Togashi runs."),
    PlotSection(2, "Part 2 of 2 (the ending)", 2, "Komiya wins."),
)


async def _film(store: Store, data: FilmData = CARD) -> FilmSummary:
    assert await store.films.upsert(data) == "added"
    film = await store.films.summary_by_slug(data.slug)
    assert film is not None
    return film


async def test_a_fetched_plot_is_stored_with_its_source(store: Store) -> None:
    film = await _film(store)
    assert await store.spoilers.replace_fetched(film.id, WIKIPEDIA, PHASES)
    stored = await store.spoilers.plot(film.id)
    assert stored.sections == PHASES
    assert stored.source == WIKIPEDIA
    full = await store.films.get("sprint")
    assert full is not None and full.plot == PHASES


async def test_fetching_again_replaces_the_plot_and_its_source(store: Store) -> None:
    film = await _film(store)
    await store.spoilers.replace_fetched(film.id, WIKIPEDIA, PHASES)
    newer = replace(WIKIPEDIA, revision=1300, url=WIKIPEDIA.url and WIKIPEDIA.url.replace("1234", "1300"))
    (one,) = PHASES[:1]
    assert await store.spoilers.replace_fetched(film.id, newer, [replace(one, phase="The whole plot")])
    stored = await store.spoilers.plot(film.id)
    assert [s.phase for s in stored.sections] == ["The whole plot"]
    assert stored.source == newer


async def test_a_cards_plot_wins(catalog_store: Store, film: FilmSummary) -> None:
    before = await catalog_store.spoilers.plot(film.id)
    assert before.sections and before.source is None
    assert await catalog_store.spoilers.has_own_plot(film.id)
    assert not await catalog_store.spoilers.replace_fetched(film.id, WIKIPEDIA, PHASES)
    assert await catalog_store.spoilers.plot(film.id) == before


async def test_a_card_reloaded_without_a_plot_keeps_the_fetched_one(store: Store) -> None:
    film = await _film(store)
    await store.spoilers.replace_fetched(film.id, WIKIPEDIA, PHASES)
    assert await store.films.upsert(replace(CARD, title="Sprint!")) == "updated"
    assert (await store.spoilers.plot(film.id)).sections == PHASES


async def test_a_card_that_gains_a_plot_replaces_the_fetched_one(store: Store) -> None:
    film = await _film(store)
    await store.spoilers.replace_fetched(film.id, WIKIPEDIA, PHASES)
    own = (PlotSection(0, "Premise", 0, "A boy runs."), PlotSection(1, "The race", 1, "He wins."))
    assert await store.films.upsert(replace(CARD, plot=own)) == "updated"
    stored = await store.spoilers.plot(film.id)
    assert stored.sections == own and stored.source is None
    assert not await store.spoilers.replace_fetched(film.id, WIKIPEDIA, PHASES)


async def test_plot_shows_the_fetched_phases_attributed(store: Store) -> None:
    film = await _film(store)
    await store.spoilers.replace_fetched(film.id, WIKIPEDIA, PHASES)
    reveal = await PlotService(store).reveal(film)
    assert reveal.source == WIKIPEDIA
    (embed,) = plot_embeds(reveal)
    names = [f.name for f in embed.fields]
    assert names == ["Part 1 of 2", "Part 2 of 2 (the ending)", SOURCE_FIELD]
    assert embed.fields[-1].value == attribution(WIKIPEDIA)
    assert embed.fields[-1].value == (
        "Plot from Wikipedia's article “[Sprint (2025 film)]"
        "(https://en.wikipedia.org/w/index.php?title=Sprint_%282025_film%29&oldid=1234)” (revision 1234), "
        "[CC BY-SA 4.0](https://creativecommons.org/licenses/by-sa/4.0/); retrieved 30 November 2026."
    )


async def test_a_cards_own_plot_is_not_attributed(catalog_store: Store, film: FilmSummary) -> None:
    reveal = await PlotService(catalog_store).reveal(film)
    assert reveal.source is None
    assert all(f.name != SOURCE_FIELD for embed in plot_embeds(reveal) for f in embed.fields)


def test_an_attribution_shows_the_title_literally_and_links_only_http() -> None:
    odd = replace(WIKIPEDIA, title="@everyone [x](y) *Sprint*", url="javascript:alert(1)", licence="GFDL")
    text = attribution(odd)
    assert text is not None
    assert "@everyone" not in text and "[x]" not in text and "*Sprint*" not in text
    assert "javascript" not in text and "GFDL" in text and "(https://creativecommons" not in text


class Fetcher:
    """What the enrichment service does for /plot, reduced to a plot: store it, or say why not."""

    def __init__(self, store: Store, problems: tuple[str, ...] = ()) -> None:
        self.store = store
        self.problems = problems
        self.calls: list[int] = []

    async def would_fetch(self, film: FilmSummary) -> bool:
        return not self.calls

    async def fetch_plot(self, film: FilmSummary) -> tuple[str, ...]:
        self.calls.append(film.id)
        if not self.problems:
            await self.store.spoilers.replace_fetched(film.id, WIKIPEDIA, PHASES)
        return self.problems


async def test_plot_of_a_film_without_one_fetches_it(store: Store) -> None:
    film = await _film(store)
    fetcher = Fetcher(store)
    plots = PlotService(store, fetcher)
    assert await plots.would_fetch(film)
    reveal = await plots.reveal(film)
    assert [p.name for p in reveal.shown] == [p.phase for p in PHASES] and reveal.source == WIKIPEDIA
    assert not await plots.would_fetch(film)  # stored now
    await plots.reveal(film, "Part 1")
    assert fetcher.calls == [film.id]


async def test_a_plot_that_could_not_be_fetched_says_why(store: Store) -> None:
    film = await _film(store)
    plots = PlotService(store, Fetcher(store, ("Wikipedia did not answer within 8 s.",)))
    with pytest.raises(NotFound) as raised:
        await plots.reveal(film)
    assert str(raised.value) == (
        "The catalog has no plot summary for “Sprint” yet. Wikipedia did not answer within 8 s."
    )


async def test_a_film_with_a_plot_never_fetches(catalog_store: Store, film: FilmSummary) -> None:
    fetcher = Fetcher(catalog_store)
    plots = PlotService(catalog_store, fetcher)
    assert not await plots.would_fetch(film)
    await plots.reveal(film)
    assert fetcher.calls == []
