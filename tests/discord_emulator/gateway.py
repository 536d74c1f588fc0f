"""The gateway: HELLO, IDENTIFY/READY, heartbeats, dispatch with sequence numbers, RESUME and INVALID_SESSION.

Shards: an IDENTIFY with ``shard: [shard_id, shard_count]`` opens a session that carries only the guilds
with ``(guild_id >> 22) % shard_count == shard_id`` (its READY lists only those, their GUILD_CREATEs and
events go to it alone; events without a guild, DMs', go to shard 0), as Discord routes them. A session
without ``shard`` carries every guild, as before. A bad shard tuple is closed with 4010 (invalid shard) and
a session that would carry more than ``Emulator.max_guilds_per_shard`` guilds with 4011 (sharding required).
"""

from __future__ import annotations

import asyncio
import json
import logging
import secrets
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from aiohttp import WSMsgType, web

from .world import shard_of

if TYPE_CHECKING:
    from .server import Emulator

log = logging.getLogger(__name__)

DISPATCH, HEARTBEAT, IDENTIFY, PRESENCE, VOICE_STATE, RESUME, RECONNECT, REQUEST_MEMBERS = (
    0,
    1,
    2,
    3,
    4,
    6,
    7,
    8,
)
INVALID_SESSION, HELLO, HEARTBEAT_ACK = 9, 10, 11

INTENT_GUILDS = 1 << 0
INTENT_GUILD_MEMBERS = 1 << 1
INTENT_GUILD_MESSAGES = 1 << 9
INTENT_DIRECT_MESSAGES = 1 << 12
INTENT_GUILD_SCHEDULED_EVENTS = 1 << 16

# Which intent a dispatch needs (events not listed are always sent, e.g. INTERACTION_CREATE).
EVENT_INTENTS = {
    "GUILD_CREATE": INTENT_GUILDS,
    "GUILD_UPDATE": INTENT_GUILDS,
    "GUILD_DELETE": INTENT_GUILDS,
    "CHANNEL_CREATE": INTENT_GUILDS,
    "CHANNEL_UPDATE": INTENT_GUILDS,
    "CHANNEL_DELETE": INTENT_GUILDS,
    "THREAD_CREATE": INTENT_GUILDS,
    "THREAD_UPDATE": INTENT_GUILDS,
    "THREAD_DELETE": INTENT_GUILDS,
    "GUILD_ROLE_CREATE": INTENT_GUILDS,
    "GUILD_ROLE_UPDATE": INTENT_GUILDS,
    "GUILD_ROLE_DELETE": INTENT_GUILDS,
    "GUILD_MEMBER_ADD": INTENT_GUILD_MEMBERS,
    "GUILD_MEMBER_UPDATE": INTENT_GUILD_MEMBERS,
    "GUILD_MEMBER_REMOVE": INTENT_GUILD_MEMBERS,
    "GUILD_SCHEDULED_EVENT_CREATE": INTENT_GUILD_SCHEDULED_EVENTS,
    "GUILD_SCHEDULED_EVENT_UPDATE": INTENT_GUILD_SCHEDULED_EVENTS,
    "GUILD_SCHEDULED_EVENT_DELETE": INTENT_GUILD_SCHEDULED_EVENTS,
    "GUILD_SCHEDULED_EVENT_USER_ADD": INTENT_GUILD_SCHEDULED_EVENTS,
    "GUILD_SCHEDULED_EVENT_USER_REMOVE": INTENT_GUILD_SCHEDULED_EVENTS,
}
MESSAGE_EVENTS = {"MESSAGE_CREATE", "MESSAGE_UPDATE", "MESSAGE_DELETE", "MESSAGE_REACTION_ADD"}
# Events whose guild is the payload itself (``id``), not a ``guild_id`` field.
GUILD_EVENTS = {"GUILD_CREATE", "GUILD_UPDATE", "GUILD_DELETE"}
# Discord's close codes for a shard tuple it cannot use, and for a session that would carry too many guilds.
CLOSE_INVALID_SHARD, CLOSE_SHARDING_REQUIRED = 4010, 4011


def event_guild(event: str, data: dict[str, Any]) -> int | None:
    """The guild a dispatch belongs to (None: a DM's or the user's own, which Discord sends to shard 0)."""
    raw = data.get("id") if event in GUILD_EVENTS else data.get("guild_id")
    return int(raw) if raw else None


