"""Guilds, members, roles and guild scheduled events."""

from __future__ import annotations

from typing import Any

from aiohttp import web

from .. import permissions as P
from ..errors import UNKNOWN_GUILD, UNKNOWN_MEMBER, UNKNOWN_SCHEDULED_EVENT, missing_permissions, not_found
from ..server import Emulator
from ..state import THREAD_TYPES, Guild
from ..validation import validate_scheduled_event
from .common import emulator_of, no_content, ok, read_body, snowflake

routes = web.RouteTableDef()
API = "/api/v10"
EVENT_FIELDS = (
    "name",
    "description",
    "channel_id",
    "entity_metadata",
    "scheduled_start_time",
    "scheduled_end_time",
    "privacy_level",
    "entity_type",
    "status",
    "image",
    "recurrence_rule",
)


def _guild(request: web.Request) -> tuple[Emulator, Guild]:
    emu = emulator_of(request)
    guild = emu.state.guilds.get(snowflake(request, "guild_id", UNKNOWN_GUILD, "Guild"))
    if guild is None:
        raise not_found(UNKNOWN_GUILD, "Guild")
    return emu, guild


@routes.get(API + "/guilds/{guild_id}")
async def get_guild(request: web.Request) -> web.Response:
    _emu, guild = _guild(request)
    data = guild.to_dict()
    if request.query.get("with_counts", "").lower() in ("1", "true"):
        data["approximate_member_count"] = len(guild.members)
        data["approximate_presence_count"] = len(guild.members) // 2
    return ok(data)


@routes.get(API + "/guilds/{guild_id}/channels")
async def get_channels(request: web.Request) -> web.Response:
    _, guild = _guild(request)
    return ok([c.to_dict() for c in guild.channels.values() if c.type not in THREAD_TYPES and not c.deleted])


@routes.get(API + "/guilds/{guild_id}/threads/active")
async def active_threads(request: web.Request) -> web.Response:
    _, guild = _guild(request)
    threads = [c.to_dict() for c in guild.channels.values() if c.type in THREAD_TYPES and not c.archived]
    return ok({"threads": threads, "members": []})


@routes.get(API + "/guilds/{guild_id}/roles")
async def get_roles(request: web.Request) -> web.Response:
    _, guild = _guild(request)
    return ok([r.to_dict() for r in guild.roles.values()])


@routes.get(API + "/guilds/{guild_id}/members")
async def list_members(request: web.Request) -> web.Response:
    _, guild = _guild(request)
    limit = min(int(request.query.get("limit", 1)), 1000)
    after = int(request.query.get("after", 0))
    members = sorted((m for m in guild.members.values() if m.user.id > after), key=lambda m: m.user.id)
    return ok([m.to_dict() for m in members[:limit]])


@routes.get(API + "/guilds/{guild_id}/members/{user_id}")
async def get_member(request: web.Request) -> web.Response:
    _, guild = _guild(request)
    member = guild.members.get(snowflake(request, "user_id", UNKNOWN_MEMBER, "Member"))
    if member is None:
        raise not_found(UNKNOWN_MEMBER, "Member")
    return ok(member.to_dict())


# -- scheduled events -----------------------------------------------------------------------------
def _event(emu: Emulator, guild: Guild, request: web.Request) -> dict[str, Any]:
    event = emu.state.scheduled_events.get(
        snowflake(request, "event_id", UNKNOWN_SCHEDULED_EVENT, "Guild Scheduled Event")
    )
    if event is None or int(event["guild_id"]) != guild.id:
        raise not_found(UNKNOWN_SCHEDULED_EVENT, "Guild Scheduled Event")
    return event


def _with_count(emu: Emulator, event: dict[str, Any], request: web.Request) -> dict[str, Any]:
    if request.query.get("with_user_count", "").lower() in ("1", "true"):
        return {**event, "user_count": len(emu.state.event_subscribers.get(int(event["id"]), []))}
    return event


def _require_events(emu: Emulator, guild: Guild) -> None:
    if not guild.base_permissions(emu.state.bot.id) & (P.MANAGE_EVENTS | P.CREATE_EVENTS):
        raise missing_permissions()


