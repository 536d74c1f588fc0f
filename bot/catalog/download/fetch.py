"""Fetching one dataset file over HTTP (aiohttp): streamed to disk, resumed, conditional, retried.

* A file already downloaded is asked for with ``If-None-Match`` / ``If-Modified-Since``: 304 means unchanged.
* A file comes in as ``<name>.part``; after an interruption (a dropped connection now, or a stopped run
  earlier) it resumes with ``Range: bytes=N-`` and ``If-Range``, so a file that changed meanwhile starts over.
* It is complete only when the byte count matches what the server announced *and* the gzip data ends
  with a good checksum; only then is it renamed into place.
* 5xx answers, timeouts and dropped connections are retried with exponential backoff (with jitter); 429
  and 503 wait as long as ``Retry-After`` says. A run gives up after ``Policy.attempts`` tries in a row that
  brought no new byte. A 404 or another 4xx stops at once: retrying cannot help.
"""

from __future__ import annotations

import asyncio
import errno
import os
import random
import re
import time
import zlib
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from pathlib import Path

import aiohttp

from bot import __version__
from bot.catalog.download.files import read_part_validators, set_mtime, write_json
from bot.catalog.download.gzcheck import GzipCheck
from bot.catalog.download.models import Fetched, Outcome, Validators
from bot.catalog.download.progress import ByteProgress
from bot.catalog.importing.errors import no_room
from bot.errors import StartupError

USER_AGENT = (
    f"filmbot/{__version__} (self-hosted Discord film bot; downloads IMDb's non-commercial datasets) "
    f"aiohttp/{aiohttp.__version__}"
)
CHUNK = 1 << 16
_CONTENT_RANGE = re.compile(r"bytes (\d+)-(\d+)/(\d+|\*)")

Sleep = Callable[[float], Awaitable[None]]


class DownloadFailed(StartupError):
    """A dataset file could not be downloaded (or arrived broken); the message names it and says why."""

    exit_status = 7


@dataclass(frozen=True, slots=True)
class Policy:
    """How hard to try: attempts in a row without progress, backoff, the longest wait, timeouts (s)."""

    attempts: int = 6
    backoff: float = 1.0
    max_backoff: float = 60.0
    max_wait: float = 900.0
    connect_timeout: float = 30.0
    read_timeout: float = 60.0  # the longest silence while waiting for an answer or the next bytes

    def timeout(self) -> aiohttp.ClientTimeout:
        return aiohttp.ClientTimeout(
            total=None, sock_connect=self.connect_timeout, sock_read=self.read_timeout
        )


