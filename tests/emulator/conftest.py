from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from tests.discord_emulator import Emulator

from .minibot import RunningBot, start_minibot


@pytest.fixture
async def minibot(emulator: Emulator) -> AsyncIterator[RunningBot]:
    running = await start_minibot(emulator)
    try:
        yield running
    finally:
        await running.stop()
