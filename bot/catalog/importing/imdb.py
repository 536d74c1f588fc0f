"""IMDb's non-commercial datasets (https://developer.imdb.com/non-commercial-datasets/), streamed.

The five files are joined by title id without holding them in memory: ``title.basics`` is read first into
a scratch SQLite file (films only), then ratings, alternative titles, principals and names are read and
kept only for those films, and finally each film is assembled from the scratch file in id order.
"""

from __future__ import annotations

import json
import logging
import sqlite3
from collections.abc import Iterator
from datetime import date
from pathlib import Path

from bot.catalog.importing import _values
from bot.catalog.importing._files import TextSource, file_date
from bot.catalog.importing._items import Item
from bot.catalog.importing._values import BadValue
from bot.catalog.importing.progress import Progress
from bot.catalog.importing.report import ImportReport
from bot.errors import BadInput
from bot.films.models import Credit, Fact, ImportedFilm, Score, Source

log = logging.getLogger(__name__)

FILM_TYPES = frozenset({"movie", "tvMovie"})
NULL = "\\N"
MAX_ALIASES = 8
MAX_CAST = 10
CAST_CATEGORIES = frozenset({"actor", "actress", "self"})
FILES = ("title.basics", "title.ratings", "title.akas", "title.principals", "name.basics")
COLUMNS = {
    "title.basics": 9,
    "title.ratings": 3,
    "title.akas": 8,
    "title.principals": 6,
    "name.basics": 6,
}
_CHUNK = 5000


def find_files(path: Path) -> dict[str, Path]:
    """The dataset files in ``path`` (a folder, or one of the files): ``.tsv`` or ``.tsv.gz``."""
    folder = path if path.is_dir() else path.parent
    found: dict[str, Path] = {}
    for name in FILES:
        for candidate in (folder / f"{name}.tsv.gz", folder / f"{name}.tsv"):
            if candidate.is_file():
                found[name] = candidate
                break
    if "title.basics" not in found:
        raise BadInput(f"no title.basics.tsv.gz (or .tsv) in {folder}; download it from IMDb's dataset page")
    return found


def source_for(files: dict[str, Path]) -> Source:
    return Source(
        key="imdb-datasets",
        title="IMDb non-commercial datasets",
        kind="dataset",
        as_of=file_date(files["title.basics"]),
        publisher="IMDb",
        url="https://developer.imdb.com/non-commercial-datasets/",
        file=files["title.basics"].name,
    )


def _null(value: str) -> str:
    return "" if value == NULL else value


