"""A local stand-in for IMDb's dataset server (https://datasets.imdbws.com/), with its faults on demand.

It serves ``<name>.tsv.gz`` files the tests make, in the exact column layout IMDb documents
(https://developer.imdb.com/non-commercial-datasets/; ``\\N`` for nulls), the way an S3/CloudFront origin
does: ``ETag`` and ``Last-Modified`` on every answer, 304 to ``If-None-Match`` / ``If-Modified-Since``,
``Range: bytes=N-`` answered 206 with ``Content-Range`` (honouring ``If-Range``), 416 past the end. Per
file, a test can queue error answers (500, 404, 429 with ``Retry-After``…), cut the connection after some
bytes, stall before answering, or send slowly; every request is recorded.
"""

from __future__ import annotations

import asyncio
import contextlib
import gzip
import hashlib
import re
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime, parsedate_to_datetime
from pathlib import Path

from aiohttp import web

from tests.local_server import serve

HEADERS = {
    "title.basics": "tconst\ttitleType\tprimaryTitle\toriginalTitle\tisAdult\tstartYear\tendYear\t"
    "runtimeMinutes\tgenres",
    "title.akas": "titleId\tordering\ttitle\tregion\tlanguage\ttypes\tattributes\tisOriginalTitle",
    "title.crew": "tconst\tdirectors\twriters",
    "title.principals": "tconst\tordering\tnconst\tcategory\tjob\tcharacters",
    "title.ratings": "tconst\taverageRating\tnumVotes",
    "name.basics": "nconst\tprimaryName\tbirthYear\tdeathYear\tprimaryProfession\tknownForTitles",
}
DAY = datetime(2026, 3, 20, 2, 15, tzinfo=UTC)  # when the served files were "generated"


async def partly_downloaded(part: Path) -> None:
    """Return once the client has written some of a file to ``part`` (bytes the server sent may still sit
    in socket buffers, so the server's count alone does not say the client has any)."""
    while not _has_bytes(part):  # noqa: ASYNC110 - a file another process writes: no event to wait on
        await asyncio.sleep(0.01)


def _has_bytes(path: Path) -> bool:
    return path.exists() and path.stat().st_size > 0


def gz(header: str, rows: list[str]) -> bytes:
    return gzip.compress(("\n".join([header, *rows]) + "\n").encode(), mtime=0)


