"""The reading side of an import: films read, checked and prepared in slices, handed to the writer.

An import has a reading side (files staged and checked, films assembled, their rows prepared:
``bot.store.catalog_rows``) and a writing side (films looked up, numbered and inserted, in short
transactions: ``run._Writer``). Both are Python-bound. For IMDb's datasets the reading side runs in a
process of its own once ``title.basics`` is large (``PROCESS_FROM``): it prepares the next slices while
the writer writes this one, so an import of a million films takes the longer of the two, not their sum
(threads would not: the GIL lets one of them run at a time). Small files are read on a worker thread
instead, slice by slice as the writer asks (starting a process costs more than they take).

A CSV or JSON list is read whole first, on a worker thread, its prepared slices kept on disk
(``ListSlices``). Either way, the writer starts only once every file has been read to its end and found
usable: a file that is not stops the import with nothing written.
"""

from __future__ import annotations

import asyncio
import os
import pickle
import subprocess
import sys
import traceback
from collections.abc import Generator, Iterator
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any, Protocol

from bot.catalog.importing._files import TextSource
from bot.catalog.importing._items import Item, accepted
from bot.catalog.importing.imdb import ImdbReader
from bot.catalog.importing.progress import Progress
from bot.catalog.importing.report import ImportReport
from bot.films.models import ImportedFilm, Source
from bot.store.catalog_rows import PreparedBatch, prepare
from bot.store.import_scratch import ReadyBatches, SeenKeys, scratch_errors

# Films in one slice: what one write of the writer holds (a bot's write waits for at most one, some 50 ms).
# Measured at 1,000,000 films: 250 a slice gave 9,500 films/s at best, 500 gave 11,250 (half the round
# trips to the database's thread, and FTS5 writes a segment a statement: half as many to merge).
WRITE_SLICE = 500
# A title.basics at least this large (bytes, as stored) is read in a process of its own.
PROCESS_FROM = 2 * 2**20


def in_a_process(basics: Path) -> bool:
    """Whether IMDb's files are read in a process of their own: when ``title.basics`` is large."""
    return basics.stat().st_size >= PROCESS_FROM


# A slice of films to write: the prepared batch, and the line each film was read from.
Slice = tuple[PreparedBatch, list[int]]


class Slices(Protocol):
    """What the writer reads films from."""

    async def read(self) -> int:
        """Read every file to its end, checking it; how many films there are to write."""

    async def next(self) -> Slice | None:
        """The next slice of films, or None after the last."""

    def reading(self) -> ImportReport | None:
        """What reading found (rows and values left out, notes), when it was kept apart from the
        writer's report (read in another process); None when it went into the writer's report."""

    async def close(self) -> None: ...


# -- IMDb's datasets ----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ImdbFiles:
    """What reading IMDb's files takes (pickled to the child process as is)."""

    files: dict[str, Path]
    scratch: Path  # the import's scratch folder
    encoding: str | None
    min_votes: int
    source: Source


def imdb_messages(read: ImdbFiles, progress: Progress) -> Generator[tuple[Any, ...], None, None]:
    """("staged", films, report) once every file is staged, then ("slice", batch, lines) for each slice,
    then ("done", report). ``report``: what reading found, alone."""
    report = ImportReport(read.source.title, file=read.files["title.basics"].name)
    reader = ImdbReader(read.files, read.scratch, report, progress, read.encoding, min_votes=read.min_votes)
    try:
        with scratch_errors(read.scratch):
            count = reader.staged_count()
        yield ("staged", count, report)
        with scratch_errors(read.scratch):
            # Staged by id: no two are the same film.
            for films, lines in film_slices(reader.films(read.source), report, None):
                yield ("slice", prepare(films, read.source), lines)
        yield ("done", report)
    finally:
        reader.close()


def film_slices(
    items: Iterator[Item], report: ImportReport, seen: SeenKeys | None
) -> Iterator[tuple[list[ImportedFilm], list[int]]]:
    """The films to write among ``items`` (``accepted``), ``WRITE_SLICE`` at a time, with their lines."""
    films: list[ImportedFilm] = []
    lines: list[int] = []
    for item in items:
        film = accepted(item, report, seen)
        if film is not None:
            films.append(film)
            lines.append(item.line)
        if len(films) >= WRITE_SLICE:
            yield films, lines
            films, lines = [], []
    if films:
        yield films, lines


