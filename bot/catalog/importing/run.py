"""One import: read a dataset in any format, write it in batches, and report what happened."""

from __future__ import annotations

import asyncio
import logging
import re
import tempfile
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Literal

from bot.catalog.importing import imdb, tabular
from bot.catalog.importing._batches import BatchWriter
from bot.catalog.importing._files import TextSource, file_date
from bot.catalog.importing._items import Item
from bot.catalog.importing.progress import NoProgress, Progress
from bot.catalog.importing.report import ImportReport
from bot.catalog.models import ImportCounts
from bot.errors import BadInput
from bot.films.matching import match_key
from bot.films.models import ImportedFilm, Source
from bot.store import Store
from bot.store.import_scratch import SeenKeys

log = logging.getLogger(__name__)

Format = Literal["imdb", "csv", "json"]
FORMATS: tuple[Format, ...] = ("imdb", "csv", "json")
# Items read between two turns of the event loop (a few milliseconds of reading).
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


async def import_catalog(
    store: Store,
    path: Path,
    fmt: Format,
    *,
    mapping: Mapping[str, str] | None = None,
    dry_run: bool = False,
    progress: Progress | None = None,
) -> ImportReport:
    """Import every film in ``path``; with ``dry_run`` read and check everything but write nothing.

    Files are read with blocking calls between batched writes: this runs from the command line
    (``filmbot films import``), where nothing else shares the event loop.
    """
    progress = progress or NoProgress()
    _check_path(path, fmt)
    with tempfile.TemporaryDirectory(prefix="filmbot-import-") as scratch:
        if fmt == "imdb":
            files = imdb.find_files(path)
            source = imdb.source_for(files)
            report = ImportReport(f"IMDb datasets in {files['title.basics'].parent}", dry_run)
            reader = imdb.ImdbReader(files, Path(scratch), report, progress)
            try:
                # Staging reads whole files: on a thread, so a bot importing this goes on answering.
                staging = asyncio.ensure_future(asyncio.to_thread(reader.stage))
                try:
                    await asyncio.shield(staging)
                finally:
                    # Even when cancelled: the thread cannot be stopped, its files stay until it is done.
                    await asyncio.wait([staging])
                await _write(store, reader.films(source), source, report, Path(scratch), progress, fmt, path)
            finally:
                reader.close()
            return report
        source = tabular_source(path)
        report = ImportReport(path.name, dry_run)
        with TextSource(path) as src:
            read = tabular.read_csv if fmt == "csv" else tabular.read_json
            items = read(src, mapping or {}, source.key, source.as_of)
            progress.start(path.name, src.size)
            await _write(store, items, source, report, Path(scratch), progress, fmt, path, src)
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


async def _write(
    store: Store,
    items: Iterator[Item],
    source: Source,
    report: ImportReport,
    scratch: Path,
    progress: Progress,
    fmt: str,
    path: Path,
    src: TextSource | None = None,
) -> None:
    seen = SeenKeys(scratch)  # identities read so far, on disk, not in memory
    run_id: int | None = None
    staged_total = report.read
    if src is None:
        progress.start("writing films", staged_total)
    batches = BatchWriter(store, source, report, progress, src)
    try:
        async with store.db.bulk():
            for count, item in enumerate(items, start=1):
                if run_id is None and not report.dry_run:
                    # Recorded once the file has proved readable (its header accepted).
                    run_id = await store.catalog.begin_import(fmt, str(path), source.key)
                if src is not None:
                    report.read += 1
                if count % YIELD_EVERY == 0:
                    # Reading blocks: let the batch being written (and a bot importing this) go on.
                    await asyncio.sleep(0)
                film = _accepted(item, report, seen)
                if film is not None:
                    await batches.add(film, item.line)
            await batches.finish()
    finally:
        await batches.settle()
        seen.close()
        progress.finish()
    if run_id is not None:
        counts = ImportCounts(report.added, report.updated, report.unchanged, report.skipped)
        await store.catalog.finish_import(run_id, counts)
    log.info("import finished: %s", report.lines()[0])
