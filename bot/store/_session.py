"""What a repository is written against, whichever engine holds the data.

A *session* is the database (each write its own transaction) or one open transaction; both engines
(SQLite in ``_database``, PostgreSQL in ``_postgres``) hand out sessions of this shape, so a repository
never sees a driver. SQL is written once, with ``?`` placeholders (or ``:name`` with a dict), in the text
both dialects agree on; where they differ a repository branches on ``session.dialect``.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Awaitable, Callable, Iterable, Sequence
from contextlib import AbstractAsyncContextManager
from typing import Any, Literal, Protocol

log = logging.getLogger(__name__)

Dialect = Literal["sqlite", "postgresql"]
Params = tuple[Any, ...] | list[Any] | dict[str, Any]


class Row(Protocol):
    """A row: its values by column name and by position (``sqlite3.Row``, ``asyncpg.Record``)."""

    def __getitem__(self, key: int | str, /) -> Any: ...

    def __len__(self) -> int: ...


class Cursor(Protocol):
    """What an ``execute`` hands back: how many rows the statement changed."""

    @property
    def rowcount(self) -> int: ...


class Transaction(Protocol):
    """One open write transaction: every read and write joins it; it commits when its owner's block ends."""

    @property
    def dialect(self) -> Dialect: ...

    def write(self) -> AbstractAsyncContextManager[Transaction]: ...

    def savepoint(self) -> AbstractAsyncContextManager[None]: ...

    def after_commit(self, callback: Callable[[], None]) -> None: ...

    def execute(self, sql: str, params: Params = ()) -> Awaitable[Cursor]: ...

    def executemany(self, sql: str, rows: Iterable[Params]) -> Awaitable[Any]: ...

    async def insert_rows(
        self, table: str, columns: Sequence[str], rows: Sequence[tuple[Any, ...]]
    ) -> None: ...

    async def fetchall(self, sql: str, params: Params = ()) -> list[Row]: ...

    async def fetchone(self, sql: str, params: Params = ()) -> Row | None: ...

    async def read(self, sql: str, params: Params = ()) -> list[Row]: ...


class Session(Protocol):
    """The database (a transaction per write) or one open transaction."""

    @property
    def dialect(self) -> Dialect: ...

    def write(self) -> AbstractAsyncContextManager[Transaction]: ...

    def after_commit(self, callback: Callable[[], None]) -> None: ...

    async def fetchall(self, sql: str, params: Params = ()) -> list[Row]: ...

    async def fetchone(self, sql: str, params: Params = ()) -> Row | None: ...

    async def read(self, sql: str, params: Params = ()) -> list[Row]: ...


class Engine(Session, Protocol):
    """A database (either engine): a session that also opens transactions and closes."""

    def transaction(self, *, durable: bool = True) -> AbstractAsyncContextManager[Transaction]: ...

    def import_lock(self) -> AbstractAsyncContextManager[None]: ...

    async def writers_waiting(self) -> bool: ...

    async def close(self) -> None: ...


class AfterCommit:
    """What a transaction runs once it has committed (``after_commit``): each callback once, in order,
    never if it rolled back; one that fails is logged and the others still run."""

    def __init__(self) -> None:
        self._after: list[Callable[[], None]] = []

    def after_commit(self, callback: Callable[[], None]) -> None:
        if callback not in self._after:
            self._after.append(callback)

    def committed(self) -> None:
        for callback in self._after:
            try:
                callback()
            except Exception:
                log.exception("an after-commit callback failed")


class ConstraintViolated(Exception):
    """A write broke a rule of the schema (a foreign key, a check): that statement wrote nothing."""


class Duplicate(ConstraintViolated):
    """A write would break a uniqueness rule: the row (or its twin) is already there."""


async def inserted_id(tx: Transaction, sql: str, params: Params = ()) -> int:
    """Run an ``INSERT`` of one row and return the id the database gave it (``RETURNING id``, which
    both engines take)."""
    row = await tx.fetchone(f"{sql} RETURNING id", params)
    assert row is not None
    return int(row[0])


def in_ids(session: Session, ids: Iterable[int]) -> tuple[str, object]:
    """``IN`` a list of ids bound as one parameter, whatever its length: SQLite reads a JSON array,
    PostgreSQL an array. Returns the condition to write after the column, and the parameter."""
    if session.dialect == "postgresql":
        return "= ANY(CAST(? AS BIGINT[]))", list(ids)
    return "IN (SELECT value FROM json_each(?))", json.dumps(list(ids))


def in_texts(session: Session, values: Iterable[str]) -> tuple[str, object]:
    """``IN`` a list of strings bound as one parameter (``in_ids``' twin for text)."""
    if session.dialect == "postgresql":
        return "= ANY(CAST(? AS TEXT[]))", list(values)
    return "IN (SELECT value FROM json_each(?))", json.dumps(list(values))


def json_field(session: Session, column: str, key: str) -> str:
    """The text of ``key`` in the JSON object stored as text in ``column``."""
    if session.dialect == "postgresql":
        return f"(CAST({column} AS json) ->> '{key}')"
    return f"({column} ->> '$.{key}')"


def nocase(session: Session, expr: str) -> str:
    """``expr`` compared, grouped and ordered without regard to case (SQLite's NOCASE folds ASCII letters;
    PostgreSQL's ``lower`` every letter)."""
    return f"lower({expr})" if session.dialect == "postgresql" else f"{expr} COLLATE NOCASE"


def like(session: Session) -> str:
    """The case-insensitive ``LIKE`` (SQLite's ``LIKE`` is, for ASCII letters; PostgreSQL's ``ILIKE``)."""
    return "ILIKE" if session.dialect == "postgresql" else "LIKE"


def in_pairs(
    session: Session, pairs: Sequence[tuple[Any, Any]], types: tuple[str, str]
) -> tuple[str, list[Any]]:
    """``(a, b) IN`` a list of pairs: SQLite's ``VALUES`` list (a statement per length), PostgreSQL's two
    arrays (one statement, prepared once whatever the batch's size). Returns the condition to write after
    the pair of columns, and its parameters."""
    first, second = types
    if session.dialect == "postgresql":
        return (
            f"IN (SELECT * FROM unnest(CAST(? AS {first}[]), CAST(? AS {second}[])))",
            [[a for a, _ in pairs], [b for _, b in pairs]],
        )
    values = ",".join(f"(CAST(? AS {first}), CAST(? AS {second}))" for _ in pairs)
    return f"IN (VALUES {values})", [part for pair in pairs for part in pair]
