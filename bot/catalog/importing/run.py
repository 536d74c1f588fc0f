"""One import: read a dataset in any format, check it whole, write it in one transaction, report.

An import has two passes. First every file is read whole and checked into scratch files on disk (bounded
memory: lines and nesting are capped, text is decoded exactly): a file that turns out damaged, cut short,
not text in its encoding or not in IMDb's layout stops the import there, having written nothing. Then
every film is written in one transaction, with the run row's end and any ``also`` writes: a failure while
writing (a full disk, a database error, an interruption) rolls all of it back, so the catalog is as it
was, and a running bot (which reads on its own connection) sees all of an import or none of it.

Issue #16 asked for "a failed import leaves the store as it was, or is resumable and says so"; the write
used to be resumable batches, each its own transaction. One transaction keeps the stronger of the two
promises (the store exactly as it was; running the same import again does all of it), at the price of
one longer write lock (other writers wait; the read pass holds none). Either way the import's run row
(``catalog_imports``) always ends: it is begun, in its own commit, once the files have been read whole
(a file that cannot be used records no run), ended as ``done`` in the import's transaction, or, when the
transaction fails or is interrupted, ended after the rollback as ``failed`` or ``interrupted`` with why.
"""

from __future__ import annotations

import errno
import logging
import pickle
import re
import tempfile
import time
from collections.abc import Awaitable, Callable, Iterator, Mapping
from pathlib import Path
from typing import Literal

from bot.catalog.importing import imdb, json_list, tabular
from bot.catalog.importing._files import TextSource, file_date, text_encoding
from bot.catalog.importing._items import Item
from bot.catalog.importing.errors import no_room
from bot.catalog.importing.progress import NoProgress, Progress
from bot.catalog.importing.report import ImportReport
from bot.catalog.models import ImportCounts, RunOutcome
from bot.errors import BadInput, DatabaseUnusable, StartupError, WriteFailed
from bot.films.matching import match_key
from bot.films.models import ImportedFilm, Source
from bot.store import Repositories, Store, database_failure
from bot.store.import_scratch import ReadyBatches, ScratchFailed, ScratchFull, SeenKeys, scratch_errors

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


class ImportStopped(Exception):
    """The import stopped while writing; ``report`` says what it did and why (``report.stopped``).

    Its ``__cause__`` is what stopped it (a database error, say). The transaction was rolled back:
    nothing of the import was kept, and running the same import again does all of it. The import's run
    row has ended (``failed``).
    """

    def __init__(self, report: ImportReport) -> None:
        super().__init__(report.stopped)
        self.report = report


