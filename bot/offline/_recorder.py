"""A loopback HTTP endpoint that stands in for Discord's REST API during ``filmbot ask``.

It answers the few routes a command's reply uses (interaction callback, followups, the original
response, channel messages) and records every message the bot sends, attachments included.
"""

from __future__ import annotations

import itertools
import json
import logging
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from aiohttp import BodyPartReader, web

log = logging.getLogger(__name__)

DISCORD_EPOCH_MS = 1_420_070_400_000
BOT_USER = {
    "id": "1000000000000000001",
    "username": "filmbot",
    "discriminator": "0",
    "bot": True,
    "avatar": None,
}
APPLICATION_ID = "1000000000000000002"


@dataclass(slots=True)
class Recorded:
    """One message as the bot left it (after any edits)."""

    id: str
    kind: str  # "response", "followup", "channel", "update"
    payload: dict[str, Any]
    files: list[Path] = field(default_factory=list)
    deleted: bool = False

    @property
    def ephemeral(self) -> bool:
        return bool(int(self.payload.get("flags") or 0) & 64)


@dataclass(slots=True)
class Transcript:
    callbacks: list[int] = field(default_factory=list)
    messages: dict[str, Recorded] = field(default_factory=dict)
    autocomplete: list[dict[str, Any]] | None = None
    # Discord scheduled events the command created or changed, by id, as last written.
    events: dict[str, dict[str, Any]] = field(default_factory=dict)
    modal: dict[str, Any] | None = None
    unsupported: list[str] = field(default_factory=list)


def _json(data: object, status: int = 200) -> web.Response:
    # discord.py reads a body as JSON only when the content type is exactly "application/json".
    return web.Response(
        body=json.dumps(data).encode(), status=status, headers={"Content-Type": "application/json"}
    )


