"""What every reader yields: one row, read into a film or skipped with a reason; and which to write."""

from __future__ import annotations

from dataclasses import dataclass

from bot.catalog.importing.report import ImportReport
from bot.catalog.values import BadValue
from bot.films.matching import match_key
from bot.films.models import ImportedFilm
from bot.store.import_scratch import SeenKeys


@dataclass(frozen=True, slots=True)
class Item:
    line: int
    film: ImportedFilm | None
    bad_values: tuple[BadValue, ...] = ()
    skip: str | None = None


def identity(film: ImportedFilm) -> str:
    """What makes two rows the same film: the IMDb id, else title and year."""
    return film.imdb_id or match_key(film.title, film.year)


def accepted(item: Item, report: ImportReport, seen: SeenKeys | None) -> ImportedFilm | None:
    """The item's film when it is one to write; otherwise why not goes in the report (``seen``: the
    identities read so far, None when the items are known to be distinct)."""
    for bad in item.bad_values:
        report.skip_value(f"{bad.field}: {bad.reason}", item.line)
    if item.film is None:
        report.skip_row(item.skip or "unreadable", item.line)
        return None
    if seen is not None and not seen.first(identity(item.film), item.line):
        report.skip_row("duplicate film (the first one is kept)", item.line)
        return None
    return item.film