async def import_catalog(
    store: Store,
    path: Path,
    fmt: Format,
    *,
    mapping: Mapping[str, str] | None = None,
    dry_run: bool = False,
    progress: Progress | None = None,
    encoding: str | None = None,
    min_votes: int = 0,
    scratch_dir: Path | None = None,
    also: AlsoWrite | None = None,
) -> ImportReport:
    """Import every film in ``path`` as one unit; with ``dry_run`` read and check everything, keep nothing.

    ``encoding``: the files' text encoding (``--encoding``; default UTF-8, or what a byte-order mark shows).
    ``min_votes`` (IMDb datasets only): keep only films with at least that many IMDb votes.
    ``scratch_dir``: where the import's scratch files go (default: the system's temporary folder).
    ``also``: more writes committed in the same transaction as the films (not in a dry run).

    A file that cannot be used raises ``BadInput`` (``UnusableFile``) having written nothing; a failed
    write raises ``ImportStopped``, ``DatabaseUnusable`` or ``NoRoom``, the store as it was. Files are
    read with blocking calls: run it where nothing else shares the event loop (the command line, or the
    child process a running bot starts for a refresh).
    """
    progress = progress or NoProgress()
    _check_path(path, fmt)
    if min_votes and fmt != "imdb":
        raise BadInput("--min-votes applies to IMDb's datasets only (their title.ratings file)")
    encoding = text_encoding(encoding) if encoding else None
    with tempfile.TemporaryDirectory(prefix="filmbot-import-", dir=scratch_dir) as folder:
        scratch = Path(folder)
        if fmt == "imdb":
            files = imdb.find_files(path)
            source = imdb.source_for(files)
            report = ImportReport(
                f"IMDb datasets in {files['title.basics'].parent}", dry_run, files["title.basics"].name
            )
            reader = imdb.ImdbReader(files, scratch, report, progress, encoding, min_votes=min_votes)
            try:
                writer = _Writer(store, source, report, scratch, progress, also)
                await writer.run(reader.films(source), fmt, path, reader.stage)
            finally:
                reader.close()
            return report
        source = tabular_source(path)
        report = ImportReport(path.name, dry_run, path.name)
        with TextSource(path, encoding) as src:
            read = tabular.read_csv if fmt == "csv" else json_list.read_json
            items = read(src, mapping or {}, source.key, source.as_of)
            progress.start(path.name, src.size)
            await _Writer(store, source, report, scratch, progress, also, src).run(items, fmt, path)
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

    async def run(
        self, items: Iterator[Item], fmt: str, path: Path, stage: Callable[[], None] | None = None
    ) -> None:
        """Read (``stage``, then ``items``) whole, then write; a begun run row ends however this ends."""
        report = self.report
        ready = ReadyBatches(self.scratch)
        run_id: int | None = None
        outcome: RunOutcome = "interrupted"
        began = time.monotonic()
        try:
            with scratch_errors(self.scratch):
                if stage is not None:
                    stage()
                self._read(items, ready)
            # The files were read whole and proved usable: the run is recorded from here, in its own
            # commit, so that it can be ended even when the import's transaction is rolled back.
            if not report.dry_run:
                run_id = await self.store.catalog.begin_import(fmt, str(path), self.source.key)
            began = time.monotonic()
            await self._write(ready, run_id)
            outcome = "done"
        except BadInput as exc:  # the file cannot be used (UnusableFile, a bad header): nothing written
            outcome, report.stopped = "failed", exc.message
            raise
        except ScratchFailed as exc:
            outcome, report.stopped = "failed", f"{exc}; nothing was imported"
            raise BadInput(
                f"{report.stopped}. Free some space there, or set TMPDIR to a folder with room"
            ) from exc
        except Exception as exc:
            outcome = "failed"
            failure = self._failure(exc)
            if failure is None:
                report.stopped = _described(exc)
                raise ImportStopped(report) from exc
            report.stopped = failure.message if isinstance(failure, StartupError) else str(failure)
            if failure is exc:
                raise
            raise failure from exc
        finally:
            ready.close()
            if outcome != "done":
                # The transaction was rolled back (or never began): none of the counted writes stayed.
                report.added = report.updated = report.unchanged = 0
                if outcome == "interrupted":
                    report.stopped = "interrupted before the end"
            if run_id is not None and outcome != "done":
                await self._finish(run_id, outcome)
        # How long other writers (a running bot's votes) waited for this import, at most.
        log.info("import finished: %s (one transaction, %.1f s)", report.lines()[0], time.monotonic() - began)

    async def _finish(self, run_id: int, outcome: RunOutcome) -> None:
        """End the run row of a failed import; when the database itself fails, say so in the log."""
        counts = ImportCounts(0, 0, 0, self.report.skipped)
        try:
            await self.store.catalog.finish_import(run_id, counts, outcome, self.report.stopped)
        except Exception as exc:
            log.warning(
                "the import's run row %d could not be ended (%s): %s",
                run_id,
                outcome,
                _described(exc),
                exc_info=log.isEnabledFor(logging.DEBUG),
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

    async def _write(self, ready: ReadyBatches, run_id: int | None) -> None:
        """The second pass: every batch in one transaction (a dry run's is rolled back at its end)."""
        self.progress.start("writing films", self.accepted)
        written = 0
        try:
            # The store's bulk settings (a big page cache) for the length of the one transaction.
            async with self.store.db.bulk(), self.store.transaction() as tx:
                report = self.report
                for blob in ready:
                    # Our own scratch file, written by _keep above in this process: nothing from outside.
                    batch: list[tuple[ImportedFilm, int]] = pickle.loads(blob)
                    self.line = batch[-1][1]
                    await self._flush(tx, batch)
                    written += len(batch)
                    self.progress.update(written, written)
                if run_id is None:
                    raise _RollBack
                counts = ImportCounts(report.added, report.updated, report.unchanged, report.skipped)
                await tx.catalog.finish_import(run_id, counts, "done")
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

    def _failure(self, exc: Exception) -> Exception | None:
        """What to tell about a failed read or write when it is the disk or the database (the
        transaction is rolled back: nothing was imported); ``None`` for any other error."""
        where = f"{self.report.file} line {self.line:,}"
        if isinstance(exc, StartupError):  # NoRoom from staging, already worded
            return exc
        if isinstance(exc, ScratchFull):
            return no_room(where, exc.folder)
        if isinstance(exc, OSError) and exc.errno in (errno.ENOSPC, errno.EFBIG):
            return no_room(where, self.scratch)
        if isinstance(exc, WriteFailed):  # the store's transaction refused by the database, rolled back
            return DatabaseUnusable(f"{where}: {exc.detail}. Nothing was imported")
        failure = database_failure(self.store.db.location, exc)
        if failure is not None:
            return DatabaseUnusable(f"{where}: {failure.message}. Nothing was imported")
        return None


def _described(exc: BaseException) -> str:
    text = " ".join(str(exc).split())[:300]
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__
