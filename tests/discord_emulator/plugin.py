"""Pytest fixtures for the emulator (load with ``pytest_plugins = ["tests.discord_emulator.plugin"]``).

* ``emulator`` — a fresh emulator on 127.0.0.1 (ephemeral port). At teardown it fails the test if the bot
  hit an unknown route or sent a body Discord would reject, unless the test declared it with
  ``emulator.expect_errors(...)`` or the ``emulator_allow_violations`` marker.
* ``driver`` — ``emulator.driver`` (member1 in #general).
* ``filmbot`` — the real bot in-process, READY and with commands synced.
* ``filmbot_process`` — the real bot as ``python -m bot run`` (``restart()``, ``terminate()``, ``kill()``).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from bot.database_url import DatabaseLocation

from .botrunner import InProcessBot, SubprocessBot
from .driver import Driver
from .server import Emulator


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "emulator_allow_violations: do not fail on emulator violations")


@pytest.fixture
async def emulator(request: pytest.FixtureRequest) -> AsyncIterator[Emulator]:
    emu = Emulator()
    await emu.start()
    try:
        yield emu
    finally:
        await emu.close()
    if request.node.get_closest_marker("emulator_allow_violations") is None:
        emu.assert_clean()


@pytest.fixture
def driver(emulator: Emulator) -> Driver:
    return emulator.driver


@pytest.fixture
async def filmbot(emulator: Emulator, db_location: DatabaseLocation) -> AsyncIterator[Any]:
    runner = InProcessBot(emulator, db_location)
    await runner.start()
    try:
        yield runner
    finally:
        await runner.stop()


@pytest.fixture
async def filmbot_process(
    emulator: Emulator, tmp_path: Path, db_location: DatabaseLocation, request: pytest.FixtureRequest
) -> AsyncIterator[SubprocessBot]:
    workdir = tmp_path / "run"
    workdir.mkdir()
    runner = SubprocessBot(emulator, db_location, workdir)
    try:
        await runner.start()
        yield runner
    finally:
        await runner.stop()
        request.node.add_report_section("teardown", "filmbot output", "\n".join(runner.output[-300:]))
