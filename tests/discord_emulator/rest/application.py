"""Users, application info, gateway discovery and application command registration."""

from __future__ import annotations

import copy
import json
from typing import Any

from aiohttp import web

from ..errors import (
    UNKNOWN_APPLICATION,
    UNKNOWN_COMMAND,
    UNKNOWN_GUILD,
    UNKNOWN_USER,
    DiscordHTTPError,
    not_found,
)
from ..server import Emulator
from ..validation import FormErrors, validate_command, validate_command_list
from .common import emulator_of, no_content, ok, read_body, snowflake

routes = web.RouteTableDef()
API = "/api/v10"


@routes.get(API + "/users/@me")
async def get_me(request: web.Request) -> web.Response:
    emu = emulator_of(request)
    return ok(
        emu.state.bot.to_dict() | {"verified": True, "mfa_enabled": False, "locale": "en-US", "email": None}
    )


@routes.get(API + "/users/{user_id}")
async def get_user(request: web.Request) -> web.Response:
    emu = emulator_of(request)
    user = emu.state.users.get(snowflake(request, "user_id", UNKNOWN_USER, "User"))
    if user is None:
        raise not_found(UNKNOWN_USER, "User")
    return ok(user.to_dict())


def application_object(emu: Emulator) -> dict[str, Any]:
    owner = emu.world.owner.user
    return {
        "id": str(emu.state.application_id),
        "name": emu.state.bot.username,
        "icon": None,
        "description": "A film club bot (emulated)",
        "summary": "",
        "type": None,
        "hook": True,
        "bot_public": False,
        "bot_require_code_grant": False,
        "verify_key": "0" * 64,
        "flags": emu.application_flags,
        "owner": owner.to_dict(),
        "team": None,
        "bot": emu.state.bot.to_dict(),
        "rpc_origins": [],
        "redirect_uris": [],
        "interactions_endpoint_url": None,
        "role_connections_verification_url": None,
        "tags": [],
        "install_params": {"scopes": ["bot", "applications.commands"], "permissions": "0"},
        "integration_types_config": {"0": {}},
        "approximate_guild_count": len(emu.state.guilds),
        "is_monetized": False,
        "guild_id": None,
    }


@routes.get(API + "/oauth2/applications/@me")
@routes.get(API + "/applications/@me")
async def get_application(request: web.Request) -> web.Response:
    return ok(application_object(emulator_of(request)))


@routes.get(API + "/gateway")
async def get_gateway(request: web.Request) -> web.Response:
    return ok({"url": emulator_of(request).gateway_url})


@routes.get(API + "/gateway/bot")
async def get_gateway_bot(request: web.Request) -> web.Response:
    emu = emulator_of(request)
    limit = {
        "total": 1000,
        "remaining": max(0, 1000 - emu.gateway.identifies),
        "reset_after": 14400000,
        "max_concurrency": emu.max_concurrency,
    }
    return ok({"url": emu.gateway_url, "shards": emu.shard_count_recommended, "session_start_limit": limit})


# -- application commands -------------------------------------------------------------------------
def _scope(request: web.Request) -> tuple[Emulator, int | None]:
    emu = emulator_of(request)
    app_id = snowflake(request, "app_id", UNKNOWN_APPLICATION, "Application")
    if app_id != emu.state.application_id:
        raise DiscordHTTPError(403, 50001, "Missing Access", violation=True)
    guild_id: int | None = None
    if "guild_id" in request.match_info:
        guild_id = snowflake(request, "guild_id", UNKNOWN_GUILD, "Guild")
        if guild_id not in emu.state.guilds:
            raise DiscordHTTPError(403, 50001, "Missing Access", violation=True)
    return emu, guild_id


def _normalise(
    emu: Emulator, body: dict[str, Any], guild_id: int | None, old: dict[str, Any] | None
) -> dict[str, Any]:
    ctype = body.get("type", 1)
    perms = body.get("default_member_permissions")
    command = {
        "id": old["id"] if old else str(emu.state.ids.next()),
        "application_id": str(emu.state.application_id),
        "version": old["version"] if old else None,
        "default_member_permissions": None if perms is None else str(perms),
        "type": ctype,
        "name": body["name"],
        "name_localizations": body.get("name_localizations"),
        "description": body.get("description", "") if ctype == 1 else "",
        "description_localizations": body.get("description_localizations"),
        "dm_permission": body.get("dm_permission", True),
        "contexts": body.get("contexts"),
        "integration_types": body.get("integration_types") or [0],
        "nsfw": bool(body.get("nsfw", False)),
    }
    if guild_id is not None:
        command["guild_id"] = str(guild_id)
        command.pop("dm_permission")
    if body.get("options"):
        command["options"] = copy.deepcopy(body["options"])
    if old is not None:
        comparable = {k: v for k, v in command.items() if k != "version"}
        previous = {k: v for k, v in old.items() if k != "version"}
        if json.dumps(comparable, sort_keys=True) == json.dumps(previous, sort_keys=True):
            return old
    command["version"] = str(emu.state.ids.next())
    return command


