"""Enrichment through the real store and the local Wikidata: fetch-through with its TTL, what is kept when
Wikidata fails, curated cards winning field by field, imported films gaining Wikidata's values beside
IMDb's, and a film only Wikidata knows found and added."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import date, timedelta

import pytest

from bot.clock import ManualClock
from bot.enrich.http import ProviderHttp
from bot.enrich.models import ProviderResult
from bot.enrich.service import EnrichService
from bot.enrich.views import status_field
from bot.enrich.wikidata import WikidataProvider
from bot.errors import NotFound
from bot.films.models import Film, FilmData, FilmSummary, ImportedFilm, Score, Source
from bot.films.service import FilmService
from bot.store import Store
from tests.conftest import FILM_SLUG, NOW
from tests.enrich import wikidata_items as items
from tests.enrich.fake_api import Fault, no_wait
from tests.enrich.wikidata_server import FakeWikidata, item, item_snak, statement, string_snak, time_snak

IMDB_SOURCE = Source("imdb", "IMDb non-commercial datasets", "dataset", date(2026, 3, 1))


@pytest.fixture
async def wikidata() -> AsyncIterator[FakeWikidata]:
    async with items.populated() as server:
        # The curated card's film, as Wikidata has it: a director the card names too, and more.
        server.add(
            item(
                "Q90000010",
                "100 Meters",
                [
                    statement(item_snak("P31", "Q202866")),
                    statement(item_snak("P57", "Q90000101")),
                    statement(item_snak("P344", "Q90000107")),
                    statement(time_snak("P577", "2025-09-19")),
                    statement(
                        string_snak("P444", "97%"), qualifiers=[item_snak("P447", items.ROTTEN_TOMATOES)]
                    ),
                    statement(string_snak("P444", "7.9/10"), qualifiers=[item_snak("P447", "Q37312")]),
                ],
            )
        )
        server.name({"Q37312": "IMDb"})
        yield server


@pytest.fixture
async def enrich(
    catalog_store: Store, wikidata: FakeWikidata, clock: ManualClock
) -> AsyncIterator[EnrichService]:
    http = ProviderHttp("Wikidata", timeout=2.0, sleep=no_wait, jitter=lambda: 0.0)
    provider = WikidataProvider(wikidata.api, http, clock)
    service = EnrichService(catalog_store, clock, (provider,), ttl=timedelta(days=30), finder=provider)
    yield service
    await service.close()


async def _film(store: Store, slug: str) -> Film:
    film = await store.films.get(slug)
    assert film is not None
    return film


async def _import(store: Store, film: ImportedFilm) -> FilmSummary:
    await store.catalog.write_batch([film], IMDB_SOURCE)
    found = await store.enrich.film_named(film.title, film.year, film.imdb_id)
    assert found is not None
    return found


async def test_a_film_only_wikidata_knows_is_found_added_and_searchable(
    catalog_store: Store, enrich: EnrichService
) -> None:
    film = await enrich.find_online("the lighthouse at noon")
    assert (film.title, film.year) == (items.TITLE, 2024)
    record = await _film(catalog_store, film.slug)
    assert record.origin == "import"
    assert record.imdb_id == items.IMDB
    (source,) = record.sources
    assert (source.kind, source.url) == ("wikidata", f"https://www.wikidata.org/wiki/{items.FILM}")
    assert {c.person for c in record.credits if c.role == "director"} == {"Aiko Tanabe"}
    assert {s.name for s in record.scores} == {"Rotten Tomatoes", "Metacritic"}
    choices = await FilmService(catalog_store).autocomplete("lighthouse at")
    assert choices and choices[0].value == film.slug
    # Asked again, it is the same film, not a second copy.
    again = await enrich.find_online(items.TITLE)
    assert again.id == film.id
    state = await enrich.state(film.id)
    assert state.ids.wikidata == items.FILM
    assert state.fetched_at == NOW


async def test_found_online_a_card_film_is_the_card_film(
    catalog_store: Store, enrich: EnrichService, wikidata: FakeWikidata
) -> None:
    wikidata.items["Q90000010"]["claims"]["P345"] = [
        statement(string_snak("P345", "tt9900100", "external-id"))
    ]
    card = await catalog_store.films.summary_by_slug(FILM_SLUG)
    found = await enrich.find_online("100 Meters 2025")
    assert card is not None and found.id == card.id
    assert len(await catalog_store.films.summaries()) == 1


async def test_a_year_picks_among_films_of_one_name(enrich: EnrichService) -> None:
    old = await enrich.find_online(f"{items.TITLE} (1961)")
    assert old.year == 1961


async def test_nothing_found_online_says_so(enrich: EnrichService, wikidata: FakeWikidata) -> None:
    with pytest.raises(NotFound, match="none was found online"):
        await enrich.find_online("qqq no such film")
    wikidata.fail(Fault.server_error(500), action="wbsearchentities")
    with pytest.raises(NotFound) as caught:
        await enrich.find_online("Another")
    assert "Wikidata: answered with an error (500)" in caught.value.message


async def test_an_imported_film_gets_wikidata_beside_imdb(
    catalog_store: Store, enrich: EnrichService
) -> None:
    imdb = Score("IMDb", "average", 7.4, "imdb", date(2026, 3, 1), scale=10, votes=2100)
    summary = await _import(
        catalog_store, ImportedFilm(items.TITLE, 2024, imdb_id=items.IMDB, scores=(imdb,))
    )
    report = await enrich.ensure(summary)
    assert report.fetched
    film = await _film(catalog_store, summary.slug)
    assert [s.key for s in film.sources] == ["imdb", "wikidata"]
    assert {(s.name, s.source) for s in film.scores} == {
        ("IMDb", "imdb"),
        ("Rotten Tomatoes", "wikidata"),
        ("Metacritic", "wikidata"),
    }


async def test_a_curated_card_wins_field_by_field(catalog_store: Store, enrich: EnrichService) -> None:
    before = await _film(catalog_store, FILM_SLUG)
    report = await enrich.ensure(before.summary)
    assert report.fetched and report.state.problems == ()
    after = await _film(catalog_store, FILM_SLUG)
    # The card names a director: Wikidata's is not added. It names no cinematographer: Wikidata's is.
    assert [c for c in after.credits if c.role == "director"] == [
        c for c in before.credits if c.role == "director"
    ]
    assert [(c.person, c.source) for c in after.credits if c.role == "cinematographer"] == [
        ("Kenta Ito", "wikidata")
    ]
    # Wikidata's Rotten Tomatoes has another name than the card's two: shown beside them, cited to it.
    assert ("Rotten Tomatoes", "wikidata") in {(s.name, s.source) for s in after.scores}
    # Its IMDb score gives way to the card's, on the card and in the scores (and their aggregate).
    assert [(s.value, s.source) for s in after.scores if s.name == "IMDb"] == [(8.1, "spokon-article")]
    outside = (await catalog_store.ratings.outside_scores([after.id]))[after.id]
    assert [(s.value, s.source) for s in outside if s.name == "IMDb"] == [(8.1, "spokon-article")]
    assert ("Rotten Tomatoes", "wikidata") in {(s.name, s.source) for s in outside}
    assert all(f in after.facts for f in before.facts)
    assert after.plot == before.plot
    # Loading the card again keeps what was fetched.
    await catalog_store.films.upsert(_changed_card(before))
    reloaded = await _film(catalog_store, FILM_SLUG)
    assert any(c.role == "cinematographer" for c in reloaded.credits)


def _changed_card(film: Film) -> FilmData:
    """The card as it was before enrichment, written again (its aliases dropped: a change)."""
    return FilmData(
        slug=film.slug,
        title=film.title,
        origin="card",
        year=film.year,
        original_title=film.summary.original_title,
        sources=film.sources,
        facts=film.facts,
        credits=film.credits,
        scores=film.scores,
        plot=film.plot,
    )


async def test_fetched_once_within_the_ttl_then_again(
    catalog_store: Store, enrich: EnrichService, wikidata: FakeWikidata, clock: ManualClock
) -> None:
    film = await catalog_store.films.summary_by_slug(FILM_SLUG)
    assert film is not None
    assert await enrich.needs_fetch(film)
    await enrich.ensure(film)
    asked = len(wikidata.log)
    assert not await enrich.needs_fetch(film)
    assert not (await enrich.ensure(film)).fetched
    await clock.advance(timedelta(days=29))
    assert not await enrich.needs_fetch(film)
    await clock.advance(timedelta(days=1))
    assert await enrich.needs_fetch(film)
    assert (await enrich.ensure(film)).fetched
    assert len(wikidata.log) > asked


async def test_wikidata_down_keeps_what_was_fetched_and_says_so(
    catalog_store: Store, enrich: EnrichService, wikidata: FakeWikidata, clock: ManualClock
) -> None:
    film = await catalog_store.films.summary_by_slug(FILM_SLUG)
    assert film is not None
    await enrich.ensure(film)
    await clock.advance(timedelta(days=31))
    wikidata.fail(Fault.server_error(502), times=100)
    report = await enrich.ensure(film)
    assert report.fetched
    assert report.state.problems == ("Wikidata: was unavailable (502), 4 times",)
    assert report.state.fetched_at == NOW  # the last answer, 31 days old, still shown
    shown = status_field(report.state)
    assert shown is not None
    assert shown.value == (
        f"Wikidata <t:{int(NOW.timestamp())}:R>\nCould not fetch: Wikidata: was unavailable (502), 4 times"
    )
    record = await _film(catalog_store, FILM_SLUG)
    assert any(c.role == "cinematographer" for c in record.credits)
    # Failed: asked again after an hour, not only after the TTL.
    assert not await enrich.needs_fetch(film)
    await clock.advance(timedelta(hours=1))
    assert await enrich.needs_fetch(film)
    wikidata.clear_faults()
    recovered = await enrich.ensure(film)
    assert recovered.state.problems == ()
    assert recovered.state.fetched_at == clock.now()


async def test_a_film_wikidata_lacks_is_missing_not_a_problem(
    catalog_store: Store, enrich: EnrichService
) -> None:
    summary = await _import(catalog_store, ImportedFilm("Nobody Knows This One", 1999, imdb_id="tt0999999"))
    report = await enrich.ensure(summary)
    assert report.problems == ("Wikidata has no film item for Nobody Knows This One (1999)",)
    assert report.state.problems == ()  # not a failure: nothing for the card to apologise for
    assert not await enrich.needs_fetch(summary)


async def test_two_members_at_once_make_one_fetch(
    catalog_store: Store, enrich: EnrichService, wikidata: FakeWikidata
) -> None:
    film = await catalog_store.films.summary_by_slug(FILM_SLUG)
    assert film is not None
    first, second = await asyncio.gather(enrich.ensure(film), enrich.ensure(film))
    assert first.fetched and second.fetched
    assert len(wikidata.requests(action="wbsearchentities")) == 1


async def test_a_provider_past_the_budget_is_cut_off(
    catalog_store: Store, wikidata: FakeWikidata, clock: ManualClock
) -> None:
    http = ProviderHttp("Wikidata", timeout=30.0)
    provider = WikidataProvider(wikidata.api, http, clock)
    service = EnrichService(catalog_store, clock, (provider,), budget=0.3, finder=provider)
    wikidata.fail(Fault.timeout(), action="wbsearchentities")
    film = await catalog_store.films.summary_by_slug(FILM_SLUG)
    assert film is not None
    try:
        report = await service.ensure(film)
    finally:
        await service.close()
    assert report.state.problems == ("Wikidata: did not answer within 0.3 s",)


async def test_offline_nothing_is_fetched_or_searched(catalog_store: Store, clock: ManualClock) -> None:
    service = EnrichService(catalog_store, clock, ())
    film = await catalog_store.films.summary_by_slug(FILM_SLUG)
    assert film is not None
    assert not service.enabled
    assert not await service.needs_fetch(film)
    assert not (await service.ensure(film)).fetched
    with pytest.raises(NotFound, match="FILMBOT_ONLINE is off"):
        await service.find_online("anything")


async def test_hooks_get_every_result(catalog_store: Store, enrich: EnrichService) -> None:
    seen: list[tuple[int, str]] = []

    async def hook(film_id: int, result: ProviderResult, at: object) -> None:
        seen.append((film_id, result.provider))

    enrich.on_result(hook)
    film = await catalog_store.films.summary_by_slug(FILM_SLUG)
    assert film is not None
    await enrich.ensure(film)
    assert seen == [(film.id, "Wikidata")]
