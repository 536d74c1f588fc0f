"""One import: read a dataset in any format, check it whole, write it in short transactions, report.

An import has two passes. First every file is read whole and checked into scratch files on disk (bounded
memory: lines and nesting are capped, text is decoded exactly): a file that turns out damaged, cut short,
not text in its encoding or not in IMDb's layout stops the import there, having written nothing. Then the
films are written in transactions of at most ``CHUNK_SECONDS``, each ended after the slice of films in hand
(``_assembly.WRITE_SLICE``) as soon as another writer waits (a running bot's vote or rating: in another process when a refresh or ``filmbot
films import`` runs), which then gets in before the next one. A bot's write waits for a batch, never the
whole import (an import used to be one transaction: a vote waited for all of it and failed after SQLite's
5 s busy timeout).

Nothing half-imported is shown: the films an import adds get ids above every film's, and stay out of
title search and browsing (``catalog_unpublished``, migration 0013) until its last transaction, which
also ends its run row and makes any ``also`` writes. A film it changes is rewritten whole (its rows and
its title index entries) in one transaction. A failure or an interruption deletes the films it added
again, in short transactions (an import killed outright leaves them to the next import, which deletes
them before it writes); the films it had already updated keep their new values, and running it again
finishes it (what is already written counts as unchanged). The run row (``catalog_imports``) always ends:
it is begun, in its own commit, once the files have been read whole (a file that cannot be used records
no run), ended as ``done`` in the import's last transaction, or, when a write fails or the import is
interrupted, as ``failed`` or ``interrupted`` with why. One import writes to a database at a time
(``hold_import``).
"""

from __future__ import annotations

import asyncio
import errno
import logging
import re
import tempfile
import time
from collections.abc import Awaitable, Callable, Mapping
from pathlib import Path
from typing import Literal

from bot.catalog.importing import imdb, json_list, tabular
from bot.catalog.importing._assembly import ImdbFiles, ImdbSlices, ListSlices, Slice, Slices, in_a_process
from bot.catalog.importing._files import TextSource, file_date, text_encoding
from bot.catalog.importing.errors import no_room
from bot.catalog.importing.progress import NoProgress, Progress
from bot.catalog.importing.report import ImportReport
from bot.catalog.models import ImportCounts, RunOutcome
from bot.errors import BadInput, DatabaseUnusable, StartupError, WriteFailed
from bot.films.models import Source
from bot.store import Repositories, Store, database_failure
from bot.store.import_scratch import ScratchFailed, ScratchFull
from bot.store.search import PendingNames

log = logging.getLogger(__name__)

