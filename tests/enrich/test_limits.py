"""Discord's limits at their edge: a Wikidata item far larger than any real film (hundreds of cast members
and release dates, names at the longest, every provider failing with long sentences) still gives a card
and a scores answer Discord accepts, and the autocomplete's online choice fits whatever is typed."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any, cast

from bot.clock import ManualClock
from bot.enrich.models import ExternalIds, ProviderResult
from bot.enrich.views import ONLINE_PREFIX, OnlineFilmTransformer, add_status
from bot.films import render
from bot.films.models import Credit, Fact, ImportedFilm, Score, Source
from bot.films.service import FilmService
from bot.scores import render as scores_render
from bot.scores.service import ScoreService
from bot.store import Store
from bot.ui import limits
from tests.conftest import NOW
from tests.discord_emulator.validation import validate_autocomplete, validate_message
from tests.spoilers.checks import payload_of

LONG = "Ŵ" * 250
WIKIDATA = Source(
    "wikidata",
    f"item Q1 ({LONG})",
    "wikidata",
    NOW.date(),
    "Wikidata",
    "https://www.wikidata.org/wiki/Q1",
    dated=False,
    licence="CC0 1.0",
)


def _huge() -> ProviderResult:
    facts = [Fact("release", f"20{n % 100:02d}-01-01", "wikidata", f"{LONG} {n}") for n in range(300)]
    facts += [
        Fact(key, f"{LONG} {n}", "wikidata", LONG)
        for key in ("genre", "country", "distributor", "box_office")
        for n in range(60)
    ]
    credits = [
        Credit(f"{LONG} {n}", role, "wikidata", LONG)
        for role in ("director", "cast", "screenplay", "editor")
        for n in range(200)
    ]
    scores = [
        Score(
            f"{LONG[:80]} {n}", "average", 7.0, "wikidata", date(2024, 1, 1), scale=10, votes=10**9, note=LONG
        )
        for n in range(60)
    ]
    return ProviderResult(
        "Wikidata",
        sources=(WIKIDATA,),
        facts=tuple(facts),
        credits=tuple(credits),
        scores=tuple(scores),
        ids=ExternalIds(wikidata="Q1"),
    )


async def test_a_huge_item_and_long_problems_fit_discord(store: Store) -> None:
    clock = ManualClock(NOW)
    await store.catalog.write_batch(
        [ImportedFilm(LONG, 2020, imdb_id="tt0000001")], Source("imdb", "IMDb", "dataset", NOW.date())
    )
    film = await store.enrich.film_named(LONG, 2020, "tt0000001")
    assert film is not None
    await store.enrich.record(film.id, _huge(), NOW)
    await clock.advance(timedelta(days=40))
    for provider in ("Wikipedia", "TMDB"):
        await store.enrich.record(
            film.id, ProviderResult.failed(provider, f"{provider}: {LONG} {LONG}"), clock.now()
        )
    state = await store.enrich.state(film.id)
    assert len(state.problems) == 2
    films = FilmService(store)
    card = render.card_embed(await films.card(film))
    add_status(card, state)
    assert not validate_message(payload_of(embeds=[card])), validate_message(
        payload_of(embeds=[card])
    ).describe()
    summary = await ScoreService(store, films, clock).summary(film, 1)
    scores = add_status(scores_render.scores_embed(summary, chart="chart.png"), state)
    assert not validate_message(payload_of(embeds=[scores]))


class _Enrich:
    finds_online = True


class _Films:
    async def autocomplete(self, query: str) -> list[Any]:
        from bot.films.service import FilmChoice

        return [FilmChoice(f"Film {n} {LONG}"[:100], f"film-{n}") for n in range(25)]


class _Interaction:
    client = type("Bot", (), {"films": _Films(), "enrich": _Enrich()})()


async def test_the_online_choice_fits_whatever_is_typed() -> None:
    transformer = OnlineFilmTransformer()
    for typed in ("ab", "x" * 100, "Ŵ" * 100, "  spaced   out  title  "):
        choices = await transformer.autocomplete(cast(Any, _Interaction()), typed)
        assert len(choices) == limits.AUTOCOMPLETE_CHOICES
        online = choices[-1]
        assert online.name.startswith("Search Wikidata for “")
        assert str(online.value).startswith(ONLINE_PREFIX)
        payload = {"choices": [{"name": c.name, "value": c.value} for c in choices]}
        assert not validate_autocomplete(payload), payload
    assert (await transformer.autocomplete(cast(Any, _Interaction()), "a"))[
        -1
    ].value == "film-24"  # too short
