"""Writers waiting for the database, across processes: what tells a catalog import to let go of the lock.

A catalog import holds SQLite's write lock in transactions of up to a couple of seconds (committing more
often rewrites the same index pages again and again: at a million films, gigabytes), and ends one early,
after the films in hand, as soon as another filmbot writer waits. A writer of this process waits on the
database's asyncio lock, and is counted there; a writer of another process (a running bot, while
``filmbot films import`` or the bot's own refresh child writes) holds a shared ``flock`` on
``<database>.waiting`` while its ``BEGIN IMMEDIATE`` waits, which the import sees by failing to take the
file exclusively. Taking and testing the lock never blocks; a lock goes with its process if it dies.
"""

from __future__ import annotations

import contextlib
import fcntl
import logging
import os
from collections.abc import Iterator
from pathlib import Path

log = logging.getLogger(__name__)


class WaitSignal:
    """The ``<database>.waiting`` file of one database, opened once (lazily) by each process using it."""

    def __init__(self, database: Path) -> None:
        self._path = None if str(database) == ":memory:" else database.with_name(f"{database.name}.waiting")
        self._fd: int | None = None

    def _file(self) -> int | None:
        if self._fd is None and self._path is not None:
            try:
                self._fd = os.open(self._path, os.O_RDWR | os.O_CREAT, 0o644)
            except OSError:  # a folder we cannot write to: the import then commits on its own schedule
                log.warning("cannot open %s; imports will not know when this bot waits", self._path)
                self._path = None
        return self._fd

    @contextlib.contextmanager
    def waiting(self) -> Iterator[None]:
        """Say, for the block (a ``BEGIN IMMEDIATE`` that may wait), that this process wants to write."""
        fd = self._file()
        held = False
        if fd is not None:
            with contextlib.suppress(OSError):  # an import testing at this very moment: it tests again
                fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
                held = True
        try:
            yield
        finally:
            if held and fd is not None:
                fcntl.flock(fd, fcntl.LOCK_UN)

    def others_waiting(self) -> bool:
        """Whether a writer of another process is waiting for the database now."""
        fd = self._file()
        if fd is None:
            return False
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return True
        fcntl.flock(fd, fcntl.LOCK_UN)
        return False

    def close(self) -> None:
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None
