"""End to end with two ``filmbot run`` processes on different shards sharing one PostgreSQL database.

Process A runs shard 0 of 2, process B shard 1, against one emulator whose servers are dealt out over both
shards. Commands are answered in servers of either shard; timers fire in whichever process claims them
(a poll whose process is down is closed by the other, a thousand reminders due at one instant go out once
each with a process killed halfway); buttons work after the shards move to the other process. PostgreSQL
only (``FILMBOT_TEST_DATABASE``): a SQLite database is served by one process.
"""

from __future__ import annotations

import asyncio
import contextlib
import re
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import asyncpg
import pytest

from bot.database_url import PostgresUrl
from bot.store.timers import encode_time
from tests.discord_emulator import Driver, Emulator
from tests.discord_emulator.botrunner import SubprocessBot
from tests.discord_emulator.world import Club
from tests.engines import TEST_SERVER, outside_execute, outside_rows, postgres_only

pytestmark = postgres_only

GUILDS = 6
# Short leases: a killed process's claims are retried a few seconds later, not a minute.
LEASE = "3"
POLL_ID = re.compile(r"filmbot:poll:\w+:(\d+)")
REMINDERS = 1_000
# Generous ceilings for a busy 2-core machine: conditions are waited on, never timed.
LONG = 240.0


@dataclass
class Pair:
    url: PostgresUrl
    a: SubprocessBot  # shard 0 of 2
    b: SubprocessBot  # shard 1 of 2


@pytest.fixture
async def emulator() -> AsyncIterator[Emulator]:
    async with Emulator(guilds=GUILDS, max_concurrency=2) as emu:
        yield emu
    emu.assert_clean()


def process(emulator: Emulator, url: PostgresUrl, tmp_path: Path, name: str, ids: str) -> SubprocessBot:
    workdir = tmp_path / name
    workdir.mkdir()
    return SubprocessBot(
        emulator,
        url,
        workdir,
        FILMBOT_SHARD_COUNT="2",
        FILMBOT_SHARD_IDS=ids,
        FILMBOT_TIMER_LEASE_SECONDS=LEASE,
    )


@pytest.fixture
async def pair(emulator: Emulator, tmp_path: Path, request: pytest.FixtureRequest) -> AsyncIterator[Pair]:
    assert TEST_SERVER is not None
    url = TEST_SERVER.create()
    a = process(emulator, url, tmp_path, "a", "0")
    b = process(emulator, url, tmp_path, "b", "1")
    try:
        await asyncio.gather(a.start(timeout=LONG), b.start(timeout=LONG))
        yield Pair(url, a, b)
    finally:
        await asyncio.gather(a.stop(), b.stop())
        for name, runner in (("A", a), ("B", b)):
            request.node.add_report_section("teardown", f"process {name}", "\n".join(runner.output[-200:]))
        TEST_SERVER.drop(url)


def on_shard(emulator: Emulator, shard_id: int) -> Club:
    return emulator.world.clubs_on_shard(shard_id, 2)[0]


def poll_id_of(buttons: list[dict[str, str]]) -> int:
    for comp in buttons:
        if match := POLL_ID.match(comp.get("custom_id", "")):
            return int(match[1])
    raise AssertionError("no poll buttons on the message")


async def poll_with_a_vote(driver: Driver, question: str, duration: str, *, choice: int) -> tuple[Any, int]:
    """A poll posted in the driver's server, with member1's vote recorded: the answer and the poll's id."""
    created = await driver.slash(
        "poll", "create", question=question, options="Heat; Ronin", duration=duration
    )
    poll = poll_id_of(created.message.buttons)
    voted = await driver.as_member("member1").click(created.message, f"filmbot:poll:vote:{poll}:{choice}")
    assert "Vote recorded" in voted.text
    return created, poll


async def notify(url: PostgresUrl) -> None:
    """What a process's own timer write does: wake every dispatcher (here after rows written from outside)."""
    conn = await asyncpg.connect(url.reveal(), timeout=10)
    try:
        await conn.execute("SELECT pg_notify('filmbot_timers', '')")
    finally:
        await conn.close()


async def test_commands_in_servers_of_either_shard_are_answered_and_synced_once(
    emulator: Emulator, pair: Pair
) -> None:
    for club in emulator.world.clubs:
        card = await emulator.driver.in_guild(club.guild.id).slash("film", title="100-meters")
        assert card.embed["title"] == "100 Meters (2025)"
    assert emulator.gateway.identifies_by_shard == {0: 1, 1: 1}
    # Only shard 0's process syncs the commands; B said why it did not.
    assert len(emulator.calls("PUT", "/applications/*/commands")) == 1
    assert any("synced by the process running shard 0" in line for line in pair.b.output)
    assert "shard 0 ready in 3 server(s)" in "\n".join(pair.a.output)
    assert "shard 1 ready in 3 server(s)" in "\n".join(pair.b.output)


