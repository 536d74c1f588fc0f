"""HTTP for the Letterboxd feature: members' diary feeds, politely, and uploaded exports, capped.

Feeds: ``<FILMBOT_LETTERBOXD_URL>/<username>/rss/`` with the validators of the last answer
(``If-None-Match``/``If-Modified-Since``), a User-Agent that says who is asking, at most a few requests at
once, a timeout, and a size cap. A 429 is honoured for every feed: no request to Letterboxd goes out
before its ``Retry-After`` has passed. Every outcome is a value (``FeedPage``, ``NotModified``,
``FeedFailure``), never an exception: a user who does not exist, a feed that is down, a body that is not
a feed all come back as a ``FeedFailure`` with a sentence saying what happened.

Attachments: the member's uploaded export is read from Discord's attachment URL, and reading stops at
the cap whatever ``Content-Length`` claimed.
"""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta
from email.utils import parsedate_to_datetime

import aiohttp

from bot import __version__
from bot.clock import Clock
from bot.letterboxd.feed import FeedUnreadable, parse_feed
from bot.letterboxd.models import FeedFailure, FeedPage, FetchResult, NotModified

USER_AGENT = f"filmbot/{__version__} (self-hosted Discord bot; reads public Letterboxd diary feeds)"
FEED_MAX = 2 * 1024 * 1024
TIMEOUT_SECONDS = 30.0
CONCURRENCY = 4
RETRY_AFTER_MAX = 24 * 3600.0
_CHUNK = 64 * 1024


class TooLarge(Exception):
    """The body went past the cap (reading stopped there)."""


class DownloadFailed(Exception):
    """The file could not be fetched; the message says why."""


def retry_after_seconds(value: str | None, now: datetime) -> float | None:
    """A ``Retry-After`` header (seconds, or an HTTP date) as seconds from ``now``, within a day."""
    text = (value or "").strip()
    if not text:
        return None
    if text.isascii() and text.isdigit():
        seconds = float(text)
    else:
        try:
            seconds = (parsedate_to_datetime(text) - now).total_seconds()
        except (TypeError, ValueError):
            return None
    return min(max(seconds, 0.0), RETRY_AFTER_MAX)


async def read_capped(response: aiohttp.ClientResponse, cap: int) -> bytes:
    """The body, or ``TooLarge`` as soon as it passes ``cap`` bytes (after decompression)."""
    if response.content_length is not None and response.content_length > cap:
        raise TooLarge(response.content_length)
    body = bytearray()
    async for chunk in response.content.iter_chunked(_CHUNK):
        body += chunk
        if len(body) > cap:
            raise TooLarge(len(body))
    return bytes(body)


class LetterboxdHttp:
    """One HTTP session for the feature (opened on first use, closed with the bot)."""

    def __init__(
        self,
        base_url: str,
        clock: Clock,
        *,
        timeout: float = TIMEOUT_SECONDS,
        concurrency: int = CONCURRENCY,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self._clock = clock
        self._timeout = aiohttp.ClientTimeout(total=timeout, sock_connect=min(timeout, 10.0))
        self._gate = asyncio.Semaphore(concurrency)
        self._session: aiohttp.ClientSession | None = None
        self._not_before: datetime | None = None  # from a 429: no request to Letterboxd before this

    def feed_url(self, username: str) -> str:
        return f"{self.base_url}/{username}/rss/"

    def profile_url(self, username: str) -> str:
        return f"{self.base_url}/{username}/"

    def _open(self) -> aiohttp.ClientSession:
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(timeout=self._timeout, headers={"User-Agent": USER_AGENT})
        return self._session

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None

    async def fetch(self, username: str, etag: str | None, last_modified: str | None) -> FetchResult:
        """One conditional request for a member's feed; every outcome is a value."""
        now = self._clock.now()
        if self._not_before is not None and now < self._not_before:
            wait = (self._not_before - now).total_seconds()
            return FeedFailure("rate_limited", "Letterboxd asked filmbot to wait", 429, wait)
        headers = {"Accept": "application/rss+xml, application/xml;q=0.9, */*;q=0.1"}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        async with self._gate:
            try:
                async with self._open().get(self.feed_url(username), headers=headers) as response:
                    return await self._answer(response)
            except TimeoutError:
                return FeedFailure(
                    "unreachable", f"Letterboxd did not answer within {self._timeout.total:g} s"
                )
            except aiohttp.ClientError as error:
                return FeedFailure("unreachable", f"Letterboxd could not be reached ({type(error).__name__})")

    async def _answer(self, response: aiohttp.ClientResponse) -> FetchResult:
        status = response.status
        if status == 304:
            return NotModified()
        if status == 200:
            try:
                body = await read_capped(response, FEED_MAX)
            except TooLarge:
                return FeedFailure(
                    "malformed", f"the feed is larger than {FEED_MAX // (1024 * 1024)} MB", 200
                )
            try:
                entries = await asyncio.to_thread(parse_feed, body, self._clock.now())
            except FeedUnreadable as error:
                return FeedFailure("malformed", str(error), 200)
            headers = response.headers
            return FeedPage(entries, etag=headers.get("ETag"), last_modified=headers.get("Last-Modified"))
        if status == 404:
            return FeedFailure("not_found", "Letterboxd has no member by that name (404)", 404)
        if status == 429:
            wait = retry_after_seconds(response.headers.get("Retry-After"), self._clock.now())
            self._not_before = self._clock.now() + timedelta(seconds=wait if wait is not None else 1800)
            return FeedFailure("rate_limited", "Letterboxd asked filmbot to slow down (429)", 429, wait)
        if status in (401, 403):
            return FeedFailure("refused", f"Letterboxd refused to serve the feed ({status})", status)
        return FeedFailure("unavailable", f"Letterboxd answered with an error ({status})", status)

    async def download(self, url: str, cap: int) -> bytes:
        """An uploaded file from Discord, at most ``cap`` bytes (``TooLarge`` past it)."""
        try:
            async with self._open().get(url) as response:
                if response.status != 200:
                    raise DownloadFailed(f"Discord answered {response.status} for the file")
                return await read_capped(response, cap)
        except TimeoutError:
            raise DownloadFailed("the download from Discord timed out") from None
        except aiohttp.ClientError as error:
            raise DownloadFailed(f"the download from Discord failed ({type(error).__name__})") from None
