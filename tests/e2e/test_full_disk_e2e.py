"""A database that cannot be written (a full disk, simulated with a file-size limit on ``filmbot run``):
``/rate``, a vote and a poll say plainly that nothing was saved, and the bot saves again once it can."""

from __future__ import annotations

import resource
import sqlite3
from pathlib import Path

import pytest

from tests.discord_emulator import Driver, Emulator
from tests.discord_emulator.botrunner import SubprocessBot
from tests.e2e.test_polls_e2e import create, poll_id_of
from tests.engines import sqlite_only

pytestmark = pytest.mark.skipif(not hasattr(resource, "prlimit"), reason="needs Linux's prlimit")


def _limit_file_size(pid: int, limit: int) -> None:
    """The soft limit only, so that it can be lifted again without privileges."""
    _, hard = resource.prlimit(pid, resource.RLIMIT_FSIZE)
    resource.prlimit(pid, resource.RLIMIT_FSIZE, (limit, hard))


@sqlite_only  # the bot's own process may not grow a file: SQLite's, not a server's
async def test_a_full_disk_gets_an_honest_answer(emulator: Emulator, tmp_path: Path) -> None:
    workdir = tmp_path / "run"
    workdir.mkdir()
    database = tmp_path / "filmbot.sqlite3"
    bot = SubprocessBot(emulator, database, workdir)
    await bot.start()
    driver = Driver(emulator)
    try:
        message = await create(driver, question="Tonight?", options="Heat; Ronin", duration="1h")
        poll = poll_id_of(message)
        _limit_file_size(bot.pid, 1)  # no file may grow past one byte: every write to the WAL fails

        rated = await driver.slash("rate", film="100-meters", score=8, review="Fast.")
        vote = await driver.as_member("member2").click(message, f"filmbot:poll:vote:{poll}:0")
        created = await driver.slash("poll", "create", question="Another?", options="A; B", duration="1h")
        for answer in (rated, vote, created):
            assert answer.ephemeral and answer.embed["title"] == "Not saved", answer.text
            assert "not saved" in answer.text and "disk" in answer.text
            assert "lost" not in answer.text and "went wrong" not in answer.text

        _limit_file_size(bot.pid, resource.RLIM_INFINITY)  # space again: the same commands work
        rated = await driver.slash("rate", film="100-meters", score=8, review="Fast.")
        assert "You rated **100 Meters (2025)** **8**/10" in rated.text
        vote = await driver.as_member("member2").click(message, f"filmbot:poll:vote:{poll}:0")
        assert "Vote recorded" in vote.text
    finally:
        assert await bot.terminate() == 0
    output = "\n".join(bot.output)
    assert "not saved" in output and "file-size limit" in output  # the administrator's reason, logged
    with sqlite3.connect(database) as conn:
        assert conn.execute("SELECT count(*) FROM ratings").fetchone() == (1,)
        assert conn.execute("SELECT count(*) FROM poll_ballots").fetchone() == (1,)
        assert conn.execute("SELECT count(*) FROM polls").fetchone() == (1,)
