"""Discord's enforce_nonce: a repeated nonce from the same author returns the first message."""

from __future__ import annotations

import aiohttp

from tests.discord_emulator import Emulator


async def _post(emulator: Emulator, channel_id: int, body: dict[str, object]) -> dict[str, object]:
    headers = {"Authorization": f"Bot {emulator.state.token}"}
    url = f"{emulator.api_base}/channels/{channel_id}/messages"
    async with aiohttp.ClientSession() as http, http.post(url, json=body, headers=headers) as resp:
        assert resp.status == 200
        return dict(await resp.json())


async def test_enforced_nonce_returns_the_existing_message(emulator: Emulator) -> None:
    channel = emulator.world.channel("general")
    first = await _post(emulator, channel.id, {"content": "reminder", "nonce": "r-1", "enforce_nonce": True})
    again = await _post(emulator, channel.id, {"content": "reminder", "nonce": "r-1", "enforce_nonce": True})
    assert again["id"] == first["id"]
    other = await _post(emulator, channel.id, {"content": "reminder", "nonce": "r-2", "enforce_nonce": True})
    assert other["id"] != first["id"]
    unenforced = await _post(emulator, channel.id, {"content": "reminder", "nonce": "r-1"})
    assert unenforced["id"] != first["id"]
    assert len(emulator.state.channel_messages(channel.id)) == 3