class ImdbSlices:
    """IMDb's datasets, read on a worker thread of this process or, with ``process``, in a child process
    (a fresh interpreter, ``_start_child``)."""

    def __init__(self, read: ImdbFiles, progress: Progress, *, process: bool) -> None:
        self._progress = progress
        self._report: ImportReport | None = None
        self._pending: asyncio.Task[tuple[Any, ...]] | None = None
        self._messages: Generator[tuple[Any, ...], None, None] | None = None
        self._child: subprocess.Popen[bytes] | None = None
        self._conn: Connection | None = None
        if process:
            self._child, self._conn = _start_child(read)
        else:
            self._messages = imdb_messages(read, progress)

    async def read(self) -> int:
        kind, count, self._report = await self._receive()
        if kind != "staged":  # pragma: no cover - the reading side says "staged" first
            raise RuntimeError(f"the reading side said {kind!r} first")
        return int(count)

    async def next(self) -> Slice | None:
        message = await (self._pending or self._receive())
        self._pending = None
        if message[0] == "done":
            self._report = message[1]
            return None
        if self._conn is not None:  # the child goes on preparing the next slice meanwhile
            self._pending = asyncio.ensure_future(self._receive())
        return message[1], message[2]

    def reading(self) -> ImportReport | None:
        return self._report

    async def _receive(self) -> tuple[Any, ...]:
        if self._messages is not None:
            message = await asyncio.to_thread(next, self._messages)
        else:
            message = await asyncio.to_thread(self._from_child)
        if message[0] == "failed":
            raise message[1]
        return message

    def _from_child(self) -> tuple[Any, ...]:
        """The child's next message (its progress drawn on the way). Blocks: on a worker thread."""
        assert self._conn is not None
        while True:
            try:
                message: tuple[Any, ...] = self._conn.recv()
            except EOFError:
                assert self._child is not None
                raise RuntimeError(
                    f"the process reading IMDb's files ended unexpectedly (exit status {self._child.wait()})"
                ) from None
            if message[0] != "progress":
                return message
            getattr(self._progress, message[1])(*message[2])

    async def close(self) -> None:
        """Stop reading (it may be called again): the child killed, or the reader closed."""
        if self._messages is not None:
            await asyncio.to_thread(self._messages.close)  # its scratch store closed on the same thread
        if self._child is None or self._conn is None or self._conn.closed:
            return
        if self._child.poll() is None:
            self._child.kill()
        await asyncio.to_thread(self._child.wait)
        if self._pending is not None:  # ends with the child (the pipe's end)
            await asyncio.gather(self._pending, return_exceptions=True)
        assert self._conn is not None
        self._conn.close()


class PipeProgress:
    """A child's progress, drawn by the parent."""

    def __init__(self, conn: Connection) -> None:
        self._conn = conn

    def start(self, phase: str, total: int) -> None:
        self._conn.send(("progress", "start", (phase, total)))

    def update(self, done: int, films: int) -> None:
        self._conn.send(("progress", "update", (done, films)))

    def finish(self) -> None:
        self._conn.send(("progress", "finish", ()))


def _start_child(read: ImdbFiles) -> tuple[subprocess.Popen[bytes], Connection]:
    """``python -m bot.catalog.importing._child``, reading IMDb's files as ``read`` says and sending its
    messages down a pipe of its own (not stdout: whatever prints there stays out of them). A plain
    interpreter, not multiprocessing's: that one imports the parent's main module again, which a script
    embedding filmbot may not allow."""
    ours, theirs = os.pipe()
    package_root = str(Path(__file__).resolve().parents[3])
    paths = (package_root, os.environ.get("PYTHONPATH", ""))
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in paths if p)}
    try:
        child = subprocess.Popen(
            [sys.executable, "-m", "bot.catalog.importing._child", str(theirs)],
            stdin=subprocess.PIPE,
            pass_fds=(theirs,),
            env=env,
        )
    except BaseException:
        os.close(ours)
        raise
    finally:
        os.close(theirs)
    assert child.stdin is not None
    with child.stdin:
        child.stdin.write(pickle.dumps(read, pickle.HIGHEST_PROTOCOL))
    return child, Connection(ours, writable=False)


def portable(exc: BaseException) -> BaseException:
    """``exc`` as the parent can receive it (with our traceback as a note), or a RuntimeError saying it."""
    exc.add_note("in the process reading IMDb's files:\n" + "".join(traceback.format_exception(exc)))
    try:
        pickle.loads(pickle.dumps(exc))
    except Exception:  # noqa: BLE001 - any failure to pickle or unpickle: said in plain text instead
        return RuntimeError(f"{type(exc).__name__}: {exc}")
    return exc


# -- lists (CSV, JSON) ----------------------------------------------------------------------------------


class ListSlices:
    """A CSV or JSON list's films, read whole and checked (duplicates too) first, kept on disk in prepared
    slices; what reading finds goes straight into the writer's ``report``."""

    def __init__(
        self,
        items: Iterator[Item],
        scratch: Path,
        source: Source,
        report: ImportReport,
        progress: Progress,
        src: TextSource,
    ) -> None:
        self._items, self._scratch, self._source = items, scratch, source
        self._report, self._progress, self._src = report, progress, src
        self._ready = ReadyBatches(scratch)
        self._stored: Iterator[bytes] | None = None

    async def read(self) -> int:
        return await asyncio.to_thread(self._read_whole)

    def _read_whole(self) -> int:
        count = 0
        seen = SeenKeys(self._scratch)
        try:
            with scratch_errors(self._scratch):
                for films, lines in film_slices(self._counted(), self._report, seen):
                    batch = prepare(films, self._source)
                    self._ready.add(pickle.dumps((batch, lines), pickle.HIGHEST_PROTOCOL))
                    count += len(films)
                    self._progress.update(self._src.position, count)
        finally:
            seen.close()
        self._progress.finish()
        self._stored = iter(self._ready)
        return count

    def _counted(self) -> Iterator[Item]:
        """The list's items, each counted as read."""
        for item in self._items:
            self._report.read += 1
            yield item

    async def next(self) -> Slice | None:
        blob = await asyncio.to_thread(next, self._stored or iter(()), None)
        # Our own scratch file, written above in this process: nothing from outside.
        return None if blob is None else pickle.loads(blob)

    def reading(self) -> ImportReport | None:
        return None

    async def close(self) -> None:
        self._ready.close()
