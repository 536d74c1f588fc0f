"""The emulator: an aiohttp app serving Discord's REST API under ``/api/v10`` and the gateway at ``/gateway``."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, TypeVar

from aiohttp import web

from .errors import DiscordHTTPError
from .faults import FaultInjector
from .gateway import Gateway
from .world import World, build_default_world

log = logging.getLogger(__name__)

API_PREFIX = "/api/v10"
EMULATOR_KEY: web.AppKey[Emulator] = web.AppKey("emulator")
T = TypeVar("T")


@dataclass
class Violation:
    """Something Discord would have rejected, or a route the emulator does not know."""

    kind: str  # "unknown_route", "invalid_body", "protocol", "gateway"
    detail: str
    code: int | None = None
    method: str = ""
    path: str = ""

    def __str__(self) -> str:
        where = f" {self.method} {self.path}" if self.method else ""
        return f"[{self.kind}{'/' + str(self.code) if self.code else ''}]{where}: {self.detail}"


@dataclass
class RequestRecord:
    method: str
    path: str
    query: dict[str, str]
    status: int
    body: Any = None
    files: int = 0
    at: float = field(default_factory=time.monotonic)
    peer: str = ""  # the client's host:port: distinct values are distinct TCP connections


@dataclass
class Action:
    """A state change caused by the bot: ``callback``, ``message_create``, ``message_edit``, ``message_delete``…"""

    kind: str
    interaction_id: int | None = None
    message_id: int | None = None
    data: dict[str, Any] = field(default_factory=dict)
    at: float = 0.0


@dataclass
class _Expectation:
    codes: frozenset[int | str]
    seen: list[Violation] = field(default_factory=list)


class Emulator:
    """A loopback Discord. ``await Emulator().start()``; point the bot at ``api_base`` and ``gateway_url``."""

    def __init__(
        self,
        *,
        token: str = "emulator-token",
        world: World | None = None,
        ack_timeout: float = 3.0,
        webhook_token_ttl: float = 15 * 60,
        heartbeat_interval_ms: int = 41250,
        application_flags: int = (1 << 19) | (1 << 23),
        guilds: int = 1,
        recommended_shards: int | None = None,
        max_concurrency: int = 1,
        max_guilds_per_shard: int = 2500,
    ) -> None:
        self.world = world or build_default_world(token, guild_count=guilds)
        self.state = self.world.state
        # GET /gateway/bot: the shard count Discord recommends (None: one per 1,000 guilds, as Discord
        # roughly does) and how many IDENTIFYs may start at once (session_start_limit.max_concurrency).
        self.recommended_shards = recommended_shards
        self.max_concurrency = max_concurrency
        # A session that would carry more guilds than this is closed with 4011 (sharding required).
        self.max_guilds_per_shard = max_guilds_per_shard
        self.ack_timeout = ack_timeout
        self.webhook_token_ttl = webhook_token_ttl
        self.application_flags = application_flags
        self.faults = FaultInjector()
        self.gateway = Gateway(self, heartbeat_interval_ms=heartbeat_interval_ms)
        self.requests: list[RequestRecord] = []
        self.actions: list[Action] = []
        self.violations: list[Violation] = []
        self.expected_violations: list[Violation] = []
        self._expectations: list[_Expectation] = []
        self._changed = asyncio.Event()
        self._runner: web.AppRunner | None = None
        self.port: int = 0
        self.host = "127.0.0.1"

    # -- lifecycle ---------------------------------------------------------------------------------
    def make_app(self) -> web.Application:
        from .rest import setup_routes
        from .rest.common import middleware

        app = web.Application(middlewares=[middleware], client_max_size=64 * 1024 * 1024)
        app[EMULATOR_KEY] = self
        app.router.add_get("/gateway", self.gateway.handle)
        setup_routes(app)
        return app

    async def start(self, host: str = "127.0.0.1", port: int = 0) -> Emulator:
        self.host = host
        self._runner = web.AppRunner(self.make_app(), access_log=None, shutdown_timeout=0.5)
        await self._runner.setup()
        site = web.TCPSite(self._runner, host, port)
        await site.start()
        server = site._server
        assert server is not None and server.sockets  # type: ignore[attr-defined]
        self.port = server.sockets[0].getsockname()[1]  # type: ignore[attr-defined]
        log.info("discord emulator listening on %s", self.base_url)
        return self

    async def close(self) -> None:
        await self.gateway.drop(code=1001)
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> Emulator:
        return await self.start()

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    @property
    def shard_count_recommended(self) -> int:
        if self.recommended_shards is not None:
            return self.recommended_shards
        return max(1, -(-len(self.state.guilds) // 1000))

    @property
    def base_url(self) -> str:
        return f"http://{self.host}:{self.port}"

    @property
    def api_base(self) -> str:
        return self.base_url + API_PREFIX

    @property
    def gateway_url(self) -> str:
        return f"ws://{self.host}:{self.port}/gateway"

    def bot_env(self, database: str, **extra: str) -> dict[str, str]:
        """The environment variables that point a filmbot process at this emulator."""
        return {
            "DISCORD_TOKEN": self.state.token,
            "DISCORD_API_BASE": self.api_base,
            "DISCORD_GATEWAY_URL": self.gateway_url,
            "FILMBOT_DATABASE": database,
            # No test reaches the internet: online enrichment is off unless a test turns it on with its
            # providers' addresses pointed at local servers.
            "FILMBOT_ONLINE": "off",
            **extra,
        }

    @property
    def driver(self) -> Any:
        from .driver import Driver

        return Driver(self)

    def seed_message(
        self,
        channel: str | int,
        content: str = "",
        *,
        components: list[dict[str, Any]] | None = None,
        embeds: list[dict[str, Any]] | None = None,
    ) -> Any:
        """Put a message "the bot posted earlier" (e.g. before a restart) into a channel; returns a MessageView."""
        from .messages import build_message
        from .views import MessageView

        payload = {"content": content, "components": components or [], "embeds": embeds or []}
        message = build_message(
            self.state,
            channel=self.world.channel(channel),
            payload=payload,
            uploads=[],
            base_url=self.base_url,
            author=self.state.bot,
        )
        return MessageView(self, int(message["id"]))

    # -- change notification -----------------------------------------------------------------------
    def notify(self) -> None:
        """Wake everything waiting in :meth:`wait_for`."""
        self._changed.set()
        self._changed = asyncio.Event()

    async def wait_for(
        self,
        predicate: Callable[[], T | None],
        *,
        timeout: float = 5.0,  # noqa: ASYNC109
        what: str = "condition",
    ) -> T:
        """Wait (event-driven) until ``predicate()`` is truthy; returns its value or raises AssertionError.

        One deadline for the whole wait (not a ``wait_for`` task per wake-up): a burst of a thousand
        clicks each waiting here would otherwise spend more time in timers than the bot does answering.
        """
        deadline = asyncio.get_running_loop().time() + timeout
        try:
            async with asyncio.timeout_at(deadline):
                while True:
                    result = predicate()
                    if result:
                        return result
                    await self._changed.wait()
        except TimeoutError:
            result = predicate()
            if result:
                return result
            raise AssertionError(f"timed out after {timeout:.1f}s waiting for {what}") from None

    def record(self, kind: str, **data: Any) -> Action:
        action = Action(kind, at=asyncio.get_running_loop().time(), **data)
        self.actions.append(action)
        self.notify()
        return action

    async def dispatch(self, event: str, data: dict[str, Any]) -> list[int]:
        """Send a gateway dispatch (e.g. ``CHANNEL_DELETE``) to the bot; returns the sequence numbers used."""
        sequences = await self.gateway.dispatch(event, data)
        self.notify()
        return sequences

    # -- violations --------------------------------------------------------------------------------
    def add_violation(
        self, kind: str, detail: str, *, code: int | None = None, method: str = "", path: str = ""
    ) -> Violation:
        violation = Violation(kind, detail, code, method, path)
        for expectation in self._expectations:
            if code in expectation.codes or kind in expectation.codes:
                expectation.seen.append(violation)
                self.expected_violations.append(violation)
                log.info("expected violation: %s", violation)
                self.notify()
                return violation
        self.violations.append(violation)
        log.warning("discord emulator violation: %s", violation)
        self.notify()
        return violation

    @contextmanager
    def expect_errors(self, *codes: int | str) -> Iterator[list[Violation]]:
        """Declare that the block makes the bot hit these error codes (or kinds); fails if none occurred."""
        expectation = _Expectation(frozenset(codes))
        self._expectations.append(expectation)
        try:
            yield expectation.seen
        finally:
            self._expectations.remove(expectation)
        if not expectation.seen:
            raise AssertionError(f"expected Discord errors {codes} but none occurred")

    def take_violations(self) -> list[Violation]:
        taken, self.violations = self.violations, []
        return taken

    def assert_clean(self) -> None:
        """Fail if the bot hit an unknown route or sent something Discord would reject."""
        if self.violations:
            lines = "\n  ".join(str(v) for v in self.violations)
            raise AssertionError(f"the bot did things Discord would reject:\n  {lines}")

    def raise_http(self, exc: DiscordHTTPError, method: str, path: str) -> None:
        if exc.violation:
            detail = exc.message
            if exc.errors:
                detail += f" {exc.errors}"
            self.add_violation(
                "invalid_body" if exc.code == 50035 else "protocol",
                detail,
                code=exc.code,
                method=method,
                path=path,
            )

    def calls(self, method: str = "*", path: str = "**") -> list[RequestRecord]:
        """REST requests seen so far, filtered like fault patterns."""
        from .faults import _compile

        regex = _compile(path)
        return [r for r in self.requests if method in ("*", r.method) and regex.match(r.path)]
