from __future__ import annotations

from tests.discord_emulator import Driver, Emulator

from .minibot import RunningBot


async def test_ready_and_guild_create(emulator: Emulator, minibot: RunningBot) -> None:
    bot = minibot.bot
    guild = bot.get_guild(emulator.world.guild.id)
    assert guild is not None
    assert {c.name for c in guild.text_channels} >= {"general", "spoilers", "film-night"}
    assert len(guild.voice_channels) == 1
    moderator = guild.get_role(emulator.world.moderator_role.id)
    assert moderator is not None and moderator.permissions.manage_events
    assert guild.owner_id == emulator.world.owner.user.id
    assert bot.application_id == emulator.state.application_id
    assert emulator.gateway.identifies == 1


async def test_slash_roundtrip(emulator: Emulator, minibot: RunningBot, driver: Driver) -> None:
    result = await driver.slash("film", title="100 Meters", year=2025)
    assert result.callback_type == 4
    assert result.embed["title"] == "100 Meters"
    assert "2025" in result.embed["description"]
    assert result.latency is not None  # answered (the emulator refuses callbacks after the deadline)