Format = Literal["imdb", "csv", "json"]
FORMATS: tuple[Format, ...] = ("imdb", "csv", "json")
# An import's write transaction ends after the films in hand as soon as another filmbot writer waits for the
# database (``Database.writers_waiting``: a running bot's vote), else once it has been open this long (each
# commit rewrites every index page the transaction touched: more often costs gigabytes at a million films).
CHUNK_SECONDS = 2.0
# Names of added films indexed in one statement (``PendingNames``; a waiting writer waits for those too):
# FTS5 writes a segment per statement, so at a million films one a slice left 2,000 segments to merge.
# Measured at 1,000,000 films: the title index's inserts took 23.7 s one a slice, 14.9 s one a transaction.
PENDING_NAMES = 20_000
# After a transaction another writer waited for, the import lets go of SQLite's write lock this long: one
# in another process tries again at least every 0.1 s (SQLite's busy handler), so it gets its turn.
PAUSE_SECONDS = 0.11
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
    ``also``: more writes committed in the import's last transaction, with its films (not in a dry run).

    A file that cannot be used raises ``BadInput`` (``UnusableFile``) having written nothing; a failed
    write raises ``ImportStopped``, ``DatabaseUnusable`` or ``NoRoom``, the films it added deleted again.
    Files are read on worker threads; a running bot still starts a refresh in a child process (its CPU
    and memory are then not the bot's).
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
            if min_votes and "title.ratings" not in files:
                raise BadInput("--min-votes needs title.ratings.tsv.gz (the vote counts) beside title.basics")
            imdb_files = ImdbFiles(files, scratch, encoding, min_votes, source)
            slices: Slices = ImdbSlices(imdb_files, progress, process=in_a_process(files["title.basics"]))
            await _Writer(store, source, report, scratch, progress, also).run(slices, fmt, path)
            return report
        source = tabular_source(path)
        report = ImportReport(path.name, dry_run, path.name)
        with TextSource(path, encoding) as src:
            read = tabular.read_csv if fmt == "csv" else json_list.read_json
            items = read(src, mapping or {}, source.key, source.as_of)
            progress.start(path.name, src.size)
            slices = ListSlices(items, scratch, source, report, progress, src)
            await _Writer(store, source, report, scratch, progress, also).run(slices, fmt, path)
        return report


class _RollBack(Exception):
    """Raised at the end of a dry run's transaction so that nothing it wrote is kept."""


class _Writer:
    """Writes an import in two passes: every film is read and checked first (no lock held; IMDb's files are
    staged whole, other files' films are kept on disk), then written in short transactions, the films
    it adds held back from search until the last one (see the module's docstring)."""

    def __init__(
        self,
        store: Store,
        source: Source,
        report: ImportReport,
        scratch: Path,
        progress: Progress,
        also: AlsoWrite | None,
    ) -> None:
        self.store, self.source, self.report, self.progress = store, source, report, progress
        self.scratch, self.also = scratch, also
        self.accepted = 0
        self.line = 0  # the line of the last film written, named if writing fails
        self.written = 0  # films written so far (committed or not)
        self.kept_updates = 0  # films updated in transactions already committed (kept if the import fails)
        # The names of the films added in the transaction in hand, indexed just before it commits.
        self.pending = PendingNames()

    async def run(self, slices: Slices, fmt: str, path: Path) -> None:
        """Read and check every file (``slices``), then write; a begun run row ends however this ends."""
        try:
            async with self.store.db.import_lock():
                await self._run(slices, fmt, path)
        finally:
            await slices.close()
            reading = slices.reading()
            if reading is not None:
                self.report.merge(reading)

    async def _run(self, slices: Slices, fmt: str, path: Path) -> None:
        report = self.report
        run_id: int | None = None
        outcome: RunOutcome = "interrupted"
        began = time.monotonic()
        try:
            # Reads on a worker thread or in another process: a bot importing this goes on answering.
            self.accepted = await slices.read()
            # The files were read whole and proved usable: the run is recorded from here, in its own
            # commit, so that it can be ended even when a transaction of the import is rolled back.
            if not report.dry_run:
                await self.store.catalog.discard_unpublished()  # what a killed import left, if any
                run_id = await self.store.catalog.begin_import(fmt, str(path), self.source.key)
                await self.store.catalog.hold_back(run_id)
            began = time.monotonic()
            await self._write(slices, run_id)
            outcome = "done"
        except BadInput as exc:  # the file cannot be used (UnusableFile, a bad header): nothing written
            outcome, report.stopped = "failed", exc.message
            raise
        except ScratchFailed as exc:
            outcome, report.stopped = "failed", f"{exc}; {self._kept()}"
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
            await slices.close()  # a reading process stops before the films it read are taken out
            if outcome != "done":
                # The films it added are taken out again (``_finish``); those it updated in committed
                # transactions keep their new values (each film whole).
                report.added = report.unchanged = 0
                report.updated = self.kept_updates
                if outcome == "interrupted":
                    report.stopped = "interrupted before the end"
            if run_id is not None and outcome != "done":
                await self._finish(run_id, outcome)
        log.info("import finished: %s (%.1f s writing)", report.lines()[0], time.monotonic() - began)

    async def _finish(self, run_id: int, outcome: RunOutcome) -> None:
        """End the run row of a failed import, its added films deleted again; when the database itself
        fails, say so in the log (the next import deletes them)."""
        counts = ImportCounts(0, self.kept_updates, 0, self.report.skipped)
        try:
            await self.store.catalog.discard_unpublished()
            await self.store.catalog.finish_import(run_id, counts, outcome, self.report.stopped)
        except Exception as exc:
            log.warning(
                "the import's run row %d could not be ended (%s): %s",
                run_id,
                outcome,
                _described(exc),
                exc_info=log.isEnabledFor(logging.DEBUG),
            )

    def _kept(self, sentence: bool = False) -> str:
        """What a failed import kept, in a few words (``sentence``: starting with a capital)."""
        if not self.kept_updates:
            said = "nothing was imported"
        else:
            said = (
                f"the films it added were taken out again; the {self.kept_updates:,} it had updated keep "
                "their new values; run it again to finish"
            )
        return said[0].upper() + said[1:] if sentence else said

    async def _write(self, slices: Slices, run_id: int | None) -> None:
        """The second pass: transactions of at most ``CHUNK_SECONDS``, each ended early when another writer
        waits (not waiting for the disk: nothing they hold is shown yet), then a last one, durable, that ends
        the run and shows what the import added. A dry run rolls each one back."""
        self.progress.start("writing films", self.accepted)
        try:
            # The store's bulk settings (a big page cache) for the length of the import.
            async with self.store.db.bulk():
                more = waited = True
                while more:
                    try:
                        async with self.store.transaction(durable=False) as tx:
                            more, waited = await self._chunk(tx, slices)
                            await tx.catalog.index_pending(self.pending)
                            if run_id is None:
                                raise _RollBack
                        self.kept_updates = self.report.updated
                    except _RollBack:
                        pass
                    if more and waited:
                        await asyncio.sleep(PAUSE_SECONDS)
            if run_id is not None:
                async with self.store.transaction() as tx:
                    await self._end(tx, run_id)
        finally:
            self.progress.finish()

    async def _chunk(self, tx: Repositories, slices: Slices) -> tuple[bool, bool]:
        """Write films, a slice at a time, until another writer waits, or for ``CHUNK_SECONDS``: whether
        there are more, and whether a writer is waiting."""
        until = time.monotonic() + CHUNK_SECONDS
        while True:
            films = await slices.next()
            if films is None:
                return False, False
            await self._flush(tx, films)
            if len(self.pending.names) >= PENDING_NAMES:
                await tx.catalog.index_pending(self.pending)
            self.written += len(films[1])
            self.progress.update(self.written, self.written)
            if await self.store.db.writers_waiting():
                return True, True
            if time.monotonic() >= until:
                return True, False

    async def _end(self, tx: Repositories, run_id: int) -> None:
        """The import's last writes, in its last transaction: its run row ends, its films are shown."""
        report = self.report
        counts = ImportCounts(report.added, report.updated, report.unchanged, report.skipped)
        await tx.catalog.finish_import(run_id, counts, "done")
        if self.also is not None:
            await self.also(tx)
        await tx.catalog.publish(run_id)

    async def _flush(self, tx: Repositories, films: Slice) -> None:
        batch, lines = films
        self.line = lines[-1]
        outcomes = await tx.catalog.write_prepared(batch, self.source, self.pending)
        for outcome, line in zip(outcomes, lines, strict=True):
            if outcome == "duplicate":
                self.report.skip_row("duplicate film (the first one is kept)", line)
            else:
                self.report.count(outcome)

    def _failure(self, exc: Exception) -> Exception | None:
        """What to tell about a failed read or write when it is the disk or the database (the
        films it added are taken out again); ``None`` for any other error."""
        where = f"{self.report.file} line {self.line:,}"
        if isinstance(exc, StartupError):  # NoRoom from staging, already worded
            return exc
        if isinstance(exc, ScratchFull):
            return no_room(where, exc.folder)
        if isinstance(exc, OSError) and exc.errno in (errno.ENOSPC, errno.EFBIG):
            return no_room(where, self.scratch)
        if isinstance(exc, WriteFailed):  # the store's transaction refused by the database, rolled back
            return DatabaseUnusable(f"{where}: {exc.detail}. {self._kept(sentence=True)}")
        failure = database_failure(self.store.db.location, exc)
        if failure is not None:
            return DatabaseUnusable(f"{where}: {failure.message}. {self._kept(sentence=True)}")
        return None


def _described(exc: BaseException) -> str:
    text = " ".join(str(exc).split())[:300]
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__
