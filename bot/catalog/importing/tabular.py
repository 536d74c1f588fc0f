"""CSV and JSON film lists: columns (or keys) named by header, or by ``--map column=field``."""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable, Iterator, Mapping
from datetime import date
from typing import Any

from bot.catalog import values
from bot.catalog.card_fields import name_problem
from bot.catalog.importing._files import MAX_LINE, TextSource, UnusableFile
from bot.catalog.importing._items import Item
from bot.catalog.values import BadValue
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
# The most names kept from one list cell (cast, directors, genres, aliases).
MAX_NAMES = 50
FILM_TYPES = {"movie", "film", "tvmovie", "tv movie", "feature"}
# name, kind, scale, low, high
SCORES = {
    "imdb_rating": ("IMDb", "average", 10.0),
    "metascore": ("Metacritic", "average", 100.0),
    "tomatometer": ("Rotten Tomatoes", "approval", None),
    "letterboxd_rating": ("Letterboxd", "average", 5.0),
}


def header_key(header: str) -> str:
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


def match_columns(names: Iterable[str], mapping: Mapping[str, str]) -> dict[str, str]:
    """Column (or JSON key) name -> field: --map first, then the recognized names, each field once."""
    known = {spelling: field for field, spellings in FIELDS.items() for spelling in spellings}
    columns = dict(mapping)
    taken = set(columns.values())
    for name in names:
        field = known.get(header_key(name))
        if name not in columns and field and field not in taken:
            columns[name] = field
            taken.add(field)
    return columns


def resolve_columns(headers: list[str], mapping: Mapping[str, str]) -> dict[str, str]:
    """Column name -> field, from --map first, then recognized headers; the file needs a title column."""
    unknown = [c for c in mapping if c not in headers]
    if unknown:
        raise BadInput(
            f"--map names column(s) not in the file: {', '.join(unknown)}; columns: {', '.join(headers)}"
        )
    columns = match_columns(headers, mapping)
    if "title" not in columns.values():
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
        """The field as text: a string, a JSON number as written, or a JSON list of them joined by '; '."""
        value = self.fields.get(name)
        if value is None:
            return ""
        if isinstance(value, str):
            return value.strip()
        if isinstance(value, list) and all(isinstance(v, str) for v in value):
            return "; ".join(v.strip() for v in value)
        self.bad.append(BadValue(name, "not text, a number or a list of names"))
        return ""

    def read(self, name: str, parse: Any, *args: Any) -> Any:
        raw = self.text(name)
        if not raw:
            return None
        try:
            return parse(raw, *args)
        except BadValue as exc:
            self.bad.append(exc)
            return None

    def names(self, name: str, separators: str = ";|,", *, limit: int = MAX_NAMES) -> list[str]:
        """A list cell's names, each one fit to show; the rest left out with a reason."""
        kept: list[str] = []
        for part in values.names(self.text(name), separators):
            problem = name_problem(part)
            if problem is not None:
                self.bad.append(BadValue(name, problem))
            elif len(kept) == limit:
                self.bad.append(BadValue(name, f"more than {limit} names (the first {limit} kept)"))
                break
            else:
                kept.append(part)
        return kept


def _skip_reason(row: _Fields) -> str | None:
    """Why the row is not a film to import, or None."""
    title = row.text("title")
    if not title:
        return "no title"
    problem = name_problem(title)
    if problem is not None:
        return f"title {problem}"
    kind = row.text("title_type").casefold()
    if kind and kind not in FILM_TYPES:
        return "not a film (title type)"
    return None


def _scores(row: _Fields, source: str, as_of: date) -> list[Score]:
    scores: list[Score] = []
    for name, (label, kind, scale) in SCORES.items():
        value = row.read(name, values.decimal, name, 0.0, scale or 100.0)
        if value is not None:
            votes = row.read("imdb_votes", values.votes, "imdb_votes") if name == "imdb_rating" else None
            scores.append(Score(label, kind, value, source, as_of, scale=scale, votes=votes))
    return scores


def film_from_fields(fields: Mapping[str, Any], source: str, as_of: date, line: int) -> Item:
    """One row's fields (strings, numbers or lists) into a film; bad values are left out with a reason."""
    row = _Fields(fields)
    skip = _skip_reason(row)
    if skip is not None:
        return Item(line, None, skip=skip)
    title = row.text("title")
    imdb = row.read("imdb_id", values.imdb_id)
    year = row.read("year", values.year)
    released = row.read("release_date", values.release_date)
    if year is None and released is not None:
        year = int(released[:4])
    facts: list[Fact] = []
    minutes = row.read("runtime", values.runtime)
    if minutes is not None:
        facts.append(Fact("runtime_minutes", str(minutes), source))
    if released is not None:
        facts.append(Fact("release_theatrical", released, source))
    facts += [Fact("genre", g, source) for g in row.names("genres", ",;|/")]
    credits = [Credit(p, "director", source) for p in row.names("director")]
    credits += [Credit(p, "cast", source) for p in row.names("cast")]
    scores = _scores(row, source, as_of)
    original = row.text("original_title") or None
    problem = name_problem(original) if original else None
    if problem is not None:
        row.bad.append(BadValue("original_title", problem))
        original = None
    film = ImportedFilm(
        title=title,
        year=year,
        original_title=original if original and original != title else None,
        imdb_id=imdb,
        aliases=tuple(a for a in row.names("aliases", ";|") if a != title),
        facts=tuple(facts),
        credits=tuple(credits),
        scores=tuple(scores),
    )
    return Item(line, film, tuple(row.bad))


def read_csv(src: TextSource, mapping: Mapping[str, str], source: str, as_of: date) -> Iterator[Item]:
    lines = src.lines(keep_ends=True)
    _, sample = next(lines, (0, ""))
    if sample is None:
        raise UnusableFile(f"{src.path.name}: its first line is longer than {MAX_LINE:,} characters")
    dialect = csv.excel_tab if sample.count("\t") > sample.count(",") else csv.excel
    headers = next(csv.reader([sample], dialect), [])
    columns = resolve_columns(headers, mapping)
    width = len(headers)
    overlong: list[int] = []

    def feed() -> Iterator[str]:
        for number, text in lines:
            if text is None:
                overlong.append(number)
                text = "\n"  # in its place: the line numbers stay right
            yield text

    reader = csv.reader(feed(), dialect)
    line = 1
    while True:
        try:
            row = next(reader, None)
            problem = None
        except csv.Error as exc:
            row, problem = [], f"unreadable CSV row ({exc})"
        start, line = line + 1, reader.line_num + 1
        yield from (Item(n, None, skip=f"line longer than {MAX_LINE:,} characters") for n in overlong)
        overlong.clear()
        if row is None:
            return
        if problem is not None:
            yield Item(start, None, skip=problem)
        elif not any(cell.strip() for cell in row):
            continue
        elif len(row) != width:
            yield Item(start, None, skip=f"{len(row)} columns where the header has {width}")
        else:
            fields = {columns[h]: cell for h, cell in zip(headers, row, strict=True) if h in columns}
            yield film_from_fields(fields, source, as_of, start)
