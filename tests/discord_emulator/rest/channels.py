"""Channels, channel messages (JSON and multipart), reactions, threads and DM channels."""

from __future__ import annotations

import time
import urllib.parse
from typing import Any

from aiohttp import web

from .. import permissions as P
from ..errors import (
    CANNOT_DM_USER,
    CANNOT_EDIT_OTHERS_MESSAGE,
    EMPTY_MESSAGE,
    UNKNOWN_CHANNEL,
    UNKNOWN_MESSAGE,
    UNKNOWN_USER,
    DiscordHTTPError,
    missing_access,
    missing_permissions,
    not_found,
)
from ..messages import apply_edit, build_message
from ..server import Emulator
from ..snowflakes import DISCORD_EPOCH_MS
from ..state import DM, PRIVATE_THREAD, PUBLIC_THREAD, THREAD_TYPES, Channel
from ..validation import FormErrors, is_empty_message, validate_message, validate_thread
from .common import emulator_of, message_delete_event, message_event, no_content, ok, read_body, snowflake

routes = web.RouteTableDef()
API = "/api/v10"


def _channel(request: web.Request) -> tuple[Emulator, Channel]:
    emu = emulator_of(request)
    channel = emu.state.channels.get(snowflake(request, "channel_id", UNKNOWN_CHANNEL, "Channel"))
    if channel is None or channel.deleted:
        raise not_found(UNKNOWN_CHANNEL, "Channel")
    return emu, channel


def bot_permissions(emu: Emulator, channel: Channel) -> int:
    if channel.guild_id is None:
        return P.VIEW_CHANNEL | P.SEND_MESSAGES | P.READ_MESSAGE_HISTORY | P.EMBED_LINKS | P.ATTACH_FILES
    return emu.state.guilds[channel.guild_id].channel_permissions(emu.state.bot.id, channel.id)


def _require(emu: Emulator, channel: Channel, needed: int) -> None:
    perms = bot_permissions(emu, channel)
    if not perms & P.VIEW_CHANNEL:
        raise missing_access()
    if perms & needed != needed:
        raise missing_permissions()


def _message(emu: Emulator, channel: Channel, request: web.Request) -> dict[str, Any]:
    message = emu.state.messages.get(snowflake(request, "message_id", UNKNOWN_MESSAGE, "Message"))
    if message is None or int(message["channel_id"]) != channel.id or int(message["flags"]) & 64:
        raise not_found(UNKNOWN_MESSAGE, "Message")
    return message


@routes.get(API + "/channels/{channel_id}")
async def get_channel(request: web.Request) -> web.Response:
    emu, channel = _channel(request)
    _require(emu, channel, 0)
    return ok(channel.to_dict())


@routes.get(API + "/channels/{channel_id}/messages")
async def list_messages(request: web.Request) -> web.Response:
    emu, channel = _channel(request)
    _require(emu, channel, P.READ_MESSAGE_HISTORY)
    limit = min(int(request.query.get("limit", 50)), 100)
    messages = [m for m in emu.state.channel_messages(channel.id) if not int(m["flags"]) & 64]
    messages.sort(key=lambda m: int(m["id"]), reverse=True)
    if "before" in request.query:
        messages = [m for m in messages if int(m["id"]) < int(request.query["before"])]
    if "after" in request.query:
        messages = [m for m in messages if int(m["id"]) > int(request.query["after"])][-limit:]
    return ok(messages[:limit])


