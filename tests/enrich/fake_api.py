"""A base for local HTTP servers standing in for an online API (Wikidata, Wikipedia, TMDB), with faults.

A test server subclasses ``FakeApi`` (or uses it as is), adds routes with ``route(path, handler,
**when)`` (``when``: query parameters that must match, e.g. ``action="wbgetentities"``), and scripts faults
with ``fail(Fault.…, times=N, **when)``: the next N matching requests get the fault instead of their
answer. Every request is logged (``log``), so tests count requests per card, check the User-Agent and see
which carried ``maxlag``. ``latency`` delays every answer (the benchmarks' 50/200/800 ms servers).

A handler returns a JSON value (served as ``application/json; charset=utf-8``) or an aiohttp response.
"""

from __future__ import annotations

import asyncio
import inspect
import json
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Self

from aiohttp import web

from tests.local_server import serve

JSON_TYPE = "application/json; charset=utf-8"
Handler = Callable[[web.Request], Any | Awaitable[Any]]


@dataclass(frozen=True, slots=True)
class Fault:
    """One scripted bad answer. Build them with the class methods."""

    status: int = 500
    body: bytes = b""
    headers: Mapping[str, str] = field(default_factory=dict)
    hang: bool = False  # never answer (until the server closes): the client's timeout must fire
    drop: bool = False  # close the connection without an answer

    @classmethod
    def rate_limited(cls, retry_after: str | None = "1") -> Fault:
        """429 Too Many Requests, with ``Retry-After`` (seconds or an HTTP date) unless None."""
        headers = {"Retry-After": retry_after} if retry_after is not None else {}
        return cls(429, b'{"error": "too many requests"}', {"Content-Type": JSON_TYPE, **headers})

    @classmethod
    def unavailable(cls, retry_after: str | None = None) -> Fault:
        """503 Service Unavailable (an HTML error page, as Wikimedia's caches send), with an optional
        ``Retry-After``."""
        headers = {"Retry-After": retry_after} if retry_after is not None else {}
        page = b"<!DOCTYPE html><html><body><h1>Error</h1><p>Our servers are currently under maintenance.</p>"
        return cls(503, page, {"Content-Type": "text/html; charset=utf-8", **headers})

    @classmethod
    def maxlag(cls, lag: int = 3, retry_after: str = "1") -> Fault:
        """MediaWiki's maxlag error, as the Action API sends it: HTTP 200, an error body, ``Retry-After``
        and ``X-Database-Lag`` (https://www.mediawiki.org/wiki/Manual:Maxlag_parameter)."""
        body = {
            "error": {
                "code": "maxlag",
                "info": f"Waiting for 10.64.48.35: {lag} seconds lagged.",
                "host": "10.64.48.35",
                "lag": lag,
                "type": "db",
                "*": "See https://www.wikidata.org/w/api.php for API usage.",
            },
            "servedby": "mw2291",
        }
        headers = {"Content-Type": JSON_TYPE, "Retry-After": retry_after, "X-Database-Lag": str(lag)}
        return cls(200, json.dumps(body).encode(), headers)

    @classmethod
    def malformed(cls) -> Fault:
        """A 200 whose JSON is cut off halfway."""
        return cls(200, b'{"entities": {"Q1": {"id": "Q1", "claims": {', {"Content-Type": JSON_TYPE})

    @classmethod
    def not_json(cls) -> Fault:
        """A 200 that is an HTML page (a captive portal, a misconfigured proxy)."""
        return cls(200, b"<html><body>Hello</body></html>", {"Content-Type": "text/html"})

    @classmethod
    def server_error(cls, status: int = 500) -> Fault:
        return cls(status, b"Internal Server Error", {"Content-Type": "text/plain"})

    @classmethod
    def timeout(cls) -> Fault:
        return cls(hang=True)

    @classmethod
    def disconnect(cls) -> Fault:
        return cls(drop=True)


@dataclass(frozen=True, slots=True)
class Logged:
    """One request the server received."""

    path: str
    query: Mapping[str, str]
    headers: Mapping[str, str]
    status: int  # what it was answered (0: hung or dropped)


