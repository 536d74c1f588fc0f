"""End to end through the Discord emulator: what TMDB gave (read from a local TMDB by the real provider)
on ``/film``: the poster as the thumbnail, **Where to watch (<country>)** for the server's region with
JustWatch's credit, TMDB's notice in the footer; the line when no region is set, the plain sentence when the
country has no offers; and with no key, nothing of TMDB shown and nothing asked of it."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from bot.clock import ManualClock
from bot.enrich.models import ExternalIds, FilmRef
from bot.enrich.tmdb import TmdbProvider, tmdb_http
from bot.settings import Secret
from bot.watch.render import JUSTWATCH, TMDB_NOTICE
from tests.conftest import NOW
from tests.discord_emulator import Driver, Emulator
from tests.discord_emulator.botrunner import InProcessBot
from tests.tmdb.fake_tmdb import FakeTmdb
from tests.tmdb.fixtures import HUNDRED_METERS, V3_KEY


@pytest.fixture
async def tmdb() -> AsyncIterator[FakeTmdb]:
    async with FakeTmdb() as server:
        yield server


def offline_elsewhere() -> dict[str, str]:
    """Wikidata and Wikipedia at a closed local port: only TMDB is under test here."""
    return {
        "FILMBOT_WIKIDATA_API": "http://127.0.0.1:9/w/api.php",
        "FILMBOT_WIKIPEDIA_API": "http://127.0.0.1:9/w",
    }


async def start(emulator: Emulator, tmp_path: Path, tmdb: FakeTmdb, **env: str) -> InProcessBot:
    runner = InProcessBot(
        emulator, tmp_path / "filmbot.sqlite3", FILMBOT_TMDB_API=tmdb.url,
        FILMBOT_TMDB_IMAGES=f"{tmdb.url}/t/p", **offline_elsewhere(), **env,
    )  # fmt: skip
    await runner.start()
    return runner


async def read_tmdb(runner: InProcessBot, tmdb: FakeTmdb) -> str:
    """What the fetch-through does for TMDB: the provider reads the film, the bot keeps poster and offers.
    Returns the poster's address."""
    bot = runner.bot
    film = await bot.films.resolve("100-meters")
    clock = ManualClock(NOW)
    provider = TmdbProvider(tmdb.url, Secret(V3_KEY), tmdb_http("", clock), clock, images=f"{tmdb.url}/t/p")
    try:
        ref = FilmRef(film.id, film.title, film.year, ExternalIds(imdb=HUNDRED_METERS.imdb_id))
        result = await provider.fetch(ref, ())
    finally:
        await provider.close()
    assert result.status == "ok" and result.poster_url
    await bot.watch.record(film.id, result, NOW)
    return result.poster_url


def fields(shown: Any) -> dict[str, str]:
    return {f["name"]: f["value"] for f in shown.embed["fields"]}


async def test_card_shows_poster_and_where_to_watch_for_the_region(
    emulator: Emulator, driver: Driver, tmdb: FakeTmdb, tmp_path: Path
) -> None:
    runner = await start(emulator, tmp_path, tmdb, TMDB_API_KEY=V3_KEY)
    try:
        poster = await read_tmdb(runner, tmdb)
        unset = await driver.slash("film", title="100-meters")
        assert unset.embed["thumbnail"]["url"] == poster
        assert "`/settings region`" in fields(unset)["Where to watch"]
        assert unset.embed["footer"]["text"].endswith(TMDB_NOTICE)

        await driver.as_member("owner").slash("settings", "region", country="us")
        card = await driver.slash("film", title="100-meters")
        where = fields(card)["Where to watch (United States)"]
        us = HUNDRED_METERS.watch["US"]
        assert f"**Stream:** {', '.join(us.flatrate)}" in where and f"**Rent:** {', '.join(us.rent)}" in where
        assert f"[All offers on TMDB]({us.link})" in where and where.endswith(JUSTWATCH)
        names = [f["name"] for f in card.embed["fields"]]
        assert names.index("Where to watch (United States)") == names.index("Scores") + 1

        await driver.as_member("owner").slash("settings", "region", country="France")
        france = fields(await driver.slash("film", title="100-meters"))["Where to watch (France)"]
        assert france.startswith("Not offered to stream, rent or buy in France")
        # Changing the region asked TMDB nothing more: every country's offers were kept.
        assert len(tmdb.log) == 2
    finally:
        await runner.stop()


async def test_without_a_key_nothing_of_tmdb_is_shown_or_asked(
    emulator: Emulator, driver: Driver, tmdb: FakeTmdb, tmp_path: Path
) -> None:
    runner = await start(emulator, tmp_path, tmdb)
    try:
        assert not runner.bot.watch.enabled
        await read_tmdb(runner, tmdb)  # even with offers kept from a time the bot had a key
        asked = len(tmdb.log)
        await driver.as_member("owner").slash("settings", "region", country="US")
        card = await driver.slash("film", title="100-meters")
        assert "thumbnail" not in card.embed
        assert not any(name.startswith("Where to watch") for name in fields(card))
        assert TMDB_NOTICE not in card.embed["footer"]["text"]
        assert len(tmdb.log) == asked  # the bot itself asked TMDB nothing
    finally:
        await runner.stop()
