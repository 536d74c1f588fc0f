"""The emulator's shards: GET /gateway/bot, IDENTIFY with [shard_id, shard_count], guilds routed by
``(guild_id >> 22) % shard_count``, each shard's connection dropped and resumed on its own, 4010 and 4011."""

from __future__ import annotations

import asyncio
import dataclasses
import json
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import discord
import pytest

from tests.discord_emulator import Emulator
from tests.discord_emulator.gateway import Session
from tests.discord_emulator.world import build_default_world, shard_of

from .minibot import RunningBot, start_minibot

GUILDS = 6


@pytest.fixture
async def emulator() -> AsyncIterator[Emulator]:
    """Six film clubs, dealt out over the shards like guilds created a millisecond apart."""
    async with Emulator(guilds=GUILDS) as emu:
        yield emu
    emu.assert_clean()


@pytest.fixture
async def sharded(emulator: Emulator) -> AsyncIterator[RunningBot]:
    running = await start_minibot(emulator, shard_count=2)
    try:
        yield running
    finally:
        await running.stop()


def frames(session: Session, event: str) -> list[dict[str, Any]]:
    return [frame["d"] for frame in session.buffer if frame["t"] == event]


def live(emulator: Emulator, shard_id: int) -> Session:
    session = emulator.gateway.session_for(shard_id)
    assert session is not None, f"shard {shard_id} has no live session"
    return session


class RawGateway:
    """A bare websocket client: IDENTIFY as told, then read what the gateway sends (or how it closes)."""

    def __init__(self, emulator: Emulator) -> None:
        self.emulator = emulator

    async def identify(self, shard: Any = None, *, expect: int = 0) -> dict[str, Any] | int:
        """READY's data and the guild ids of the GUILD_CREATEs that follow; or the close code."""
        identify: dict[str, Any] = {"token": self.emulator.state.token, "intents": 1, "properties": {}}
        if shard is not None:
            identify["shard"] = shard
        async with (
            aiohttp.ClientSession() as http,
            http.ws_connect(self.emulator.gateway_url + "?v=10&encoding=json") as ws,
        ):
            hello = json.loads((await ws.receive(timeout=5)).data)
            assert hello["op"] == 10
            await ws.send_str(json.dumps({"op": 2, "d": identify}))
            first = await ws.receive(timeout=5)
            if first.type in (aiohttp.WSMsgType.CLOSE, aiohttp.WSMsgType.CLOSED, aiohttp.WSMsgType.CLOSING):
                return ws.close_code or int(first.data)
            ready = json.loads(first.data)
            assert ready["t"] == "READY"
            created = []
            for _ in range(expect):
                frame = json.loads((await ws.receive(timeout=5)).data)
                assert frame["t"] == "GUILD_CREATE"
                created.append(int(frame["d"]["id"]))
            data: dict[str, Any] = ready["d"]
            data["_created"] = created
            return data


async def test_gateway_bot_recommends_a_shard_count_and_reports_the_identify_limits() -> None:
    async with (
        Emulator(guilds=3, recommended_shards=4, max_concurrency=16) as emu,
        aiohttp.ClientSession() as http,
    ):
        auth = {"Authorization": f"Bot {emu.state.token}"}
        async with http.get(emu.api_base + "/gateway/bot", headers=auth) as response:
            body = await response.json()
        assert body["url"] == emu.gateway_url
        assert body["shards"] == 4
        assert body["session_start_limit"]["max_concurrency"] == 16
        assert body["session_start_limit"]["remaining"] == body["session_start_limit"]["total"] == 1000
        await RawGateway(emu).identify([0, 4])
        async with http.get(emu.api_base + "/gateway/bot", headers=auth) as response:
            assert (await response.json())["session_start_limit"]["remaining"] == 999
        emu.assert_clean()


async def test_the_default_recommendation_is_one_shard_per_thousand_guilds() -> None:
    assert Emulator(guilds=GUILDS).shard_count_recommended == 1
    big = Emulator(world=build_default_world("t", guild_count=2001, member_count=0))
    assert big.shard_count_recommended == 3


