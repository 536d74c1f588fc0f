"""Copy every table of one filmbot database into another (either engine), in one transaction, verified.

The target is migrated first (opening it does), must be empty unless ``force`` (then what it holds is
replaced), and receives every table in dependency order, page by page, ids kept. Before the transaction
commits, every table is read back from the target and compared with what was read from the source, row
count and checksum: on any difference the transaction is rolled back and the target is left as it was.
"""

from __future__ import annotations

from typing import Protocol

from bot.dbcopy.models import CopyReport, TableCopy, canonical_row
from bot.errors import StartupError
from bot.store import Store, copying
from bot.store._session import Transaction

# Rows read (and written) per page.
PAGE = 2_000


class Progress(Protocol):
    def start(self, phase: str, total: int) -> None: ...
    def update(self, done: int, rows: int) -> None: ...
    def finish(self) -> None: ...


class TargetNotEmpty(StartupError):
    """The target already holds filmbot data and ``--force`` was not given."""

    exit_status = 2


class CopyMismatch(StartupError):
    """A table read back from the target differs from the source's: nothing was copied."""

    exit_status = 8

    def __init__(self, message: str, report: CopyReport) -> None:
        super().__init__(message)
        self.report = report


async def copy_database(
    source: Store, target: Store, names: tuple[str, str], *, force: bool, progress: Progress, page: int = PAGE
) -> CopyReport:
    """Copy ``source`` into ``target`` (``names``: how each is called in messages)."""
    tables = [
        await copying.fit(target.db, await copying.fit(source.db, t)) for t in await copying.schema_tables()
    ]
    held = {t.name: n for t in tables if (n := await copying.count(target.db, t))}
    if held and not force:
        listed = ", ".join(f"{name} ({rows:,})" for name, rows in list(held.items())[:4])
        raise TargetNotEmpty(
            f"the target {names[1]} already holds filmbot data ({sum(held.values()):,} rows: {listed}"
            f"{', …' if len(held) > 4 else ''}); copy into an empty database, or add --force to replace "
            "what it holds"
        )
    report = CopyReport(names[0], names[1], cleared=bool(held))
    async with target.db.transaction() as tx:
        await copying.defer_foreign_keys(tx)
        if held:
            await copying.clear(tx, tables)
        for table in tables:
            report.tables.append(await _copy_table(source, tx, table, progress, page))
        await copying.reset_sequences(tx, tables)
        report.indexed_films = await copying.rebuild_search(tx)
        for done in report.tables:
            table = next(t for t in tables if t.name == done.name)
            async for rows in copying.pages(tx, table, page):
                done.target.add(canonical_row(row) for row in rows)
        if report.mismatched:
            raise CopyMismatch(
                f"the copy in {names[1]} differs from {names[0]} in "
                f"{', '.join(t.name for t in report.mismatched)}: nothing was copied (the target is as it "
                "was); the lines above give the counts and checksums",
                report,
            )
    return report


async def _copy_table(
    source: Store, tx: Transaction, table: copying.Table, progress: Progress, page: int
) -> TableCopy:
    done = TableCopy(table.name)
    progress.start(table.name, await copying.count(source.db, table))
    async for rows in copying.pages(source.db, table, page):
        done.source.add(canonical_row(row) for row in rows)
        await copying.insert(tx, table, rows)
        progress.update(done.source.rows, done.source.rows)
    progress.finish()
    return done