class _Retry(Exception):
    """This attempt failed in a way another attempt may not: ``wait`` seconds, or None for the backoff."""

    def __init__(self, reason: str, wait: float | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.wait = wait


@dataclass(slots=True)
class _Attempt:
    """One request for one file: where it resumes and under which version."""

    name: str
    part: Path
    meta: Path
    offset: int = 0
    validators: Validators | None = None


class Fetcher:
    """Downloads files from ``base_url`` into ``dest`` with one aiohttp session."""

    def __init__(
        self,
        session: aiohttp.ClientSession,
        base_url: str,
        dest: Path,
        progress: ByteProgress,
        policy: Policy | None = None,
        sleep: Sleep | None = None,
    ) -> None:
        self.session = session
        self.base_url = base_url.rstrip("/") + "/"
        self.dest = dest
        self.progress = progress
        self.policy = policy or Policy()
        self.sleep = sleep or asyncio.sleep
        self._received = 0
        self._resumed = False

    async def fetch(self, name: str, known: Validators | None) -> Fetched:
        """The file ``name``, fetched unless ``known`` (what is on disk) is still current."""
        started, self._received, self._resumed = time.monotonic(), 0, False
        best = _size(self.dest / f"{name}.part")  # the most of the file held so far
        failures = 0
        while True:
            attempt = self._attempt_for(name)
            try:
                validators = await self._get(attempt, known)
            except _Retry as retry:
                reason, wait = retry.reason, retry.wait
            except (aiohttp.ClientError, TimeoutError) as exc:
                reason, wait = self._network_reason(exc), None
            else:
                if validators is None:
                    assert known is not None
                    return Fetched(name, "unchanged", known)
                seconds = time.monotonic() - started
                outcome: Outcome = "resumed" if self._resumed else "downloaded"
                return Fetched(name, outcome, validators, self._received, seconds)
            held = _size(attempt.part)
            failures = 0 if held > best else failures + 1
            best = max(best, held)
            if failures >= self.policy.attempts:
                kept = _size(attempt.part)
                raise DownloadFailed(
                    f"{name}: {reason}, {failures} times in a row; gave up"
                    + (f" (the {kept:,} bytes received are kept in {attempt.part}: the next run resumes)"
                       if kept else "")
                    + ". Nothing was imported"
                )  # fmt: skip
            delay = wait if wait is not None else self._backoff(failures)
            self.progress.say(f"{name}: {reason}; trying again in {delay:.0f} s")
            await self.sleep(delay)

    def _attempt_for(self, name: str) -> _Attempt:
        """Resume a partial file only when its version is known (for ``If-Range``); else start over."""
        attempt = _Attempt(name, self.dest / f"{name}.part", self.dest / f"{name}.part.json")
        size = _size(attempt.part)
        validators = read_part_validators(attempt.meta) if size else None
        if validators is not None and (validators.etag or validators.last_modified):
            attempt.offset, attempt.validators = size, validators
        return attempt

    async def _get(self, attempt: _Attempt, known: Validators | None) -> Validators | None:
        """One request; the file's validators once it is complete, None if unchanged (304)."""
        headers: dict[str, str] = {}
        if attempt.offset and attempt.validators is not None:
            headers["Range"] = f"bytes={attempt.offset}-"
            headers["If-Range"] = attempt.validators.etag or attempt.validators.last_modified or ""
        elif known is not None:
            if known.etag:
                headers["If-None-Match"] = known.etag
            if known.last_modified:
                headers["If-Modified-Since"] = known.last_modified
        url = self.base_url + attempt.name
        async with self.session.get(url, headers=headers, timeout=self.policy.timeout()) as resp:
            self._check_status(attempt, url, resp, conditional=known is not None and not attempt.offset)
            if resp.status == 304:
                return None
            if resp.status == 416:
                validators = self._whole_already(attempt, resp)
            else:
                validators = self._start(attempt, resp)
                await self._stream(attempt, resp, validators.size or None)
        self._complete(attempt, validators)
        return validators

    def _check_status(
        self, attempt: _Attempt, url: str, resp: aiohttp.ClientResponse, *, conditional: bool
    ) -> None:
        status, name = resp.status, attempt.name
        if status in (200, 206) or (status == 304 and conditional) or (status == 416 and attempt.offset):
            return
        said = f"the server answered {status} {resp.reason or ''}".rstrip()
        if status in (429, 503):
            wait = retry_after(resp.headers.get("Retry-After"))
            if wait is not None and wait > self.policy.max_wait:
                raise DownloadFailed(
                    f"{name}: {said} and asks to wait {wait / 60:,.0f} minutes; try again later. "
                    "Nothing was imported"
                )
            raise _Retry(said, wait)
        if status >= 500 or status == 408:
            raise _Retry(said)
        if status == 404:
            raise DownloadFailed(
                f"{name}: {url} answered 404 Not Found: there is no such file there; check "
                "FILMBOT_IMDB_DATASETS_URL. Nothing was imported"
            )
        raise DownloadFailed(f"{name}: {url} answered {status} {resp.reason or ''}. Nothing was imported")

    def _start(self, attempt: _Attempt, resp: aiohttp.ClientResponse) -> Validators:
        """Where the body goes: appended to the partial file (206) or over it from the start (200)."""
        length = resp.content_length
        if resp.status == 206:
            match = _CONTENT_RANGE.fullmatch(resp.headers.get("Content-Range", "").strip())
            if match is None or int(match[1]) != attempt.offset or match[3] == "*":
                _remove(attempt.part, attempt.meta)
                raise _Retry("the server resumed at another place than asked; starting the file over", 0.0)
            assert attempt.validators is not None
            self._resumed = True
            return Validators(attempt.validators.etag, attempt.validators.last_modified, int(match[3]))
        attempt.offset = 0
        validators = Validators(resp.headers.get("ETag"), resp.headers.get("Last-Modified"), length or 0)
        write_json(attempt.meta, validators.to_dict())
        attempt.part.write_bytes(b"")
        return validators

    def _whole_already(self, attempt: _Attempt, resp: aiohttp.ClientResponse) -> Validators:
        """416 to ``Range: bytes=N-``: the partial file already holds all N bytes (a run stopped before it
        renamed the file, or a server that announced more than it had), or does not fit the file at all."""
        match = re.fullmatch(r"bytes \*/(\d+)", resp.headers.get("Content-Range", "").strip())
        if match is None or int(match[1]) != attempt.offset or attempt.validators is None:
            _remove(attempt.part, attempt.meta)
            raise _Retry("the partial file does not fit the server's file; starting it over", 0.0)
        check = GzipCheck()
        try:
            check.feed_file(attempt.part, attempt.offset)
        except zlib.error:
            _remove(attempt.part, attempt.meta)
            raise _Retry(
                "the partial file kept from before is damaged; starting the file over", 0.0
            ) from None
        self._check_end(attempt, attempt.offset, attempt.offset, check)
        return Validators(attempt.validators.etag, attempt.validators.last_modified, attempt.offset)

    async def _stream(self, attempt: _Attempt, resp: aiohttp.ClientResponse, total: int | None) -> None:
        check = GzipCheck()
        done = attempt.offset
        try:
            check.feed_file(attempt.part, done)
        except zlib.error:
            _remove(attempt.part, attempt.meta)
            raise _Retry(
                "the partial file kept from before is damaged; starting the file over", 0.0
            ) from None
        self.progress.start(attempt.name, total, done)
        try:
            done = await self._append(attempt, resp, check, done)
        except OSError as exc:
            if exc.errno not in (errno.ENOSPC, errno.EFBIG):
                raise
            kept = _size(attempt.part)
            raise no_room(
                f"{attempt.name} (after {kept:,} bytes)",
                self.dest,
                then=f"the {kept:,} bytes received are kept in {attempt.part}; free some space and run again "
                "to resume. Nothing was imported",
            ) from exc
        self._check_end(attempt, done, total, check)
        self.progress.finish()

    async def _append(
        self, attempt: _Attempt, resp: aiohttp.ClientResponse, check: GzipCheck, done: int
    ) -> int:
        """The body, appended to the partial file and checked as it comes; returns the bytes now held."""
        with attempt.part.open("ab") as out:
            async for chunk in resp.content.iter_chunked(CHUNK):
                out.write(chunk)
                done += len(chunk)
                self._received += len(chunk)
                try:
                    check.feed(chunk)
                except zlib.error as exc:
                    _remove(attempt.part, attempt.meta)
                    raise DownloadFailed(
                        f"{attempt.name}: the data is not gzip, or is damaged, at byte {done:,} ({exc}). "
                        "Nothing was imported"
                    ) from exc
                self.progress.update(done)
            out.flush()
            os.fsync(out.fileno())
        return done

    def _check_end(self, attempt: _Attempt, done: int, total: int | None, check: GzipCheck) -> None:
        if total is not None and done < total:
            raise _Retry(f"the connection closed after {done:,} of {total:,} bytes")
        if total is not None and done > total:
            _remove(attempt.part, attempt.meta)
            raise _Retry(f"the server sent {done:,} bytes where it announced {total:,}; starting over")
        if not check.complete:
            _remove(attempt.part, attempt.meta)
            raise DownloadFailed(
                f"{attempt.name}: all {done:,} bytes the server sent arrived, but the gzip data stops "
                "before its end: the file on the server is cut short. Try again later (IMDb rewrites its "
                "files daily). Nothing was imported"
            )

    def _complete(self, attempt: _Attempt, validators: Validators) -> None:
        final = self.dest / attempt.name
        os.replace(attempt.part, final)
        set_mtime(final, validators.last_modified)
        attempt.meta.unlink(missing_ok=True)

    def _backoff(self, failures: int) -> float:
        base = min(self.policy.backoff * 2 ** (failures - 1), self.policy.max_backoff)
        return base * (0.8 + 0.4 * random.random())  # jitter: retries from many bots spread out

    def _network_reason(self, exc: BaseException) -> str:
        if isinstance(exc, TimeoutError):
            return f"no answer for {self.policy.read_timeout:g} s (timed out)"
        if isinstance(exc, aiohttp.ClientConnectorError):
            return f"cannot connect to {exc.host}:{exc.port} ({exc.os_error.strerror or exc.os_error})"
        if isinstance(exc, aiohttp.ClientPayloadError | aiohttp.ServerDisconnectedError):
            return "the connection was cut before the file was complete"
        return f"{type(exc).__name__}: {exc}"


def retry_after(value: str | None, now: datetime | None = None) -> float | None:
    """``Retry-After`` in seconds (a number, or an HTTP date); None when absent or unreadable."""
    if not value:
        return None
    text = value.strip()
    if text.isdigit():
        return float(text)
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max((when - (now or datetime.now(UTC))).total_seconds(), 0.0)


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except FileNotFoundError:
        return 0


def _remove(*paths: Path) -> None:
    for path in paths:
        path.unlink(missing_ok=True)
