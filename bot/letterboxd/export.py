"""Reading what Letterboxd's "Export your data" gives: the ZIP, or its ``ratings.csv`` / ``diary.csv``.

The export is a ZIP of UTF-8 CSV files with a header row. The two that carry ratings:

* ``ratings.csv``: ``Date,Name,Year,Letterboxd URI,Rating``, one row per rated film, its current rating;
* ``diary.csv``: the same columns plus ``Rewatch,Tags,Watched Date``, one row per diary entry (a film
  logged twice is two rows; a row may have no rating).

``Rating`` is in stars, 0.5 to 5 in halves; ``Date`` is when the row was made (``YYYY-MM-DD``). From a ZIP
``ratings.csv`` is read (the member's ratings as they stand), else ``diary.csv`` (the latest rated entry
of each film). Everything is checked before anything is used: a file that is not one of these, too large,
a ZIP bomb (entry count and uncompressed size are capped, and reading stops at the cap whatever the
headers claim), not UTF-8, or without the columns is refused as a whole with a ``BadInput`` that says
what would work. Pure and synchronous: the service runs it in a worker thread.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
import zlib
from datetime import date
from pathlib import PurePosixPath
from typing import Literal

from bot.errors import BadInput
from bot.letterboxd.models import Export, ExportRating

MAX_UPLOAD = 10 * 1024 * 1024  # the file as uploaded (Discord's own limit without Nitro)
MAX_ZIP_ENTRIES = 5_000
MAX_CSV_BYTES = 20 * 1024 * 1024  # one CSV, uncompressed: ~250,000 rows of ratings
MAX_ROWS = 100_000
REQUIRED = ("Date", "Name", "Year", "Rating")
WANTED = ("ratings.csv", "diary.csv")
# Folders of the export that hold what the member deleted, or entries of films Letterboxd lost.
_SET_ASIDE = frozenset({"deleted", "orphaned"})
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_HOW = "Upload the ZIP from letterboxd.com → Settings → Data → Export your data, or its ratings.csv."


def is_zip(data: bytes) -> bool:
    return data[:4] in (b"PK\x03\x04", b"PK\x05\x06")


def read_export(data: bytes, filename: str) -> Export:
    """The rated films in an uploaded export (ZIP or CSV), or ``BadInput`` saying what was wrong."""
    if len(data) > MAX_UPLOAD:
        raise BadInput(f"That file is larger than {MAX_UPLOAD // (1024 * 1024)} MB. {_HOW}")
    if is_zip(data):
        name, raw = _from_zip(data)
    elif filename.lower().endswith(".zip"):
        raise BadInput(f"“{filename[:80]}” is not a readable ZIP file. {_HOW}")
    else:
        name, raw = PurePosixPath(filename).name or "the file", data
    return parse_csv(raw, name)


def _pick(infos: list[zipfile.ZipInfo]) -> zipfile.ZipInfo | None:
    """``ratings.csv`` if the export has one, else ``diary.csv``: the shallowest, outside deleted/."""
    for wanted in WANTED:
        found = [
            info
            for info in infos
            if not info.is_dir()
            and PurePosixPath(info.filename).name.lower() == wanted
            and not _SET_ASIDE & {p.lower() for p in PurePosixPath(info.filename).parts[:-1]}
        ]
        if found:
            return min(found, key=lambda info: (len(PurePosixPath(info.filename).parts), info.filename))
    return None


def _from_zip(data: bytes) -> tuple[str, bytes]:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, ValueError):
        raise BadInput(f"That ZIP file is damaged or cut short. {_HOW}") from None
    if len(infos) > MAX_ZIP_ENTRIES:
        raise BadInput(f"That ZIP holds {len(infos):,} files; a Letterboxd export holds far fewer. {_HOW}")
    info = _pick(infos)
    if info is None:
        raise BadInput(f"That ZIP has neither ratings.csv nor diary.csv in it. {_HOW}")
    name = PurePosixPath(info.filename).name
    if info.flag_bits & 0x1:
        raise BadInput(f"{name} in that ZIP is encrypted. {_HOW}")
    if info.file_size > MAX_CSV_BYTES:
        raise BadInput(f"{name} in that ZIP is larger than {MAX_CSV_BYTES // (1024 * 1024)} MB unpacked.")
    try:
        with archive.open(info) as member:
            raw = member.read(MAX_CSV_BYTES + 1)  # never more, whatever the header said
    except (zipfile.BadZipFile, zlib.error, NotImplementedError, RuntimeError, OSError, EOFError):
        raise BadInput(
            f"{name} in that ZIP cannot be unpacked (damaged, or an unusual compression)."
        ) from None
    if len(raw) > MAX_CSV_BYTES:
        raise BadInput(f"{name} in that ZIP is larger than {MAX_CSV_BYTES // (1024 * 1024)} MB unpacked.")
    return name, raw


def _columns(header: list[str], name: str) -> dict[str, int]:
    columns = {title.strip().lower(): index for index, title in enumerate(header)}
    missing = [c for c in REQUIRED if c.lower() not in columns]
    if missing:
        shown = ", ".join(h.strip() for h in header[:8] if h.strip())[:200] or "nothing"
        raise BadInput(
            f"{name} does not have Letterboxd's rating columns: it lacks {', '.join(missing)} "
            f"(its header is: {shown}). {_HOW}",
            hints=("ratings.csv starts with: Date,Name,Year,Letterboxd URI,Rating",),
        )
    return {c: columns[c.lower()] for c in (*REQUIRED, "Watched Date") if c.lower() in columns}


def _text(raw: bytes, name: str) -> str:
    if b"\x00" in raw[:4096]:
        raise BadInput(f"{name} is not a text file. {_HOW}")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise BadInput(
            f"{name} is not UTF-8 text (byte {error.start + 1} cannot be read), so it is not the file "
            f"Letterboxd exported. {_HOW}"
        ) from None


def parse_csv(raw: bytes, name: str) -> Export:
    """The rated films of one Letterboxd CSV, latest rating of each film; ``BadInput`` if unusable."""
    reader = csv.reader(io.StringIO(_text(raw, name), newline=""), strict=True)
    try:
        header = next(reader, None)
        if header is None:
            raise BadInput(f"{name} is empty. {_HOW}")
        columns = _columns(header, name)
        kind: Literal["ratings.csv", "diary.csv"] = (
            "diary.csv" if "Watched Date" in columns else "ratings.csv"
        )
        best: dict[tuple[str, int | None], ExportRating] = {}
        rows = unrated = 0
        bad: list[int] = []
        for row in reader:
            if not any(cell.strip() for cell in row):
                continue
            rows += 1
            if rows > MAX_ROWS:
                raise BadInput(f"{name} has more than {MAX_ROWS:,} rows; a film server needs fewer at once.")
            rating = _row(row, columns, reader.line_num)
            if rating is None:
                bad.append(reader.line_num)
            elif rating.stars == 0:
                unrated += 1
            else:
                key = (rating.name.casefold(), rating.year)
                held = best.get(key)
                if held is None or (rating.rated_on, rating.line) >= (held.rated_on, held.line):
                    best[key] = rating
    except csv.Error as error:
        raise BadInput(
            f"{name} is not a CSV file as Letterboxd writes them (line {reader.line_num}: {error})."
        ) from None
    return Export(
        source=kind,
        ratings=tuple(sorted(best.values(), key=lambda r: r.line)),
        rows=rows,
        unrated=unrated,
        bad_lines=tuple(bad),
    )


def _row(row: list[str], columns: dict[str, int], line: int) -> ExportRating | None:
    """One row as a rating (``stars`` 0: no rating given), or ``None`` when it cannot be read."""

    def cell(column: str) -> str:
        index = columns[column]
        return row[index].strip() if index < len(row) else ""

    name, year_text, stars_text, date_text = cell("Name"), cell("Year"), cell("Rating"), cell("Date")
    if not name or not _DATE.fullmatch(date_text):
        return None
    try:
        rated_on = date.fromisoformat(date_text)
        year = int(year_text) if year_text else None
        stars = float(stars_text) if stars_text else 0.0
    except ValueError:
        return None
    if stars and (not 0.5 <= stars <= 5 or stars * 2 != int(stars * 2)):
        return None
    if year is not None and not 1870 <= year <= 2100:
        return None
    return ExportRating(name=name, year=year, stars=stars, rated_on=rated_on, line=line)