@routes.post(API + "/channels/{channel_id}/messages")
async def create_message(request: web.Request) -> web.Response:
    emu, channel = _channel(request)
    payload, uploads = await read_body(request)
    if channel.type == DM:
        recipient = channel.recipients[0]
        if not recipient.dms_open:
            raise DiscordHTTPError(403, CANNOT_DM_USER, "Cannot send messages to this user")
    needed = P.SEND_MESSAGES_IN_THREADS if channel.type in THREAD_TYPES else P.SEND_MESSAGES
    if uploads:
        needed |= P.ATTACH_FILES
    _require(emu, channel, needed)
    validate_message(payload, uploaded={u.index for u in uploads}).raise_if_any()
    if is_empty_message(payload, len(uploads)):
        raise DiscordHTTPError(400, EMPTY_MESSAGE, "Cannot send an empty message", violation=True)
    reference = payload.get("message_reference")
    if (
        isinstance(reference, dict)
        and reference.get("message_id")
        and int(reference["message_id"]) not in emu.state.messages
        and reference.get("fail_if_not_exists", True)
    ):
        errs = FormErrors()
        errs.add(("message_reference",), "MESSAGE_REFERENCE_UNKNOWN_MESSAGE", "Unknown message")
        errs.raise_if_any()
    repeat = _enforced_nonce_repeat(emu, channel.id, payload)
    if repeat is not None:
        # Discord: with enforce_nonce, a nonce the same author used in the last few minutes returns that
        # message instead of creating a second one.
        emu.record("message_nonce_repeat", message_id=int(repeat["id"]), data={"channel_id": channel.id})
        return ok(repeat)
    message = build_message(
        emu.state,
        channel=channel,
        payload=payload,
        uploads=uploads,
        base_url=emu.base_url,
        author=emu.state.bot,
    )
    if payload.get("nonce") is not None:
        message["nonce"] = payload["nonce"]
    emu.record("message_create", message_id=int(message["id"]), data={"channel_id": channel.id})
    await message_event(emu, "MESSAGE_CREATE", message)
    return ok(message)


NONCE_WINDOW_MS = 5 * 60 * 1000


def _enforced_nonce_repeat(emu: Emulator, channel_id: int, payload: dict[str, Any]) -> dict[str, Any] | None:
    nonce = payload.get("nonce")
    if not payload.get("enforce_nonce") or nonce is None:
        return None
    now_ms = int(time.time() * 1000) - DISCORD_EPOCH_MS
    for message in emu.state.channel_messages(channel_id):
        recent = now_ms - (int(message["id"]) >> 22) <= NONCE_WINDOW_MS
        if (
            recent
            and str(message.get("nonce")) == str(nonce)
            and message["author"]["id"] == str(emu.state.bot.id)
        ):
            return dict(message)
    return None


@routes.get(API + "/channels/{channel_id}/messages/{message_id}")
async def get_message(request: web.Request) -> web.Response:
    emu, channel = _channel(request)
    _require(emu, channel, P.READ_MESSAGE_HISTORY)
    return ok(_message(emu, channel, request))


@routes.patch(API + "/channels/{channel_id}/messages/{message_id}")
async def edit_message(request: web.Request) -> web.Response:
    emu, channel = _channel(request)
    message = _message(emu, channel, request)
    payload, uploads = await read_body(request)
    if int(message["author"]["id"]) != emu.state.bot.id:
        raise DiscordHTTPError(
            403, CANNOT_EDIT_OTHERS_MESSAGE, "Cannot edit a message authored by another user"
        )
    existing = {int(a["id"]) for a in message["attachments"]}
    validate_message(
        payload, uploaded={u.index for u in uploads}, existing_attachments=existing
    ).raise_if_any()
    apply_edit(emu.state, message, payload, uploads, emu.base_url)
    emu.record("message_edit", message_id=int(message["id"]), data=payload)
    await message_event(emu, "MESSAGE_UPDATE", message)
    return ok(message)


@routes.delete(API + "/channels/{channel_id}/messages/{message_id}")
async def delete_message(request: web.Request) -> web.Response:
    emu, channel = _channel(request)
    message = _message(emu, channel, request)
    if int(message["author"]["id"]) != emu.state.bot.id:
        _require(emu, channel, P.MANAGE_MESSAGES)
    emu.state.messages.pop(int(message["id"]))
    emu.record("message_delete", message_id=int(message["id"]))
    await message_delete_event(emu, message)
    return no_content()


@routes.post(API + "/channels/{channel_id}/typing")
async def typing(request: web.Request) -> web.Response:
    emu, channel = _channel(request)
    _require(emu, channel, P.SEND_MESSAGES)
    return no_content()


