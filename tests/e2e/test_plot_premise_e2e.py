"""End to end: /plot of a film TMDB and Wikipedia both know, with the real filmbot online against a local
TMDB, Wikidata and Wikipedia, through the Discord emulator.

TMDB's overview (spoiler-free by design) is the premise, in the clear, cited to TMDB, with TMDB's notice in
the footer; Wikipedia's phases follow behind spoiler tags with their CC BY-SA attribution; the spoiler leak
checker passes on every message. A curated card's premise wins over TMDB's overview; without a TMDB key
nothing of TMDB's is shown."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from bot.films.models import ImportedFilm, Source
from bot.spoilers import render
from bot.where_to_watch.render import TMDB_NOTICE
from tests.discord_emulator import Driver, Emulator
from tests.discord_emulator.botrunner import InProcessBot
from tests.e2e.online import start_online
from tests.enrich.fake_wikipedia import FILM_ARTICLE, FakeWikipedia
from tests.enrich.wikidata_server import FakeWikidata
from tests.spoilers.checks import assert_no_spoiler_leak, segments, visible
from tests.tmdb.fake_tmdb import FakeTmdb
from tests.tmdb.fixtures import DUNE_1984, HUNDRED_METERS, V3_KEY

IMDB_SOURCE = Source("imdb", "IMDb non-commercial datasets", "dataset", date(2026, 3, 1))
ARTICLE = "Dune (1984 film)"
REVISION = 4_200_001


@pytest.fixture
async def wikipedia() -> AsyncIterator[FakeWikipedia]:
    async with FakeWikipedia() as server:  # Dune's article, found by its title
        server.page(ARTICLE, FILM_ARTICLE, revid=REVISION)
        yield server


Start = Callable[..., Awaitable[InProcessBot]]


@pytest.fixture
def start(
    emulator: Emulator, tmp_path: Path, tmdb: FakeTmdb, wikidata: FakeWikidata, wikipedia: FakeWikipedia
) -> Start:
    """Starts filmbot online (``env``: settings such as a key), its catalog holding Dune (1984) as imported
    from IMDb's datasets."""

    async def started(**env: str) -> InProcessBot:
        runner = await start_online(emulator, tmp_path, tmdb, wikidata, wikipedia, **env)
        dune = ImportedFilm(DUNE_1984.title, DUNE_1984.year, imdb_id=DUNE_1984.imdb_id)
        await runner.bot.store.catalog.write_batch([dune], IMDB_SOURCE)
        return runner

    return started


async def plot_texts(runner: InProcessBot, slug: str) -> list[str]:
    film = await runner.bot.films.resolve(slug)
    return [s.text for s in (await runner.bot.store.spoilers.plot(film.id)).sections]


def fields(message: Any) -> list[dict[str, str]]:
    return list(message.embed.get("fields", []))


async def test_plot_shows_tmdbs_overview_as_the_premise_beside_wikipedias_phases(
    start: Start, driver: Driver
) -> None:
    runner = await start(TMDB_API_KEY=V3_KEY)
    try:
        result = await driver.slash("plot", film="dune-1984")
        assert result.callback_type == 5 and result.ephemeral and not result.content  # fetched first
        secrets = await plot_texts(runner, "dune-1984")
        assert secrets and DUNE_1984.overview not in secrets  # never cut out of (or into) plot text
        description = result.embed["description"]
        assert visible(description).startswith(DUNE_1984.overview)  # in the clear: spoiler-free by design
        assert (
            f"*Premise: TMDB's overview of “[Dune (1984)](https://www.themoviedb.org/movie/{DUNE_1984.id})”.*"
            in (description)
        )
        assert description.endswith(f"*{render.HINT}*")
        assert result.embed["footer"]["text"] == f"{render.FOOTER} · {TMDB_NOTICE}"
        *phases, source = fields(result.message)
        assert phases and all(f["value"].startswith("||") and f["value"].endswith("||") for f in phases)
        assert source["name"] == render.SOURCE_FIELD and all(
            not hidden for _, hidden in segments(source["value"])
        )
        assert source["value"].startswith(f"Plot from Wikipedia's article “[{ARTICLE}](")
        assert f"(revision {REVISION}), [CC BY-SA 4.0](" in source["value"]
        assert_no_spoiler_leak(result.message.raw, secrets, allowed=[DUNE_1984.overview])

        # Up to the premise only, then Next phase: the premise once, its notice with it.
        first = await driver.slash("plot", film="dune-1984", upto="Premise")
        assert visible(first.embed["description"]).startswith(DUNE_1984.overview) and not fields(
            first.message
        )
        following = await driver.click(first, label=f"Next phase: {phases[0]['name']}")
        assert [f["name"] for f in fields(following.message)][:1] == [phases[0]["name"]]
        assert_no_spoiler_leak(following.message.raw, secrets, allowed=[DUNE_1984.overview])

        # The curated card's own premise wins over TMDB's overview (read when its card was opened).
        await driver.slash("film", title="100-meters")
        meters = await driver.slash("plot", film="100-meters")
        assert HUNDRED_METERS.overview not in str(meters.message.raw)
        assert TMDB_NOTICE not in meters.embed["footer"]["text"]
        assert meters.embed["description"] and "Premise: TMDB" not in meters.embed["description"]
    finally:
        await runner.stop()


async def test_without_a_key_plot_shows_no_premise_of_tmdbs(
    start: Start, driver: Driver, tmdb: FakeTmdb
) -> None:
    runner = await start()
    try:
        result = await driver.slash("plot", film="dune-1984")
        assert not tmdb.log
        assert result.embed["description"] == f"*{render.HINT}*"  # the phases only, no premise
        assert result.embed["footer"]["text"] == render.FOOTER
        assert_no_spoiler_leak(result.message.raw, await plot_texts(runner, "dune-1984"))
    finally:
        await runner.stop()
