"""Why a PostgreSQL server cannot be used or written, in plain sentences (the DSN shown without password)."""

from __future__ import annotations

import socket

import asyncpg

from bot.database_url import PostgresUrl
from bot.errors import DatabaseUnusable, WriteFailed
from bot.store._session import ConstraintViolated, Duplicate

# Seconds to wait for the server to answer a connection: an unreachable server is an error, never a hang.
CONNECT_TIMEOUT = 10.0


def constraint(exc: asyncpg.IntegrityConstraintViolationError) -> ConstraintViolated:
    """The store's own error for a statement the schema refused (``Duplicate`` for a uniqueness rule)."""
    if isinstance(exc, asyncpg.UniqueViolationError | asyncpg.ExclusionViolationError):
        return Duplicate(str(exc))
    return ConstraintViolated(str(exc))


def pg_unusable(url: PostgresUrl, exc: BaseException) -> DatabaseUnusable:
    """Why the server at ``url`` cannot be used, in one plain sentence."""
    where = f"the PostgreSQL server at {url}"
    if isinstance(exc, TimeoutError):
        return DatabaseUnusable(
            f"{where} did not answer within {CONNECT_TIMEOUT:g} seconds; check that it is running and "
            "reachable from this machine (host, port, firewall)"
        )
    if isinstance(exc, socket.gaierror):
        return DatabaseUnusable(f"cannot find the host of {where} ({exc.strerror}); check FILMBOT_DATABASE")
    if isinstance(exc, OSError):
        reason = (exc.strerror or str(exc)).lower()
        return DatabaseUnusable(
            f"cannot reach {where} ({reason}); check that it is running and that FILMBOT_DATABASE names "
            "its host and port"
        )
    if isinstance(exc, asyncpg.InvalidPasswordError):
        return DatabaseUnusable(
            f"{where} refused the login of user {url.user!r}: wrong password, or the server asks for one "
            "FILMBOT_DATABASE does not give"
        )
    if isinstance(exc, asyncpg.InvalidAuthorizationSpecificationError):
        return DatabaseUnusable(f"{where} refused the login of user {url.user!r} ({exc})")
    if isinstance(exc, asyncpg.InvalidCatalogNameError):
        return DatabaseUnusable(
            f"{where} has no database {url.database!r}; create it (createdb -O {url.user or 'filmbot'} "
            f"{url.database}) or point FILMBOT_DATABASE at another"
        )
    if isinstance(exc, asyncpg.InsufficientPrivilegeError):
        return DatabaseUnusable(
            f"user {url.user!r} may not create filmbot's tables in database {url.database!r} on {where} "
            f"({exc}); make the user the database's owner"
        )
    if isinstance(exc, asyncpg.TooManyConnectionsError):
        return DatabaseUnusable(f"{where} has no connection to spare ({exc}); raise its max_connections")
    return DatabaseUnusable(f"cannot use {where} (PostgreSQL says: {exc})")


# What the member is told about a write the server refused, by the kind of error.
_WRITE_REFUSALS: tuple[tuple[type[BaseException], str], ...] = (
    (asyncpg.DiskFullError, "the disk holding the bot's database is full"),
    (asyncpg.LockNotAvailableError, "another program kept the bot's database locked"),
    (asyncpg.ReadOnlySQLTransactionError, "the bot's database is read-only"),
    (asyncpg.InsufficientPrivilegeError, "the bot's database refused the write"),
    (asyncpg.InsufficientResourcesError, "the bot's database server is out of resources"),
    (asyncpg.PostgresConnectionError, "the bot lost its connection to the database server"),
    (asyncpg.InterfaceError, "the bot lost its connection to the database server"),
    (asyncpg.exceptions.InternalClientError, "the bot lost its connection to the database server"),
    (asyncpg.CannotConnectNowError, "the database server is starting up or shutting down"),
    (asyncpg.AdminShutdownError, "the database server is shutting down"),
    (OSError, "the bot lost its connection to the database server"),
)


def pg_write_failure(url: PostgresUrl, exc: BaseException) -> WriteFailed | None:
    """``exc``, raised by a write that was then rolled back, as ``WriteFailed`` if the server refused it
    or could not be reached; ``None`` for any other error (a bug in a statement, say)."""
    for kind, why in _WRITE_REFUSALS:
        if isinstance(exc, kind):
            return WriteFailed(f"cannot write to the PostgreSQL server at {url} ({exc})", why)
    return None


def pg_database_failure(url: PostgresUrl, exc: BaseException) -> DatabaseUnusable | None:
    """``exc`` as ``DatabaseUnusable`` if it says the server cannot be used (gone, full, read-only)."""
    if isinstance(exc, OSError | TimeoutError | asyncpg.PostgresConnectionError | asyncpg.InterfaceError):
        return pg_unusable(url, exc)
    if isinstance(exc, asyncpg.DiskFullError | asyncpg.ReadOnlySQLTransactionError):
        return DatabaseUnusable(f"cannot write to the PostgreSQL server at {url} ({exc})")
    return None