@routes.put(API + "/channels/{channel_id}/messages/{message_id}/reactions/{emoji}/@me")
async def add_reaction(request: web.Request) -> web.Response:
    emu, channel = _channel(request)
    message = _message(emu, channel, request)
    _require(emu, channel, P.ADD_REACTIONS | P.READ_MESSAGE_HISTORY)
    emoji = urllib.parse.unquote(request.match_info["emoji"])
    emu.state.reactions.setdefault(int(message["id"]), {}).setdefault(emoji, set()).add(emu.state.bot.id)
    emu.record("reaction_add", message_id=int(message["id"]), data={"emoji": emoji})
    return no_content()


@routes.delete(API + "/channels/{channel_id}/messages/{message_id}/reactions/{emoji}/@me")
async def remove_reaction(request: web.Request) -> web.Response:
    emu, channel = _channel(request)
    message = _message(emu, channel, request)
    emoji = urllib.parse.unquote(request.match_info["emoji"])
    emu.state.reactions.get(int(message["id"]), {}).get(emoji, set()).discard(emu.state.bot.id)
    return no_content()


async def _create_thread(
    emu: Emulator, parent: Channel, payload: dict[str, Any], thread_id: int | None, ttype: int
) -> Channel:
    thread = Channel(
        id=thread_id or emu.state.ids.next(),
        type=ttype,
        name=payload["name"],
        guild_id=parent.guild_id,
        parent_id=parent.id,
        owner_id=emu.state.bot.id,
        auto_archive_duration=int(payload.get("auto_archive_duration") or 4320),
    )
    emu.state.add_channel(thread)
    emu.record("thread_create", data={"thread_id": thread.id, "parent_id": parent.id})
    await emu.dispatch("THREAD_CREATE", {**thread.to_dict(), "newly_created": True})
    return thread


@routes.post(API + "/channels/{channel_id}/threads")
async def create_thread(request: web.Request) -> web.Response:
    emu, channel = _channel(request)
    payload, _ = await read_body(request)
    validate_thread(payload, with_message=False).raise_if_any()
    ttype = int(payload.get("type", PRIVATE_THREAD))
    _require(emu, channel, P.CREATE_PRIVATE_THREADS if ttype == PRIVATE_THREAD else P.CREATE_PUBLIC_THREADS)
    thread = await _create_thread(emu, channel, payload, None, ttype)
    return ok(thread.to_dict(), status=201)


@routes.post(API + "/channels/{channel_id}/messages/{message_id}/threads")
async def create_thread_from_message(request: web.Request) -> web.Response:
    emu, channel = _channel(request)
    message = _message(emu, channel, request)
    payload, _ = await read_body(request)
    validate_thread(payload, with_message=True).raise_if_any()
    _require(emu, channel, P.CREATE_PUBLIC_THREADS)
    if int(message["id"]) in emu.state.channels:
        raise DiscordHTTPError(400, 160004, "A thread has already been created for this message")
    thread = await _create_thread(emu, channel, payload, int(message["id"]), PUBLIC_THREAD)
    message["thread"] = thread.to_dict()
    return ok(thread.to_dict(), status=201)


@routes.put(API + "/channels/{channel_id}/thread-members/@me")
@routes.delete(API + "/channels/{channel_id}/thread-members/@me")
async def join_thread(request: web.Request) -> web.Response:
    _channel(request)
    return no_content()


@routes.post(API + "/users/@me/channels")
async def create_dm(request: web.Request) -> web.Response:
    emu = emulator_of(request)
    payload, _ = await read_body(request)
    try:
        user = emu.state.users.get(int(payload.get("recipient_id")))
    except (TypeError, ValueError):
        user = None
    if user is None:
        raise not_found(UNKNOWN_USER, "User")
    channel_id = emu.state.dm_channels.get(user.id)
    if channel_id is None:
        channel = emu.state.add_channel(Channel(emu.state.ids.next(), DM, recipients=[user]))
        emu.state.dm_channels[user.id] = channel.id
    else:
        channel = emu.state.channels[channel_id]
    return ok(channel.to_dict())


@routes.get("/attachments/{channel_id}/{attachment_id}/{filename}")
async def attachment(request: web.Request) -> web.Response:
    emu = emulator_of(request)
    data = emu.state.files.get(int(request.match_info["attachment_id"]))
    if data is None:
        raise web.HTTPNotFound()
    return web.Response(body=data)