@routes.get(API + "/applications/{app_id}/commands")
@routes.get(API + "/applications/{app_id}/guilds/{guild_id}/commands")
async def list_commands(request: web.Request) -> web.Response:
    emu, guild_id = _scope(request)
    return ok(emu.state.commands.get(guild_id, []))


@routes.put(API + "/applications/{app_id}/commands")
@routes.put(API + "/applications/{app_id}/guilds/{guild_id}/commands")
async def bulk_overwrite(request: web.Request) -> web.Response:
    emu, guild_id = _scope(request)
    body, _ = await read_body(request)
    validate_command_list(body).raise_if_any()
    existing = {(c["type"], c["name"]): c for c in emu.state.commands.get(guild_id, [])}
    commands = [_normalise(emu, c, guild_id, existing.get((c.get("type", 1), c["name"]))) for c in body]
    emu.state.commands[guild_id] = commands
    emu.record("commands_sync", data={"guild_id": guild_id, "names": [c["name"] for c in commands]})
    return ok(commands)


@routes.post(API + "/applications/{app_id}/commands")
@routes.post(API + "/applications/{app_id}/guilds/{guild_id}/commands")
async def create_command(request: web.Request) -> web.Response:
    emu, guild_id = _scope(request)
    body, _ = await read_body(request)
    errs = FormErrors()
    validate_command(body, errs)
    errs.raise_if_any()
    commands = emu.state.commands.setdefault(guild_id, [])
    old = next((c for c in commands if c["name"] == body["name"] and c["type"] == body.get("type", 1)), None)
    command = _normalise(emu, body, guild_id, old)
    if old is not None:
        commands[commands.index(old)] = command
    else:
        commands.append(command)
    validate_command_list(commands).raise_if_any()
    emu.record("commands_sync", data={"guild_id": guild_id, "names": [command["name"]]})
    return ok(command, status=200 if old else 201)


def _find_command(emu: Emulator, guild_id: int | None, request: web.Request) -> dict[str, Any]:
    command_id = str(snowflake(request, "command_id", UNKNOWN_COMMAND, "application command"))
    for command in emu.state.commands.get(guild_id, []):
        if command["id"] == command_id:
            return command
    raise not_found(UNKNOWN_COMMAND, "application command")


@routes.get(API + r"/applications/{app_id}/commands/{command_id:\d+}")
@routes.get(API + r"/applications/{app_id}/guilds/{guild_id}/commands/{command_id:\d+}")
async def get_command(request: web.Request) -> web.Response:
    emu, guild_id = _scope(request)
    return ok(_find_command(emu, guild_id, request))


@routes.patch(API + r"/applications/{app_id}/commands/{command_id:\d+}")
@routes.patch(API + r"/applications/{app_id}/guilds/{guild_id}/commands/{command_id:\d+}")
async def edit_command(request: web.Request) -> web.Response:
    emu, guild_id = _scope(request)
    old = _find_command(emu, guild_id, request)
    body, _ = await read_body(request)
    merged = {**old, **body}
    errs = FormErrors()
    validate_command(merged, errs)
    errs.raise_if_any()
    command = _normalise(emu, merged, guild_id, old)
    commands = emu.state.commands[guild_id]
    commands[commands.index(old)] = command
    emu.record("commands_sync", data={"guild_id": guild_id, "names": [command["name"]]})
    return ok(command)


@routes.delete(API + r"/applications/{app_id}/commands/{command_id:\d+}")
@routes.delete(API + r"/applications/{app_id}/guilds/{guild_id}/commands/{command_id:\d+}")
async def delete_command(request: web.Request) -> web.Response:
    emu, guild_id = _scope(request)
    old = _find_command(emu, guild_id, request)
    emu.state.commands[guild_id].remove(old)
    emu.record("commands_sync", data={"guild_id": guild_id, "names": []})
    return no_content()


@routes.get(API + "/applications/{app_id}/guilds/{guild_id}/commands/permissions")
async def command_permissions(request: web.Request) -> web.Response:
    _scope(request)
    return ok([])


@routes.get(API + "/applications/{app_id}/emojis")
async def application_emojis(request: web.Request) -> web.Response:
    _scope(request)
    return ok({"items": []})


@routes.get(API + "/applications/{app_id}/entitlements")
async def entitlements(request: web.Request) -> web.Response:
    _scope(request)
    return ok([])
