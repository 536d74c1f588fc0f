"""What an import did: added, updated, unchanged, and every kind of skip with its first line numbers."""

from __future__ import annotations

from dataclasses import dataclass, field

FIRST_LINES = 5


@dataclass(slots=True)
class SkipKind:
    count: int = 0
    lines: list[int] = field(default_factory=list)

    def add(self, line: int) -> None:
        self.count += 1
        if len(self.lines) < FIRST_LINES:
            self.lines.append(line)


@dataclass(slots=True)
class ImportReport:
    source: str
    dry_run: bool = False
    read: int = 0
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    # A whole row left out ("no title", "duplicate id"), or one value left out of a kept row.
    skipped_rows: dict[str, SkipKind] = field(default_factory=dict)
    skipped_values: dict[str, SkipKind] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    # Why the import stopped before the end (the file unusable, a write failed), or None.
    stopped: str | None = None

    def skip_row(self, reason: str, line: int) -> None:
        self.skipped_rows.setdefault(reason, SkipKind()).add(line)

    def skip_value(self, reason: str, line: int) -> None:
        self.skipped_values.setdefault(reason, SkipKind()).add(line)

    @property
    def skipped(self) -> int:
        return sum(kind.count for kind in self.skipped_rows.values())

    def count(self, outcome: str) -> None:
        if outcome == "added":
            self.added += 1
        elif outcome == "updated":
            self.updated += 1
        elif outcome == "unchanged":
            self.unchanged += 1

    @property
    def written(self) -> bool:
        return not self.dry_run and bool(self.added or self.updated)

    def _ending(self) -> str:
        if self.stopped is None:
            return " (dry run: nothing written)" if self.dry_run else ""
        if not self.written:
            return " (stopped: nothing was written)"
        return (
            " (stopped part-way: what was written stays; run the same import again to finish it, films "
            "already written are recognised and left as they are)"
        )

    def lines(self) -> list[str]:
        verb = "would be " if self.dry_run else ""
        out = [
            f"{self.source}: {self.added:,} {verb}added, {self.updated:,} {verb}updated, "
            f"{self.unchanged:,} unchanged, {self.skipped:,} skipped" + self._ending()
        ]
        if self.stopped is not None:
            out.append(f"  stopped: {self.stopped}")
        for title, kinds in (("skipped rows", self.skipped_rows), ("values left out", self.skipped_values)):
            for reason, kind in sorted(kinds.items(), key=lambda item: -item[1].count):
                more = ", …" if kind.count > len(kind.lines) else ""
                where = ", ".join(map(str, kind.lines)) + more
                out.append(f"  {title}: {reason}: {kind.count:,} (line {where})")
        out += [f"  note: {note}" for note in self.notes]
        return out
