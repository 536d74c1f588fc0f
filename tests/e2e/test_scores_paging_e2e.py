"""End-to-end: /ratings pages through a dozen members' ratings with buttons that survive a restart."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest

from bot.scores.service import RATINGS_PER_PAGE
from tests.discord_emulator import Driver, Emulator
from tests.discord_emulator.world import build_default_world

MEMBERS = 12


@pytest.fixture
async def emulator() -> AsyncIterator[Emulator]:
    """A bigger server than the default world: twelve ordinary members."""
    emu = Emulator(token="emulator-token", world=build_default_world("emulator-token", member_count=MEMBERS))
    await emu.start()
    try:
        yield emu
    finally:
        await emu.close()
    emu.assert_clean()


async def test_ratings_pages_survive_a_restart(emulator: Emulator, filmbot: Any, driver: Driver) -> None:
    for number in range(1, MEMBERS + 1):
        review = f"review number {number}" if number % 3 == 0 else None
        await driver.as_member(f"member{number}").slash(
            "rate", film="100-meters", score=number % 20 / 2 + 4, review=review
        )
    first = await driver.slash("ratings", film="100-meters")
    assert f"Page 1 of 2 · {MEMBERS} ratings" in first.embed["footer"]["text"]
    assert first.embed["description"].count("/10 ·") == RATINGS_PER_PAGE
    previous, following = first.buttons
    assert previous["disabled"] and not following.get("disabled")
    await filmbot.restart()
    turned = await driver.as_member("member5").click(first, label="Next ▶")
    assert turned.callback_type == 7
    assert "Page 2 of 2" in turned.embed["footer"]["text"]
    assert turned.embed["description"].count("/10 ·") == MEMBERS - RATINGS_PER_PAGE
    back = await driver.click(turned, label="◀ Previous")
    assert "Page 1 of 2" in back.embed["footer"]["text"]
