"""Application command registration: ids and versions like Discord, global and guild scopes."""

from __future__ import annotations

from typing import Any

import aiohttp

from tests.discord_emulator import Emulator


async def put(emulator: Emulator, path: str, body: Any) -> tuple[int, Any]:
    headers = {"Authorization": f"Bot {emulator.state.token}"}
    async with (
        aiohttp.ClientSession() as http,
        http.put(emulator.api_base + path, json=body, headers=headers) as r,
    ):
        return r.status, await r.json()


def film(description: str = "Show a film") -> dict[str, Any]:
    option = {"type": 3, "name": "title", "description": "Title", "required": True, "autocomplete": True}
    return {"name": "film", "description": description, "type": 1, "options": [option]}


async def test_bulk_overwrite_keeps_ids_and_bumps_versions(emulator: Emulator) -> None:
    app = emulator.state.application_id
    status, first = await put(emulator, f"/applications/{app}/commands", [film()])
    assert status == 200
    assert first[0]["application_id"] == str(app) and first[0]["version"]
    _, same = await put(emulator, f"/applications/{app}/commands", [film()])
    assert same[0]["id"] == first[0]["id"] and same[0]["version"] == first[0]["version"]
    _, changed = await put(emulator, f"/applications/{app}/commands", [film("Show a film's card")])
    assert changed[0]["id"] == first[0]["id"] and changed[0]["version"] != first[0]["version"]
    _, emptied = await put(emulator, f"/applications/{app}/commands", [])
    assert emptied == [] and emulator.state.commands[None] == []


async def test_guild_scope_and_invalid_bodies(emulator: Emulator) -> None:
    app, guild = emulator.state.application_id, emulator.world.guild.id
    status, created = await put(emulator, f"/applications/{app}/guilds/{guild}/commands", [film()])
    assert status == 200 and created[0]["guild_id"] == str(guild)
    assert emulator.driver.command("film")["id"] == created[0]["id"]
    with emulator.expect_errors(50035) as seen:
        status, body = await put(
            emulator, f"/applications/{app}/commands", [film(), {**film(), "name": "Film"}]
        )
    assert (
        status == 400
        and body["errors"]["1"]["name"]["_errors"][0]["code"] == "APPLICATION_COMMAND_INVALID_NAME"
    )
    assert len(seen) == 1
    status, _ = await put(emulator, f"/applications/{app + 1}/commands", [film()])
    assert status == 403
    assert [v.code for v in emulator.take_violations()] == [50001]