@dataclass(slots=True)
class _Route:
    path: str
    when: Mapping[str, str]
    handler: Handler


@dataclass(slots=True)
class _Scripted:
    fault: Fault
    left: int
    path: str | None
    when: Mapping[str, str]


async def no_wait(seconds: float) -> None:
    """A client's ``sleep`` for tests: backoff waits are not made (the loop still turns)."""
    await asyncio.sleep(0)


def _matches(request: web.Request, path: str | None, when: Mapping[str, str]) -> bool:
    if path is not None and request.path != path:
        return False
    return all(request.query.get(key) == value for key, value in when.items())


class FakeApi:
    """A local aiohttp server: routes, scripted faults, a request log, an optional latency."""

    def __init__(self) -> None:
        self.log: list[Logged] = []
        self.latency = 0.0  # seconds every answer waits before it is sent
        self._routes: list[_Route] = []
        self._faults: list[_Scripted] = []
        self._released = asyncio.Event()
        self._runner: web.AppRunner | None = None
        self.port = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def route(self, path: str, handler: Handler, **when: str) -> None:
        """Answer GET ``path`` with ``handler`` when the query has every ``when`` parameter (first match
        wins, in the order routes were added)."""
        self._routes.append(_Route(path, when, handler))

    def fail(self, fault: Fault, times: int = 1, *, path: str | None = None, **when: str) -> None:
        """The next ``times`` requests matching ``path`` and ``when`` get ``fault`` (scripts queue up)."""
        self._faults.append(_Scripted(fault, times, path, when))

    def clear_faults(self) -> None:
        self._faults.clear()

    def requests(self, *, path: str | None = None, **when: str) -> list[Logged]:
        """The logged requests matching ``path`` and every ``when`` query parameter."""
        return [
            r
            for r in self.log
            if (path is None or r.path == path) and all(r.query.get(k) == v for k, v in when.items())
        ]

    async def start(self) -> Self:
        app = web.Application()
        app.router.add_route("GET", "/{tail:.*}", self._answer)
        self._runner, self.port = await serve(app, access_log=None, shutdown_timeout=0.1)
        return self

    async def close(self) -> None:
        self._released.set()  # hung requests end now
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> Self:
        return await self.start()

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    def _scripted(self, request: web.Request) -> Fault | None:
        for scripted in self._faults:
            if scripted.left > 0 and _matches(request, scripted.path, scripted.when):
                scripted.left -= 1
                return scripted.fault
        return None

    async def _answer(self, request: web.Request) -> web.StreamResponse:
        if self.latency:
            await asyncio.sleep(self.latency)
        fault = self._scripted(request)
        if fault is not None:
            return await self._fault(request, fault)
        for route in self._routes:
            if _matches(request, route.path, route.when):
                result = route.handler(request)
                if inspect.isawaitable(result):
                    result = await result
                response = result if isinstance(result, web.StreamResponse) else self.json(result)
                self._record(request, response.status)
                return response
        self._record(request, 404)
        return self.json({"error": {"code": "notfound", "info": "no route in the fake server"}}, status=404)

    async def _fault(self, request: web.Request, fault: Fault) -> web.StreamResponse:
        if fault.hang:
            self._record(request, 0)
            await self._released.wait()
            return web.Response(status=503)  # the server is closing; the client gave up long ago
        if fault.drop:
            self._record(request, 0)
            transport = request.transport
            if transport is not None:
                transport.abort()
            raise ConnectionResetError("dropped by the fault script")
        self._record(request, fault.status)
        return web.Response(status=fault.status, body=fault.body, headers=dict(fault.headers))

    def _record(self, request: web.Request, status: int) -> None:
        self.log.append(Logged(request.path, dict(request.query), dict(request.headers), status))

    @staticmethod
    def json(value: Any, status: int = 200) -> web.Response:
        return web.Response(
            status=status, body=json.dumps(value).encode(), headers={"Content-Type": JSON_TYPE}
        )
