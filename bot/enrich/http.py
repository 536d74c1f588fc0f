"""HTTP for the online providers: one polite JSON client per provider.

Each provider (Wikidata, Wikipedia, TMDB) owns one ``ProviderHttp``: one aiohttp session, opened on first
use and closed with the bot; total and connect timeouts; a ``User-Agent`` naming filmbot and whoever runs
it (``FILMBOT_CONTACT``, as Wikimedia's User-Agent policy asks); at most ``concurrency`` requests at once
and, optionally, a minimum interval between request starts. A 429, 502, 503 or 504, a MediaWiki ``maxlag``
error (HTTP 200, ``{"error": {"code": "maxlag"}}``) or a dropped connection is retried after a jittered
exponential backoff or the ``Retry-After`` the server asked for, and a 429's or maxlag's wait holds every
request of that provider. No wait goes past the caller's deadline: the one passed, or the one the
enrichment service set for the whole fetch (``within``). Every failure, a malformed body included, is one
exception, ``ProviderError``, whose message is a plain sentence.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import random
import time
from collections.abc import Awaitable, Callable, Iterator, Mapping
from contextvars import ContextVar
from typing import Any, TypeVar, overload

import aiohttp

from bot import __version__
from bot.clock import Clock, SystemClock
from bot.letterboxd.http import TooLarge, read_capped, retry_after_seconds

log = logging.getLogger(__name__)

T = TypeVar("T")
Sleep = Callable[[float], Awaitable[None]]

BODY_MAX = 16 * 1024 * 1024  # a large film's wbgetentities answer is about 1 MB
RETRY_STATUSES = frozenset({429, 502, 503, 504})
# What a body-reading function may raise on a shape it did not expect; turned into ProviderError.
SHAPE_ERRORS = (KeyError, IndexError, TypeError, ValueError, AttributeError)
MALFORMED = "answered in a shape filmbot does not understand"

# The absolute time (on ``time.monotonic``'s scale) by which the current enrichment must be done, if any.
_DEADLINE: ContextVar[float | None] = ContextVar("filmbot_enrich_deadline", default=None)


@contextlib.contextmanager
def within(seconds: float | None) -> Iterator[None]:
    """Every provider request made inside (tasks started inside included) ends within ``seconds``: no
    retry waits past it and no request's timeout reaches beyond it. ``None``: no deadline."""
    token = _DEADLINE.set(None if seconds is None else time.monotonic() + seconds)
    try:
        yield
    finally:
        _DEADLINE.reset(token)


@contextlib.contextmanager
def reading(provider: str) -> Iterator[None]:
    """Reading an answer already decoded: a shape it did not expect is a ``ProviderError`` (malformed)."""
    try:
        yield
    except SHAPE_ERRORS as error:
        log.debug("%s answered an unexpected shape: %r", provider, error)
        raise ProviderError(provider, MALFORMED, kind="malformed") from None


def current_deadline() -> float | None:
    return _DEADLINE.get()


def user_agent(contact: str) -> str:
    """Wikimedia's policy: a name, a version and a way to reach the operator."""
    who = contact or "self-hosted Discord bot; operator contact not set (FILMBOT_CONTACT)"
    return f"filmbot/{__version__} ({who}) aiohttp/{aiohttp.__version__}"


class ProviderError(Exception):
    """A provider could not be read. ``reason`` is a plain sentence fragment ("did not answer within 8 s");
    ``kind`` says which failure it was: ``timeout``, ``unreachable``, ``rate_limited``, ``unavailable``,
    ``malformed``, ``not_found``, ``refused`` or ``error``."""

    def __init__(self, provider: str, reason: str, *, kind: str = "error", status: int | None = None) -> None:
        super().__init__(provider, reason)
        self.provider = provider
        self.reason = reason
        self.kind = kind
        self.status = status

    def __str__(self) -> str:
        return f"{self.provider}: {self.reason}"


class _Retry(Exception):
    """One attempt failed in a way worth another: ``after`` is the server's Retry-After, if it gave one."""

    def __init__(self, reason: str, kind: str, status: int | None, after: float | None, hold: bool) -> None:
        super().__init__(reason)
        self.reason = reason
        self.kind = kind
        self.status = status
        self.after = after
        self.hold = hold  # the server asked the whole client to wait (429, maxlag), not just this request


