"""One import: read a dataset in any format, write it in batches, and report what happened."""

from __future__ import annotations

import asyncio
import functools
import logging
import re
import tempfile
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from bot.catalog.importing import imdb, json_list, tabular
from bot.catalog.importing._batches import BatchWriter
from bot.catalog.importing._files import TextSource, file_date, text_encoding
from bot.catalog.importing._items import Item
from bot.catalog.importing.progress import NoProgress, Progress
from bot.catalog.importing.report import ImportReport
from bot.catalog.models import ImportCounts, RunOutcome
from bot.errors import BadInput
from bot.films.matching import match_key
from bot.films.models import ImportedFilm, Source
from bot.store import Store
from bot.store.import_scratch import FilmSpool, ScratchFailed, SeenKeys, scratch_errors

log = logging.getLogger(__name__)

Format = Literal["imdb", "csv", "json"]
FORMATS: tuple[Format, ...] = ("imdb", "csv", "json")
# Films written between two turns of the event loop (a few milliseconds of reading the scratch files).
YIELD_EVERY = 10


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

    Its ``__cause__`` is what stopped it (a database error, say). What was written stays, and running
    the same import again finishes it. The import's run row has ended.
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
) -> ImportReport:
    """Import every film in ``path``; with ``dry_run`` read and check everything but write nothing.

    The whole file is read and checked first, into scratch files on disk, and only then written in
    batches: a file that turns out damaged or not text in its encoding raises ``BadInput``
    (``UnusableFile``) having written nothing. A failure while writing raises ``ImportStopped`` with the
    report; what was written stays, and the next run of the same import finishes it. The run row ends
    either way. IMDb datasets are staged on a thread, and the writing yields to the event loop every few
    films while one batch is written and the next read, so a bot importing this goes on answering.
    """
    progress = progress or NoProgress()
    _check_path(path, fmt)
    encoding = text_encoding(encoding) if encoding else None
    with tempfile.TemporaryDirectory(prefix="filmbot-import-") as folder:
        scratch = Path(folder)
        if fmt == "imdb":
            files = imdb.find_files(path)
            source = imdb.source_for(files)
            report = ImportReport(f"IMDb datasets in {files['title.basics'].parent}", dry_run)
            reader = imdb.ImdbReader(files, scratch, report, progress, encoding)
            seen = SeenKeys(scratch)
            try:
                films = _accept_all(reader.films(source), report, seen)
                await _run(_Job(store, source, report, progress, fmt, path, scratch), reader.stage, films)
            finally:
                seen.close()
                reader.close()
            return report
        source = tabular_source(path)
        report = ImportReport(path.name, dry_run)
        spool = FilmSpool(scratch)
        try:
            job = _Job(store, source, report, progress, fmt, path, scratch)
            read = functools.partial(_read_list, job, mapping or {}, encoding, spool)
            await _run(job, read, spool.films())
        finally:
            spool.close()
        return report


@dataclass(frozen=True, slots=True)
class _Job:
    store: Store
    source: Source
    report: ImportReport
    progress: Progress
    fmt: str
    path: Path
    scratch: Path


def _read_list(job: _Job, mapping: Mapping[str, str], encoding: str | None, spool: FilmSpool) -> None:
    """Read a CSV or JSON list whole, checking every row; the films to write go to ``spool``."""
    seen = SeenKeys(job.scratch)
    try:
        with TextSource(job.path, encoding) as src:
            read = tabular.read_csv if job.fmt == "csv" else json_list.read_json
            job.progress.start(job.path.name, src.size)
            for item in read(src, mapping, job.source.key, job.source.as_of):
                job.report.read += 1
                film = _accepted(item, job.report, seen)
                if film is not None:
                    spool.add(item.line, film)
                if job.report.read % 4096 == 0:
                    job.progress.update(src.position, job.report.read)
    finally:
        seen.close()
        job.progress.finish()


def _accept_all(
    items: Iterator[Item], report: ImportReport, seen: SeenKeys
) -> Iterator[tuple[int, ImportedFilm]]:
    for item in items:
        film = _accepted(item, report, seen)
        if film is not None:
            yield item.line, film


async def _run(job: _Job, read: Callable[[], None], films: Iterator[tuple[int, ImportedFilm]]) -> None:
    """Read everything, then write it; the run row (not in a dry run) ends however this ends."""
    catalog = job.store.catalog
    run_id = (
        None if job.report.dry_run else await catalog.begin_import(job.fmt, str(job.path), job.source.key)
    )
    outcome: RunOutcome = "interrupted"
    try:
        with scratch_errors(job.scratch):
            if job.fmt == "imdb":
                await _staged(read)
            else:
                read()
        await _write(job, films)
        outcome = "done"
    except BadInput as exc:  # the file cannot be used (UnusableFile, a header --map cannot match): unwritten
        outcome, job.report.stopped = "failed", exc.message
        raise
    except ScratchFailed as exc:
        outcome, job.report.stopped = "failed", f"{exc}; nothing was imported"
        raise BadInput(
            f"{job.report.stopped}. Free some space there, or set TMPDIR to a folder with room"
        ) from exc
    except Exception as exc:
        outcome, job.report.stopped = "failed", _failure(exc)
        raise ImportStopped(job.report) from exc
    finally:
        if outcome == "interrupted":
            job.report.stopped = "interrupted before the end"
        if run_id is not None:
            await _finish(job, run_id, outcome)
    log.info("import finished: %s", job.report.lines()[0])


async def _staged(read: Callable[[], None]) -> None:
    """Staging reads whole files: on a thread, so a bot importing this goes on answering."""
    staging = asyncio.ensure_future(asyncio.to_thread(read))
    try:
        await asyncio.shield(staging)
    finally:
        # Even when cancelled: the thread cannot be stopped, its files stay until it is done.
        await asyncio.wait([staging])
    staging.result()


def _failure(exc: Exception) -> str:
    text = " ".join(str(exc).split())[:300]
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


async def _finish(job: _Job, run_id: int, outcome: RunOutcome) -> None:
    """End the run row; when the database itself failed, say so in the log rather than hide the cause."""
    report = job.report
    counts = ImportCounts(report.added, report.updated, report.unchanged, report.skipped)
    try:
        await job.store.catalog.finish_import(run_id, counts, outcome, report.stopped)
    except Exception:
        log.exception("the import's run row %d could not be ended (%s)", run_id, outcome)


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


async def _write(job: _Job, films: Iterator[tuple[int, ImportedFilm]]) -> None:
    """Write the films in batches, each batch one transaction (with its title index), one batch written
    while the next is read, under the store's bulk settings."""
    report = job.report
    job.progress.start("writing films", max(report.read, 1))
    batches = BatchWriter(job.store, job.source, report, job.progress, None)
    try:
        async with job.store.db.bulk():
            for count, (line, film) in enumerate(films, start=1):
                if count % YIELD_EVERY == 0:
                    # Reading blocks: let the batch being written (and a bot importing this) go on.
                    await asyncio.sleep(0)
                await batches.add(film, line)
            await batches.finish()
    finally:
        await batches.settle()
        job.progress.finish()