def dataset(extra_basics: tuple[str, ...] = (), filler: int = 0) -> dict[str, bytes]:
    """Six IMDb-layout files: five films (one below 1,000 votes, one without a rating), a TV episode, a
    film with two directors of whom only one is among its principals; ``filler`` more principal rows
    (of a TV episode: never imported) make ``title.principals`` bigger, for the slow-download tests."""
    basics = [
        "tt0069293\tmovie\tSolaris\tSolyaris\t0\t1972\t\\N\t167\tDrama,Mystery,Sci-Fi",
        "tt0307479\tmovie\tSolaris\tSolaris\t0\t2002\t\\N\t99\tDrama,Romance,Sci-Fi",
        "tt0118799\tmovie\tLife Is Beautiful\tLa vita è bella\t0\t1997\t\\N\t116\tComedy,Drama,Romance",
        "tt0093779\tmovie\tThe Princess Bride\tThe Princess Bride\t0\t1987\t\\N\t98\tAdventure,Family",
        "tt0111111\ttvMovie\tA Quiet Harbour\tA Quiet Harbour\t0\t2011\t\\N\t88\tDrama",
        "tt0959621\ttvEpisode\tPilot\tPilot\t0\t2008\t\\N\t58\tCrime,Drama",
        *extra_basics,
    ]
    principals = [
        'tt0069293\t1\tnm0001\tactress\t\\N\t["Hari"]',
        'tt0069293\t2\tnm0002\tactor\t\\N\t["Kris Kelvin"]',
        "tt0069293\t3\tnm0003\tdirector\t\\N\t\\N",
        'tt0118799\t1\tnm0005\tactor\t\\N\t["Guido"]',
        "tt0118799\t2\tnm0004\tdirector\t\\N\t\\N",
        'tt0093779\t1\tnm0007\tactress\t\\N\t["Buttercup"]',
    ]
    principals += [f'tt0959621\t{n + 10}\tnm9{n:06d}\tactor\t\\N\t["Extra {n}"]' for n in range(filler)]
    return {
        "title.basics.tsv.gz": gz(HEADERS["title.basics"], basics),
        "title.akas.tsv.gz": gz(
            HEADERS["title.akas"],
            [
                "tt0069293\t1\tSolyaris\tSU\t\\N\toriginal\t\\N\t1",
                "tt0069293\t2\tСолярис\tSU\tru\t\\N\t\\N\t0",
                "tt0118799\t1\tDas Leben ist schön\tDE\t\\N\timdbDisplay\t\\N\t0",
            ],
        ),
        "title.crew.tsv.gz": gz(
            HEADERS["title.crew"],
            [
                "tt0069293\tnm0003\tnm0003,nm0008",
                "tt0307479\t\\N\t\\N",
                "tt0118799\tnm0004,nm0006\tnm0004",
                "tt0093779\tnm0009\tnm0010",
                "tt0959621\tnm0011\t\\N",
            ],
        ),
        "title.principals.tsv.gz": gz(HEADERS["title.principals"], principals),
        "title.ratings.tsv.gz": gz(
            HEADERS["title.ratings"],
            [
                "tt0069293\t8.0\t100000",
                "tt0307479\t6.2\t900",
                "tt0118799\t8.6\t770000",
                "tt0093779\t8.0\t470000",
                "tt0959621\t9.0\t50000",
            ],
        ),
        "name.basics.tsv.gz": gz(
            HEADERS["name.basics"],
            [
                "nm0001\tNatalya Bondarchuk\t1950\t\\N\tactress\ttt0069293",
                "nm0002\tDonatas Banionis\t1924\t2014\tactor\ttt0069293",
                "nm0003\tAndrei Tarkovsky\t1932\t1986\tdirector,writer\ttt0069293",
                "nm0004\tRoberto Benigni\t1952\t\\N\tactor,director\ttt0118799",
                "nm0005\tRoberto Benigni Jr.\t1990\t\\N\tactor\ttt0118799",
                "nm0006\tVincenzo Cerami\t1940\t2013\twriter,director\ttt0118799",
                "nm0007\tRobin Wright\t1966\t\\N\tactress\ttt0093779",
                "nm0008\tStanisław Lem\t1921\t2006\twriter\ttt0069293",
                "nm0009\tRob Reiner\t1947\t\\N\tdirector\ttt0093779",
                "nm0010\tWilliam Goldman\t1931\t2018\twriter\ttt0093779",
            ],
        ),
    }


@dataclass
class Served:
    """One file as served, and the faults to show on the next requests for it."""

    body: bytes
    modified: datetime = DAY
    answers: list[tuple[int, dict[str, str]]] = field(default_factory=list)  # given before the file
    cut_after: int | None = None  # bytes of a body after which the connection is cut…
    cuts: int = 0  # …for this many more bodies
    stalls: int = 0  # this many more requests wait ``stall`` seconds before answering
    stall: float = 0.0
    pause: float = 0.0  # seconds between 1 KiB pieces of a body (a slow file)
    announce: int | None = None  # a Content-Length other than the body's (then the connection is closed)
    sent: int = 0  # body bytes sent so far, all requests together

    @property
    def etag(self) -> str:
        return '"' + hashlib.md5(self.body).hexdigest() + '"'  # as S3 does for a single-part upload

    @property
    def last_modified(self) -> str:
        return format_datetime(self.modified, usegmt=True)


@dataclass(frozen=True)
class Seen:
    """One request: the file, the answer's status, the request headers, the body bytes sent."""

    name: str
    status: int
    headers: dict[str, str]
    sent: int = 0


