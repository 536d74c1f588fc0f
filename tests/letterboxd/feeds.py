"""A local Letterboxd for the tests: members' diary feeds (``/<username>/rss/``) in Letterboxd's RSS format.

Items are built in the shape Letterboxd's feed has (RSS 2.0 with its ``letterboxd:`` and ``tmdb:``
namespaces, one item a line as Letterboxd writes them): ``letterboxd:watchedDate``, ``letterboxd:rewatch``,
``letterboxd:filmTitle``, ``letterboxd:filmYear``, ``letterboxd:memberRating`` (absent when unrated),
``letterboxd:memberLike``, ``tmdb:movieId``, a title ``Film, 2024 - ★★★★½`` with `` (contains spoilers)``
for a review marked so, and a description with the poster paragraph, the spoiler warning paragraph, then
the review (or "Watched on …" without one). Lists (``letterboxd-list-…``) are in the feed too.

The server answers conditional requests (ETag / Last-Modified → 304) and can be told to fail: any status
(404, 500, 429 with Retry-After), a malformed body, a slow answer. Every request is recorded.
"""

from __future__ import annotations

import asyncio
import hashlib
from collections import deque
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from email.utils import format_datetime
from html import escape

from aiohttp import web

from tests.local_server import serve


@dataclass
class Item:
    guid: str
    title: str
    year: int | None
    watched: date
    published: datetime
    rating: float | None = None
    rewatch: bool = False
    liked: bool = False
    review: str | None = None
    spoiler: bool = False
    tmdb: int | None = 1000

    def xml(self, username: str) -> str:
        stars = ""
        if self.rating is not None:
            stars = " - " + "★" * int(self.rating) + ("½" if self.rating % 1 else "")
        title = f"{self.title}, {self.year}{stars}" + (" (contains spoilers)" if self.spoiler else "")
        slug = "-".join(self.title.lower().split())
        paragraphs = [
            f'<p><img src="https://a.ltrbxd.com/resized/film-poster/{slug}-0-600-0-900-crop.jpg"/></p>'
        ]
        if self.spoiler:
            paragraphs.append("<p><em>This review may contain spoilers.</em></p>")
        if self.review:
            paragraphs += [f"<p>{escape(p)}</p>" for p in self.review.split("\n\n")]
        else:
            paragraphs.append(
                f"<p>Watched on {self.watched:%A %B} {self.watched.day}, {self.watched.year}.</p>"
            )
        parts = [
            f"<title>{escape(title)}</title>",
            f"<link>https://letterboxd.com/{username}/film/{slug}/</link>",
            f'<guid isPermaLink="false">{self.guid}</guid>',
            f"<pubDate>{format_datetime(self.published)}</pubDate>",
            f"<letterboxd:watchedDate>{self.watched.isoformat()}</letterboxd:watchedDate>",
            f"<letterboxd:rewatch>{'Yes' if self.rewatch else 'No'}</letterboxd:rewatch>",
            f"<letterboxd:filmTitle>{escape(self.title)}</letterboxd:filmTitle>",
            f"<letterboxd:filmYear>{self.year}</letterboxd:filmYear>" if self.year else "",
            f"<letterboxd:memberRating>{self.rating:.1f}</letterboxd:memberRating>" if self.rating else "",
            f"<letterboxd:memberLike>{'Yes' if self.liked else 'No'}</letterboxd:memberLike>",
            f"<tmdb:movieId>{self.tmdb}</tmdb:movieId>" if self.tmdb else "",
            f"<description><![CDATA[ {' '.join(paragraphs)} ]]></description>",
            f"<dc:creator>{escape(username.title())}</dc:creator>",
        ]
        return "<item>" + "".join(parts) + "</item>"


def list_item(username: str, published: datetime) -> str:
    return (
        f"<item><title>Favourites</title><link>https://letterboxd.com/{username}/list/favourites/</link>"
        f'<guid isPermaLink="false">letterboxd-list-{len(username) * 7919}</guid>'
        f"<pubDate>{format_datetime(published)}</pubDate>"
        "<description><![CDATA[ <ul><li><a href='https://letterboxd.com/film/x/'>X</a></li></ul> ]]>"
        f"</description><dc:creator>{escape(username.title())}</dc:creator></item>"
    )


