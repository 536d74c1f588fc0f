"""What a copy did: per table, the rows and checksum read on each side."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

_MOD = 2**256


@dataclass
class Tally:
    """Rows seen and their checksum: the sum of each row's SHA-256, so it is the same whatever order the
    engine hands the rows back in (text keys sort differently in SQLite and PostgreSQL)."""

    rows: int = 0
    total: int = 0

    def add(self, canonical_rows: Iterable[str]) -> None:
        for row in canonical_rows:
            self.rows += 1
            self.total = (self.total + int.from_bytes(hashlib.sha256(row.encode()).digest(), "big")) % _MOD

    @property
    def checksum(self) -> str:
        return f"{self.total:064x}"[:16]


@dataclass
class TableCopy:
    name: str
    source: Tally = field(default_factory=Tally)
    target: Tally = field(default_factory=Tally)

    @property
    def matches(self) -> bool:
        return self.source.rows == self.target.rows and self.source.total == self.target.total

    def line(self) -> str:
        verdict = "ok" if self.matches else "MISMATCH"
        detail = (
            f"{self.source.rows:,} rows, checksum {self.source.checksum}"
            if self.matches
            else f"read {self.source.rows:,} rows (checksum {self.source.checksum}), the copy holds "
            f"{self.target.rows:,} (checksum {self.target.checksum})"
        )
        return f"{verdict:<8} {self.name}: {detail}"


@dataclass
class CopyReport:
    source: str
    target: str
    tables: list[TableCopy] = field(default_factory=list)
    cleared: bool = False
    indexed_films: int = 0

    @property
    def mismatched(self) -> list[TableCopy]:
        return [table for table in self.tables if not table.matches]

    def lines(self) -> list[str]:
        rows = sum(table.source.rows for table in self.tables)
        out = [table.line() for table in self.tables]
        if self.mismatched:
            out.append(f"{len(self.mismatched)} table(s) differ: nothing was copied into {self.target}")
        else:
            what = "replaced what it held" if self.cleared else "was empty"
            out.append(
                f"copied {rows:,} rows in {len(self.tables)} tables from {self.source} to {self.target} "
                f"(which {what}), every table verified; title search rebuilt for {self.indexed_films:,} films"
            )
        return out


def canonical_row(values: Iterable[Any]) -> str:
    """A row as the checksum sees it: the same text for the same values read from either engine."""
    return "\x1f".join(_canonical(value) for value in values)


def _canonical(value: Any) -> str:
    if value is None:
        return "n"
    if isinstance(value, bool | int):
        return f"i{int(value)}"
    if isinstance(value, float):
        return f"f{value!r}"
    if isinstance(value, bytes | bytearray | memoryview):
        return f"b{bytes(value).hex()}"
    return f"s{json.dumps(str(value), ensure_ascii=False)}"
