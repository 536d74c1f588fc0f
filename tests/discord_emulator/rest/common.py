"""Shared REST plumbing: middleware (auth, faults, unknown routes, errors, rate-limit headers) and body parsing."""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
import re
import time
from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import web

from ..errors import INVALID_JSON, UNAUTHORIZED, DiscordHTTPError, not_found
from ..messages import Upload
from ..server import API_PREFIX, EMULATOR_KEY, Emulator, RequestRecord

log = logging.getLogger(__name__)

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
NO_AUTH = re.compile(r"^/(interactions/[^/]+/[^/]+/callback|webhooks/[^/]+/[^/]+(/.*)?)$")
FILE_FIELD = re.compile(r"^files\[(\d+)\]$")
PAYLOAD_KEY: web.RequestKey[Any] = web.RequestKey("payload", object)
UPLOADS_KEY: web.RequestKey[list[Upload]] = web.RequestKey("uploads", list)


def emulator_of(request: web.Request) -> Emulator:
    return request.app[EMULATOR_KEY]


def rel_path(request: web.Request) -> str:
    return request.path[len(API_PREFIX) :]


def ok(data: Any, status: int = 200, headers: dict[str, str] | None = None) -> web.Response:
    """JSON exactly as Discord labels it: discord.py only decodes ``Content-Type: application/json``."""
    return web.Response(
        body=json.dumps(data).encode(),
        status=status,
        headers={"Content-Type": "application/json", **(headers or {})},
    )


def no_content() -> web.Response:
    return web.Response(status=204)


def snowflake(request: web.Request, name: str, code: int, what: str) -> int:
    try:
        return int(request.match_info[name])
    except ValueError:
        raise not_found(code, what) from None


def _ratelimit_headers(bucket_key: str) -> dict[str, str]:
    reset = time.time() + 1.0
    return {
        "X-RateLimit-Limit": "50",
        "X-RateLimit-Remaining": "49",
        "X-RateLimit-Reset": f"{reset:.3f}",
        "X-RateLimit-Reset-After": "1.000",
        "X-RateLimit-Bucket": hashlib.md5(bucket_key.encode()).hexdigest()[:16],
        "Via": "1.1 google",
    }


async def read_body(request: web.Request) -> tuple[Any, list[Upload]]:
    """JSON body, or multipart/form-data with ``payload_json`` and ``files[n]`` parts."""
    uploads: list[Upload] = []
    payload: Any = None
    if request.content_type.startswith("multipart/"):
        reader = await request.multipart()
        async for part in reader:
            name = getattr(part, "name", None)
            data = await part.read()  # type: ignore[union-attr]
            if name == "payload_json":
                payload = _loads(data.decode())
            elif name and (m := FILE_FIELD.match(name)):
                uploads.append(
                    Upload(
                        int(m.group(1)),
                        getattr(part, "filename", None) or f"file{m.group(1)}",
                        part.headers.get("Content-Type", "application/octet-stream") if part else "",
                        bytes(data),
                    )
                )
        payload = {} if payload is None else payload
    elif request.can_read_body:
        text = await request.text()
        payload = _loads(text) if text else {}
    else:
        payload = {}
    request[PAYLOAD_KEY] = payload
    request[UPLOADS_KEY] = uploads
    return payload, uploads


def _loads(text: str) -> Any:
    try:
        return json.loads(text)
    except ValueError:
        raise DiscordHTTPError(
            400, INVALID_JSON, "The request body contains invalid JSON.", violation=True
        ) from None


def _json_error(status: int, body: dict[str, Any], headers: dict[str, str] | None = None) -> web.Response:
    return ok(body, status, headers)


@web.middleware
async def middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    emu = emulator_of(request)
    if not request.path.startswith(API_PREFIX + "/"):
        return await handler(request)
    path = rel_path(request)
    method = request.method
    match = request.match_info
    route_name = match.route.resource.canonical if match.route.resource else "unknown"
    response: web.StreamResponse
    if match.http_exception is not None:
        emu.add_violation(
            "unknown_route", f"no such Discord route: {method} {path}", method=method, path=path
        )
        response = _json_error(
            404 if match.http_exception.status == 404 else 405,
            {"message": f"{match.http_exception.status}: {match.http_exception.reason}", "code": 0},
        )
    elif not NO_AUTH.match(path) and request.headers.get("Authorization") != f"Bot {emu.state.token}":
        emu.add_violation(
            "protocol", "missing or wrong Authorization header", code=UNAUTHORIZED, method=method, path=path
        )
        response = _json_error(401, {"message": "401: Unauthorized", "code": 0})
    else:
        response = await _run(emu, request, handler, method, path)
    if response.status != 429:
        for key, value in _ratelimit_headers(f"{method} {route_name}").items():
            response.headers.setdefault(key, value)
    else:
        response.headers.setdefault("Via", "1.1 google")
    emu.requests.append(
        RequestRecord(
            method,
            path,
            dict(request.query),
            response.status,
            request.get(PAYLOAD_KEY),
            len(request.get(UPLOADS_KEY) or []),
            peer=_peer(request),
        )
    )
    emu.notify()
    return response


def _peer(request: web.Request) -> str:
    """The client's end of the TCP connection (``host:port``): one per connection the bot opened."""
    peer = request.transport.get_extra_info("peername") if request.transport is not None else None
    return f"{peer[0]}:{peer[1]}" if peer else ""


async def _run(
    emu: Emulator, request: web.Request, handler: Handler, method: str, path: str
) -> web.StreamResponse:
    fault = emu.faults.match(method, path)
    if fault is not None:
        emu.notify()  # a test may wait for a fault's hits: requests that reached it, held or refused
        if fault.delay:
            await asyncio.sleep(fault.delay)  # simulated network/server latency, not test waiting
        answer = fault.response(path)
        if answer is not None:
            status, body, headers = answer
            log.info("fault injected: %s %s -> %s", method, path, status)
            if request.can_read_body:
                await request.read()
            return _json_error(status, body, headers)
    try:
        return await handler(request)
    except DiscordHTTPError as exc:
        emu.raise_http(exc, method, path)
        return _json_error(exc.status, exc.body())


async def message_event(emu: Emulator, event: str, message: dict[str, Any]) -> None:
    """Gateway MESSAGE_CREATE/UPDATE for a non-ephemeral message (guild messages carry guild_id + member)."""
    if int(message.get("flags", 0)) & 64:
        return
    data = dict(message)
    channel = emu.state.channels.get(int(message["channel_id"]))
    if channel is not None and channel.guild_id is not None:
        data["guild_id"] = str(channel.guild_id)
        member = emu.state.guilds[channel.guild_id].members.get(int(message["author"]["id"]))
        if member is not None:
            data["member"] = member.to_dict(with_user=False)
    await emu.dispatch(event, data)


async def message_delete_event(emu: Emulator, message: dict[str, Any]) -> None:
    if int(message.get("flags", 0)) & 64:
        return
    data: dict[str, Any] = {"id": message["id"], "channel_id": message["channel_id"]}
    channel = emu.state.channels.get(int(message["channel_id"]))
    if channel is not None and channel.guild_id is not None:
        data["guild_id"] = str(channel.guild_id)
    await emu.dispatch("MESSAGE_DELETE", data)
