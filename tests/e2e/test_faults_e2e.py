"""Faults injected between filmbot and Discord: the member still gets a clear answer and the bot stays up."""

from __future__ import annotations

from typing import Any

import pytest

from tests.discord_emulator import Driver, Emulator

CALLBACK = "/interactions/{id}/{token}/callback"


@pytest.mark.parametrize("status", [403, 404])
async def test_refused_answer_falls_back_to_the_error_embed(
    emulator: Emulator, filmbot: Any, driver: Driver, status: int
) -> None:
    fault = emulator.faults.fail("POST", CALLBACK, status)
    result = await driver.slash("film", title="100-meters")
    assert len(fault.hits) == 1
    assert result.ephemeral
    assert result.embed["title"] == "Something went wrong on our side"
    assert "reference" in result.embed["description"]
    card = await driver.slash("film", title="100-meters")
    assert "100 Meters" in card.embed["title"]


async def test_rate_limited_answer_is_retried(emulator: Emulator, filmbot: Any, driver: Driver) -> None:
    emulator.faults.rate_limit("POST", CALLBACK, retry_after=0.2)
    result = await driver.slash("film", title="100-meters")
    assert "100 Meters" in result.embed["title"]
    assert [r.status for r in emulator.calls("POST", CALLBACK)] == [429, 200]


async def test_server_error_is_retried(emulator: Emulator, filmbot: Any, driver: Driver) -> None:
    emulator.faults.fail("POST", CALLBACK, 500)
    result = await driver.slash("film", title="hyakuemu")
    assert "100 Meters" in result.embed["title"]
    assert [r.status for r in emulator.calls("POST", CALLBACK)] == [500, 200]


async def test_gateway_drop_is_survived(emulator: Emulator, filmbot: Any, driver: Driver) -> None:
    await emulator.gateway.drop()
    await emulator.wait_for(lambda: emulator.gateway.resumes == 1, what="the bot to resume")
    assert "100 Meters" in (await driver.slash("film", title="100 m")).embed["title"]
