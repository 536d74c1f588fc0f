"""CSV and JSON film lists: columns (or keys) named by header, or by ``--map column=field``."""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Iterator, Mapping
from datetime import date
from typing import Any

from bot.catalog.importing import _values
from bot.catalog.importing._files import TextSource
from bot.catalog.importing._items import Item
from bot.catalog.importing._values import BadValue
from bot.errors import BadInput
from bot.films.models import Credit, Fact, ImportedFilm, Score

# Every field a row can fill, and the header spellings recognized for it without --map.
FIELDS: dict[str, tuple[str, ...]] = {
    "title": ("title", "name", "film", "movie", "primary_title", "primarytitle"),
    "original_title": ("original_title", "originaltitle"),
    "year": ("year", "start_year", "startyear", "release_year"),
    "release_date": ("release_date", "released", "date"),
    "director": ("director", "directors", "directed_by"),
    "cast": ("cast", "stars", "actors"),
    "runtime": (
        "runtime",
        "runtime_minutes",
        "runtimeminutes",
        "runtime_mins",
        "duration",
        "minutes",
        "length",
    ),
    "genres": ("genres", "genre"),
    "aliases": ("aliases", "aka", "also_known_as"),
    "imdb_id": ("imdb_id", "imdbid", "imdb", "tconst", "const"),
    "title_type": ("title_type", "titletype", "type"),
    "imdb_rating": ("imdb_rating", "imdbrating", "averagerating", "rating"),
    "imdb_votes": ("imdb_votes", "num_votes", "numvotes", "votes"),
    "metascore": ("metascore", "metacritic"),
    "tomatometer": ("tomatometer", "rotten_tomatoes", "rt_score"),
    "letterboxd_rating": ("letterboxd_rating", "letterboxd"),
}
# One film's JSON object is small; a value this long is a broken file, not a film.
MAX_VALUE_CHARS = 1 << 20
FILM_TYPES = {"movie", "film", "tvmovie", "tv movie", "feature"}
# name, kind, scale, low, high
SCORES = {
    "imdb_rating": ("IMDb", "average", 10.0),
    "metascore": ("Metacritic", "average", 100.0),
    "tomatometer": ("Rotten Tomatoes", "approval", None),
    "letterboxd_rating": ("Letterboxd", "average", 5.0),
}