async def test_each_shard_is_dealt_the_guilds_of_its_formula() -> None:
    """Many guilds over four shards: every guild in exactly one shard's READY, and its GUILD_CREATE there."""
    async with Emulator(guilds=40) as emu:
        world, seen = emu.world, []
        for shard_id in range(4):
            mine = [c.guild.id for c in world.clubs_on_shard(shard_id, 4)]
            ready = await RawGateway(emu).identify([shard_id, 4], expect=len(mine))
            assert isinstance(ready, dict)
            assert ready["shard"] == [shard_id, 4]
            assert [int(g["id"]) for g in ready["guilds"]] == mine == ready["_created"]
            assert all(shard_of(gid, 4) == shard_id for gid in mine)
            seen += mine
        assert sorted(seen) == sorted(world.state.guilds)
        assert [len(world.clubs_on_shard(s, 4)) for s in range(4)] == [10] * 4  # a millisecond apart


async def test_an_unsharded_session_still_carries_every_guild(emulator: Emulator) -> None:
    ready = await RawGateway(emulator).identify(expect=GUILDS)
    assert isinstance(ready, dict)
    assert ready["shard"] == [0, 1]
    assert sorted(ready["_created"]) == sorted(emulator.state.guilds)


@pytest.mark.parametrize("shard", [[2, 2], [-1, 2], [0, 0], [0], [0, 2, 1], ["0", "2"], [True, 2], "0,2"])
async def test_a_wrong_shard_tuple_is_closed_with_4010(emulator: Emulator, shard: Any) -> None:
    assert await RawGateway(emulator).identify(shard) == 4010
    assert emulator.gateway.identifies == 0


async def test_too_many_guilds_for_one_session_is_closed_with_4011() -> None:
    async with Emulator(guilds=GUILDS, max_guilds_per_shard=4) as emu:
        gateway = RawGateway(emu)
        assert await gateway.identify() == 4011  # six guilds on one connection
        assert await gateway.identify([0, 1]) == 4011
        ready = await gateway.identify([1, 2], expect=3)  # three each over two shards
        assert isinstance(ready, dict) and len(ready["guilds"]) == 3


async def test_discord_py_over_two_shards_sees_every_guild_on_its_shard(
    emulator: Emulator, sharded: RunningBot
) -> None:
    bot = sharded.bot
    assert isinstance(bot, discord.AutoShardedClient) and sorted(bot.shards) == [0, 1]
    assert sorted(g.id for g in bot.guilds) == sorted(emulator.state.guilds)
    for club in emulator.world.clubs:
        guild = bot.get_guild(club.guild.id)
        assert guild is not None and guild.shard_id == club.shard(2)
    for shard_id in (0, 1):
        session = live(emulator, shard_id)
        (ready,) = frames(session, "READY")
        mine = sorted(c.guild.id for c in emulator.world.clubs_on_shard(shard_id, 2))
        assert sorted(int(g["id"]) for g in ready["guilds"]) == mine
        assert sorted(int(g["id"]) for g in frames(session, "GUILD_CREATE")) == mine
    assert emulator.gateway.identifies_by_shard == {0: 1, 1: 1}


async def test_a_guilds_interactions_and_events_reach_its_shard_only(
    emulator: Emulator, sharded: RunningBot
) -> None:
    driver = emulator.driver
    for club in emulator.world.clubs:
        here = driver.in_guild(club.guild.id)
        result = await here.slash("film", title="Hyakuemu")
        assert result.embed["title"] == "Hyakuemu"
        other = live(emulator, 1 - club.shard(2))
        ident = str(result.interaction.id)
        assert ident in {d["id"] for d in frames(live(emulator, club.shard(2)), "INTERACTION_CREATE")}
        assert ident not in {d["id"] for d in frames(other, "INTERACTION_CREATE")}
    (club,) = emulator.world.clubs_on_shard(1, 2)[:1]
    deleted = asyncio.ensure_future(sharded.bot.wait_for("guild_channel_delete", timeout=5))
    await driver.in_guild(club.guild.id).delete_channel("spoilers")
    assert (await deleted).guild.id == club.guild.id
    assert [int(d["guild_id"]) for d in frames(live(emulator, 1), "CHANNEL_DELETE")] == [club.guild.id]
    assert frames(live(emulator, 0), "CHANNEL_DELETE") == []


