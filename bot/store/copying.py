"""SQL for ``filmbot db copy``: which tables hold filmbot's data, in what order, and their rows in pages.

The tables, their columns and keys come from the bundled migrations (applied to an empty in-memory SQLite
database), never from either side's catalog: both engines hold the same schema, and a table one engine
keeps for itself (SQLite's FTS shadow tables, PostgreSQL's ``schema_version``) is not filmbot's data. The
title search index is derived from the films: it is rebuilt on the target, not copied.

A SQLite table keyed by anything but an ``INTEGER PRIMARY KEY`` keeps a hidden ``rowid`` that can carry
meaning (a film's own aliases are listed in the order they were written): it is copied as a column, and
the table read in its order, wherever the other side has it too.
"""

from __future__ import annotations

import graphlib
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from typing import Any

from bot.store._database import Database
from bot.store._session import Session, Transaction
from bot.store.search import reindex

# Derived from the films (bot/store/search.py): rebuilt on the target, never copied.
DERIVED = ("search_",)
# Films reindexed per statement while rebuilding the search index.
REINDEX_BATCH = 2_000


ROWID = "rowid"


@dataclass(frozen=True, slots=True)
class Table:
    name: str
    columns: tuple[str, ...]
    primary: tuple[str, ...]  # its primary key

    @property
    def key(self) -> tuple[str, ...]:
        """What pages are read in order of: the rowid when it is copied, else the primary key."""
        return (ROWID,) if ROWID in self.columns else self.primary

    @property
    def select(self) -> str:
        return f"SELECT {', '.join(self.columns)} FROM {self.name}"

    def without_rowid(self) -> Table:
        """The table as an engine without its hidden rowid holds it."""
        return Table(self.name, tuple(c for c in self.columns if c != ROWID), self.primary)


async def schema_tables() -> list[Table]:
    """filmbot's tables, each after every table it refers to (ties by name)."""
    db = await Database.open(":memory:")
    try:
        names = [
            row[0]
            for row in await db.fetchall(
                "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
                "AND sql NOT LIKE 'CREATE VIRTUAL TABLE%' ORDER BY name"
            )
            if not str(row[0]).startswith(DERIVED)
        ]
        graph: dict[str, set[str]] = {}
        tables: dict[str, Table] = {}
        for name in names:
            tables[name] = await _table(db, name)
            refs = await db.fetchall('SELECT "table" FROM pragma_foreign_key_list(?)', (name,))
            graph[name] = {str(r[0]) for r in refs} - {name}
    finally:
        await db.close()
    sorter = graphlib.TopologicalSorter(graph)
    sorter.prepare()
    ordered: list[str] = []
    while sorter.is_active():
        ready = sorted(sorter.get_ready())
        ordered.extend(ready)
        sorter.done(*ready)
    return [tables[name] for name in ordered]


async def _table(db: Database, name: str) -> Table:
    info = await db.fetchall("SELECT name, type, pk FROM pragma_table_info(?) ORDER BY cid", (name,))
    columns = tuple(str(r["name"]) for r in info)
    key = tuple(str(r["name"]) for r in sorted((r for r in info if r["pk"]), key=lambda r: r["pk"]))
    row = await db.fetchone("SELECT sql FROM sqlite_schema WHERE name = ?", (name,))
    without_rowid = row is not None and "WITHOUT ROWID" in str(row[0]).upper()
    aliased = len(key) == 1 and next(str(r["type"]).upper() for r in info if r["pk"]) == "INTEGER"
    return Table(name, columns if without_rowid or aliased else (ROWID, *columns), key)


async def count(session: Session, table: Table) -> int:
    row = await session.fetchone(f"SELECT count(*) FROM {table.name}")
    return int(row[0]) if row else 0


async def pages(
    session: Session | Transaction, table: Table, size: int
) -> AsyncIterator[list[tuple[Any, ...]]]:
    """Every row of ``table`` as plain tuples, in primary-key order, ``size`` rows at a time (a page
    starts after the last key of the one before, so a large table is never sorted or held whole)."""
    key = ", ".join(table.key)
    after: tuple[Any, ...] | None = None
    while True:
        where = "" if after is None else f" WHERE ({key}) > ({', '.join('?' for _ in table.key)})"
        rows = await session.fetchall(f"{table.select}{where} ORDER BY {key} LIMIT ?", (*(after or ()), size))
        if not rows:
            return
        page = [tuple(row[n] for n in range(len(table.columns))) for row in rows]
        yield page
        last = page[-1]
        after = tuple(last[table.columns.index(column)] for column in table.key)


async def fit(session: Session, table: Table) -> Table:
    """``table`` as ``session``'s engine holds it: PostgreSQL has a ``rowid`` column only where filmbot's
    schema gives it one (``film_aliases``), SQLite on every rowid table."""
    if session.dialect == "sqlite" or ROWID not in table.columns:
        return table
    row = await session.fetchone(
        "SELECT count(*) FROM information_schema.columns WHERE table_schema = current_schema() "
        "AND table_name = ? AND column_name = ?",
        (table.name, ROWID),
    )
    return table if row and row[0] else table.without_rowid()


async def insert(tx: Transaction, table: Table, rows: Sequence[tuple[Any, ...]]) -> None:
    """A page of rows as read (ids kept): ``COPY`` on PostgreSQL, ``executemany`` on SQLite."""
    await tx.insert_rows(table.name, table.columns, rows)


async def reset_sequences(tx: Transaction, tables: Sequence[Table]) -> None:
    """On PostgreSQL, move each id sequence past the ids copied (SQLite's next rowid follows by itself)."""
    if tx.dialect != "postgresql":
        return
    for table in tables:
        for column in (c for c in table.columns if c in ("id", ROWID)):
            await tx.execute(
                f"SELECT setval(pg_get_serial_sequence(?, ?), coalesce(max({column}), 0) + 1, false) "
                f"FROM {table.name}",
                (table.name, column),
            )


async def clear(tx: Transaction, tables: Sequence[Table]) -> None:
    """Empty ``tables`` (referring tables first) and the search index built from them."""
    for table in reversed(tables):
        await tx.execute(f"DELETE FROM {table.name}")
    await tx.execute("DELETE FROM search_names")
    await tx.execute("DELETE FROM search_words")


async def rebuild_search(tx: Transaction) -> int:
    """Index every film's names for the title search, as the film writes do; how many films."""
    ids = [int(row[0]) for row in await tx.fetchall("SELECT id FROM films ORDER BY id")]
    for start in range(0, len(ids), REINDEX_BATCH):
        await reindex(tx, ids[start : start + REINDEX_BATCH])
    return len(ids)


async def defer_foreign_keys(tx: Transaction) -> None:
    """On SQLite, check foreign keys at COMMIT (PostgreSQL's are checked per statement: a table that refers
    to itself, a party repeating an earlier one, is copied in id order, the earlier rows first)."""
    if tx.dialect == "sqlite":
        await tx.execute("PRAGMA defer_foreign_keys = ON")
