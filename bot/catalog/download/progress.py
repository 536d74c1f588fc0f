"""Download progress: a bar on a terminal (bytes, rate, time left), plain lines anywhere else.

The plain lines are what a log or a pipe wants: one when a file starts, one every few seconds while it
comes in, one when it is done; the bar redraws itself in place at most ten times a second.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from typing import Protocol, TextIO

from bot.catalog.download.models import size_text


class ByteProgress(Protocol):
    def start(self, name: str, total: int | None, done: int) -> None:
        """A file starts (or resumes at ``done`` bytes); ``total`` is None when the server does not say."""

    def update(self, done: int) -> None: ...

    def finish(self) -> None: ...

    def say(self, line: str) -> None:
        """A line of its own (a retry, a wait)."""


class _Rate:
    """Bytes, rate and time left since a file (re)started."""

    def __init__(self) -> None:
        self.name = ""
        self.total: int | None = None
        self.done = self.first = 0
        self.started = time.monotonic()

    def start(self, name: str, total: int | None, done: int) -> None:
        self.name, self.total, self.done, self.first = name, total, done, done
        self.started = time.monotonic()

    def describe(self) -> str:
        elapsed = max(time.monotonic() - self.started, 1e-6)
        rate = (self.done - self.first) / elapsed
        text = size_text(self.done)
        if self.total:
            text += f" of {size_text(self.total)} ({min(self.done / self.total, 1.0):.0%})"
        text += f", {size_text(rate)}/s"
        if self.total and rate > 0 and self.done < self.total:
            text += f", about {_duration((self.total - self.done) / rate)} left"
        return text


class TerminalBar:
    """``title.akas.tsv.gz [#########-----------]  45%  123.4/270.1 MB  8.2 MB/s  0:18 left``."""

    WIDTH = 24

    def __init__(self, stream: TextIO = sys.stderr) -> None:
        self._stream = stream
        self._rate = _Rate()
        self._drawn = 0.0

    def start(self, name: str, total: int | None, done: int) -> None:
        self._rate.start(name, total, done)
        self._draw()

    def update(self, done: int) -> None:
        self._rate.done = done
        if time.monotonic() - self._drawn >= 0.1:
            self._draw()

    def finish(self) -> None:
        self._draw()
        self._stream.write("\n")
        self._stream.flush()

    def say(self, line: str) -> None:
        self._stream.write(f"\r\x1b[K{line}\n")
        self._draw()

    def _draw(self) -> None:
        self._drawn = time.monotonic()
        rate = self._rate
        share = min(rate.done / rate.total, 1.0) if rate.total else 0.0
        filled = int(share * self.WIDTH)
        bar = "#" * filled + "-" * (self.WIDTH - filled)
        self._stream.write(f"\r\x1b[K{rate.name:<24} [{bar}] {rate.describe()}")
        self._stream.flush()


class PlainLines:
    """One line per file start, every ``every`` seconds while it downloads, and at its end."""

    def __init__(self, write: Callable[[str], None], every: float = 10.0) -> None:
        self._write = write
        self._every = every
        self._rate = _Rate()
        self._said = 0.0

    def start(self, name: str, total: int | None, done: int) -> None:
        self._rate.start(name, total, done)
        self._said = time.monotonic()
        size = size_text(total) if total else "size not given"
        resume = f", resuming at {size_text(done)}" if done else ""
        self._write(f"{name}: downloading ({size}{resume})")

    def update(self, done: int) -> None:
        self._rate.done = done
        if time.monotonic() - self._said >= self._every:
            self._said = time.monotonic()
            self._write(f"{self._rate.name}: {self._rate.describe()}")

    def finish(self) -> None:
        self._write(f"{self._rate.name}: done, {self._rate.describe()}")

    def say(self, line: str) -> None:
        self._write(line)


def byte_progress_for(stream: TextIO = sys.stderr) -> ByteProgress:
    """The bar on a terminal, plain lines otherwise."""
    if stream.isatty():
        return TerminalBar(stream)
    return PlainLines(lambda line: print(line, file=stream, flush=True))


def _duration(seconds: float) -> str:
    whole = int(seconds + 0.5)
    hours, rest = divmod(whole, 3600)
    return f"{hours}:{rest // 60:02d}:{rest % 60:02d}" if hours else f"{rest // 60}:{rest % 60:02d}"
