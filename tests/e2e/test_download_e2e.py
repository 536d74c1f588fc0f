"""End to end: IMDb's datasets from the local dataset server reach ``/film`` through the Discord emulator,
downloaded by ``filmbot films download imdb`` before the bot starts, or by the bot's own scheduled refresh
while it runs (no restart)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.database_url import DatabaseLocation
from tests.catalog._dataset_server import DatasetServer, dataset, serving
from tests.discord_emulator import Driver, Emulator
from tests.discord_emulator.botrunner import InProcessBot
from tests.startup._cli import environment, filmbot


@pytest.fixture
async def server() -> AsyncIterator[DatasetServer]:
    async with serving(dataset()) as served:
        yield served


async def test_download_then_run_finds_the_films(
    emulator: Emulator, driver: Driver, server: DatasetServer, tmp_path: Path, db_location: DatabaseLocation
) -> None:
    database = db_location
    done = await filmbot(
        "films", "download", "imdb",
        env=environment(database, FILMBOT_IMDB_DATASETS_URL=server.url), cwd=tmp_path,
    )  # fmt: skip
    assert done.status == 0, done.stderr
    runner = InProcessBot(emulator, database)
    await runner.start()
    try:
        choices = await driver.autocomplete("film", "title", "life is beau")
        assert choices.names[0] == "Life Is Beautiful (1997) · La vita è bella"
        card = await driver.slash("film", title=choices.values[0])
        assert card.embed["title"] == "Life Is Beautiful (1997)"
        shown = str(card.embed)
        assert "Roberto Benigni" in shown and "Vincenzo Cerami" in shown
        assert "IMDb non-commercial datasets" in shown
    finally:
        await runner.stop()


async def test_the_running_bot_refreshes_and_finds_the_new_films_without_a_restart(
    emulator: Emulator, driver: Driver, server: DatasetServer, tmp_path: Path, db_location: DatabaseLocation
) -> None:
    runner = InProcessBot(
        emulator,
        db_location,
        FILMBOT_IMDB_DATASETS_URL=server.url,
        FILMBOT_IMDB_REFRESH="weekly",
    )
    bot = await runner.start()
    try:
        # Never refreshed: the refresh is due at once, and runs as soon as the bot is ready.
        await asyncio.wait_for(bot.timers.idle(), 120)
        choices = await driver.autocomplete("film", "title", "princess bri")
        assert choices.names[0] == "The Princess Bride (1987)"
        card = await driver.slash("film", title="solaris 1972")
        assert card.embed["title"] == "Solaris (1972)"
        assert "Andrei Tarkovsky" in str(card.embed)
    finally:
        await runner.stop()
