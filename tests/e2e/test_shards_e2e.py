"""End to end with shards: the real filmbot as discord.py's AutoShardedBot over two shards in one process
(``FILMBOT_SHARD_COUNT=2 FILMBOT_SHARD_IDS=0-1``), against an emulator with six servers dealt out over them."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.clock import ManualClock
from bot.database_url import DatabaseLocation, database_env
from bot.sharding import IDENTIFY_WINDOW, ShardedFilmBot
from tests.discord_emulator import Driver, Emulator, MessageView
from tests.discord_emulator.botrunner import InProcessBot, SubprocessBot
from tests.discord_emulator.world import Club
from tests.startup._cli import CONFIG, environment, filmbot, one_sentence

GUILDS = 6
SHARDS = {"FILMBOT_SHARD_COUNT": "2", "FILMBOT_SHARD_IDS": "0-1"}
POLL_ID = re.compile(r"filmbot:poll:\w+:(\d+)")


@pytest.fixture
async def emulator() -> AsyncIterator[Emulator]:
    # Two IDENTIFYs at once, as Discord allows large bots: no 5-second wait between the two shards.
    async with Emulator(guilds=GUILDS, max_concurrency=2) as emu:
        yield emu
    emu.assert_clean()


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(datetime.now(UTC).replace(microsecond=0))


@pytest.fixture
async def sharded(
    emulator: Emulator, tmp_path: Path, db_location: DatabaseLocation, clock: ManualClock
) -> AsyncIterator[InProcessBot]:
    runner = InProcessBot(emulator, db_location, clock=clock, **SHARDS)
    await runner.start()
    try:
        yield runner
    finally:
        await runner.stop()


def on_shard(emulator: Emulator, shard_id: int) -> Club:
    return emulator.world.clubs_on_shard(shard_id, 2)[0]


def poll_id_of(message: MessageView) -> int:
    for comp in message.buttons:
        if match := POLL_ID.match(comp.get("custom_id", "")):
            return int(match[1])
    raise AssertionError("no poll buttons on the message")


async def settle(bot: InProcessBot, clock: ManualClock, delta: timedelta) -> None:
    await clock.advance(delta)
    await bot.bot.timers.idle()


async def test_film_in_servers_of_both_shards_and_commands_synced_once(
    emulator: Emulator, sharded: InProcessBot
) -> None:
    bot = sharded.bot
    assert isinstance(bot, ShardedFilmBot) and sorted(bot.shards) == [0, 1]
    assert {emulator.world.club(g.id).shard(2) for g in bot.guilds} == {0, 1}
    assert sorted(g.id for g in bot.guilds) == sorted(emulator.state.guilds)
    for club in emulator.world.clubs:
        card = await emulator.driver.in_guild(club.guild.id).slash("film", title="100-meters")
        assert card.embed["title"] == "100 Meters (2025)" and not card.ephemeral
        assert card.interaction.guild_id == club.guild.id
    assert emulator.gateway.identifies_by_shard == {0: 1, 1: 1}
    assert len(emulator.calls("PUT", "/applications/*/commands")) == 1
    # A restart finds the same commands already synced and syncs nothing.
    await sharded.restart()
    assert len(emulator.calls("PUT", "/applications/*/commands")) == 1
    away = emulator.driver.in_guild(on_shard(emulator, 1).guild.id)
    assert (await away.slash("film", title="100-meters")).embed["title"] == "100 Meters (2025)"


async def test_a_poll_in_a_server_of_shard_one_is_voted_and_closed_by_its_deadline(
    emulator: Emulator, sharded: InProcessBot, clock: ManualClock
) -> None:
    club = on_shard(emulator, 1)
    here = emulator.driver.in_guild(club.guild.id)
    created = await here.slash("poll", "create", question="Tonight?", options="Heat; Ronin", duration="1h")
    poll = poll_id_of(created.message)
    vote = await here.as_member("member1").click(created.message, f"filmbot:poll:vote:{poll}:1")
    assert vote.ephemeral and "Vote recorded" in vote.text
    await here.as_member("member2").click(created.message, f"filmbot:poll:vote:{poll}:1")
    await here.as_member("member3").click(created.message, f"filmbot:poll:vote:{poll}:0")
    await settle(sharded, clock, timedelta(hours=1, seconds=1))
    result = await here.wait_for_message(predicate=lambda m: "Result: Tonight?" in m.text)
    assert "Winner: **Ronin**" in result.text
    await emulator.wait_for(lambda: not created.message.buttons, what="the closed poll's buttons to go")
    elsewhere = [c for c in emulator.world.clubs if c is not club]
    assert not any(emulator.driver.in_guild(c.guild.id).messages() for c in elsewhere)


async def test_a_watch_party_reminder_fires_for_a_server_of_shard_one(
    emulator: Emulator, sharded: InProcessBot, clock: ManualClock
) -> None:
    club = on_shard(emulator, 1)
    moderator = emulator.driver.in_guild(club.guild.id, "moderator")
    scheduled = await moderator.slash(
        "watchparty", "schedule", film="100-meters", when="in 2 hours", reminders="1h"
    )
    match = re.search(r"Watch party #(\d+)", scheduled.message.embed["footer"]["text"])
    assert match, scheduled.message.embed
    party = int(match[1])
    going = await moderator.as_member("member1").click(scheduled.message, label="Going (0)")
    assert going.answered
    await settle(sharded, clock, timedelta(hours=1, seconds=1))
    reminder = await moderator.wait_for_message(predicate=lambda m: f"reminder, party #{party}]" in m.content)
    assert f"<@{club.member('member1').user.id}>" in reminder.content
    assert int(reminder.raw["channel_id"]) == club.channels["general"].id


async def test_one_shard_dropped_and_resumed_while_the_other_keeps_working(
    emulator: Emulator, sharded: InProcessBot, clock: ManualClock
) -> None:
    home, away = on_shard(emulator, 0), on_shard(emulator, 1)
    there = emulator.driver.in_guild(away.guild.id)
    created = await there.slash("poll", "create", question="Tonight?", options="Heat; Ronin", duration="1h")
    release = emulator.gateway.hold_resumes(shard=1)
    await emulator.gateway.drop(shard=1)
    await emulator.wait_for(lambda: emulator.gateway.waiting_resumes[1] == 1, what="shard 1's RESUME")
    assert not emulator.gateway.shard_connected(1)
    # Shard 0's servers are answered as ever while shard 1 is away...
    card = await emulator.driver.in_guild(home.guild.id).slash("film", title="100-meters")
    assert card.embed["title"] == "100 Meters (2025)"
    # ...and shard 1's timers still fire: they reach Discord through REST, not through the shard.
    await settle(sharded, clock, timedelta(hours=1, seconds=1))
    await there.wait_for_message(predicate=lambda m: "Result: Tonight?" in m.text)
    await emulator.wait_for(lambda: not created.message.buttons, what="the closed poll's buttons to go")
    release()
    await emulator.wait_for(lambda: emulator.gateway.resumes_by_shard[1] == 1, what="shard 1 to resume")
    again = await there.slash("film", title="100-meters")
    assert again.embed["title"] == "100 Meters (2025)"
    assert emulator.gateway.identifies_by_shard == {0: 1, 1: 1}  # resumed, not re-identified
    assert sharded.bot.ready_event.is_set()


async def test_filmbot_run_serves_both_shards_and_stops_cleanly(
    emulator: Emulator, tmp_path: Path, db_location: DatabaseLocation
) -> None:
    workdir = tmp_path / "run"
    workdir.mkdir()
    process = SubprocessBot(emulator, db_location, workdir, **SHARDS)
    try:
        await process.start()
        for shard_id in (0, 1):
            here = emulator.driver.in_guild(on_shard(emulator, shard_id).guild.id)
            assert (await here.slash("film", title="100-meters")).embed["title"] == "100 Meters (2025)"
        assert await process.terminate() == 0
    finally:
        await process.stop()
    log = "\n".join(process.output)
    assert "shard 0 ready in 3 server(s)" in log and "shard 1 ready in 3 server(s)" in log
    assert "shards 0-1 of 2 ready" in log


@pytest.mark.parametrize(
    ("ids", "says"),
    [
        ("0-2", "FILMBOT_SHARD_IDS must name shards from 0 to 1"),
        ("0,x", "FILMBOT_SHARD_IDS must be shard ids (digits 0-9) or ranges like 0-3"),
        ("1", "would leave shard 0 (of 2) without a process"),
    ],
)
async def test_bad_shard_ids_are_refused_at_start(
    emulator: Emulator, tmp_path: Path, ids: str, says: str
) -> None:
    database = tmp_path / "filmbot.sqlite3"  # refused before any database is opened: none is created
    env = environment(database, **emulator.bot_env(str(database)))
    env.update(FILMBOT_SHARD_COUNT="2", FILMBOT_SHARD_IDS=ids)
    done = await filmbot("run", env=env, cwd=tmp_path)
    one_sentence(done, CONFIG, says)
    assert emulator.gateway.identifies == 0 and not database.exists()


async def test_discord_requiring_shards_is_a_settings_error_and_auto_meets_it(
    tmp_path: Path, db_location: DatabaseLocation
) -> None:
    async with Emulator(guilds=GUILDS, max_guilds_per_shard=4, recommended_shards=2) as emu:
        database = db_location
        env = environment(database, **emu.bot_env(database_env(database)))
        done = await filmbot("run", env=env, cwd=tmp_path)
        one_sentence(
            done, CONFIG, "close code 4011", "FILMBOT_SHARD_COUNT is not set", "FILMBOT_SHARD_COUNT=auto"
        )
        runner = InProcessBot(emu, database, FILMBOT_SHARD_COUNT="auto")
        await runner.start()
        try:
            assert runner.bot.shard_count == 2 and sorted(runner.bot.shards) == [0, 1]
            away = emu.driver.in_guild(on_shard(emu, 1).guild.id)
            assert (await away.slash("film", title="100-meters")).embed["title"] == "100 Meters (2025)"
        finally:
            await runner.stop()
        emu.assert_clean()


async def test_identifies_keep_discords_limit_of_one_per_five_seconds(
    tmp_path: Path, db_location: DatabaseLocation
) -> None:
    """With ``max_concurrency`` 1, shard 1 identifies no sooner than 5 s after shard 0 (Discord's rule)."""
    async with Emulator(guilds=GUILDS, max_concurrency=1) as emu:
        runner = InProcessBot(emu, db_location, **SHARDS)
        await runner.start()
        try:
            (first, at0), (second, at1) = emu.gateway.identify_times
            assert (first, second) == (0, 1)
            assert at1 - at0 >= IDENTIFY_WINDOW - 0.05  # the emulator's clock reads a moment after the bot's
        finally:
            await runner.stop()
        emu.assert_clean()


async def test_the_driver_reaches_members_of_each_server(emulator: Emulator, sharded: InProcessBot) -> None:
    """Members are per server: the same name in two servers is two people, each answered where they are."""
    first, second = on_shard(emulator, 0), on_shard(emulator, 1)
    one: Driver = emulator.driver.in_guild(first.guild.id, "member2")
    two: Driver = emulator.driver.in_guild(second.guild.id, "member2")
    assert one.member.user.id != two.member.user.id
    answered = [await d.slash("film", title="100-meters") for d in (one, two)]
    assert [a.interaction.user_id for a in answered] == [one.member.user.id, two.member.user.id]


async def test_a_shard_whose_session_is_lost_identifies_again_while_the_bot_stays_up(
    emulator: Emulator, sharded: InProcessBot, clock: ManualClock
) -> None:
    away = emulator.driver.in_guild(on_shard(emulator, 1).guild.id)
    created = await away.slash("poll", "create", question="Later?", options="Heat; Ronin", duration="1h")
    dispatcher = sharded.bot.timers
    emulator.gateway.refuse_next_resume()
    await emulator.gateway.drop(shard=1)
    # Discord asks for a wait of 1 to 5 s before the fresh IDENTIFY; shard 0 is not touched.
    await emulator.wait_for(lambda: emulator.gateway.identifies_by_shard[1] == 2, timeout=15, what="IDENTIFY")
    await emulator.wait_for(lambda: emulator.gateway.shard_connected(1), what="shard 1's new session")
    assert emulator.gateway.identifies_by_shard[0] == 1 and emulator.gateway.invalidated == 1
    assert (await away.slash("film", title="100-meters")).embed["title"] == "100 Meters (2025)"
    # The same process, the same timer dispatcher: the poll still closes once.
    assert sharded.bot.timers is dispatcher and dispatcher.running
    await settle(sharded, clock, timedelta(hours=1, seconds=1))
    await away.wait_for_message(predicate=lambda m: "Result: Later?" in m.text)
    await emulator.wait_for(lambda: not created.message.buttons, what="the closed poll's buttons to go")
    assert len([m for m in away.messages() if "Result: Later?" in m.text]) == 1
