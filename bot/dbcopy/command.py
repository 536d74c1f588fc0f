"""``filmbot db copy --from <database> --to <database> [--force]``: the command line around the copy."""

from __future__ import annotations

import asyncio
import contextlib
import sys
from pathlib import Path
from typing import TextIO

from bot.catalog.importing.progress import TerminalProgress
from bot.database_url import DatabaseLocation, database_location
from bot.dbcopy.models import CopyReport
from bot.dbcopy.service import CopyMismatch, Progress, copy_database
from bot.errors import ConfigError, DatabaseUnusable
from bot.store import Store, hold_exclusive


class LineProgress:
    """Off a terminal: one plain line per table once it is copied."""

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream
        self._phase = ""
        self._rows = 0

    def start(self, phase: str, total: int) -> None:
        self._phase, self._rows = phase, 0

    def update(self, done: int, rows: int) -> None:
        self._rows = rows

    def finish(self) -> None:
        print(f"copied {self._phase}: {self._rows:,} rows", file=self._stream, flush=True)


def progress_for() -> Progress:
    """A bar on stderr when it is a terminal; else a plain line per table on stdout, beside the report."""
    return TerminalProgress(sys.stderr, unit="rows") if sys.stderr.isatty() else LineProgress(sys.stdout)


def db_copy(source: str, target: str, *, force: bool) -> int:
    """0 when copied and verified; failures raise a ``StartupError`` whose line ``bot.cli`` prints."""
    src, dst = _location("--from", source), _location("--to", target)
    if isinstance(src, Path) and not src.is_file():
        raise DatabaseUnusable(
            f"--from {source}: there is no database file there; give the FILMBOT_DATABASE the bot has been "
            "running with"
        )
    if str(_same(src)) == str(_same(dst)):
        raise DatabaseUnusable(f"--from and --to both name {src}; copy into another database")
    try:
        with contextlib.ExitStack() as locks:
            for where in (src, dst):
                if isinstance(where, Path):
                    locks.enter_context(hold_exclusive(where))
            report = asyncio.run(_copy(src, dst, (str(src), str(dst)), force))
    except CopyMismatch as mismatch:
        print("\n".join(mismatch.report.lines()))
        raise
    print("\n".join(report.lines()))
    return 0


def _location(option: str, raw: str) -> DatabaseLocation:
    try:
        where = database_location(raw.strip())
    except ConfigError as exc:
        raise ConfigError(exc.message.replace("FILMBOT_DATABASE", option, 1)) from None
    return where.expanduser() if isinstance(where, Path) else where


def _same(where: DatabaseLocation) -> object:
    return where.resolve() if isinstance(where, Path) else where


async def _copy(
    src: DatabaseLocation, dst: DatabaseLocation, names: tuple[str, str], force: bool
) -> CopyReport:
    async with contextlib.AsyncExitStack() as opened:
        from_store = await Store.open(src)
        opened.push_async_callback(from_store.close)
        to_store = await Store.open(dst)
        opened.push_async_callback(to_store.close)
        return await copy_database(from_store, to_store, names, force=force, progress=progress_for())