# Every member's feed also holds a list, as real feeds do: it is not a diary entry.
LIST_PUBLISHED = datetime(2026, 1, 2, 9, 30, tzinfo=UTC)


def rss(username: str, items: list[Item]) -> bytes:
    body = "".join(item.xml(username) for item in items) + list_item(username, LIST_PUBLISHED)
    return (
        "<?xml version='1.0' encoding='utf-8'?>\n"
        '<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom" xmlns:dc="http://purl.org/dc/elements/1.1/" '
        'xmlns:letterboxd="https://letterboxd.com" xmlns:tmdb="https://themoviedb.org"><channel>'
        f"<title>Letterboxd - {escape(username.title())}</title><link>https://letterboxd.com/{username}/</link>"
        f"<description>Letterboxd - {escape(username.title())}</description>"
        f'<atom:link rel="self" href="https://letterboxd.com/{username}/rss/" type="application/rss+xml"/>'
        f"{body}</channel></rss>"
    ).encode()


@dataclass
class Fault:
    status: int = 500
    body: bytes = b"<html><body>Server error</body></html>"
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0


@dataclass
class Seen:
    """One request the server answered."""

    username: str
    status: int
    if_none_match: str | None
    if_modified_since: str | None


class FeedServer:
    def __init__(self) -> None:
        self.members: dict[str, list[Item]] = {}
        self.faults: dict[str, deque[Fault]] = {}
        self.requests: list[Seen] = []
        self.honour_validators = True
        self.files: dict[str, tuple[bytes, dict[str, str]]] = {}  # /files/<name>: uploads to download
        self._runner: web.AppRunner | None = None
        self.port = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def add(self, username: str, *items: Item) -> None:
        """New diary entries at the top of the member's feed (given oldest first)."""
        self.members.setdefault(username, [])[:0] = list(reversed(items))

    def fail(self, username: str, fault: Fault, times: int = 1) -> None:
        self.faults.setdefault(username, deque()).extend([fault] * times)

    def requests_for(self, username: str) -> list[Seen]:
        return [r for r in self.requests if r.username == username]

    async def start(self) -> FeedServer:
        app = web.Application()
        app.router.add_get("/{username}/rss/", self._feed)
        app.router.add_get("/files/{name}", self._file)
        self._runner, self.port = await serve(app, access_log=None)
        return self

    async def close(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

    async def _file(self, request: web.Request) -> web.StreamResponse:
        found = self.files.get(request.match_info["name"])
        if found is None:
            return web.Response(status=404)
        body, headers = found
        response = web.StreamResponse(headers=headers)
        await response.prepare(request)
        await response.write(body)
        return response

    async def _feed(self, request: web.Request) -> web.StreamResponse:
        username = request.match_info["username"]
        response = await self._answer(request, username)
        self.requests.append(
            Seen(
                username,
                response.status,
                request.headers.get("If-None-Match"),
                request.headers.get("If-Modified-Since"),
            )
        )
        return response

    async def _answer(self, request: web.Request, username: str) -> web.Response:
        queue = self.faults.get(username)
        if queue:
            fault = queue.popleft()
            if fault.delay:
                await asyncio.sleep(fault.delay)
            return web.Response(status=fault.status, body=fault.body, headers=fault.headers)
        if username not in self.members:
            return web.Response(status=404, text="<html><body>Sorry, we can’t find the page</body></html>")
        items = self.members[username]
        body = rss(username, items)
        etag = '"' + hashlib.sha1(body).hexdigest() + '"'
        modified = format_datetime(max((i.published for i in items), default=LIST_PUBLISHED), usegmt=True)
        headers = {
            "ETag": etag,
            "Last-Modified": modified,
            "Content-Type": "application/rss+xml; charset=utf-8",
        }
        if self.honour_validators and request.headers.get("If-None-Match") == etag:
            return web.Response(status=304, headers=headers)
        return web.Response(status=200, body=body, headers=headers)


@asynccontextmanager
async def serving() -> AsyncIterator[FeedServer]:
    """A local Letterboxd for the length of a test."""
    server = await FeedServer().start()
    try:
        yield server
    finally:
        await server.close()