def mediawiki_error(data: object) -> tuple[str, str] | None:
    """A MediaWiki Action API error body's ``(code, info)``, or None when ``data`` is not one."""
    if isinstance(data, dict) and isinstance(error := data.get("error"), dict):
        return str(error.get("code", "")), str(error.get("info", ""))
    return None


class ProviderHttp:
    """One provider's HTTP session and its manners (see the module's docstring)."""

    def __init__(
        self,
        provider: str,
        *,
        contact: str = "",
        concurrency: int = 2,
        min_interval: float = 0.0,
        timeout: float = 10.0,
        connect_timeout: float = 5.0,
        attempts: int = 4,
        backoff: float = 0.5,
        max_wait: float = 120.0,
        headers: Mapping[str, str] | None = None,
        clock: Clock | None = None,
        sleep: Sleep = asyncio.sleep,
        monotonic: Callable[[], float] = time.monotonic,
        jitter: Callable[[], float] = random.random,
    ) -> None:
        """``max_wait``: the longest single wait (Retry-After included) worth making without a deadline;
        ``clock`` reads HTTP-date Retry-After values; ``sleep``, ``monotonic`` and ``jitter`` are the
        waiting, the timing and the randomness, replaceable so tests of backoff need not wait."""
        self.provider = provider
        self.concurrency = concurrency
        self.min_interval = min_interval
        self.timeout = timeout
        self.connect_timeout = connect_timeout
        self.attempts = attempts
        self.backoff = backoff
        self.max_wait = max_wait
        self.requests = 0  # requests sent, for benchmarks and the bulk command's report
        self._headers = {"User-Agent": user_agent(contact), "Accept": "application/json", **(headers or {})}
        self._clock = clock or SystemClock()
        self._sleep = sleep
        self._monotonic = monotonic
        self._jitter = jitter
        self._gate = asyncio.Semaphore(concurrency)
        self._pace = asyncio.Lock()
        self._next_start = 0.0  # no request starts before this (min_interval)
        self._not_before = 0.0  # nor before this (a 429's or maxlag's Retry-After)
        self._session: aiohttp.ClientSession | None = None

    def _open(self) -> aiohttp.ClientSession:
        if self._session is None or self._session.closed:
            connector = aiohttp.TCPConnector(limit=self.concurrency)
            self._session = aiohttp.ClientSession(connector=connector, headers=self._headers)
        return self._session

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None

    @overload
    async def get_json(
        self,
        url: str,
        params: Mapping[str, str | int] | None = None,
        *,
        parse: None = None,
        maxlag: int | None = None,
        headers: Mapping[str, str] | None = None,
        deadline: float | None = None,
    ) -> Any: ...
    @overload
    async def get_json(
        self,
        url: str,
        params: Mapping[str, str | int] | None = None,
        *,
        parse: Callable[[Any], T],
        maxlag: int | None = None,
        headers: Mapping[str, str] | None = None,
        deadline: float | None = None,
    ) -> T: ...
    async def get_json(
        self,
        url: str,
        params: Mapping[str, str | int] | None = None,
        *,
        parse: Callable[[Any], Any] | None = None,
        maxlag: int | None = None,
        headers: Mapping[str, str] | None = None,
        deadline: float | None = None,
    ) -> Any:
        """GET ``url`` and decode its JSON; ``parse`` turns it into the caller's value, and any
        ``KeyError``/``TypeError``/``ValueError``/… it raises on an unexpected shape becomes a
        ``ProviderError`` (kind ``malformed``). ``maxlag``: the MediaWiki parameter, for Wikimedia calls
        that are not interactive. ``deadline``: absolute, on ``monotonic``'s scale; by default the one
        ``within`` set."""
        query: dict[str, str | int] = dict(params or {})
        if maxlag is not None:
            query["maxlag"] = maxlag
        limit = deadline if deadline is not None else current_deadline()
        attempt = 0
        while True:
            attempt += 1
            try:
                data = await self._once(url, query, headers, limit)
            except _Retry as retry:
                await self._before_retry(retry, attempt, limit)
                continue
            if parse is None:
                return data
            with reading(self.provider):
                return parse(data)

    async def _before_retry(self, retry: _Retry, attempt: int, deadline: float | None) -> None:
        """Wait before the next attempt, or raise when there is none worth making."""
        backoff = self._jitter() * min(self.max_wait, self.backoff * 2 ** (attempt - 1))
        wait = retry.after + self._jitter() * self.backoff if retry.after is not None else backoff
        now = self._monotonic()
        if retry.hold:
            self._not_before = max(self._not_before, now + wait)
        if attempt >= self.attempts:
            raise ProviderError(
                self.provider, f"{retry.reason}, {attempt} times", kind=retry.kind, status=retry.status
            )
        if wait > self.max_wait or (deadline is not None and now + wait >= deadline):
            asked = f" asked to wait {wait:.0f} s, which" if retry.after is not None else ""
            raise ProviderError(
                self.provider,
                f"{retry.reason}; it{asked} is longer than filmbot can wait now",
                kind=retry.kind,
                status=retry.status,
            )
        log.debug("%s: %s; retrying in %.2f s", self.provider, retry.reason, wait)
        await self._sleep(wait)

    async def _turn(self, deadline: float | None) -> None:
        """Wait for this request's start: after the minimum interval and any Retry-After hold."""
        async with self._pace:
            now = self._monotonic()
            start = max(now, self._next_start, self._not_before)
            if deadline is not None and start >= deadline:
                raise ProviderError(
                    self.provider, "asked filmbot to wait longer than the time left", kind="rate_limited"
                )
            self._next_start = start + self.min_interval
        if start > now:
            await self._sleep(start - now)

    async def _once(
        self,
        url: str,
        query: Mapping[str, str | int],
        headers: Mapping[str, str] | None,
        deadline: float | None,
    ) -> Any:
        await self._turn(deadline)
        total = self.timeout
        if deadline is not None:
            total = min(total, max(deadline - self._monotonic(), 0.001))
        timeout = aiohttp.ClientTimeout(total=total, sock_connect=min(self.connect_timeout, total))
        async with self._gate:
            self.requests += 1
            try:
                async with self._open().get(url, params=query, headers=headers, timeout=timeout) as response:
                    return await self._read(response)
            except TimeoutError:
                raise ProviderError(
                    self.provider, f"did not answer within {total:.3g} s", kind="timeout"
                ) from None
            except aiohttp.ClientError as error:
                raise _Retry(
                    f"could not be reached ({type(error).__name__})", "unreachable", None, None, False
                ) from None

    async def _read(self, response: aiohttp.ClientResponse) -> Any:
        status = response.status
        if status in RETRY_STATUSES:
            after = retry_after_seconds(response.headers.get("Retry-After"), self._clock.now())
            reason = "asked filmbot to slow down (429)" if status == 429 else f"was unavailable ({status})"
            raise _Retry(
                reason, "rate_limited" if status == 429 else "unavailable", status, after, status == 429
            )
        if status != 200:
            raise _status_error(self.provider, status)
        content_type = response.content_type
        if content_type != "application/json" and not content_type.endswith("+json"):
            raise ProviderError(
                self.provider,
                f"answered {content_type or 'without a content type'}, not JSON",
                kind="malformed",
            )
        try:
            body = await read_capped(response, BODY_MAX)
        except TooLarge:
            raise ProviderError(
                self.provider, f"answered more than {BODY_MAX // (1024 * 1024)} MB", kind="malformed"
            ) from None
        try:
            data = json.loads(body)
        except (ValueError, UnicodeDecodeError):
            raise ProviderError(
                self.provider, "answered with a body that is not valid JSON", kind="malformed"
            ) from None
        error = mediawiki_error(data)
        if error is not None and error[0] == "maxlag":
            after = retry_after_seconds(response.headers.get("Retry-After"), self._clock.now())
            raise _Retry(
                "is lagging behind (maxlag)", "unavailable", status, after if after is not None else 5.0, True
            )
        return data


def _status_error(provider: str, status: int) -> ProviderError:
    if status == 404:
        return ProviderError(provider, "has no such page (404)", kind="not_found", status=status)
    if status in (401, 403):
        return ProviderError(provider, f"refused the request ({status})", kind="refused", status=status)
    return ProviderError(provider, f"answered with an error ({status})", kind="error", status=status)
