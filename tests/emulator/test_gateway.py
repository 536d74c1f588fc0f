"""Gateway behaviour with an unmodified discord.py client: READY, heartbeats, resume, invalid session."""

from __future__ import annotations

import asyncio
import datetime as dt
import math

import discord

from tests.discord_emulator import Driver, Emulator

from .minibot import RunningBot


async def test_heartbeat_is_acknowledged(emulator: Emulator, minibot: RunningBot) -> None:
    # discord.py heartbeats right after HELLO, so the ACK arrived before READY.
    assert emulator.gateway.heartbeats >= 1
    assert math.isfinite(minibot.bot.latency)  # a heartbeat was acknowledged


async def test_guild_create_without_members_intent_sends_only_the_bot(
    emulator: Emulator, minibot: RunningBot
) -> None:
    guild = minibot.bot.get_guild(emulator.world.guild.id)
    assert guild is not None
    assert guild.member_count == len(emulator.world.guild.members)
    assert [m.id for m in guild.members] == [emulator.state.bot.id]
    assert guild.me.guild_permissions.manage_events


async def test_sequence_numbers_increase_and_client_tracks_them(
    emulator: Emulator, minibot: RunningBot
) -> None:
    session = emulator.gateway.current_session
    assert session is not None
    sequences = [frame["s"] for frame in session.buffer]
    assert sequences == list(range(1, len(sequences) + 1))
    assert [frame["t"] for frame in session.buffer[:2]] == ["READY", "GUILD_CREATE"]
    assert minibot.bot.ws.sequence == session.seq


async def test_resume_after_unclean_drop_replays_missed_events(
    emulator: Emulator, minibot: RunningBot, driver: Driver
) -> None:
    guild = minibot.bot.get_guild(emulator.world.guild.id)
    assert guild is not None and guild.get_channel(emulator.world.channels["spoilers"].id) is not None
    deleted = asyncio.ensure_future(minibot.bot.wait_for("guild_channel_delete", timeout=5))
    await emulator.gateway.drop()  # abort the TCP stream, no close frame
    await emulator.wait_for(lambda: not emulator.gateway.connected, what="the disconnect")
    # Dispatched while the bot is away: buffered, then replayed by RESUME.
    await driver.delete_channel("spoilers")
    channel = await deleted
    assert channel.name == "spoilers"
    assert emulator.gateway.resumes == 1
    assert emulator.gateway.identifies == 1
    session = emulator.gateway.current_session
    assert session is not None and minibot.bot.ws.sequence == session.seq
    assert session.buffer[-1]["t"] == "RESUMED"
    result = await driver.slash("film", title="Hyakuemu")
    assert result.embed["title"] == "Hyakuemu"


async def test_resume_after_close_code_4000(emulator: Emulator, minibot: RunningBot, driver: Driver) -> None:
    await emulator.gateway.drop(code=4000)
    await emulator.wait_for(lambda: emulator.gateway.resumes == 1, what="a RESUME")
    assert emulator.gateway.identifies == 1
    assert (await driver.slash("film", title="100 Meters")).answered


async def test_refused_resume_leads_to_fresh_identify(
    emulator: Emulator, minibot: RunningBot, driver: Driver
) -> None:
    emulator.gateway.refuse_next_resume()
    await emulator.gateway.drop()
    await emulator.wait_for(lambda: emulator.gateway.identifies == 2, timeout=10, what="a fresh IDENTIFY")
    assert emulator.gateway.invalidated == 1
    assert emulator.gateway.resumes == 0
    await emulator.wait_for(lambda: emulator.gateway.connected, what="the new session")
    assert (await driver.slash("film", title="100 Meters")).embed["title"] == "100 Meters"


async def test_reconnect_opcode_resumes(emulator: Emulator, minibot: RunningBot) -> None:
    await emulator.gateway.send_reconnect()
    await emulator.wait_for(lambda: emulator.gateway.resumes == 1, what="a RESUME after op 7")


async def test_custom_dispatch_reaches_the_client(
    emulator: Emulator, minibot: RunningBot, driver: Driver
) -> None:
    created = await minibot.bot.get_guild(emulator.world.guild.id).create_scheduled_event(  # type: ignore[union-attr]
        name="Movie night",
        start_time=discord.utils.utcnow() + dt.timedelta(days=1),
        end_time=discord.utils.utcnow() + dt.timedelta(days=1, hours=2),
        entity_type=discord.EntityType.external,
        privacy_level=discord.PrivacyLevel.guild_only,
        location="The old cinema",
    )
    event_types: list[str] = []
    got_it = asyncio.Event()

    async def on_socket_event_type(event_type: str) -> None:
        event_types.append(event_type)
        if event_type == "GUILD_SCHEDULED_EVENT_USER_ADD":
            got_it.set()

    minibot.bot.add_listener(on_socket_event_type)
    await driver.as_member("member2").event_user_add(created.id)
    await asyncio.wait_for(got_it.wait(), 5)
    seen = [emulator.world.members[1].user.id]
    users = [u async for u in created.users()]
    assert [u.id for u in users] == seen
