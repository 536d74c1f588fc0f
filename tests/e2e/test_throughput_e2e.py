"""A burst of clicks through the real bot answers every member over a bounded pool of reused connections."""

from __future__ import annotations

import asyncio
from pathlib import Path

from bot.client import API_CONNECTIONS
from bot.database_url import DatabaseLocation
from tests.discord_emulator import Emulator
from tests.discord_emulator.botrunner import InProcessBot
from tests.discord_emulator.world import build_default_world
from tests.engines import outside_rows

# More clicks at once than the pool holds, so an unbounded pool would show as one connection per click.
VOTERS = API_CONNECTIONS * 5 // 2


async def test_a_burst_of_answers_reuses_a_bounded_pool_of_connections(
    tmp_path: Path, db_location: DatabaseLocation
) -> None:
    # Discord, the members and the bot share one event loop here: the 3 s deadline is relaxed (timings are
    # what benchmarks/polls.py measures).
    emulator = Emulator(world=build_default_world("emulator-token", member_count=VOTERS), ack_timeout=60)
    await emulator.start()
    database = db_location
    runner = InProcessBot(emulator, database)
    try:
        await runner.start()
        driver = emulator.driver
        created = await driver.slash("poll", "create", question="Burst", options="A; B; C", duration="1h")
        poll = int(created.message.buttons[0]["custom_id"].split(":")[3])
        results = await asyncio.gather(
            *(
                driver.as_member(member).click(created.message, f"filmbot:poll:vote:{poll}:{i % 3}")
                for i, member in enumerate(emulator.world.members)
            )
        )
        assert all(r.answered and "Vote recorded" in r.text for r in results)
        callbacks = emulator.calls("POST", "/interactions/*/*/callback")
        connections = {call.peer for call in callbacks}
        assert len(callbacks) == VOTERS + 1 and "" not in connections
        assert len(connections) <= API_CONNECTIONS
        ((stored,),) = outside_rows(database, "SELECT count(*) FROM poll_ballots WHERE poll_id = ?", (poll,))
        assert stored == VOTERS
    finally:
        await runner.stop()
        await emulator.close()
    emulator.assert_clean()