async def test_events_without_a_guild_go_to_shard_zero(emulator: Emulator, sharded: RunningBot) -> None:
    renamed = emulator.state.bot.to_dict() | {"username": "filmbot-renamed"}
    updated = asyncio.ensure_future(
        sharded.bot.wait_for("socket_event_type", check=lambda kind: kind == "USER_UPDATE", timeout=5)
    )
    await emulator.dispatch("USER_UPDATE", renamed)
    await updated
    assert sharded.bot.user is not None and sharded.bot.user.name == "filmbot-renamed"
    assert len(frames(live(emulator, 0), "USER_UPDATE")) == 1
    assert frames(live(emulator, 1), "USER_UPDATE") == []


async def test_one_shard_dropped_and_resumed_while_the_other_carries_on(
    emulator: Emulator, sharded: RunningBot
) -> None:
    driver = emulator.driver
    home = emulator.world.clubs_on_shard(0, 2)[0].guild.id
    away = emulator.world.clubs_on_shard(1, 2)[0].guild.id
    release = emulator.gateway.hold_resumes(shard=1)
    await emulator.gateway.drop(shard=1)  # shard 1's TCP stream dies; it comes back to RESUME, held
    await emulator.wait_for(lambda: emulator.gateway.waiting_resumes[1] == 1, what="shard 1's RESUME")
    assert emulator.gateway.shard_connected(0) and not emulator.gateway.shard_connected(1)
    assert (await driver.in_guild(home).slash("film", title="100 Meters")).embed["title"] == "100 Meters"
    # Sent while shard 1 is away: Discord keeps it for the session and replays it on RESUME.
    waiting = asyncio.ensure_future(driver.in_guild(away).slash("film", title="Perfect Days"))
    await emulator.wait_for(
        lambda: any(i.guild_id == away for i in emulator.state.interactions.values()), what="the dispatch"
    )
    assert not waiting.done()
    release()
    assert (await waiting).embed["title"] == "Perfect Days"
    assert emulator.gateway.resumes_by_shard == {1: 1}
    assert emulator.gateway.identifies_by_shard == {0: 1, 1: 1}
    await emulator.gateway.drop(code=4000, shard=0)
    await emulator.wait_for(lambda: emulator.gateway.resumes_by_shard[0] == 1, what="shard 0's RESUME")
    assert emulator.gateway.resumes_by_shard[1] == 1
    assert (await driver.in_guild(home).slash("film", title="Hyakuemu")).embed["title"] == "Hyakuemu"


async def test_reconnect_opcode_reaches_one_shard(emulator: Emulator, sharded: RunningBot) -> None:
    await emulator.gateway.send_reconnect(shard=0)
    await emulator.wait_for(lambda: emulator.gateway.resumes_by_shard[0] == 1, what="shard 0's RESUME")
    assert emulator.gateway.resumes_by_shard[1] == 0


async def test_a_process_running_some_shards_sees_only_their_guilds(emulator: Emulator) -> None:
    running = await start_minibot(emulator, shard_count=3, shard_ids=[1, 2])
    try:
        expected = sorted(c.guild.id for c in emulator.world.clubs if c.shard(3) in (1, 2))
        assert sorted(g.id for g in running.bot.guilds) == expected
        assert emulator.gateway.identifies_by_shard == {1: 1, 2: 1}
        outside = emulator.world.clubs_on_shard(0, 3)[0].guild.id
        quick = dataclasses.replace(emulator.driver.in_guild(outside).lenient(), timeout=1.0)
        unanswered = await quick.slash("film", title="Hyakuemu")
        assert not unanswered.answered  # nobody runs shard 0
    finally:
        await running.stop()
