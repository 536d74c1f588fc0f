"""End-to-end: the real filmbot, unmodified discord.py, and the loopback Discord emulator."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from bot.database_url import DatabaseLocation
from tests.discord_emulator import Driver, Emulator
from tests.discord_emulator.botrunner import InProcessBot


async def test_film_card_for_slug(emulator: Emulator, filmbot: Any, driver: Driver) -> None:
    result = await driver.slash("film", title="100-meters")
    assert result.callback_type == 4
    assert not result.ephemeral
    assert "100 Meters" in result.embed["title"]
    assert result.latency is not None  # answered (the emulator refuses callbacks after the deadline)


async def test_autocomplete_finds_100_meters(emulator: Emulator, filmbot: Any, driver: Driver) -> None:
    choices = await driver.autocomplete("film", "title", "100 m")
    assert choices.callback_type == 8
    assert choices.names and choices.names[0].startswith("100 Meters")


async def test_autocomplete_by_original_title(emulator: Emulator, filmbot: Any, driver: Driver) -> None:
    choices = await driver.autocomplete("film", "title", "hyakuemu")
    assert choices.names and choices.names[0].startswith("100 Meters")


async def test_typo_still_finds_the_film(emulator: Emulator, filmbot: Any, driver: Driver) -> None:
    result = await driver.slash("film", title="100 metrs")
    assert not result.ephemeral
    assert "100 Meters" in result.embed["title"]


async def test_unknown_title_answers_ephemerally(emulator: Emulator, filmbot: Any, driver: Driver) -> None:
    result = await driver.slash("film", title="zzzz no such film qqq")
    assert result.answered
    assert result.ephemeral
    assert "zzzz no such film qqq" in result.text
    assert not driver.messages()  # nothing visible to the channel


async def test_card_button_posted_before_a_restart_still_works(
    emulator: Emulator, filmbot: Any, driver: Driver
) -> None:
    film = await filmbot.bot.films.resolve("100-meters")
    button = {"type": 2, "style": 2, "label": "100 Meters", "custom_id": f"filmbot:film:card:{film.id}"}
    posted = emulator.seed_message(
        "film-night", "Tonight's film", components=[{"type": 1, "components": [button]}]
    )
    await filmbot.restart()
    opened = await driver.in_channel("film-night").click(posted, label="100 Meters")
    assert opened.callback_type == 4 and opened.ephemeral
    assert "100 Meters" in opened.embed["title"]


async def test_guild_scoped_sync(emulator: Emulator, tmp_path: Path, db_location: DatabaseLocation) -> None:
    runner = InProcessBot(emulator, db_location, FILMBOT_GUILD_IDS=str(emulator.world.guild.id))
    await runner.start()
    try:
        assert "film" in [c["name"] for c in emulator.state.commands[emulator.world.guild.id]]
        assert emulator.calls("PUT", "/applications/*/guilds/*/commands")
        result = await emulator.driver.slash("film", title="100-meters")
        assert result.interaction.payload["data"]["guild_id"] == str(emulator.world.guild.id)
        assert "100 Meters" in result.embed["title"]
    finally:
        await runner.stop()
