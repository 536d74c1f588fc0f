"""End-to-end: the real filmbot, unmodified discord.py, and the loopback Discord emulator."""

from __future__ import annotations

from typing import Any

from tests.discord_emulator import Driver, Emulator


async def test_film_card_for_slug(emulator: Emulator, filmbot: Any, driver: Driver) -> None:
    result = await driver.slash("film", title="100-meters")
    assert result.callback_type == 4
    assert not result.ephemeral
    assert "100 Meters" in result.embed["title"]
    assert result.latency is not None and result.latency < 1.0


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