class Recorder:
    def __init__(self, files_dir: Path) -> None:
        self.files_dir = files_dir
        self.transcript = Transcript()
        self._ids = itertools.count(1)
        self._original: str | None = None
        self._runner: web.AppRunner | None = None
        self.base_url = ""

    def begin(self) -> Transcript:
        """Start a fresh transcript for the next command (the last one's stays with whoever holds it)."""
        self.transcript = Transcript()
        self._original = None
        return self.transcript

    def snowflake(self) -> str:
        ms = int(time.time() * 1000) - DISCORD_EPOCH_MS
        return str((ms << 22) | (next(self._ids) & 0x3FFFFF))

    async def start(self) -> str:
        app = web.Application(client_max_size=32 * 1024 * 1024)
        app.router.add_get("/api/v10/users/@me", self._me)
        app.router.add_get("/api/v10/oauth2/applications/@me", self._application)
        app.router.add_post("/api/v10/interactions/{id}/{token}/callback", self._callback)
        app.router.add_post("/api/v10/webhooks/{app}/{token}", self._followup)
        app.router.add_route("*", "/api/v10/webhooks/{app}/{token}/messages/{message}", self._webhook_message)
        app.router.add_post("/api/v10/channels/{channel}/messages", self._channel_message)
        app.router.add_route("*", "/api/v10/channels/{channel}/messages/{message}", self._channel_edit)
        app.router.add_post("/api/v10/guilds/{guild}/scheduled-events", self._event_create)
        app.router.add_route("*", "/api/v10/guilds/{guild}/scheduled-events/{event}", self._event)
        app.router.add_route("*", "/{tail:.*}", self._unsupported)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        port = self._runner.addresses[0][1]
        self.base_url = f"http://127.0.0.1:{port}/api/v10"
        return self.base_url

    async def close(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

    # -- routes --------------------------------------------------------------------------------------

    async def _me(self, _: web.Request) -> web.Response:
        return _json(BOT_USER)

    async def _application(self, _: web.Request) -> web.Response:
        return _json(
            {
                "id": APPLICATION_ID,
                "name": "filmbot",
                "description": "",
                "icon": None,
                "bot_public": True,
                "bot_require_code_grant": False,
                "verify_key": "0" * 64,
                "flags": 0,
                "owner": {**BOT_USER, "id": "1000000000000000003", "username": "owner", "bot": False},
                "team": None,
            }
        )

    async def _callback(self, request: web.Request) -> web.Response:
        body, files = await self._read(request)
        kind = int(body.get("type", 0))
        data = body.get("data") or {}
        self.transcript.callbacks.append(kind)
        message_id: str | None = None
        if kind == 8:
            self.transcript.autocomplete = list(data.get("choices", []))
        elif kind == 9:
            self.transcript.modal = data
        elif kind in (4, 5):
            message_id = self.snowflake()
            self._original = message_id
            payload = (
                dict(data) if kind == 4 else {"content": "", "flags": data.get("flags", 0), "thinking": True}
            )
            self.transcript.messages[message_id] = Recorded(message_id, "response", payload, files)
        elif kind == 7:
            message_id = self.snowflake()
            self.transcript.messages[message_id] = Recorded(message_id, "update", dict(data), files)
        response: dict[str, Any] = {
            "interaction": {
                "id": request.match_info["id"],
                "type": 2,
                "response_message_id": message_id,
                "response_message_loading": kind == 5,
                "response_message_ephemeral": bool(int(data.get("flags") or 0) & 64),
            }
        }
        if message_id is not None:
            response["resource"] = {
                "type": kind,
                "message": self._message(self.transcript.messages[message_id]),
            }
        return _json(response)

    async def _followup(self, request: web.Request) -> web.Response:
        body, files = await self._read(request)
        original = self.transcript.messages.get(self._original or "")
        if original is not None and original.payload.get("thinking"):
            # As on Discord: the first followup after a deferred response replaces the "thinking…" message.
            original.payload = {**body, "flags": original.payload.get("flags", 0)}
            original.files.extend(files)
            return _json(self._message(original))
        message_id = self.snowflake()
        record = Recorded(message_id, "followup", body, files)
        self.transcript.messages[message_id] = record
        return _json(self._message(record))

    async def _webhook_message(self, request: web.Request) -> web.Response:
        wanted = request.match_info["message"]
        message_id = self._original if wanted == "@original" else wanted
        record = self.transcript.messages.get(message_id or "")
        if record is None:
            return _json({"code": 10008, "message": "Unknown Message"}, status=404)
        if request.method == "DELETE":
            record.deleted = True
            return web.Response(status=204)
        if request.method == "PATCH":
            body, files = await self._read(request)
            record.payload.pop("thinking", None)
            record.payload.update(body)
            record.files.extend(files)
        return _json(self._message(record))

    async def _channel_message(self, request: web.Request) -> web.Response:
        body, files = await self._read(request)
        message_id = self.snowflake()
        record = Recorded(message_id, "channel", body, files)
        self.transcript.messages[message_id] = record
        return _json(self._message(record, channel_id=request.match_info["channel"]))

    async def _channel_edit(self, request: web.Request) -> web.Response:
        record = self.transcript.messages.get(request.match_info["message"])
        if record is None:
            return _json({"code": 10008, "message": "Unknown Message"}, status=404)
        if request.method == "DELETE":
            record.deleted = True
            return web.Response(status=204)
        if request.method == "PATCH":
            body, files = await self._read(request)
            record.payload.update(body)
            record.files.extend(files)
        return _json(self._message(record, channel_id=request.match_info["channel"]))

    async def _event_create(self, request: web.Request) -> web.Response:
        body, _ = await self._read(request)
        event_id = self.snowflake()
        event = {
            "id": event_id,
            "guild_id": request.match_info["guild"],
            "channel_id": body.get("channel_id"),
            "creator_id": BOT_USER["id"],
            "name": body.get("name", ""),
            "description": body.get("description"),
            "scheduled_start_time": body.get("scheduled_start_time"),
            "scheduled_end_time": body.get("scheduled_end_time"),
            "privacy_level": body.get("privacy_level", 2),
            "status": 1,
            "entity_type": body.get("entity_type", 3),
            "entity_id": None,
            "entity_metadata": body.get("entity_metadata"),
            "user_count": 0,
        }
        self.transcript.events[event_id] = event
        return _json(event)

    async def _event(self, request: web.Request) -> web.Response:
        event = self.transcript.events.get(request.match_info["event"])
        if event is None:
            return _json({"code": 10070, "message": "Unknown Guild Scheduled Event"}, status=404)
        if request.method == "DELETE":
            event["deleted"] = True
            return web.Response(status=204)
        if request.method == "PATCH":
            body, _ = await self._read(request)
            event.update(body)
        return _json(event)

    async def _unsupported(self, request: web.Request) -> web.Response:
        self.transcript.unsupported.append(f"{request.method} {request.path}")
        log.debug("offline ask: %s %s is not available offline", request.method, request.path)
        return _json(
            {"code": 0, "message": f"{request.method} {request.path} is not available in offline ask"},
            status=404,
        )

    # -- helpers -------------------------------------------------------------------------------------

    async def _read(self, request: web.Request) -> tuple[dict[str, Any], list[Path]]:
        if not request.content_type.startswith("multipart/"):
            text = await request.text()
            return (json.loads(text) if text else {}), []
        body: dict[str, Any] = {}
        files: list[Path] = []
        reader = await request.multipart()
        while (part := await reader.next()) is not None:
            if not isinstance(part, BodyPartReader):
                continue
            if part.name == "payload_json":
                body = json.loads(await part.text())
            elif part.filename:
                self.files_dir.mkdir(parents=True, exist_ok=True)
                target = self.files_dir / Path(part.filename).name
                target.write_bytes(await part.read())
                files.append(target.resolve())
        return body, files

    def _message(self, record: Recorded, channel_id: str = "2") -> dict[str, Any]:
        payload = record.payload
        return {
            "id": record.id,
            "channel_id": channel_id,
            "author": BOT_USER,
            "content": payload.get("content") or "",
            "timestamp": datetime.now(UTC).isoformat(),
            "edited_timestamp": None,
            "tts": False,
            "mention_everyone": False,
            "mentions": [],
            "mention_roles": [],
            "attachments": [
                {
                    "id": str(i),
                    "filename": p.name,
                    "size": p.stat().st_size,
                    "url": p.as_uri(),
                    "proxy_url": p.as_uri(),
                }
                for i, p in enumerate(record.files)
            ],
            "embeds": payload.get("embeds") or [],
            "components": payload.get("components") or [],
            "pinned": False,
            "type": 20 if record.kind in ("response", "followup") else 0,
            "flags": int(payload.get("flags") or 0),
            "application_id": APPLICATION_ID,
            "webhook_id": APPLICATION_ID if record.kind in ("response", "followup") else None,
        }