def parse_shard(value: Any) -> tuple[int, int] | None:
    """``[shard_id, shard_count]`` as IDENTIFY sends it, or None when Discord would refuse it (4010)."""
    if not isinstance(value, list) or len(value) != 2:
        return None
    if not all(isinstance(part, int) and not isinstance(part, bool) for part in value):
        return None
    shard_id, count = value
    return (shard_id, count) if 0 <= shard_id < count else None


@dataclass
class Connection:
    ws: web.WebSocketResponse
    request: web.Request
    session: Session | None = None
    heartbeats: int = 0

    def abort(self) -> None:
        transport = self.request.transport
        if transport is not None:
            transport.abort()


@dataclass
class Session:
    id: str
    intents: int
    seq: int = 0
    buffer: list[dict[str, Any]] = field(default_factory=list)
    connection: Connection | None = None
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    shard: tuple[int, int] | None = None  # (shard_id, shard_count) from IDENTIFY; None: unsharded

    @property
    def shard_id(self) -> int:
        return self.shard[0] if self.shard is not None else 0

    def carries(self, guild_id: int | None) -> bool:
        """Whether this session gets a guild's events (``None``: events with no guild, shard 0's)."""
        if self.shard is None:
            return True
        shard_id, count = self.shard
        return shard_id == 0 if guild_id is None else shard_of(guild_id, count) == shard_id

    def wants(self, event: str, data: dict[str, Any]) -> bool:
        if not self.carries(event_guild(event, data)):
            return False
        if event in MESSAGE_EVENTS:
            needed = INTENT_GUILD_MESSAGES if data.get("guild_id") else INTENT_DIRECT_MESSAGES
            return bool(self.intents & needed)
        intent = EVENT_INTENTS.get(event)
        return intent is None or bool(self.intents & intent)


