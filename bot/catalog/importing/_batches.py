"""Imported films written to the store a batch at a time, one batch on the database's thread while the
next one is read: reading (Python) and writing (SQLite, which lets go of the interpreter) overlap."""

from __future__ import annotations

import asyncio

from bot.catalog.importing._files import TextSource
from bot.catalog.importing.progress import Progress
from bot.catalog.importing.report import ImportReport
from bot.films.models import ImportedFilm, Source
from bot.store import Store

BATCH = 1000


class BatchWriter:
    """Collects films; every ``BATCH`` of them goes to ``CatalogStore.write_batch`` (its own transaction)
    while the next are read. Outcomes reach the report in the order the films were read."""

    def __init__(
        self, store: Store, source: Source, report: ImportReport, progress: Progress, src: TextSource | None
    ) -> None:
        self._store = store
        self._source = source
        self._report = report
        self._progress = progress
        self._src = src
        self._films: list[ImportedFilm] = []
        self._lines: list[int] = []
        self._writing: asyncio.Task[None] | None = None
        self.written = 0

    async def add(self, film: ImportedFilm, line: int) -> None:
        self._films.append(film)
        self._lines.append(line)
        if len(self._films) >= BATCH:
            await self._flush()

    async def finish(self) -> None:
        """Write what is left and wait until every batch is written."""
        if self._films:
            await self._flush()
        if self._writing is not None:
            await self._writing

    async def settle(self) -> None:
        """After a failure: the batch already handed over is written (or fails) as if it had been awaited."""
        if self._writing is not None:
            await asyncio.wait([self._writing])
            if not self._writing.cancelled():
                self._writing.exception()

    async def _flush(self) -> None:
        if self._writing is not None:
            await self._writing
        films, lines = self._films, self._lines
        self._films, self._lines = [], []
        self._writing = asyncio.create_task(self._write(films, lines), name="catalog-import-batch")

    async def _write(self, films: list[ImportedFilm], lines: list[int]) -> None:
        report = self._report
        outcomes = await self._store.catalog.write_batch(films, self._source, dry_run=report.dry_run)
        for outcome, line in zip(outcomes, lines, strict=True):
            if outcome == "duplicate":
                report.skip_row("duplicate film (the first one is kept)", line)
            else:
                report.count(outcome)
        self.written += len(films)
        self._progress.update(self._src.position if self._src is not None else self.written, self.written)
