"""Rejected payloads and injected faults reach the bot's error path; the member still gets an answer."""

from __future__ import annotations

import aiohttp
import pytest

from tests.discord_emulator import Driver, Emulator

from .minibot import RunningBot

SORRY = "Sorry, something went wrong"


async def test_over_long_embed_is_rejected_and_recorded(
    emulator: Emulator, minibot: RunningBot, driver: Driver
) -> None:
    with emulator.expect_errors(50035) as seen:
        result = await driver.slash("film", title="huge")
    assert seen[0].path.endswith("/callback")
    assert "embeds" in seen[0].detail and "fields" in seen[0].detail
    rejected = emulator.calls("POST", "/interactions/*/*/callback")[0]
    assert rejected.status == 400
    # The tree's on_error answered instead, ephemerally.
    assert result.ephemeral and SORRY in result.content


async def test_unexpected_rejection_fails_the_test(
    emulator: Emulator, minibot: RunningBot, driver: Driver
) -> None:
    await driver.slash("film", title="huge")
    violations = emulator.take_violations()
    assert [v.code for v in violations] == [50035]
    with pytest.raises(AssertionError, match="Discord would reject"):
        emulator.violations.extend(violations)
        emulator.assert_clean()
    emulator.take_violations()


async def test_autocomplete_over_25_choices_is_rejected(
    emulator: Emulator, minibot: RunningBot, driver: Driver
) -> None:
    with emulator.expect_errors(50035) as seen:
        result = await driver.lenient().autocomplete("film", "title", "many")
    assert not result.answered
    assert "choices" in seen[0].detail
    good = await driver.autocomplete("film", "title", "hyaku")
    assert good.names == ["Hyakuemu"]


@pytest.mark.parametrize(("status", "code"), [(403, 50013), (404, 10003), (503, 0)])
async def test_injected_error_on_channel_send_reaches_on_error(
    emulator: Emulator, minibot: RunningBot, driver: Driver, status: int, code: int
) -> None:
    fault = emulator.faults.fail("POST", "/channels/{channel_id}/messages", status)
    result = await driver.slash("announce", text="Movie night!")
    assert fault.hits, "the fault was not hit"
    assert result.ephemeral and SORRY in result.content
    failed = emulator.calls("POST", "/channels/*/messages")[0]
    assert failed.status == status
    # The bot is still up and the fault is used up: the next attempt goes through.
    again = await driver.slash("announce", text="Movie night!")
    assert again.content == "announced"
    assert [m.content for m in driver.messages()] == ["Movie night!"]


async def test_injected_500_is_retried_by_the_client(
    emulator: Emulator, minibot: RunningBot, driver: Driver
) -> None:
    emulator.faults.fail("POST", "/channels/*/messages", 500, times=1)
    result = await driver.slash("announce", text="after a hiccup")
    assert result.content == "announced"
    statuses = [r.status for r in emulator.calls("POST", "/channels/*/messages")]
    assert statuses == [500, 200]


async def test_rate_limit_is_honoured_with_retry_after(
    emulator: Emulator, minibot: RunningBot, driver: Driver
) -> None:
    emulator.faults.rate_limit("POST", "/interactions/*/*/callback", retry_after=0.3)
    result = await driver.slash("film", title="100 Meters")
    assert result.embed["title"] == "100 Meters"
    assert result.latency is not None and result.latency >= 0.3
    limited = emulator.calls("POST", "/interactions/*/*/callback")
    assert [r.status for r in limited] == [429, 200]


async def test_rate_limit_response_shape(emulator: Emulator) -> None:
    emulator.faults.rate_limit("GET", "/users/@me", retry_after=1.5, is_global=True)
    headers = {"Authorization": f"Bot {emulator.state.token}"}
    async with (
        aiohttp.ClientSession() as http,
        http.get(emulator.api_base + "/users/@me", headers=headers) as resp,
    ):
        body = await resp.json()
        assert resp.status == 429
        assert body == {"message": "You are being rate limited.", "retry_after": 1.5, "global": True}
        assert resp.headers["X-RateLimit-Global"] == "true"
        assert resp.headers["X-RateLimit-Remaining"] == "0"
        assert resp.headers["Retry-After"] == "2"


async def test_slow_callback_expires_the_interaction(
    emulator: Emulator, minibot: RunningBot, driver: Driver
) -> None:
    emulator.ack_timeout = 0.3
    emulator.faults.slow("POST", "/interactions/*/*/callback", delay=0.5)
    with emulator.expect_errors(10062):
        result = await driver.lenient().slash("film", title="100 Meters")
    assert not result.answered
    assert emulator.calls("POST", "/interactions/*/*/callback")[0].status == 404


async def test_double_acknowledgement_is_rejected(
    emulator: Emulator, minibot: RunningBot, driver: Driver
) -> None:
    result = await driver.slash("film", title="100 Meters")
    interaction = result.interaction
    url = f"{emulator.api_base}/interactions/{interaction.id}/{interaction.token}/callback"
    async with (
        aiohttp.ClientSession() as http,
        http.post(url, json={"type": 4, "data": {"content": "again"}}) as resp,
    ):
        assert resp.status == 400
        assert (await resp.json())["code"] == 40060
    assert [v.code for v in emulator.take_violations()] == [40060]


async def test_unknown_route_is_recorded(emulator: Emulator) -> None:
    headers = {"Authorization": f"Bot {emulator.state.token}"}
    async with aiohttp.ClientSession() as http:
        async with http.get(emulator.api_base + "/guilds/1/audit-logs/nope", headers=headers) as resp:
            assert resp.status == 404
        async with http.post(emulator.api_base + "/users/@me", headers=headers) as resp:
            assert resp.status == 405
    kinds = [(v.kind, v.method) for v in emulator.take_violations()]
    assert kinds == [("unknown_route", "GET"), ("unknown_route", "POST")]


async def test_error_bodies_have_discord_shape(emulator: Emulator) -> None:
    headers = {"Authorization": f"Bot {emulator.state.token}"}
    channel = emulator.world.channels["general"].id
    async with aiohttp.ClientSession() as http:
        async with http.get(f"{emulator.api_base}/channels/{channel}/messages/123", headers=headers) as resp:
            assert resp.status == 404
            assert await resp.json() == {"message": "Unknown Message", "code": 10008}
        async with http.post(
            f"{emulator.api_base}/channels/{channel}/messages", headers=headers, json={"content": "x" * 2001}
        ) as resp:
            body = await resp.json()
            assert resp.status == 400
            assert body["code"] == 50035 and body["message"] == "Invalid Form Body"
            assert body["errors"]["content"]["_errors"][0]["code"] == "BASE_TYPE_MAX_LENGTH"
        async with http.get(f"{emulator.api_base}/users/@me") as resp:
            assert resp.status == 401
    assert [v.code for v in emulator.take_violations()] == [50035, 40001]
