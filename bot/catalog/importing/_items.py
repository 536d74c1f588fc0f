"""What every reader yields: one row, read into a film or skipped with a reason."""

from __future__ import annotations

from dataclasses import dataclass

from bot.catalog.values import BadValue
from bot.films.models import ImportedFilm


@dataclass(frozen=True, slots=True)
class Item:
    line: int
    film: ImportedFilm | None
    bad_values: tuple[BadValue, ...] = ()
    skip: str | None = None
