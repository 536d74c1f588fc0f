"""filmbot as a real process (``python -m bot run``): restart, SIGTERM and kill -9 against the emulator."""

from __future__ import annotations

from pathlib import Path

from bot.database_url import DatabaseLocation
from tests.discord_emulator import Driver, Emulator
from tests.discord_emulator.botrunner import SubprocessBot


async def test_sigterm_restart_keeps_commands_and_answers(
    emulator: Emulator, filmbot_process: SubprocessBot, driver: Driver
) -> None:
    assert "100 Meters" in (await driver.slash("film", title="100-meters")).embed["title"]
    assert await filmbot_process.terminate() == 0
    await emulator.wait_for(lambda: not emulator.gateway.connected, what="the bot to disconnect")
    await filmbot_process.start()
    assert emulator.gateway.identifies == 2
    # The command tree did not change, so the restarted bot does not sync again.
    assert len(emulator.calls("PUT", "/applications/*/commands")) == 1
    assert "100 Meters" in (await driver.slash("film", title="100 metrs")).embed["title"]


async def test_kill_9_then_start_again(
    emulator: Emulator, filmbot_process: SubprocessBot, driver: Driver
) -> None:
    assert await filmbot_process.kill() == -9
    await emulator.wait_for(lambda: not emulator.gateway.connected, what="the dead socket to be noticed")
    await filmbot_process.start()
    choices = await driver.autocomplete("film", "title", "hyakuemu")
    assert choices.names[0].startswith("100 Meters")


async def test_the_token_never_reaches_the_log_even_at_debug(
    emulator: Emulator, tmp_path: Path, db_location: DatabaseLocation
) -> None:
    workdir = tmp_path / "run"
    workdir.mkdir()
    bot = SubprocessBot(emulator, db_location, workdir, FILMBOT_LOG_LEVEL="DEBUG")
    await bot.start()
    try:
        await Driver(emulator).slash("film", title="100-meters")
    finally:
        assert await bot.terminate() == 0
    output = "\n".join(bot.output)
    assert emulator.state.token not in output
    # It logs the invite URL with the scopes and permissions it needs, then stops cleanly on SIGTERM.
    assert "scope=bot+applications.commands" in output and "permissions=" in output
    assert "filmbot stopped" in output