class Gateway:
    """Websocket endpoint at ``/gateway``. One emulator normally serves one bot session at a time."""

    BUFFER_LIMIT = 2000

    def __init__(self, emulator: Emulator, *, heartbeat_interval_ms: int = 41250) -> None:
        self.emulator = emulator
        self.heartbeat_interval_ms = heartbeat_interval_ms
        self.sessions: dict[str, Session] = {}
        self.connections: list[Connection] = []
        self.identifies = 0
        self.resumes = 0
        self.invalidated = 0
        self.heartbeats = 0
        self.refuse_resumes = 0
        self.received: list[dict[str, Any]] = []
        # Per shard (0 for unsharded sessions): fresh sessions, resumes, and when each IDENTIFY came.
        self.identifies_by_shard: Counter[int] = Counter()
        self.resumes_by_shard: Counter[int] = Counter()
        self.identify_times: list[tuple[int, float]] = []
        self._held_resumes: dict[int, asyncio.Event] = {}
        self.waiting_resumes: Counter[int] = Counter()

    # -- websocket handler -------------------------------------------------------------------------
    async def handle(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse(autoping=True, max_msg_size=0)
        await ws.prepare(request)
        conn = Connection(ws, request)
        self.connections.append(conn)
        log.debug("gateway connection from %s (%s)", request.remote, request.query_string)
        hello = {"heartbeat_interval": self.heartbeat_interval_ms, "_trace": ['["gateway-emulator",{}]']}
        await self._send(conn, {"op": HELLO, "d": hello, "s": None, "t": None})
        try:
            async for msg in ws:
                if msg.type != WSMsgType.TEXT:
                    continue
                try:
                    payload = json.loads(msg.data)
                except ValueError:
                    await ws.close(code=4002, message=b"Error while decoding payload.")
                    break
                self.received.append(payload)
                await self._on_payload(conn, payload)
        finally:
            self.connections.remove(conn)
            if conn.session is not None and conn.session.connection is conn:
                conn.session.connection = None
            self.emulator.notify()
            log.debug("gateway connection closed (code %s)", ws.close_code)
        return ws

    async def _on_payload(self, conn: Connection, payload: dict[str, Any]) -> None:
        op, data = payload.get("op"), payload.get("d")
        if op == HEARTBEAT:
            conn.heartbeats += 1
            self.heartbeats += 1
            await self._send(conn, {"op": HEARTBEAT_ACK, "d": None, "s": None, "t": None})
            self.emulator.notify()
        elif op == IDENTIFY:
            await self._identify(conn, data or {})
        elif op == RESUME:
            await self._resume(conn, data or {})
        elif op == REQUEST_MEMBERS:
            await self._request_members(conn, data or {})
        elif op in (PRESENCE, VOICE_STATE):
            return
        else:
            self.emulator.add_violation("gateway", f"unknown gateway opcode {op}")
            await conn.ws.close(code=4001, message=b"Unknown opcode.")

    async def _identify(self, conn: Connection, data: dict[str, Any]) -> None:
        state = self.emulator.state
        if conn.session is not None:
            await conn.ws.close(code=4005, message=b"Already authenticated.")
            return
        if data.get("token") != state.token:
            await conn.ws.close(code=4004, message=b"Authentication failed.")
            return
        shard = parse_shard(data["shard"]) if "shard" in data else None
        if "shard" in data and shard is None:
            await conn.ws.close(code=CLOSE_INVALID_SHARD, message=b"Invalid shard.")
            return
        session = Session(id=secrets.token_hex(16), intents=int(data.get("intents", 0)), shard=shard)
        guilds = [guild for guild in state.guilds.values() if session.carries(guild.id)]
        if len(guilds) > self.emulator.max_guilds_per_shard:
            await conn.ws.close(code=CLOSE_SHARDING_REQUIRED, message=b"Sharding required.")
            return
        self.sessions[session.id] = session
        session.connection = conn
        conn.session = session
        self.identifies += 1
        self.identifies_by_shard[session.shard_id] += 1
        self.identify_times.append((session.shard_id, asyncio.get_running_loop().time()))
        ready = {
            "v": 10,
            "user": state.bot.to_dict() | {"verified": True, "mfa_enabled": False, "email": None},
            "user_settings": {},
            "guilds": [{"id": str(guild.id), "unavailable": True} for guild in guilds],
            "guild_join_requests": [],
            "relationships": [],
            "private_channels": [],
            "presences": [],
            "session_id": session.id,
            "session_type": "normal",
            "resume_gateway_url": self.emulator.gateway_url,
            "shard": list(shard) if shard is not None else [0, 1],
            "application": {"id": str(state.application_id), "flags": self.emulator.application_flags},
            "auth": {},
            "geo_ordered_rtc_regions": ["rotterdam"],
            "_trace": ['["gateway-emulator",{}]'],
        }
        await self._dispatch_to(session, "READY", ready)
        for guild in guilds:
            payload = guild.create_payload(
                bot_id=state.bot.id, all_members=bool(session.intents & INTENT_GUILD_MEMBERS)
            )
            payload["guild_scheduled_events"] = [
                e for e in state.scheduled_events.values() if int(e["guild_id"]) == guild.id
            ]
            await self._dispatch_to(session, "GUILD_CREATE", payload)
        self.emulator.notify()

    async def _resume(self, conn: Connection, data: dict[str, Any]) -> None:
        session = self.sessions.get(str(data.get("session_id")))
        if data.get("token") != self.emulator.state.token:
            await conn.ws.close(code=4004, message=b"Authentication failed.")
            return
        if session is None or self.refuse_resumes > 0:
            if self.refuse_resumes > 0:
                self.refuse_resumes -= 1
            if session is not None:
                self.sessions.pop(session.id, None)
            self.invalidated += 1
            await self._send(conn, {"op": INVALID_SESSION, "d": False, "s": None, "t": None})
            self.emulator.notify()
            return
        held = self._held_resumes.get(session.shard_id)
        if held is not None:
            self.waiting_resumes[session.shard_id] += 1
            self.emulator.notify()
            await held.wait()
        old = session.connection
        if old is not None and old is not conn:
            await old.ws.close(code=4000)
        conn.session = session
        async with session.lock:
            session.connection = conn
            since = int(data.get("seq") or 0)
            for frame in session.buffer:
                if frame["s"] > since:
                    await self._send(conn, frame)
        self.resumes += 1
        self.resumes_by_shard[session.shard_id] += 1
        await self._dispatch_to(session, "RESUMED", {"_trace": ['["gateway-emulator",{}]']})
        self.emulator.notify()

    async def _request_members(self, conn: Connection, data: dict[str, Any]) -> None:
        guild = self.emulator.state.guilds.get(int(data.get("guild_id", 0)))
        if guild is None or conn.session is None:
            return
        query = str(data.get("query") or "").lower()
        wanted = {int(u) for u in data.get("user_ids") or []}
        members = [
            m.to_dict()
            for m in guild.members.values()
            if (wanted and m.user.id in wanted) or (not wanted and m.user.username.lower().startswith(query))
        ]
        limit = int(data.get("limit") or 0)
        if limit:
            members = members[:limit]
        chunk = {"guild_id": str(guild.id), "members": members, "chunk_index": 0, "chunk_count": 1}
        if data.get("nonce"):
            chunk["nonce"] = data["nonce"]
        await self._dispatch_to(conn.session, "GUILD_MEMBERS_CHUNK", chunk)

    # -- sending -----------------------------------------------------------------------------------
    async def _send(self, conn: Connection, frame: dict[str, Any]) -> None:
        if conn.ws.closed:
            return
        try:
            await conn.ws.send_str(json.dumps(frame))
        except (ConnectionError, RuntimeError) as exc:
            log.debug("gateway send failed: %s", exc)

    async def _dispatch_to(self, session: Session, event: str, data: dict[str, Any]) -> int:
        async with session.lock:
            session.seq += 1
            frame = {"op": DISPATCH, "t": event, "s": session.seq, "d": data}
            session.buffer.append(frame)
            del session.buffer[: -self.BUFFER_LIMIT]
            if session.connection is not None:
                await self._send(session.connection, frame)
            return session.seq

    async def dispatch(self, event: str, data: dict[str, Any]) -> list[int]:
        """Send a dispatch to every live session that has the needed intent (buffered while disconnected)."""
        sequences = []
        for session in list(self.sessions.values()):
            if session.wants(event, data):
                sequences.append(await self._dispatch_to(session, event, data))
        return sequences

    # -- test controls -----------------------------------------------------------------------------
    @property
    def connected(self) -> bool:
        return any(c.session is not None and not c.ws.closed for c in self.connections)

    @property
    def current_session(self) -> Session | None:
        for conn in reversed(self.connections):
            if conn.session is not None and not conn.ws.closed:
                return conn.session
        return None

    def session_for(self, shard_id: int) -> Session | None:
        """The live session of shard ``shard_id`` (unsharded sessions count as shard 0), newest first."""
        for conn in reversed(self.connections):
            session = conn.session
            if session is not None and not conn.ws.closed and session.shard_id == shard_id:
                return session
        return None

    def shard_connected(self, shard_id: int) -> bool:
        return self.session_for(shard_id) is not None

    def _connections(self, shard: int | None) -> list[Connection]:
        if shard is None:
            return list(self.connections)
        return [c for c in self.connections if c.session is not None and c.session.shard_id == shard]

    async def drop(self, code: int | None = None, *, shard: int | None = None) -> None:
        """Drop every connection (or shard ``shard``'s): ``code=None`` aborts the TCP stream (no close
        frame); else close with ``code``."""
        for conn in self._connections(shard):
            if code is None:
                conn.abort()
            else:
                await conn.ws.close(code=code, message=b"dropped by test")

    async def send_reconnect(self, *, shard: int | None = None) -> None:
        """Send op 7 RECONNECT (to every connection, or shard ``shard``'s): the client reconnects and resumes."""
        for conn in self._connections(shard):
            await self._send(conn, {"op": RECONNECT, "d": None, "s": None, "t": None})

    def hold_resumes(self, shard: int) -> Callable[[], None]:
        """Keep shard ``shard`` away: its RESUMEs wait unanswered (its guilds' events are buffered, as
        Discord does) until the returned ``release()`` is called. ``waiting_resumes[shard]`` counts them."""
        gate = self._held_resumes[shard] = asyncio.Event()

        def release() -> None:
            gate.set()
            if self._held_resumes.get(shard) is gate:
                del self._held_resumes[shard]

        return release

    def refuse_next_resume(self, times: int = 1) -> None:
        """The next ``times`` RESUME attempts are answered with INVALID_SESSION(false)."""
        self.refuse_resumes += times
