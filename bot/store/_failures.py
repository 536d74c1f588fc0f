"""Why the database cannot be used or written, in plain sentences (the lock helpers are in ``_lock``)."""

from __future__ import annotations

import resource
import shutil
import sqlite3
from pathlib import Path

from bot.database_url import DatabaseLocation
from bot.errors import DatabaseUnusable, WriteFailed
from bot.store._pg_failures import pg_database_failure
from bot.store._session import ConstraintViolated, Duplicate

# SQLite's extended codes for a uniqueness rule broken (a UNIQUE index, a primary key).
_DUPLICATE = {2067, 1555}


def unusable(path: Path, exc: OSError | sqlite3.Error) -> DatabaseUnusable:
    """Why the database at ``path`` cannot be used, in one plain sentence (by SQLite's error code)."""
    if isinstance(exc, OSError):
        return DatabaseUnusable(f"cannot create the folder {path.parent} for the database: {_reason(exc)}")
    code = exc.sqlite_errorcode
    primary = code & 0xFF
    if primary == sqlite3.SQLITE_NOTADB:
        return DatabaseUnusable(
            f"{path} is not a SQLite database; point FILMBOT_DATABASE at filmbot's database, "
            "or move this file away to start a new one"
        )
    if primary == sqlite3.SQLITE_CORRUPT:
        return DatabaseUnusable(
            f"{path} is damaged (cut short or overwritten; SQLite says: {exc}); restore it from a backup, "
            "or move it away to start a new database"
        )
    if code == sqlite3.SQLITE_READONLY_DIRECTORY:
        return DatabaseUnusable(
            f"cannot write {path}: its folder is read-only, and SQLite needs to create "
            f"{path.name}-wal and {path.name}-shm beside it"
        )
    if primary == sqlite3.SQLITE_READONLY:
        return DatabaseUnusable(
            f"{path} is read-only; give the user running filmbot write access to it, its folder "
            f"and any {path.name}-wal and {path.name}-shm files beside it"
        )
    if primary == sqlite3.SQLITE_CANTOPEN:
        return DatabaseUnusable(_cannot_open(path))
    if primary in (sqlite3.SQLITE_FULL, sqlite3.SQLITE_IOERR):
        return DatabaseUnusable(_cannot_write(path, exc))
    if primary in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED):
        return DatabaseUnusable(
            f"{path} stayed locked by another program for 5 seconds; try again when it is done"
        )
    return DatabaseUnusable(f"cannot use {path} (SQLite says: {exc})")


# SQLite's codes for a database that cannot be used as it stands (not a bug in a statement).
_UNUSABLE = {
    sqlite3.SQLITE_NOTADB,
    sqlite3.SQLITE_CORRUPT,
    sqlite3.SQLITE_READONLY,
    sqlite3.SQLITE_CANTOPEN,
    sqlite3.SQLITE_FULL,
    sqlite3.SQLITE_IOERR,
    sqlite3.SQLITE_BUSY,
    sqlite3.SQLITE_LOCKED,
}


def database_failure(path: DatabaseLocation, exc: BaseException) -> DatabaseUnusable | None:
    """``exc`` as ``DatabaseUnusable`` if it says the database at ``path`` is sick (damaged, read-only,
    full…), e.g. a disk that fills while the catalog loads at start; ``None`` for any other error."""
    if not isinstance(path, Path):
        return pg_database_failure(path, exc)
    if isinstance(exc, sqlite3.Error) and exc.sqlite_errorcode & 0xFF in _UNUSABLE:
        return unusable(path, exc)
    return None


# What the member is told about a write the database refused, by SQLite's primary error code.
_WRITE_REFUSALS = {
    sqlite3.SQLITE_FULL: "the disk holding the bot's database is full",
    sqlite3.SQLITE_IOERR: "the disk holding the bot's database is full or failing",
    sqlite3.SQLITE_READONLY: "the bot's database is read-only",
    sqlite3.SQLITE_BUSY: "another program kept the bot's database locked",
    sqlite3.SQLITE_LOCKED: "another program kept the bot's database locked",
    sqlite3.SQLITE_CORRUPT: "the bot's database file is damaged",
    sqlite3.SQLITE_NOTADB: "the bot's database file is damaged",
    sqlite3.SQLITE_CANTOPEN: "the bot's database file could not be opened",
}


def write_failure(path: Path, exc: sqlite3.Error) -> WriteFailed | None:
    """``exc``, raised by a write that was then rolled back, as ``WriteFailed`` if the database refused it
    (full, read-only, damaged, locked); ``None`` for any other error (a bug in a statement, say)."""
    why = _WRITE_REFUSALS.get(exc.sqlite_errorcode & 0xFF)
    if why is None:
        return None
    return WriteFailed(unusable(path, exc).message, why)


def _reason(exc: OSError) -> str:
    return (exc.strerror or str(exc)).lower() if exc.errno else str(exc)


def _cannot_open(path: Path) -> str:
    if path.is_dir():
        return f"cannot open {path}: it is a folder; FILMBOT_DATABASE must name a file"
    return f"cannot open {path}: check that the user running filmbot may read and write it and its folder"


def _cannot_write(path: Path, exc: sqlite3.Error) -> str:
    """A full disk and a file-size limit look alike to SQLite (SQLITE_FULL or a write error): ask the OS."""
    limit, _ = resource.getrlimit(resource.RLIMIT_FSIZE)
    if limit != resource.RLIM_INFINITY:
        return (
            f"cannot write {path}: the file-size limit of this process ({limit:,} bytes, see ulimit -f) "
            "is too small for the database"
        )
    free = shutil.disk_usage(path.parent if path.parent.is_dir() else ".").free
    if exc.sqlite_errorcode == sqlite3.SQLITE_FULL or free < 1 << 20:
        return f"cannot write {path}: the disk holding it is full ({free:,} bytes free)"
    return f"cannot read or write {path}: the disk reported an error (SQLite says: {exc}); check the disk"


def constraint(exc: sqlite3.IntegrityError) -> ConstraintViolated:
    """The store's own error for a statement the schema refused (``Duplicate`` for a uniqueness rule)."""
    if exc.sqlite_errorcode in _DUPLICATE:
        return Duplicate(str(exc))
    return ConstraintViolated(str(exc))
