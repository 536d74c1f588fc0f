"""Records for downloading IMDb's datasets: what each file is, what a run did, what the store imported."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Literal

from bot.catalog.importing import ImportReport

# The files filmbot downloads, in the order it fetches them (the smallest first: a wrong address shows at once).
DATASET_FILES = (
    "title.ratings.tsv.gz",
    "title.crew.tsv.gz",
    "title.basics.tsv.gz",
    "name.basics.tsv.gz",
    "title.akas.tsv.gz",
    "title.principals.tsv.gz",
)
Outcome = Literal["downloaded", "resumed", "unchanged"]


@dataclass(frozen=True, slots=True)
class Validators:
    """What the server said identifies one version of a file (HTTP ETag / Last-Modified) and its size."""

    etag: str | None = None
    last_modified: str | None = None  # the HTTP date exactly as the server sent it
    size: int = 0

    @property
    def version(self) -> str:
        """One string per version of the file: the ETag, else the date and size."""
        return self.etag or f"{self.last_modified or '?'}|{self.size}"

    def to_dict(self) -> dict[str, object]:
        return {"etag": self.etag, "last_modified": self.last_modified, "size": self.size}

    @classmethod
    def from_dict(cls, raw: dict[str, object]) -> Validators:
        etag, modified, size = raw.get("etag"), raw.get("last_modified"), raw.get("size")
        return cls(
            etag if isinstance(etag, str) else None,
            modified if isinstance(modified, str) else None,
            size if isinstance(size, int) else 0,
        )


@dataclass(frozen=True, slots=True)
class Fetched:
    """One file after a run: downloaded whole, resumed from a partial file, or unchanged (HTTP 304)."""

    name: str
    outcome: Outcome
    validators: Validators
    received: int = 0  # bytes this run
    seconds: float = 0.0

    def line(self) -> str:
        size = size_text(self.validators.size)
        if self.outcome == "unchanged":
            return f"{self.name}: unchanged ({size}), not downloaded"
        rate = size_text(self.received / self.seconds) + "/s" if self.seconds > 0 else "at once"
        how = "resumed" if self.outcome == "resumed" else "downloaded"
        return f"{self.name}: {how}, {size_text(self.received)} of {size} in {self.seconds:.1f} s ({rate})"


@dataclass(frozen=True, slots=True)
class DownloadResult:
    """What ``filmbot films download imdb`` did: each file, then the import or why there was none."""

    dest: Path
    files: tuple[Fetched, ...]
    report: ImportReport | None = None
    not_imported: str | None = None  # why nothing was imported

    @property
    def changed(self) -> bool:
        return any(f.outcome != "unchanged" for f in self.files)

    def lines(self) -> list[str]:
        out = [f.line() for f in self.files]
        if self.report is not None:
            out += self.report.lines()
        if self.not_imported:
            out.append(self.not_imported)
        return out


@dataclass(frozen=True, slots=True)
class Imported:
    """Which versions of the files the catalog holds (recorded in the import's own transaction)."""

    versions: dict[str, str]
    min_votes: int
    at: datetime

    def to_json(self) -> str:
        return json.dumps(
            {"versions": self.versions, "min_votes": self.min_votes, "at": self.at.isoformat()},
            sort_keys=True,
        )

    @classmethod
    def from_json(cls, text: str) -> Imported:
        raw = json.loads(text)
        return cls(dict(raw["versions"]), int(raw["min_votes"]), datetime.fromisoformat(raw["at"]))


@dataclass(frozen=True, slots=True)
class DownloadPlan:
    """Where the files go and which films to keep: a scheduled refresh repeats the last download's plan."""

    dest: Path
    min_votes: int = 0

    def to_json(self) -> str:
        return json.dumps({"dest": str(self.dest), "min_votes": self.min_votes}, sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> DownloadPlan:
        raw = json.loads(text)
        return cls(Path(raw["dest"]), int(raw.get("min_votes", 0)))


def size_text(count: float) -> str:
    """A byte count for people: '812 bytes', '45.3 kB', '182.4 MB', '1.25 GB'."""
    if count < 1e3:
        return f"{count:,.0f} bytes"
    if count < 1e6:
        return f"{count / 1e3:,.1f} kB"
    if count < 1e9:
        return f"{count / 1e6:,.1f} MB"
    return f"{count / 1e9:,.2f} GB"
