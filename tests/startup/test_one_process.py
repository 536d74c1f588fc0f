"""One serving filmbot per database (issue #16, item 11): a second ``filmbot run`` is refused at once."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.errors import DatabaseInUse
from bot.store import hold_exclusive, lock_path
from tests.discord_emulator import Driver, Emulator
from tests.discord_emulator.botrunner import SubprocessBot
from tests.engines import sqlite_only
from tests.startup._cli import IN_USE, REPO, filmbot, one_sentence

# The <db>.lock file that keeps a second process off a SQLite database.
pytestmark = sqlite_only


async def test_a_second_run_is_refused_while_the_first_serves(
    emulator: Emulator, filmbot_process: SubprocessBot, driver: Driver, tmp_path: Path
) -> None:
    env = dict(filmbot_process.env, PYTHONPATH=str(REPO))
    done = await filmbot("run", env=env, cwd=tmp_path)
    sentence = one_sentence(done, IN_USE, "another filmbot", str(filmbot_process.database), "already serving")
    assert f"(process {filmbot_process.pid})" in sentence
    # Only the first ever reached Discord, and it still answers.
    assert emulator.gateway.identifies == 1
    assert "100 Meters" in (await driver.slash("film", title="100-meters")).embed["title"]


async def test_ask_and_import_work_beside_a_running_bot(
    filmbot_process: SubprocessBot, driver: Driver, tmp_path: Path
) -> None:
    env = dict(filmbot_process.env, PYTHONPATH=str(REPO))
    asked = await filmbot("ask", "/film 100-meters", env=env, cwd=tmp_path)
    assert asked.status == 0, asked.stderr
    assert "100 Meters (2025)" in asked.stdout
    data = tmp_path / "films.csv"
    data.write_text("title,year,director\nSolaris,1972,Andrei Tarkovsky\n")
    imported = await filmbot("films", "import", str(data), env=env, cwd=tmp_path)
    assert imported.status == 0, imported.stderr
    assert "1 added" in imported.stdout
    again = await filmbot("ask", "/film Solaris", env=env, cwd=tmp_path)
    assert again.status == 0 and "Solaris (1972)" in again.stdout, again.stderr
    assert "100 Meters" in (await driver.slash("film", title="100-meters")).embed["title"]


def test_the_lock_is_exclusive_and_released(tmp_path: Path) -> None:
    database = tmp_path / "filmbot.sqlite3"
    with hold_exclusive(database):
        assert lock_path(database).is_file()
        with pytest.raises(DatabaseInUse, match="another filmbot"), hold_exclusive(database):
            pass
    with hold_exclusive(database):  # released at the end of the block, so this one gets it
        pass