class ImdbReader:
    """Stage the files in ``scratch`` (a SQLite file), then yield films one by one."""

    def __init__(
        self, files: dict[str, Path], scratch: Path, report: ImportReport, progress: Progress
    ) -> None:
        self.files = files
        self.report = report
        self.progress = progress
        self.db = sqlite3.connect(scratch)
        self.db.executescript(
            """
            PRAGMA journal_mode = OFF;
            PRAGMA synchronous = OFF;
            CREATE TABLE basics (tconst TEXT PRIMARY KEY, line INTEGER, title TEXT, original TEXT,
                                 year INTEGER, runtime INTEGER, genres TEXT, bad TEXT) WITHOUT ROWID;
            CREATE TABLE ratings (tconst TEXT PRIMARY KEY, rating REAL, votes INTEGER) WITHOUT ROWID;
            CREATE TABLE akas (tconst TEXT, ordering INTEGER, title TEXT);
            CREATE TABLE principals (tconst TEXT, ordering INTEGER, nconst TEXT, category TEXT, characters TEXT);
            CREATE TABLE names (nconst TEXT PRIMARY KEY, name TEXT) WITHOUT ROWID;
            """
        )

    def close(self) -> None:
        self.db.close()

    # -- staging -----------------------------------------------------------------------------------

    def _rows(self, name: str) -> Iterator[tuple[int, list[str]]]:
        """Data rows of one file (after its header), each checked for its column count."""
        width = COLUMNS[name]
        with TextSource(self.files[name]) as src:
            self.progress.start(name, src.size)
            for number, line in src.lines():
                if number == 1:
                    continue
                cells = line.split("\t")
                if len(cells) != width:
                    if name == "title.basics":
                        self.report.skip_row(
                            f"malformed line ({len(cells)} columns, expected {width})", number
                        )
                    continue
                yield number, cells
                if number % 4096 == 0:
                    self.progress.update(src.position, self.report.read)
            self.progress.finish()

    def stage(self) -> None:
        self._stage_basics()
        if "title.ratings" in self.files:
            self._stage_filtered(
                "title.ratings",
                "INSERT OR IGNORE INTO ratings SELECT ?, ?, ? WHERE EXISTS (SELECT 1 FROM basics WHERE tconst = ?)",
                lambda c: (c[0], c[1], c[2], c[0]),
            )
        if "title.akas" in self.files:
            self._stage_filtered(
                "title.akas",
                "INSERT INTO akas SELECT ?, ?, ? WHERE EXISTS (SELECT 1 FROM basics WHERE tconst = ?)",
                lambda c: (c[0], c[1], c[2], c[0]),
            )
            self.db.execute("CREATE INDEX akas_t ON akas (tconst, ordering)")
        if "title.principals" in self.files:
            self._stage_filtered(
                "title.principals",
                "INSERT INTO principals SELECT ?, ?, ?, ?, ? WHERE EXISTS (SELECT 1 FROM basics WHERE tconst = ?)",
                lambda c: (c[0], c[1], c[2], c[3], _null(c[5]), c[0]),
            )
            self.db.execute("CREATE INDEX principals_t ON principals (tconst, ordering)")
            self.db.execute("CREATE INDEX principals_n ON principals (nconst)")
            if "name.basics" in self.files:
                self._stage_filtered(
                    "name.basics",
                    "INSERT OR IGNORE INTO names SELECT ?, ? WHERE EXISTS (SELECT 1 FROM principals WHERE nconst = ?)",
                    lambda c: (c[0], c[1], c[0]),
                )
        missing = [n for n in FILES if n not in self.files]
        if missing:
            self.report.notes.append(f"not found, so not imported: {', '.join(missing)}")

    def _stage_basics(self) -> None:
        insert = "INSERT OR IGNORE INTO basics VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
        for number, cells in self._rows("title.basics"):
            tconst, kind, title, original, adult, start, _, runtime, genres = cells
            if kind not in FILM_TYPES:
                self.report.skip_row(f"not a film (titleType {kind})", number)
                continue
            self.report.read += 1
            if adult == "1":
                self.report.skip_row("adult title", number)
                continue
            title = _null(title).strip()
            if not title:
                self.report.skip_row("no title", number)
                continue
            try:
                _values.imdb_id(tconst)
            except BadValue:
                self.report.skip_row("not an IMDb id like tt0111161", number)
                continue
            bad: list[str] = []
            year = runtime_minutes = None
            if _null(start):
                try:
                    year = _values.year(start)
                except BadValue as exc:
                    bad.append(str(exc))
            if _null(runtime):
                try:
                    runtime_minutes = _values.runtime(runtime)
                except BadValue as exc:
                    bad.append(str(exc))
            row = (
                tconst,
                number,
                title,
                _null(original).strip(),
                year,
                runtime_minutes,
                _null(genres),
                "\n".join(bad),
            )
            if self.db.execute(insert, row).rowcount == 0:
                self.report.skip_row("duplicate id (the first one is kept)", number)
        self.db.commit()

    def _stage_filtered(self, name: str, sql: str, shape: object) -> None:
        batch: list[tuple[object, ...]] = []
        for _, cells in self._rows(name):
            batch.append(shape(cells))  # type: ignore[operator]
            if len(batch) >= _CHUNK:
                self.db.executemany(sql, batch)
                batch.clear()
        self.db.executemany(sql, batch)
        self.db.commit()

    # -- assembling --------------------------------------------------------------------------------

    def films(self, source: Source) -> Iterator[Item]:
        ratings_day = (
            file_date(self.files["title.ratings"]) if "title.ratings" in self.files else source.as_of
        )
        key = source.key
        rows = self.db.execute(
            "SELECT tconst, line, title, original, year, runtime, genres, bad FROM basics ORDER BY tconst"
        )
        lookup = sqlite3.connect(self.db.execute("PRAGMA database_list").fetchone()[2])
        try:
            for tconst, line, title, original, year, runtime, genres, bad in rows:
                yield self._film(
                    lookup, key, ratings_day, tconst, line, title, original, year, runtime, genres, bad
                )
        finally:
            lookup.close()

    def _film(
        self,
        db: sqlite3.Connection,
        key: str,
        ratings_day: date,
        tconst: str,
        line: int,
        title: str,
        original: str,
        year: int | None,
        runtime: int | None,
        genres: str,
        bad: str,
    ) -> Item:
        facts = [Fact("runtime_minutes", str(runtime), key)] if runtime else []
        facts += [Fact("genre", g, key) for g in genres.split(",") if g]
        scores = []
        rating = db.execute("SELECT rating, votes FROM ratings WHERE tconst = ?", (tconst,)).fetchone()
        if rating is not None:
            try:
                value = _values.number(str(rating[0]), "averageRating", 0.0, 10.0)
                votes = _values.votes(str(rating[1]), "numVotes")
                scores.append(Score("IMDb", "average", value, key, ratings_day, scale=10.0, votes=votes))
            except BadValue as exc:
                bad += f"\n{exc}"
        names = {title.casefold(), original.casefold()}
        aliases: list[str] = []
        for (alias,) in db.execute("SELECT title FROM akas WHERE tconst = ? ORDER BY ordering", (tconst,)):
            if alias and alias != NULL and alias.casefold() not in names and len(aliases) < MAX_ALIASES:
                names.add(alias.casefold())
                aliases.append(alias)
        credits = []
        cast = 0
        for category, characters, person in db.execute(
            "SELECT p.category, p.characters, n.name FROM principals p JOIN names n ON n.nconst = p.nconst "
            "WHERE p.tconst = ? ORDER BY p.ordering",
            (tconst,),
        ):
            if category == "director":
                credits.append(Credit(person, "director", key))
            elif category in CAST_CATEGORIES and cast < MAX_CAST:
                cast += 1
                credits.append(Credit(person, "cast", key, _characters(characters)))
        film = ImportedFilm(
            title=title,
            year=year,
            original_title=original if original and original != title else None,
            imdb_id=tconst,
            aliases=tuple(aliases),
            facts=tuple(facts),
            credits=tuple(credits),
            scores=tuple(scores),
        )
        problems = tuple(BadValue(*p.split(": ", 1)) for p in bad.split("\n") if p)
        return Item(line, film, problems)


def _characters(raw: str | None) -> str | None:
    """IMDb gives characters as a JSON list: '["Neo","Thomas Anderson"]' -> 'Neo / Thomas Anderson'."""
    if not raw:
        return None
    try:
        value = json.loads(raw)
    except json.JSONDecodeError:
        return None
    if isinstance(value, list) and all(isinstance(v, str) for v in value) and value:
        return " / ".join(value)[:200]
    return None
