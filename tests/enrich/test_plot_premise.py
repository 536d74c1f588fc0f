"""TMDB's overview as /plot's premise: spoiler-free by design, so shown in the clear, cited to TMDB with
the notice its terms ask for, beside Wikipedia's phases (behind spoiler tags, with their CC BY-SA
attribution); a curated card's premise always wins, and nothing of TMDB's is shown while TMDB is off.
Everything goes through a real store, written the way a fetch writes it (``EnrichStore.record`` and the
where-to-watch store)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import pytest

from bot.enrich.models import ProviderResult
from bot.errors import NotFound
from bot.films.models import FilmData, FilmSummary, Source
from bot.spoilers.render import SOURCE_FIELD, attribution, plot_embeds
from bot.spoilers.service import PREMISE_PHASE, PlotService
from bot.spoilers.views import plot_messages
from bot.store import Store
from bot.where_to_watch.models import TmdbExtras
from bot.where_to_watch.render import TMDB_NOTICE
from tests.enrich.test_plot_store import PHASES, WIKIPEDIA
from tests.spoilers.checks import assert_no_spoiler_leak, payload_of, visible

NOW = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)
TMDB = Source(
    key="tmdb",
    title="Sprint (2025)",
    kind="tmdb",
    as_of=date(2026, 11, 30),
    publisher="TMDB",
    url="https://www.themoviedb.org/movie/4242",
    dated=False,
)
OVERVIEW = "A gifted runner meets a boy who has never raced, and teaches him what a hundred metres are for."
FILM = FilmData(slug="sprint", title="Sprint", origin="import", year=2025)


async def _sprint(store: Store) -> FilmSummary:
    await store.films.upsert(FILM)
    film = await store.films.summary_by_slug("sprint")
    assert film is not None
    return film


async def _tmdb_read(store: Store, film_id: int, overview: str | None = OVERVIEW) -> None:
    """What a TMDB fetch leaves: its cited source (``EnrichStore.record``) and its overview beside it."""
    result = ProviderResult(provider="TMDB", sources=(TMDB,), premise=overview, premise_source="tmdb")
    await store.enrich.record(film_id, result, NOW)
    await store.where_to_watch.replace(TmdbExtras(film_id, 4242, NOW, premise=overview))


async def _wikipedia_read(store: Store, film_id: int) -> None:
    result = ProviderResult(provider="Wikipedia", sources=(WIKIPEDIA,), plot=PHASES, plot_source="wikipedia")
    await store.enrich.record(film_id, result, NOW)


async def test_the_overview_is_the_premise_in_the_clear_beside_wikipedias_phases(store: Store) -> None:
    film = await _sprint(store)
    await _tmdb_read(store, film.id)
    await _wikipedia_read(store, film.id)
    reveal = await PlotService(store, tmdb=True).reveal(film)
    assert [p.name for p in reveal.premise] == [PREMISE_PHASE]
    assert reveal.premise[0].text == OVERVIEW and reveal.premise[0].level == 0
    assert reveal.premise_source == TMDB and reveal.source == WIKIPEDIA
    assert [p.name for p in reveal.shown] == [s.phase for s in PHASES]
    (embed,) = plot_embeds(reveal)
    data = embed.to_dict()
    assert OVERVIEW in visible(data["description"])  # not behind a spoiler tag
    assert (
        "*Premise: TMDB's overview of “[Sprint (2025)](https://www.themoviedb.org/movie/4242)”.*"
        in (data["description"])
    )
    assert data["footer"]["text"].endswith(TMDB_NOTICE)
    *phases, credit = data["fields"]
    assert all(f["value"].startswith("||") and f["value"].endswith("||") for f in phases)
    assert credit == {"name": SOURCE_FIELD, "value": attribution(WIKIPEDIA), "inline": False}
    for message, view in plot_messages(reveal):
        payload: dict[str, Any] = payload_of(embeds=[message], view=view)
        assert_no_spoiler_leak(payload, [s.text for s in PHASES], allowed=[OVERVIEW])


async def test_the_next_phase_neither_repeats_the_premise_nor_its_notice(store: Store) -> None:
    film = await _sprint(store)
    await _tmdb_read(store, film.id)
    await _wikipedia_read(store, film.id)
    plots = PlotService(store, tmdb=True)
    first = await plots.reveal(film, PREMISE_PHASE)
    assert first.shown == () and first.next_phase is not None and first.next_phase.level == 1
    (only,) = plot_embeds(first)
    assert OVERVIEW in (only.description or "") and not only.fields
    following = await plots.next_after(film, first.level)
    assert following.premise_source == TMDB and not following.with_premise
    (embed,) = plot_embeds(following)
    assert OVERVIEW not in str(embed.to_dict()) and TMDB_NOTICE not in str(embed.to_dict())


async def test_a_film_with_only_the_overview_shows_it_alone(store: Store) -> None:
    film = await _sprint(store)
    await _tmdb_read(store, film.id)
    reveal = await PlotService(store, tmdb=True).reveal(film)
    assert reveal.premise[0].text == OVERVIEW and reveal.shown == () and reveal.next_phase is None
    assert reveal.source is None
    (embed,) = plot_embeds(reveal)
    assert not embed.fields and (embed.footer.text or "").endswith(TMDB_NOTICE)


async def test_a_curated_premise_wins(catalog_store: Store, film: FilmSummary) -> None:
    own = await PlotService(catalog_store).reveal(film)
    assert own.premise, "the curated card gives a premise"
    await _tmdb_read(catalog_store, film.id)
    reveal = await PlotService(catalog_store, tmdb=True).reveal(film)
    assert reveal.premise == own.premise and reveal.premise_source is None
    assert all(
        OVERVIEW not in str(e.to_dict()) and TMDB_NOTICE not in str(e.to_dict()) for e in plot_embeds(reveal)
    )


async def test_nothing_of_tmdbs_while_tmdb_is_off(store: Store) -> None:
    film = await _sprint(store)
    await _tmdb_read(store, film.id)
    await _wikipedia_read(store, film.id)
    reveal = await PlotService(store, tmdb=False).reveal(film)
    assert reveal.premise == () and reveal.premise_source is None
    with pytest.raises(NotFound):
        await PlotService(store, tmdb=False).reveal(await _other(store))


async def test_an_empty_or_forgotten_overview_is_no_premise(store: Store) -> None:
    film = await _sprint(store)
    await _tmdb_read(store, film.id, overview="")
    await _wikipedia_read(store, film.id)
    plots = PlotService(store, tmdb=True)
    assert (await plots.reveal(film)).premise == ()
    await _tmdb_read(store, film.id)
    assert (await plots.reveal(film)).premise_source == TMDB
    assert await store.where_to_watch.forget(film.id)  # TMDB no longer has the film
    assert (await plots.reveal(film)).premise == ()


async def _other(store: Store) -> FilmSummary:
    """A film with only TMDB's overview: with TMDB off it has no plot at all."""
    await store.films.upsert(FilmData(slug="quiet", title="Quiet", origin="import", year=2024))
    film = await store.films.summary_by_slug("quiet")
    assert film is not None
    await _tmdb_read(store, film.id)
    return film