async def test_a_poll_whose_deadline_falls_while_its_process_is_down_is_closed_once_by_the_other(
    emulator: Emulator, pair: Pair
) -> None:
    away = emulator.driver.in_guild(on_shard(emulator, 1).guild.id)
    created, poll = await poll_with_a_vote(away, "Tonight?", "1h", choice=1)
    assert await pair.b.kill() == -9  # shard 1's process is gone
    # The deadline moves to now (as an hour passing would): A is told through the notify channel.
    now = encode_time(datetime.now(UTC))
    outside_execute(pair.url, "UPDATE polls SET closes_at = ? WHERE id = ?", [(now, poll)])
    outside_execute(
        pair.url, "UPDATE timers SET due_at = ? WHERE kind = 'poll-close' AND ref = ?", [(now, str(poll))]
    )
    await notify(pair.url)
    result = await away.wait_for_message(predicate=lambda m: "Result: Tonight?" in m.text, timeout=LONG)
    assert "Winner: **Ronin**" in result.text
    await emulator.wait_for(
        lambda: not created.message.buttons, timeout=LONG, what="the closed poll's buttons"
    )
    # B comes back: nothing is posted twice.
    await pair.b.start(timeout=LONG)
    card = await away.slash("film", title="100-meters")
    assert card.embed["title"] == "100 Meters (2025)"
    assert len([m for m in away.messages() if "Result: Tonight?" in m.text]) == 1
    rows = outside_rows(
        pair.url, "SELECT state, attempts FROM timers WHERE kind = 'poll-close' AND ref = ?", (str(poll),)
    )
    assert rows == [("fired", 1)]


def seed_reminders(emulator: Emulator, url: PostgresUrl, due: datetime) -> dict[int, Club]:
    """A thousand watch parties over every server, each with a reminder timer due at ``due``."""
    [(film,)] = outside_rows(url, "SELECT id FROM films WHERE slug = ?", ("100-meters",))
    clubs = emulator.world.clubs
    parties = {100_000 + n: clubs[n % len(clubs)] for n in range(REMINDERS)}
    now, start = encode_time(datetime.now(UTC)), encode_time(due + timedelta(hours=1))
    outside_execute(
        url,
        "INSERT INTO watch_parties (id, guild_id, channel_id, film_id, starts_at, timezone, reminders, "
        "runtime_minutes, created_by, created_at) VALUES (?, ?, ?, ?, ?, 'UTC', '[3600]', 120, ?, ?)",
        [
            (party, club.guild.id, club.channels["general"].id, film, start, club.moderator.user.id, now)
            for party, club in parties.items()
        ],
    )
    outside_execute(
        url,
        "INSERT INTO timers (kind, ref, due_at, payload, created_at) VALUES ('watchparty-reminder', ?, ?, "
        "'{\"offset\": 3600}', ?)",
        [(str(party), encode_time(due), now) for party in parties],
    )
    return parties


def reminders_posted(emulator: Emulator, parties: dict[int, Club]) -> dict[int, int]:
    """How many reminder messages each party has, over every server's channel."""
    found = dict.fromkeys(parties, 0)
    for club in {id(c): c for c in parties.values()}.values():
        for message in emulator.driver.in_guild(club.guild.id).messages():
            if match := re.search(r"reminder, party #(\d+)\]", message.content):
                party = int(match[1])
                if party in found:
                    found[party] += 1
    return found


async def test_a_thousand_reminders_due_at_one_instant_fire_once_between_them_one_process_killed_halfway(
    emulator: Emulator, pair: Pair
) -> None:
    parties = seed_reminders(emulator, pair.url, datetime.now(UTC))
    await notify(pair.url)
    await emulator.wait_for(
        lambda: sum(reminders_posted(emulator, parties).values()) >= REMINDERS // 2,
        timeout=LONG,
        what="half the reminders",
    )
    assert await pair.a.kill() == -9  # mid-burst: its claims in flight lapse after the lease
    await emulator.wait_for(
        lambda: all(reminders_posted(emulator, parties).values()), timeout=LONG, what="every reminder"
    )
    # A's claims in flight when it died are retried by B once their lease lapses: wait for every row.
    states = await reminder_states(pair.url, until={"fired": REMINDERS})
    assert states == {"fired": REMINDERS}, states
    counts = reminders_posted(emulator, parties)
    assert sorted(set(counts.values())) == [1], {p: n for p, n in counts.items() if n != 1}
    owners = outside_rows(
        pair.url, "SELECT count(DISTINCT claimed_by) FROM timers WHERE kind = 'watchparty-reminder'"
    )
    assert owners == [(2,)]  # both processes fired a share


async def reminder_states(url: PostgresUrl, until: dict[str, int]) -> dict[str, int]:
    """The reminder timers' states, once they are ``until`` (or the ceiling passes: the caller asserts)."""
    sql = "SELECT state, count(*) FROM timers WHERE kind = 'watchparty-reminder' GROUP BY state"
    states: dict[str, int] = {}
    with contextlib.suppress(TimeoutError):
        async with asyncio.timeout(LONG):
            while states != until:  # rows other processes write: no event to wait on
                rows = await asyncio.to_thread(outside_rows, url, sql)
                states = {str(state): int(n) for state, n in rows}
                await asyncio.sleep(0 if states == until else 0.5)
    return states


async def test_buttons_clicked_after_the_shards_move_to_the_other_process_are_answered(
    emulator: Emulator, pair: Pair
) -> None:
    home = emulator.driver.in_guild(on_shard(emulator, 0).guild.id)
    created, poll = await poll_with_a_vote(home, "Which?", "1d", choice=0)
    # Move shard 0 to B's machine: stop A, restart B with both shards.
    assert await pair.a.terminate() == 0
    await pair.b.terminate()
    pair.b.env["FILMBOT_SHARD_IDS"] = "0-1"
    await pair.b.start(timeout=LONG)
    moved = await home.as_member("member2").click(created.message, f"filmbot:poll:vote:{poll}:1")
    assert "Vote recorded" in moved.text
    again = await home.as_member("member1").click(created.message, f"filmbot:poll:vote:{poll}:1")
    assert again.answered and again.ephemeral
    ballots = outside_rows(pair.url, "SELECT count(*) FROM poll_ballots WHERE poll_id = ?", (poll,))
    assert ballots == [(2,)]
    assert emulator.gateway.identifies_by_shard[0] == 2  # A's session, then B's
