"""What an import did: added, updated, unchanged, and every kind of skip with its first line numbers."""

from __future__ import annotations

from dataclasses import dataclass, field

FIRST_LINES = 5


@dataclass(slots=True)
class SkipKind:
    count: int = 0
    lines: list[int] = field(default_factory=list)
    reason: str = ""
    file: str = ""  # the file the line numbers are in

    def add(self, line: int) -> None:
        self.count += 1
        if len(self.lines) < FIRST_LINES:
            self.lines.append(line)


@dataclass(slots=True)
class ImportReport:
    source: str
    dry_run: bool = False
    # The file whose lines the films come from (the CSV file, IMDb's title.basics): named beside line numbers.
    file: str = ""
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

    def skip_row(self, reason: str, line: int, file: str | None = None) -> None:
        """A row left out; ``file``: the file ``line`` is in, when it is not ``self.file``."""
        self._kind(self.skipped_rows, reason, file).add(line)

    def skip_value(self, reason: str, line: int, file: str | None = None) -> None:
        self._kind(self.skipped_values, reason, file).add(line)

    def _kind(self, kinds: dict[str, SkipKind], reason: str, file: str | None) -> SkipKind:
        """Kinds are keyed by reason, prefixed with the file when it is another one than ``self.file``."""
        key = reason if file is None or file == self.file else f"{file}: {reason}"
        return kinds.setdefault(key, SkipKind(reason=reason, file=file or self.file))

    def merge(self, other: ImportReport) -> None:
        """Add what ``other`` found (another process's reading of the same files) to this report."""
        self.read += other.read
        for mine, theirs in (
            (self.skipped_rows, other.skipped_rows),
            (self.skipped_values, other.skipped_values),
        ):
            for key, kind in theirs.items():
                into = mine.setdefault(key, SkipKind(reason=kind.reason, file=kind.file))
                into.count += kind.count
                into.lines = sorted(into.lines + kind.lines)[:FIRST_LINES]
        self.notes += other.notes

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

    def _ending(self) -> str:
        if self.stopped is None:
            return " (dry run: nothing written)" if self.dry_run else ""
        # An import that stopped takes the films it added out again (bot.catalog.importing.run); those it
        # had updated keep their new values.
        if self.updated:
            return " (stopped: the films it added were taken out again; run it again to finish)"
        return " (stopped: nothing was written)"

    def lines(self) -> list[str]:
        verb = "would be " if self.dry_run else ""
        out = [
            f"{self.source}: {self.added:,} {verb}added, {self.updated:,} {verb}updated, "
            f"{self.unchanged:,} unchanged, {self.skipped:,} skipped" + self._ending()
        ]
        if self.stopped is not None:
            out.append(f"  stopped: {self.stopped}")
        for title, kinds in (("skipped rows", self.skipped_rows), ("values left out", self.skipped_values)):
            for kind in sorted(kinds.values(), key=lambda kind: -kind.count):
                more = ", …" if kind.count > len(kind.lines) else ""
                # The file is named when the import reads several (IMDb's); a list's name is the source's.
                named = kind.file and kind.file != self.source
                where = (f"{kind.file} " if named else "") + "line " + ", ".join(map(str, kind.lines))
                out.append(f"  {title}: {kind.reason}: {kind.count:,} ({where}{more})")
        out += [f"  note: {note}" for note in self.notes]
        return out
