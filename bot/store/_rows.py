"""Rows turned into records that more than one repository reads."""

from __future__ import annotations

from bot.films.models import FilmSummary
from bot.store._session import Row


def summary_from_row(row: Row, aliases: tuple[str, ...] = ()) -> FilmSummary:
    """A film's identity from a row with its id, slug, title, year and original_title columns."""
    return FilmSummary(
        id=row["id"],
        slug=row["slug"],
        title=row["title"],
        year=row["year"],
        original_title=row["original_title"],
        aliases=aliases,
    )
