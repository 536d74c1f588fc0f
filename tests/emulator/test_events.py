"""Guild scheduled events and channel reads through the unmodified discord.py client."""

from __future__ import annotations

import datetime as dt

import discord
import pytest

from tests.discord_emulator import Driver, Emulator

from .minibot import RunningBot


def guild_of(emulator: Emulator, minibot: RunningBot) -> discord.Guild:
    guild = minibot.bot.get_guild(emulator.world.guild.id)
    assert guild is not None
    return guild


async def test_voice_event_lifecycle(emulator: Emulator, minibot: RunningBot, driver: Driver) -> None:
    guild = guild_of(emulator, minibot)
    voice = guild.get_channel(emulator.world.channels["Screening Room"].id)
    assert isinstance(voice, discord.VoiceChannel)
    start = discord.utils.utcnow() + dt.timedelta(hours=3)
    event = await guild.create_scheduled_event(
        name="Watch party", start_time=start, channel=voice, privacy_level=discord.PrivacyLevel.guild_only
    )
    assert event.entity_type == discord.EntityType.voice and event.channel_id == voice.id
    stored = emulator.state.scheduled_events[event.id]
    assert stored["creator_id"] == str(emulator.state.bot.id) and stored["status"] == 1
    edited = await event.edit(name="Watch party: 100 Meters", description="Bring snacks")
    assert edited.name == "Watch party: 100 Meters" and stored["description"] == "Bring snacks"
    started = await edited.start()
    assert started.status == discord.EventStatus.active
    await driver.as_member("member3").event_user_add(event.id)
    fetched = await guild.fetch_scheduled_event(event.id, with_counts=True)
    assert fetched.user_count == 1
    assert [e.id for e in await guild.fetch_scheduled_events()] == [event.id]
    await fetched.delete()
    assert event.id not in emulator.state.scheduled_events


async def test_invalid_events_are_rejected(emulator: Emulator, minibot: RunningBot) -> None:
    guild = guild_of(emulator, minibot)
    past = discord.utils.utcnow() - dt.timedelta(hours=1)
    with emulator.expect_errors(50035) as seen, pytest.raises(discord.HTTPException) as info:
        await guild.create_scheduled_event(
            name="Too late",
            start_time=past,
            end_time=past + dt.timedelta(hours=2),
            entity_type=discord.EntityType.external,
            location="Cinema",
            privacy_level=discord.PrivacyLevel.guild_only,
        )
    assert info.value.status == 400 and info.value.code == 50035
    assert "scheduled_start_time" in seen[0].detail
    future = discord.utils.utcnow() + dt.timedelta(days=1)
    with emulator.expect_errors(50035), pytest.raises(discord.HTTPException):
        await guild.create_scheduled_event(
            name="x" * 101,
            start_time=future,
            end_time=future + dt.timedelta(hours=2),
            entity_type=discord.EntityType.external,
            location="Cinema",
            privacy_level=discord.PrivacyLevel.guild_only,
        )


async def test_fetch_channel_guild_and_member(
    emulator: Emulator, minibot: RunningBot, driver: Driver
) -> None:
    bot = minibot.bot
    spoilers = await bot.fetch_channel(emulator.world.channels["spoilers"].id)
    assert isinstance(spoilers, discord.TextChannel) and spoilers.topic == "Spoilers allowed here"
    guild = await bot.fetch_guild(emulator.world.guild.id, with_counts=True)
    assert guild.approximate_member_count == len(emulator.world.guild.members)
    owner = await guild.fetch_member(emulator.world.owner.user.id)
    assert owner.id == guild.owner_id
    with pytest.raises(PermissionError, match="cannot see #mod-log"):
        await driver.in_channel("mod-log").slash("film", title="100 Meters")
    result = await driver.as_member("moderator", channel="mod-log").slash("film", title="100 Meters")
    assert result.answered