def _header_key(header: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", header.strip().casefold()).strip("_")


def parse_map(spec: str | None) -> dict[str, str]:
    """'Film Name=title,Dir=director' -> {'Film Name': 'title', 'Dir': 'director'}."""
    mapping: dict[str, str] = {}
    for part in (spec or "").split(","):
        if not part.strip():
            continue
        column, sep, name = part.partition("=")
        if not sep or not column.strip() or name.strip() not in FIELDS:
            raise BadInput(
                f"--map entry {part.strip()!r} must be column=field, field one of: {', '.join(FIELDS)}"
            )
        mapping[column.strip()] = name.strip()
    return mapping


def resolve_columns(headers: list[str], mapping: Mapping[str, str]) -> dict[str, str]:
    """Column name -> field, from --map first, then recognized headers."""
    known = {spelling: name for name, spellings in FIELDS.items() for spelling in spellings}
    unknown = [c for c in mapping if c not in headers]
    if unknown:
        raise BadInput(
            f"--map names column(s) not in the file: {', '.join(unknown)}; columns: {', '.join(headers)}"
        )
    columns = dict(mapping)
    taken = set(mapping.values())
    for header in headers:
        name = known.get(_header_key(header))
        if header not in columns and name and name not in taken:
            columns[header] = name
            taken.add(name)
    if "title" not in taken:
        raise BadInput(
            f"no title column among {', '.join(headers) or '(none)'}; name it with --map COLUMN=title"
        )
    return columns


class _Fields:
    """One row's fields, read as text or parsed; values that fail to parse are kept in ``bad``."""

    def __init__(self, fields: Mapping[str, Any]) -> None:
        self.fields = fields
        self.bad: list[BadValue] = []

    def text(self, name: str) -> str:
        value = self.fields.get(name)
        if value is None:
            return ""
        if isinstance(value, list):
            return "; ".join(str(v) for v in value)
        return str(value).strip()

    def read(self, name: str, parse: Any, *args: Any) -> Any:
        raw = self.text(name)
        if not raw:
            return None
        try:
            return parse(raw, *args)
        except BadValue as exc:
            self.bad.append(exc)
            return None


def _skip_reason(row: _Fields) -> str | None:
    """Why the row is not a film to import, or None."""
    title = row.text("title")
    if not title:
        return "no title"
    if len(title) > 300:
        return "title longer than 300 characters"
    kind = row.text("title_type").casefold()
    if kind and kind not in FILM_TYPES:
        return "not a film (title type)"
    return None


def _scores(row: _Fields, source: str, as_of: date) -> list[Score]:
    scores: list[Score] = []
    for name, (label, kind, scale) in SCORES.items():
        value = row.read(name, _values.number, name, 0.0, scale or 100.0)
        if value is not None:
            votes = row.read("imdb_votes", _values.votes, "imdb_votes") if name == "imdb_rating" else None
            scores.append(Score(label, kind, value, source, as_of, scale=scale, votes=votes))
    return scores


def film_from_fields(fields: Mapping[str, Any], source: str, as_of: date, line: int) -> Item:
    """One row's fields (strings, numbers or lists) into a film; bad values are left out with a reason."""
    row = _Fields(fields)
    skip = _skip_reason(row)
    if skip is not None:
        return Item(line, None, skip=skip)
    title = row.text("title")
    imdb = row.read("imdb_id", _values.imdb_id)
    year = row.read("year", _values.year)
    released = row.read("release_date", _values.release_date)
    if year is None and released is not None:
        year = int(released[:4])
    facts: list[Fact] = []
    minutes = row.read("runtime", _values.runtime)
    if minutes is not None:
        facts.append(Fact("runtime_minutes", str(minutes), source))
    if released is not None:
        facts.append(Fact("release_theatrical", released, source))
    facts += [Fact("genre", g, source) for g in _values.names(row.text("genres"), ",;|/")]
    credits = [Credit(p, "director", source) for p in _values.names(row.text("director"))]
    credits += [Credit(p, "cast", source) for p in _values.names(row.text("cast"))]
    scores = _scores(row, source, as_of)
    original = row.text("original_title") or None
    film = ImportedFilm(
        title=title,
        year=year,
        original_title=original if original and original != title else None,
        imdb_id=imdb,
        aliases=tuple(a for a in _values.names(row.text("aliases"), ";|") if a != title),
        facts=tuple(facts),
        credits=tuple(credits),
        scores=tuple(scores),
    )
    return Item(line, film, tuple(row.bad))


def read_csv(src: TextSource, mapping: Mapping[str, str], source: str, as_of: date) -> Iterator[Item]:
    sample = src.text.readline()
    dialect = csv.excel_tab if sample.count("\t") > sample.count(",") else csv.excel
    headers = next(csv.reader([sample], dialect))
    columns = resolve_columns(headers, mapping)
    width = len(headers)
    reader = csv.reader(src.text, dialect)
    line = 1
    for row in reader:
        start, line = line + 1, reader.line_num + 1
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != width:
            yield Item(start, None, skip=f"{len(row)} columns where the header has {width}")
            continue
        fields = {columns[h]: cell for h, cell in zip(headers, row, strict=True) if h in columns}
        yield film_from_fields(fields, source, as_of, start)


def read_json(src: TextSource, mapping: Mapping[str, str], source: str, as_of: date) -> Iterator[Item]:
    """A JSON array of objects, or JSON Lines; streamed one object at a time."""
    decoder = json.JSONDecoder()
    columns: dict[str, str] | None = None
    for line, value in _json_values(src, decoder):
        if isinstance(value, _Broken):
            yield Item(line, None, skip="invalid JSON (the rest of the file was not read)")
            return
        if not isinstance(value, dict):
            yield Item(line, None, skip="not a JSON object")
            continue
        if columns is None or any(k not in columns for k in value):
            seen = list(dict.fromkeys([*(columns or {}), *value]))
            columns = {k: v for k, v in _json_columns(seen, mapping).items()}
        fields = {columns[k]: v for k, v in value.items() if k in columns}
        yield film_from_fields(fields, source, as_of, line)


def _json_columns(keys: list[str], mapping: Mapping[str, str]) -> dict[str, str]:
    known = {spelling: name for name, spellings in FIELDS.items() for spelling in spellings}
    columns = {k: v for k, v in mapping.items()}
    taken = set(columns.values())
    for key in keys:
        name = known.get(_header_key(key))
        if key not in columns and name and name not in taken:
            columns[key] = name
            taken.add(name)
    return columns


def _json_values(src: TextSource, decoder: json.JSONDecoder) -> Iterator[tuple[int, Any]]:
    """Top-level values of a JSON array (or of a JSON Lines file), with the line each starts on."""
    buffer, pos, line, in_array, started, eof = "", 0, 1, False, False, False
    while True:
        start = pos
        while pos < len(buffer) and buffer[pos] in " \t\r\n,":
            pos += 1
        line += buffer.count("\n", start, pos)
        if not started and pos < len(buffer):
            started = True
            if buffer[pos] == "[":
                in_array, pos = True, pos + 1
                continue
        if (in_array and buffer.startswith("]", pos)) or (eof and pos >= len(buffer)):
            return
        end = -1
        if pos < len(buffer):
            try:
                value, end = decoder.raw_decode(buffer, pos)
            except json.JSONDecodeError:
                end = -1
        if (end < 0 or end == len(buffer)) and not eof and len(buffer) - pos < MAX_VALUE_CHARS:
            # The value may go on in the next chunk.
            chunk = src.text.read(1 << 16)
            eof = not chunk
            buffer, pos = buffer[pos:] + chunk, 0
            continue
        if end < 0:
            yield line, _Broken()
            return
        yield line, value
        line += buffer.count("\n", pos, end)
        pos = end


class _Broken:
    """A value that is not valid JSON: the reader reports it and stops (nothing after it can be trusted)."""
