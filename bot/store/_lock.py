"""Exclusive ``flock`` locks: one serving filmbot per database, one download per folder."""

from __future__ import annotations

import contextlib
import fcntl
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from bot.errors import BadInput, DatabaseInUse, DatabaseUnusable
from bot.store._failures import _reason


def lock_path(database: Path) -> Path:
    """The file ``hold_exclusive`` locks: ``<database>.lock``, beside the database."""
    return database.with_name(f"{database.name}.lock")


@contextmanager
def hold_lock(lock: Path, busy: Callable[[str], Exception]) -> Iterator[None]:
    """Hold an exclusive ``flock`` on the file ``lock`` (created if need be, our pid written in it) for the
    block; if another process holds it, raise ``busy(who)``, ``who`` being " (process N)" or "".

    ``flock`` locks go with the process: a crash or kill -9 releases them, so a stale file means nothing.
    """
    fd = os.open(lock, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 20, 0).decode("ascii", "replace").strip()
            raise busy(f" (process {holder})" if holder.isdigit() else "") from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
        yield
    finally:
        os.close(fd)


@contextmanager
def hold_exclusive(database: Path) -> Iterator[None]:
    """Hold an exclusive lock on ``<database>.lock`` for the block: one serving filmbot per database."""
    if str(database) == ":memory:":
        yield
        return
    lock = lock_path(database)

    def busy(who: str) -> DatabaseInUse:
        return DatabaseInUse(
            f"another filmbot{who} is already serving from {database}; stop it first, or give this "
            "one its own FILMBOT_DATABASE"
        )

    with contextlib.ExitStack() as held:
        try:
            lock.parent.mkdir(parents=True, exist_ok=True)
            held.enter_context(hold_lock(lock, busy))
        except OSError as exc:
            raise DatabaseUnusable(f"cannot create the lock file {lock}: {_reason(exc)}") from exc
        yield


@contextmanager
def hold_import(database: Path) -> Iterator[None]:
    """One catalog import at a time per database (``<database>.import.lock``): an import writes in many short
    transactions, and one beginning clears what a killed one left unpublished."""
    if str(database) == ":memory:":
        yield
        return
    lock = database.with_name(f"{database.name}.import.lock")

    def busy(who: str) -> BadInput:
        return BadInput(f"another catalog import{who} is writing to {database}; wait for it to finish")

    with contextlib.ExitStack() as held:
        try:
            held.enter_context(hold_lock(lock, busy))
        except OSError as exc:
            raise DatabaseUnusable(f"cannot create the lock file {lock}: {_reason(exc)}") from exc
        yield
