"""One import: read a dataset in any format, write it in batches, and report what happened.

An import is one unit for the store: every batch is written in one transaction, committed only once the
whole dataset has been read, so a file cut short, a full disk or an interruption leaves the catalog as it
was, and a running bot (which reads on its own connection) sees all of an import or none of it.
"""

from __future__ import annotations

import errno
import gzip
import logging
import pickle
import re
import tempfile
import time
import zlib
from collections.abc import Awaitable, Callable, Iterator, Mapping
from pathlib import Path
from typing import Literal

from bot.catalog.importing import imdb, tabular
from bot.catalog.importing._files import TextSource, file_date
from bot.catalog.importing._items import Item
from bot.catalog.importing.errors import no_room
from bot.catalog.importing.progress import NoProgress, Progress
from bot.catalog.importing.report import ImportReport
from bot.catalog.models import ImportCounts
from bot.errors import BadInput, DatabaseUnusable
from bot.films.matching import match_key
from bot.films.models import ImportedFilm, Source
from bot.store import Repositories, Store, database_failure
from bot.store.import_scratch import ReadyBatches, ScratchFull, SeenKeys

log = logging.getLogger(__name__)

Format = Literal["imdb", "csv", "json"]
FORMATS: tuple[Format, ...] = ("imdb", "csv", "json")
BATCH = 1000
# More writes that belong to the import's unit of work (a download records which file versions it read).
AlsoWrite = Callable[[Repositories], Awaitable[None]]


def tabular_source(path: Path) -> Source:
    key = "import-" + re.sub(r"[^a-z0-9]+", "-", path.name.casefold()).strip("-")
    return Source(
        key=key[:60],
        title=f"Imported list {path.name}",
        kind="dataset",
        as_of=file_date(path),
        file=path.name,
    )


def _identity(film: ImportedFilm) -> str:
    """What makes two rows the same film: the IMDb id, else title and year."""
    return film.imdb_id or match_key(film.title, film.year)


def _check_path(path: Path, fmt: str) -> None:
    if fmt not in FORMATS:
        raise BadInput(f"unknown format {fmt!r}; use one of {', '.join(FORMATS)}")
    if not path.exists():
        raise BadInput(f"{path} does not exist")
    if fmt != "imdb" and path.is_dir():
        raise BadInput(f"{path} is a folder; give the {fmt.upper()} file")


async def import_catalog(
    store: Store,
    path: Path,
    fmt: Format,
    *,
    mapping: Mapping[str, str] | None = None,
    dry_run: bool = False,
    progress: Progress | None = None,
    min_votes: int = 0,
    scratch_dir: Path | None = None,
    also: AlsoWrite | None = None,
) -> ImportReport:
    """Import every film in ``path`` as one unit; with ``dry_run`` read and check everything, keep nothing.

    ``min_votes`` (IMDb datasets only): keep only films with at least that many IMDb votes.
    ``scratch_dir``: where the import's scratch files go (default: the system's temporary folder).
    ``also``: more writes committed in the same transaction as the films (not in a dry run).
    Files are read with blocking calls between batched writes: run it where nothing else shares the event
    loop (the command line, or the child process a running bot starts for a refresh).
    """
    progress = progress or NoProgress()
    _check_path(path, fmt)
    if min_votes and fmt != "imdb":
        raise BadInput("--min-votes applies to IMDb's datasets only (their title.ratings file)")
    with tempfile.TemporaryDirectory(prefix="filmbot-import-", dir=scratch_dir) as scratch:
        if fmt == "imdb":
            files = imdb.find_files(path)
            source = imdb.source_for(files)
            report = ImportReport(
                f"IMDb datasets in {files['title.basics'].parent}", dry_run, files["title.basics"].name
            )
            reader = imdb.ImdbReader(files, Path(scratch), report, progress, min_votes=min_votes)
            try:
                reader.stage()
                writer = _Writer(store, source, report, Path(scratch), progress, also)
                await writer.write(reader.films(source), fmt, path)
            finally:
                reader.close()
            return report
        source = tabular_source(path)
        report = ImportReport(path.name, dry_run, path.name)
        with TextSource(path) as src:
            read = tabular.read_csv if fmt == "csv" else tabular.read_json
            items = read(src, mapping or {}, source.key, source.as_of)
            progress.start(path.name, src.size)
            await _Writer(store, source, report, Path(scratch), progress, also, src).write(items, fmt, path)
        return report


def _accepted(item: Item, report: ImportReport, seen: SeenKeys) -> ImportedFilm | None:
    """The item's film when it is one to write; otherwise why not goes in the report."""
    for bad in item.bad_values:
        report.skip_value(f"{bad.field}: {bad.reason}", item.line)
    if item.film is None:
        report.skip_row(item.skip or "unreadable", item.line)
        return None
    if not seen.first(_identity(item.film), item.line):
        report.skip_row("duplicate film (the first one is kept)", item.line)
        return None
    return item.film


