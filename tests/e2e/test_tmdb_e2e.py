"""End to end: the real filmbot online with a TMDB key, against a local TMDB and a local Wikidata, through
the Discord emulator.

``/film`` fetches first and shows TMDB's poster as the thumbnail, **Where to watch (<country>)** for the
server's region with JustWatch's credit, TMDB's notice in the footer and TMDB's overview where the film has
no premise of its own; ``/scores`` shows TMDB's vote beside the others; a region change needs no request;
TMDB down or refusing the key leaves the card with what is known and a line saying so; without a key,
nothing of TMDB is shown and nothing is asked of it."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from bot.films.models import ImportedFilm, Source
from bot.where_to_watch.render import JUSTWATCH, TMDB_NOTICE
from tests.discord_emulator import Driver, Emulator
from tests.discord_emulator.botrunner import InProcessBot
from tests.e2e.online import start_online
from tests.enrich.fake_api import Fault
from tests.enrich.fake_wikipedia import FakeWikipedia
from tests.enrich.wikidata_server import FakeWikidata
from tests.tmdb.fake_tmdb import FakeTmdb, rate_limited
from tests.tmdb.fixtures import DUNE_1984, HUNDRED_METERS, V3_KEY

IMDB_SOURCE = Source("imdb", "IMDb non-commercial datasets", "dataset", date(2026, 3, 1))


@pytest.fixture
async def wikipedia() -> AsyncIterator[FakeWikipedia]:
    async with FakeWikipedia() as server:  # an empty wiki, answering: none of these films has an article
        yield server


@pytest.fixture
async def keyed(
    emulator: Emulator, tmp_path: Path, tmdb: FakeTmdb, wikidata: FakeWikidata, wikipedia: FakeWikipedia
) -> AsyncIterator[InProcessBot]:
    runner = await start_online(emulator, tmp_path, tmdb, wikidata, wikipedia, TMDB_API_KEY=V3_KEY)
    try:
        yield runner
    finally:
        await runner.stop()


def fields(shown: Any) -> dict[str, str]:
    return {f["name"]: f["value"] for f in shown.embed.get("fields", [])}


async def test_card_fetches_tmdb_and_shows_poster_and_where_to_watch(
    keyed: InProcessBot, driver: Driver, tmdb: FakeTmdb
) -> None:
    owner = driver.as_member("owner")
    await owner.slash("settings", "region", country="us")
    card = await driver.slash("film", title="100-meters")
    assert card.deferred and not card.ephemeral
    # The card has no IMDb id: TMDB is searched by title and year, then read once.
    assert [r.path for r in tmdb.log] == ["/3/search/movie", f"/3/movie/{HUNDRED_METERS.id}"]
    assert tmdb.log[0].query["query"] == "100 Meters" and tmdb.log[0].query["year"] == "2025"
    assert all(r.query["api_key"] == V3_KEY for r in tmdb.log)
    assert card.embed["thumbnail"]["url"] == f"{tmdb.url}/t/p/w342{HUNDRED_METERS.poster_path}"
    where = fields(card)["Where to watch (United States)"]
    us = HUNDRED_METERS.watch["US"]
    assert f"**Stream:** {', '.join(us.flatrate)}" in where and f"**Buy:** {', '.join(us.buy)}" in where
    assert f"[All offers on TMDB]({us.link})" in where and where.endswith(JUSTWATCH)
    assert card.embed["footer"]["text"].endswith(TMDB_NOTICE)
    assert "TMDB <t:" in fields(card)["Fetched online"]
    # The curated card keeps its own premise, director and runtime: TMDB's do not replace them.
    assert HUNDRED_METERS.overview not in card.embed["description"]
    assert fields(card)["Director"].startswith("Kenji Iwaisawa")

    # Another country: the offers kept from the same read, no new request.
    await owner.slash("settings", "region", country="Japan")
    japan = await driver.slash("film", title="100-meters")
    assert "**Rent:** U-NEXT" in fields(japan)["Where to watch (Japan)"]
    await owner.slash("settings", "region", country="FR")
    france = fields(await driver.slash("film", title="100-meters"))["Where to watch (France)"]
    assert france.startswith("Not offered to stream, rent or buy in France")
    await owner.slash("settings", "region", clear=True)
    assert "`/settings region`" in fields(await driver.slash("film", title="100-meters"))["Where to watch"]
    assert len(tmdb.log) == 2

    # Kept in the store: after a restart the card shows them without asking TMDB again.
    await owner.slash("settings", "region", country="GB")
    await keyed.restart()
    again = await driver.slash("film", title="100-meters")
    assert again.embed["thumbnail"]["url"] == card.embed["thumbnail"]["url"]
    assert fields(again)["Where to watch (United Kingdom)"].startswith("**Stream:** Netflix")
    assert len(tmdb.log) == 2


async def test_scores_show_tmdbs_vote_beside_the_others(keyed: InProcessBot, driver: Driver) -> None:
    shown = await driver.slash("scores", film="100-meters")
    ratings = fields(shown)["Ratings, each on its own scale"]
    assert f"TMDB: **{round(HUNDRED_METERS.vote_average, 1)}**/10" in ratings
    assert "IMDb: **8.1**/10" in ratings and "Letterboxd: **3.8**/5" in ratings
    assert shown.embed["footer"]["text"].endswith(TMDB_NOTICE)  # TMDB's data is shown: its notice too


async def test_an_imported_film_gets_tmdbs_overview_as_its_premise(
    keyed: InProcessBot, driver: Driver, tmdb: FakeTmdb
) -> None:
    dune = ImportedFilm(DUNE_1984.title, DUNE_1984.year, imdb_id=DUNE_1984.imdb_id)
    await keyed.bot.store.catalog.write_batch([dune], IMDB_SOURCE)
    card = await driver.slash("film", title="dune-1984")
    assert [r.path for r in tmdb.log] == [f"/3/find/{DUNE_1984.imdb_id}", f"/3/movie/{DUNE_1984.id}"]
    cited = re.search(r"\[(\d+)\] TMDB: Dune \(1984\)", card.embed["footer"]["text"])
    assert cited is not None
    number = int(cited[1])
    assert card.embed["description"] == f"{DUNE_1984.overview} [{number}]"
    assert fields(card)["Runtime"] == f"{DUNE_1984.runtime} min [{number}]"


async def test_tmdb_down_or_refusing_the_key_leaves_the_card_with_what_is_known(
    keyed: InProcessBot, driver: Driver, tmdb: FakeTmdb
) -> None:
    await driver.as_member("owner").slash("settings", "region", country="US")
    tmdb.fail(Fault.server_error(500), times=1000)
    down = await driver.slash("film", title="100-meters")
    assert down.embed["title"] == "100 Meters (2025)" and fields(down)["Director"].startswith(
        "Kenji Iwaisawa"
    )
    assert "Could not fetch: TMDB: answered with an error (500)" in fields(down)["Fetched online"]
    assert "thumbnail" not in down.embed and not any(n.startswith("Where to watch") for n in fields(down))


async def test_a_429_is_waited_out_as_tmdb_asks(keyed: InProcessBot, driver: Driver, tmdb: FakeTmdb) -> None:
    tmdb.fail(rate_limited("1"), times=1, path=f"/3/movie/{HUNDRED_METERS.id}")
    card = await driver.slash("film", title="100-meters")
    assert [r.status for r in tmdb.log] == [200, 429, 200]
    assert "thumbnail" in card.embed and "Could not fetch" not in fields(card).get("Fetched online", "")


async def test_a_wrong_key_is_a_line_naming_the_setting(
    emulator: Emulator,
    driver: Driver,
    tmdb: FakeTmdb,
    wikidata: FakeWikidata,
    wikipedia: FakeWikipedia,
    tmp_path: Path,
) -> None:
    runner = await start_online(emulator, tmp_path, tmdb, wikidata, wikipedia, TMDB_API_KEY="f" * 32)
    try:
        card = await driver.slash("film", title="100-meters")
        status = fields(card)["Fetched online"]
        assert "TMDB: refused this bot's API key (401" in status and "TMDB\\_API\\_KEY" in status
        assert "f" * 32 not in str(card.embed)
        assert [r.status for r in tmdb.log] == [401]
    finally:
        await runner.stop()


async def test_without_a_key_nothing_of_tmdb_is_shown_or_asked(
    emulator: Emulator,
    driver: Driver,
    tmdb: FakeTmdb,
    wikidata: FakeWikidata,
    wikipedia: FakeWikipedia,
    tmp_path: Path,
) -> None:
    runner = await start_online(emulator, tmp_path, tmdb, wikidata, wikipedia)
    try:
        await driver.as_member("owner").slash("settings", "region", country="US")
        card = await driver.slash("film", title="100-meters")
        assert wikidata.log  # the bot is online: Wikidata was asked
        assert tmdb.log == []  # TMDB was not
        assert "thumbnail" not in card.embed
        assert not any(name.startswith("Where to watch") for name in fields(card))
        assert TMDB_NOTICE not in card.embed["footer"]["text"]
    finally:
        await runner.stop()