class DatasetServer:
    def __init__(self, files: dict[str, bytes]) -> None:
        self.files = {name: Served(body) for name, body in files.items()}
        self.requests: list[Seen] = []
        self._sending = asyncio.Condition()
        self._runner: web.AppRunner | None = None
        self.url = ""

    async def start(self) -> str:
        app = web.Application()
        app.router.add_get("/{name}", self._handle)
        self._runner, port = await serve(app, handle_signals=False)
        self.url = f"http://127.0.0.1:{port}/"
        return self.url

    async def close(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

    def publish(self, name: str, body: bytes, *, days_later: int = 1) -> None:
        """A new version of a file (new ETag, a later Last-Modified)."""
        old = self.files[name]
        self.files[name] = Served(body, old.modified + timedelta(days=days_later))

    async def wait_sent(self, name: str, count: int) -> None:
        """Return once ``count`` body bytes of ``name`` have been sent."""
        async with self._sending:
            await self._sending.wait_for(lambda: self.files[name].sent >= count)

    def seen(self, name: str) -> list[Seen]:
        return [r for r in self.requests if r.name == name]

    def statuses(self) -> dict[str, list[int]]:
        out: dict[str, list[int]] = {}
        for request in self.requests:
            out.setdefault(request.name, []).append(request.status)
        return out

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        name = request.match_info["name"]
        headers = dict(request.headers)
        served = self.files.get(name)
        if served is None:
            self.requests.append(Seen(name, 404, headers))
            return web.Response(status=404, text="Not Found")
        if served.stalls > 0:
            served.stalls -= 1
            await asyncio.sleep(served.stall)
        if served.answers:
            status, extra = served.answers.pop(0)
            self.requests.append(Seen(name, status, headers))
            return web.Response(status=status, headers=extra, text=f"error {status}")
        validators = {"ETag": served.etag, "Last-Modified": served.last_modified}
        if self._unchanged(request, served):
            self.requests.append(Seen(name, 304, headers))
            return web.Response(status=304, headers=validators)
        start = self._range_start(request, served)
        if start is not None and start >= len(served.body):
            self.requests.append(Seen(name, 416, headers))
            return web.Response(status=416, headers={"Content-Range": f"bytes */{len(served.body)}"})
        return await self._body(request, name, served, start, validators)

    @staticmethod
    def _unchanged(request: web.Request, served: Served) -> bool:
        match = request.headers.get("If-None-Match")
        if match is not None:
            return served.etag in [m.strip() for m in match.split(",")]
        since = request.headers.get("If-Modified-Since")
        return since is not None and parsedate_to_datetime(since) >= served.modified.replace(microsecond=0)

    @staticmethod
    def _range_start(request: web.Request, served: Served) -> int | None:
        wanted = re.fullmatch(r"bytes=(\d+)-", request.headers.get("Range", ""))
        if wanted is None:
            return None
        condition = request.headers.get("If-Range")
        if condition is not None and condition not in (served.etag, served.last_modified):
            return None  # the file changed: the whole of the new one, 200
        return int(wanted[1])

    async def _body(
        self, request: web.Request, name: str, served: Served, start: int | None, validators: dict[str, str]
    ) -> web.StreamResponse:
        body = served.body[start or 0 :]
        response = web.StreamResponse(status=206 if start is not None else 200, headers=validators)
        response.headers["Accept-Ranges"] = "bytes"
        response.content_type = "application/x-gzip"
        if start is not None:
            response.headers["Content-Range"] = f"bytes {start}-{len(served.body) - 1}/{len(served.body)}"
        response.content_length = served.announce if served.announce is not None else len(body)
        cut = served.cut_after if served.cuts > 0 else None
        if cut is not None:
            served.cuts -= 1
        await response.prepare(request)
        sent = 0
        for piece in range(0, len(body), 1024):
            chunk = body[piece : piece + 1024][: None if cut is None else max(cut - sent, 0)]
            if chunk:
                await response.write(chunk)
                sent += len(chunk)
                async with self._sending:
                    served.sent += len(chunk)
                    self._sending.notify_all()
            if (cut is not None and sent >= cut) or (served.announce and sent == len(body)):
                self.requests.append(Seen(name, response.status, dict(request.headers), sent))
                assert request.transport is not None
                request.transport.close()  # the connection dies mid-file
                return response
            if served.pause:
                await asyncio.sleep(served.pause)
        self.requests.append(Seen(name, response.status, dict(request.headers), sent))
        await response.write_eof()
        return response


@contextlib.asynccontextmanager
async def serving(files: dict[str, bytes]) -> AsyncIterator[DatasetServer]:
    """A dataset server with these files, on an ephemeral port, for the block."""
    served = DatasetServer(files)
    await served.start()
    try:
        yield served
    finally:
        await served.close()
