"""Plain records for the catalog: browse filters and pages, and what an import run wrote."""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Literal

from bot.films.models import FilmSummary

PAGE_SIZE = 10
# What writing one imported film did; a "duplicate" is a second row for a film the batch already has.
ImportOutcome = Literal["added", "updated", "unchanged", "duplicate"]
# How an import run ended: read and written whole, stopped by a failure, or stopped by the administrator.
RunOutcome = Literal["done", "failed", "interrupted"]


@dataclass(frozen=True, slots=True)
class BrowseFilters:
    genre: str | None = None
    year: int | None = None
    director: str | None = None

    @property
    def key(self) -> str:
        """A short stable name for these filters (kept in a button's custom_id; the filters in the store)."""
        return hashlib.sha256(self.to_json().encode()).hexdigest()[:16]

    def to_json(self) -> str:
        return json.dumps(asdict(self), sort_keys=True, ensure_ascii=False)

    @classmethod
    def from_json(cls, text: str) -> BrowseFilters:
        raw = json.loads(text)
        return cls(genre=raw.get("genre"), year=raw.get("year"), director=raw.get("director"))

    def describe(self) -> str:
        parts = []
        if self.genre:
            parts.append(self.genre)
        if self.director:
            parts.append(f"by {self.director}")
        if self.year:
            parts.append(f"from {self.year}")
        return " ".join(parts) or "All films"


@dataclass(frozen=True, slots=True)
class BrowsePage:
    filters: BrowseFilters
    page: int  # 1-based
    pages: int
    total: int
    films: tuple[FilmSummary, ...]

    @property
    def first_number(self) -> int:
        return (self.page - 1) * PAGE_SIZE + 1


@dataclass(frozen=True, slots=True)
class ImportCounts:
    added: int
    updated: int
    unchanged: int
    skipped: int


@dataclass(frozen=True, slots=True)
class ImportRun:
    """One recorded import run; ``finished_at`` None while it runs (or if its process was killed)."""

    id: int
    format: str
    path: str
    started_at: datetime
    finished_at: datetime | None
    counts: ImportCounts
    outcome: RunOutcome | None
    error: str | None
