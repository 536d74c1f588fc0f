"""A small progress bar on stderr, drawn only when stderr is a terminal.

Our own (30 lines) rather than tqdm: we need one bar over bytes read with a film count, nothing more.
"""

from __future__ import annotations

import sys
import time
from typing import Protocol, TextIO


class Progress(Protocol):
    def start(self, phase: str, total: int) -> None: ...
    def update(self, done: int, films: int) -> None: ...
    def finish(self) -> None: ...


class NoProgress:
    def start(self, phase: str, total: int) -> None: ...
    def update(self, done: int, films: int) -> None: ...
    def finish(self) -> None: ...


class TerminalProgress:
    """``title.basics  [#########-----------]  45%  41,200 films  8,120/s``, redrawn at most 10 times a second."""

    WIDTH = 28

    def __init__(self, stream: TextIO = sys.stderr, *, unit: str = "films") -> None:
        self._stream = stream
        self._unit = unit
        self._phase = ""
        self._total = 1
        self._started = self._drawn = 0.0
        self._last = (0, 0)

    def start(self, phase: str, total: int) -> None:
        self._phase, self._total = phase, max(total, 1)
        self._started = time.monotonic()
        self._drawn = 0.0
        self._last = (0, 0)
        self._draw(0, 0)

    def update(self, done: int, films: int) -> None:
        self._last = (done, films)
        if time.monotonic() - self._drawn >= 0.1:
            self._draw(done, films)

    def finish(self) -> None:
        self._draw(self._total, self._last[1])
        self._stream.write("\n")
        self._stream.flush()

    def _draw(self, done: int, films: int) -> None:
        self._drawn = now = time.monotonic()
        share = min(done / self._total, 1.0)
        filled = int(share * self.WIDTH)
        rate = films / max(now - self._started, 1e-6)
        bar = "#" * filled + "-" * (self.WIDTH - filled)
        self._stream.write(
            f"\r{self._phase:<16} [{bar}] {share:4.0%}  {films:,} {self._unit}  {rate:,.0f}/s "
        )
        self._stream.flush()


def progress_for(stream: TextIO = sys.stderr) -> Progress:
    return TerminalProgress(stream) if stream.isatty() else NoProgress()
