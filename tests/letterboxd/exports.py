"""Letterboxd exports made by the tests, in Letterboxd's documented columns, and a catalog to match them.

``ratings.csv``: ``Date,Name,Year,Letterboxd URI,Rating``; ``diary.csv`` adds ``Rewatch,Tags,Watched Date``
(and a diary row may have no rating). The ZIP holds them beside the export's other files and folders.
"""

from __future__ import annotations

import csv
import io
import zipfile
from pathlib import Path

from bot.catalog.importing import import_catalog
from bot.store import Store

RATINGS_HEADER = ["Date", "Name", "Year", "Letterboxd URI", "Rating"]
DIARY_HEADER = [*RATINGS_HEADER, "Rewatch", "Tags", "Watched Date"]

# Films of the catalog the tests import (beside the card film, 100 Meters (2025)).
CATALOG = [
    "title,original_title,year,imdb_id,director",
    "Solaris,Solyaris,1972,tt0069293,Andrei Tarkovsky",
    "Solaris,,2002,tt0307479,Steven Soderbergh",
    "Amélie,Le Fabuleux Destin d'Amélie Poulain,2001,tt0211915,Jean-Pierre Jeunet",
    "Perfect Days,,2023,tt27503384,Wim Wenders",
    "Flow,,2024,tt4772188,Gints Zilbalodis",
    '"Paris, Texas",,1984,tt0087884,Wim Wenders',
    "The Thing,,1982,tt0084787,John Carpenter",
    "The Thing,,1982,tt0999001,Somebody Else",
    "Drive My Car,,2021,tt14039582,Ryusuke Hamaguchi",
]


async def add_catalog(store: Store, folder: Path) -> None:
    path = folder / "catalog.csv"
    path.write_text("\n".join(CATALOG) + "\n", encoding="utf-8")
    report = await import_catalog(store, path, "csv")
    assert report.lines()


def table(header: list[str], rows: list[list[str]]) -> bytes:
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")


def ratings_csv(rows: list[tuple[str, str, str, str]]) -> bytes:
    """Rows of (Date, Name, Year, Rating)."""
    return table(
        RATINGS_HEADER, [[d, n, y, f"https://boxd.it/{i:x}", r] for i, (d, n, y, r) in enumerate(rows)]
    )


def diary_csv(rows: list[tuple[str, str, str, str, str]]) -> bytes:
    """Rows of (Date, Name, Year, Rating, Watched Date)."""
    return table(
        DIARY_HEADER,
        [[d, n, y, f"https://boxd.it/{i:x}", r, "", "", w] for i, (d, n, y, r, w) in enumerate(rows)],
    )


def export_zip(files: dict[str, bytes], *, folder: str = "") -> bytes:
    """A ZIP like Letterboxd's: the given files plus the ones every export has."""
    everything = {
        "profile.csv": b"Date Joined,Username,Given Name,Family Name,Email Address,Location,Website,Bio\n",
        "watched.csv": table(["Date", "Name", "Year", "Letterboxd URI"], []),
        "watchlist.csv": table(["Date", "Name", "Year", "Letterboxd URI"], []),
        "deleted/ratings.csv": ratings_csv([("2020-01-01", "Solaris", "1972", "0.5")]),
        "lists/favourites.csv": b"Letterboxd list export v7\n",
        **files,
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in everything.items():
            archive.writestr(f"{folder}{name}", data)
    return buffer.getvalue()