def _channel_types(guild: Guild) -> dict[int, int]:
    return {c.id: c.type for c in guild.channels.values() if not c.deleted}


@routes.get(API + "/guilds/{guild_id}/scheduled-events")
async def list_events(request: web.Request) -> web.Response:
    emu, guild = _guild(request)
    events = [e for e in emu.state.scheduled_events.values() if int(e["guild_id"]) == guild.id]
    return ok([_with_count(emu, e, request) for e in events])


@routes.post(API + "/guilds/{guild_id}/scheduled-events")
async def create_event(request: web.Request) -> web.Response:
    emu, guild = _guild(request)
    payload, _ = await read_body(request)
    _require_events(emu, guild)
    validate_scheduled_event(payload, existing=None, channel_types=_channel_types(guild)).raise_if_any()
    event_id = emu.state.ids.next()
    event: dict[str, Any] = {
        "id": str(event_id),
        "guild_id": str(guild.id),
        "channel_id": None,
        "creator_id": str(emu.state.bot.id),
        "creator": emu.state.bot.to_dict(),
        "description": None,
        "scheduled_end_time": None,
        "entity_id": None,
        "entity_metadata": None,
        "image": None,
        "recurrence_rule": None,
        "status": 1,
        "user_count": 0,
    }
    event.update({k: payload[k] for k in EVENT_FIELDS if k in payload})
    if event["channel_id"] is not None:
        event["channel_id"] = str(event["channel_id"])
    emu.state.scheduled_events[event_id] = event
    emu.state.event_subscribers[event_id] = []
    emu.record("scheduled_event_create", data={"event_id": event_id})
    await emu.dispatch("GUILD_SCHEDULED_EVENT_CREATE", event)
    return ok(event)


@routes.get(API + "/guilds/{guild_id}/scheduled-events/{event_id}")
async def get_event(request: web.Request) -> web.Response:
    emu, guild = _guild(request)
    return ok(_with_count(emu, _event(emu, guild, request), request))


@routes.patch(API + "/guilds/{guild_id}/scheduled-events/{event_id}")
async def edit_event(request: web.Request) -> web.Response:
    emu, guild = _guild(request)
    event = _event(emu, guild, request)
    payload, _ = await read_body(request)
    _require_events(emu, guild)
    validate_scheduled_event(payload, existing=event, channel_types=_channel_types(guild)).raise_if_any()
    event.update({k: payload[k] for k in EVENT_FIELDS if k in payload})
    if payload.get("entity_type") == 3:
        event["channel_id"] = None
    emu.record("scheduled_event_edit", data={"event_id": int(event["id"]), **payload})
    await emu.dispatch("GUILD_SCHEDULED_EVENT_UPDATE", event)
    return ok(event)


@routes.delete(API + "/guilds/{guild_id}/scheduled-events/{event_id}")
async def delete_event(request: web.Request) -> web.Response:
    emu, guild = _guild(request)
    event = _event(emu, guild, request)
    _require_events(emu, guild)
    emu.state.scheduled_events.pop(int(event["id"]))
    emu.record("scheduled_event_delete", data={"event_id": int(event["id"])})
    await emu.dispatch("GUILD_SCHEDULED_EVENT_DELETE", event)
    return no_content()


@routes.get(API + "/guilds/{guild_id}/scheduled-events/{event_id}/users")
async def event_users(request: web.Request) -> web.Response:
    emu, guild = _guild(request)
    event = _event(emu, guild, request)
    limit = min(int(request.query.get("limit", 100)), 100)
    with_member = request.query.get("with_member", "").lower() in ("1", "true")
    ids = sorted(emu.state.event_subscribers.get(int(event["id"]), []))
    if "before" in request.query:
        ids = [i for i in ids if i < int(request.query["before"])][-limit:]
    if "after" in request.query:
        ids = [i for i in ids if i > int(request.query["after"])]
    result = []
    for user_id in ids[:limit]:
        item: dict[str, Any] = {
            "guild_scheduled_event_id": event["id"],
            "user": emu.state.users[user_id].to_dict(),
        }
        if with_member and user_id in guild.members:
            item["member"] = guild.members[user_id].to_dict(with_user=False)
        result.append(item)
    return ok(result)