class _RollBack(Exception):
    """Raised at the end of a dry run's transaction so that nothing it wrote is kept."""


class _Writer:
    """Writes an import in two passes: every film is read, checked and assembled first (no lock held),
    then all are written in one transaction (see the module's docstring), which is thus as short as it
    can be: other writers to the database wait for it."""

    def __init__(
        self,
        store: Store,
        source: Source,
        report: ImportReport,
        scratch: Path,
        progress: Progress,
        also: AlsoWrite | None,
        src: TextSource | None = None,
    ) -> None:
        self.store, self.source, self.report, self.progress = store, source, report, progress
        self.scratch, self.also, self.src = scratch, also, src
        self.accepted = 0
        self.line = 0  # the line of the last item read (or written), named if reading or writing fails

    async def write(self, items: Iterator[Item], fmt: str, path: Path) -> None:
        ready = ReadyBatches(self.scratch)
        try:
            self._read(items, ready)
            began = time.monotonic()
            await self._write(ready, fmt, path)
        except Exception as exc:
            failure = self._failure(exc)
            if failure is exc:
                raise
            raise failure from exc
        finally:
            ready.close()
        # How long other writers (a running bot's votes) waited for this import, at most.
        log.info(
            "import finished: %s (one transaction, %.1f s)", self.report.lines()[0], time.monotonic() - began
        )

    def _read(self, items: Iterator[Item], ready: ReadyBatches) -> None:
        """The first pass: each item checked (duplicates, bad values), films kept in batches on disk."""
        if self.src is None:
            self.progress.start("assembling films", self.report.read)
        seen = SeenKeys(self.scratch)  # identities read so far, on disk, not in memory
        batch: list[tuple[ImportedFilm, int]] = []
        try:
            for item in items:
                self.line = item.line
                if self.src is not None:
                    self.report.read += 1
                film = _accepted(item, self.report, seen)
                if film is not None:
                    batch.append((film, item.line))
                if len(batch) >= BATCH:
                    self._keep(ready, batch)
            if batch:
                self._keep(ready, batch)
        finally:
            seen.close()
            self.progress.finish()

    def _keep(self, ready: ReadyBatches, batch: list[tuple[ImportedFilm, int]]) -> None:
        ready.add(pickle.dumps(batch, pickle.HIGHEST_PROTOCOL))
        self.accepted += len(batch)
        batch.clear()
        self.progress.update(self.src.position if self.src is not None else self.accepted, self.accepted)

    async def _write(self, ready: ReadyBatches, fmt: str, path: Path) -> None:
        """The second pass: every batch in one transaction (a dry run's is rolled back at its end)."""
        self.progress.start("writing films", self.accepted)
        written = 0
        try:
            async with self.store.transaction() as tx:
                report = self.report
                run_id = (
                    None if report.dry_run else await tx.catalog.begin_import(fmt, str(path), self.source.key)
                )
                for blob in ready:
                    batch: list[tuple[ImportedFilm, int]] = pickle.loads(blob)  # written by _keep above
                    self.line = batch[-1][1]
                    await self._flush(tx, batch)
                    written += len(batch)
                    self.progress.update(written, written)
                if run_id is None:
                    raise _RollBack
                counts = ImportCounts(report.added, report.updated, report.unchanged, report.skipped)
                await tx.catalog.finish_import(run_id, counts)
                if self.also is not None:
                    await self.also(tx)
        except _RollBack:
            pass
        finally:
            self.progress.finish()

    async def _flush(self, tx: Repositories, batch: list[tuple[ImportedFilm, int]]) -> None:
        outcomes = await tx.catalog.write_batch([film for film, _ in batch], self.source)
        for outcome, (_, line) in zip(outcomes, batch, strict=True):
            if outcome == "duplicate":
                self.report.skip_row("duplicate film (the first one is kept)", line)
            else:
                self.report.count(outcome)

    def _failure(self, exc: Exception) -> Exception:
        """What to tell about a failed write (the transaction is rolled back: nothing was imported)."""
        where = f"{self.report.file} line {self.line:,}"
        if isinstance(exc, EOFError | zlib.error | gzip.BadGzipFile):
            return BadInput(f"{self.report.file} is cut short or damaged after line {self.line:,} ({exc}); "
                            "nothing was imported")  # fmt: skip
        if isinstance(exc, ScratchFull):
            return no_room(where, exc.folder)
        if isinstance(exc, OSError) and exc.errno in (errno.ENOSPC, errno.EFBIG):
            return no_room(where, self.scratch)
        failure = database_failure(self.store.db.path, exc)
        if failure is not None:
            return DatabaseUnusable(f"{where}: {failure.message}. Nothing was imported")
        return exc
