"""Scratch SQLite files for one catalog import, so big datasets are read with flat memory.

These are throwaway files in the import's scratch folder, not the bot's database: plain ``sqlite3`` (the
importer stages files with blocking calls), no migrations, journaling off. ``ImdbScratch`` joins IMDb's
dataset files by title id; ``SeenKeys`` remembers which films an import has already read, to skip
duplicates; ``ReadyBatches`` keeps the films read and checked until the whole file has been read, so that
a file that turns out unusable half-way writes nothing. Each is used by one thread at a time, not always
the same one (the importer reads on worker threads, to keep a bot's event loop free). A scratch file that
cannot be written raises ``ScratchFull`` (a full disk, a file-size limit) or, for any other SQLite error,
``ScratchFailed`` (through ``scratch_errors``).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, NamedTuple

_CHUNK = 5000  # rows per executemany while staging

_PRAGMAS = "PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF;"

_IMDB_SCHEMA = """
CREATE TABLE basics (tconst TEXT PRIMARY KEY, line INTEGER, title TEXT, original TEXT,
                     year INTEGER, runtime INTEGER, genres TEXT, bad TEXT) WITHOUT ROWID;
CREATE TABLE ratings (tconst TEXT PRIMARY KEY, rating REAL, votes INTEGER) WITHOUT ROWID;  -- checked
CREATE TABLE akas (tconst TEXT, ordering INTEGER, title TEXT);
CREATE TABLE principals (tconst TEXT, ordering INTEGER, nconst TEXT, category TEXT, characters TEXT);
CREATE TABLE directors (tconst TEXT, ordering INTEGER, nconst TEXT);
CREATE TABLE names (nconst TEXT PRIMARY KEY, name TEXT) WITHOUT ROWID;
"""

# Rows of the other files are kept only for staged films (and names only for staged people).
_ADD_BASIC = "INSERT OR IGNORE INTO basics VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
_ADD_RATING = (
    "INSERT OR IGNORE INTO ratings SELECT ?1, ?2, ?3 WHERE EXISTS (SELECT 1 FROM basics WHERE tconst = ?1)"
)
_ADD_AKA = "INSERT INTO akas SELECT ?1, ?2, ?3 WHERE EXISTS (SELECT 1 FROM basics WHERE tconst = ?1)"
_ADD_PRINCIPAL = (
    "INSERT INTO principals SELECT ?1, ?2, ?3, ?4, ?5 WHERE EXISTS (SELECT 1 FROM basics WHERE tconst = ?1)"
)
_ADD_DIRECTOR = (
    "INSERT INTO directors SELECT ?1, ?2, ?3 WHERE EXISTS (SELECT 1 FROM basics WHERE tconst = ?1)"
)
_ADD_NAME = (
    "INSERT OR IGNORE INTO names SELECT ?1, ?2 WHERE EXISTS (SELECT 1 FROM principals WHERE nconst = ?1) "
    "OR EXISTS (SELECT 1 FROM directors WHERE nconst = ?1)"
)
# SQLite's codes for a file that cannot grow: the disk is full, or a write failed (a file-size limit).
_NO_ROOM = (sqlite3.SQLITE_FULL, sqlite3.SQLITE_IOERR)


class ScratchFull(Exception):
    """A scratch file could not be written: the disk holding it is full (or a file-size limit was hit)."""

    def __init__(self, folder: Path, detail: str) -> None:
        super().__init__(f"cannot write the import's scratch files in {folder} ({detail})")
        self.folder = folder


@contextmanager
def _writing(folder: Path) -> Iterator[None]:
    try:
        yield
    except sqlite3.Error as exc:
        if exc.sqlite_errorcode & 0xFF in _NO_ROOM:
            raise ScratchFull(folder, str(exc)) from exc
        raise


class ScratchFailed(Exception):
    """A scratch file could not be written or read (its disk full, say): nothing was imported."""


@contextmanager
def scratch_errors(folder: Path) -> Iterator[None]:
    """Turn a scratch file's SQLite error into ``ScratchFailed``, naming the folder (not the database)."""
    try:
        yield
    except sqlite3.Error as exc:
        raise ScratchFailed(f"cannot write the import's scratch files in {folder} ({exc})") from exc


class StagedTitle(NamedTuple):
    """One film from ``title.basics``, checked; ``problems`` are values left out, as "field: reason"."""

    tconst: str
    line: int
    title: str
    original: str
    year: int | None
    runtime: int | None
    genres: str  # comma-separated, as in the file
    problems: tuple[str, ...]


class RatingRow(NamedTuple):
    """A ``title.ratings`` row, checked: the average out of 10 and its number of votes."""

    tconst: str
    average: float
    votes: int


class AkaRow(NamedTuple):
    """A ``title.akas`` row: one alternative title."""

    tconst: str
    ordering: str
    title: str


class PrincipalRow(NamedTuple):
    """A ``title.principals`` row; ``characters`` is IMDb's JSON list, or empty."""

    tconst: str
    ordering: str
    nconst: str
    category: str
    characters: str


class DirectorRow(NamedTuple):
    """One director of a title, from ``title.crew`` (in the file's order)."""

    tconst: str
    ordering: int
    nconst: str


class NameRow(NamedTuple):
    """A ``name.basics`` row: a person's id and name."""

    nconst: str
    name: str


class StagedRating(NamedTuple):
    """A film's rating as staged."""

    average: float
    votes: int


class StagedPerson(NamedTuple):
    """One principal of a film, with the person's name."""

    category: str
    characters: str
    name: str


class StagedFilm(NamedTuple):
    """A staged film with what the other files say of it, each in IMDb's order: its rating (or None), its
    alternative titles (unfiltered: may repeat or be ``\\N``), its principals whose names were staged, and
    the names of its directors from ``title.crew`` (those whose names were staged)."""

    title: StagedTitle
    rating: StagedRating | None
    aliases: list[str]
    people: list[StagedPerson]
    directors: list[str]


class _Follow:
    """Rows ordered by title id, handed out film by film as the films go past in the same order."""

    def __init__(self, rows: Iterator[tuple[Any, ...]]) -> None:
        self._rows = rows
        self._next = next(self._rows, None)

    def of(self, tconst: str) -> list[tuple[Any, ...]]:
        """The rows of ``tconst`` (the rows of earlier ids, films that were not staged, are passed over)."""
        found = []
        row = self._next
        while row is not None and row[0] <= tconst:
            if row[0] == tconst:
                found.append(row[1:])
            row = next(self._rows, None)
        self._next = row
        return found


class ImdbScratch:
    """IMDb's files staged in ``folder``/imdb.sqlite3: ``title.basics`` first, then the rest by title id."""

    def __init__(self, folder: Path) -> None:
        self._folder = folder
        self._path = folder / "imdb.sqlite3"
        # Staged and read on worker threads (``asyncio.to_thread``), one thread at a time.
        self._db = sqlite3.connect(self._path, check_same_thread=False)
        with _writing(folder):
            self._db.executescript(_PRAGMAS + _IMDB_SCHEMA)
        self._lookup: sqlite3.Connection | None = None

    def close(self) -> None:
        if self._lookup is not None:
            self._lookup.close()
            self._lookup = None
        self._db.close()

    # -- staging -----------------------------------------------------------------------------------

    def add_basics(self, rows: Iterable[StagedTitle], on_duplicate: Callable[[StagedTitle], None]) -> None:
        """Stage films one by one; ``on_duplicate`` hears of each id already staged (the first is kept)."""
        with _writing(self._folder):
            for row in rows:
                values = (*row[:7], "\n".join(row.problems))
                if self._db.execute(_ADD_BASIC, values).rowcount == 0:
                    on_duplicate(row)
            self._db.commit()

    def add_ratings(self, rows: Iterable[RatingRow]) -> None:
        """Stage ratings of staged films (the first rating of a film is kept)."""
        self._add_chunked(_ADD_RATING, rows)

    def keep_voted(self, min_votes: int) -> int:
        """Drop the staged films with fewer than ``min_votes`` votes (or no rating); returns how many."""
        with _writing(self._folder):
            dropped = self._db.execute(
                "DELETE FROM basics WHERE tconst NOT IN (SELECT tconst FROM ratings WHERE votes >= ?)",
                (min_votes,),
            ).rowcount
            self._db.execute("DELETE FROM ratings WHERE tconst NOT IN (SELECT tconst FROM basics)")
            self._db.commit()
        return dropped

    def add_akas(self, rows: Iterable[AkaRow]) -> None:
        """Stage alternative titles of staged films, then index them by film."""
        self._add_chunked(_ADD_AKA, rows)
        with _writing(self._folder):
            self._db.execute("CREATE INDEX akas_t ON akas (tconst, ordering)")

    def add_principals(self, rows: Iterable[PrincipalRow]) -> None:
        """Stage principals of staged films, then index them by film and by person."""
        self._add_chunked(_ADD_PRINCIPAL, rows)
        with _writing(self._folder):
            self._db.execute("CREATE INDEX principals_t ON principals (tconst, ordering)")
            self._db.execute("CREATE INDEX principals_n ON principals (nconst)")

    def add_directors(self, rows: Iterable[DirectorRow]) -> None:
        """Stage the directors ``title.crew`` lists for staged films, then index them by film and person."""
        self._add_chunked(_ADD_DIRECTOR, rows)
        with _writing(self._folder):
            self._db.execute("CREATE INDEX directors_t ON directors (tconst, ordering)")
            self._db.execute("CREATE INDEX directors_n ON directors (nconst)")

    def add_names(self, rows: Iterable[NameRow]) -> None:
        """Stage the names of staged people (call after ``add_principals`` and ``add_directors``)."""
        self._add_chunked(_ADD_NAME, rows)

    def _add_chunked(self, sql: str, rows: Iterable[tuple[object, ...]]) -> None:
        with _writing(self._folder):
            batch: list[tuple[object, ...]] = []
            for row in rows:
                batch.append(row)
                if len(batch) >= _CHUNK:
                    self._db.executemany(sql, batch)
                    batch.clear()
            self._db.executemany(sql, batch)
            self._db.commit()

    # -- reading -----------------------------------------------------------------------------------

    def count(self) -> int:
        """How many films are staged."""
        return int(self._db.execute("SELECT count(*) FROM basics").fetchone()[0])

    def films(self) -> Iterator[StagedFilm]:
        """Every staged film with its rating, alternative titles, principals and directors, in title id
        order, streamed: each table is read once, in the same order, beside the films (a merge join), not
        looked up film by film."""
        lookup = self._reader()
        ratings = _Follow(lookup.execute("SELECT tconst, rating, votes FROM ratings ORDER BY tconst"))
        akas = _Follow(lookup.execute("SELECT tconst, title FROM akas ORDER BY tconst, ordering"))
        people = _Follow(
            lookup.execute(
                "SELECT p.tconst, p.category, p.characters, n.name FROM principals p "
                "JOIN names n ON n.nconst = p.nconst ORDER BY p.tconst, p.ordering"
            )
        )
        directors = _Follow(
            lookup.execute(
                "SELECT d.tconst, n.name FROM directors d JOIN names n ON n.nconst = d.nconst "
                "ORDER BY d.tconst, d.ordering"
            )
        )
        rows = self._db.execute(
            "SELECT tconst, line, title, original, year, runtime, genres, bad FROM basics ORDER BY tconst"
        )
        for tconst, line, title, original, year, runtime, genres, bad in rows:
            problems = tuple(p for p in bad.split("\n") if p)
            rated = ratings.of(tconst)
            yield StagedFilm(
                StagedTitle(tconst, line, title, original, year, runtime, genres, problems),
                StagedRating(float(rated[0][0]), int(rated[0][1])) if rated else None,
                [title for (title,) in akas.of(tconst)],
                [StagedPerson(*person) for person in people.of(tconst)],
                [name for (name,) in directors.of(tconst)],
            )

    def _reader(self) -> sqlite3.Connection:
        """A second connection for per-film look-ups while ``films()`` streams on the first."""
        if self._lookup is None:
            self._lookup = sqlite3.connect(self._path, isolation_level=None, check_same_thread=False)
            # One read transaction for every look-up: staging is over, and a statement outside one
            # pays for taking and checking the file's locks each time (three per film).
            self._lookup.execute("BEGIN")
        return self._lookup


class ReadyBatches:
    """An import's films, read and checked, in batches (opaque bytes) waiting to be written, kept on disk
    (``folder``/ready.sqlite3) so that reading and writing are separate passes at any size."""

    def __init__(self, folder: Path) -> None:
        self._folder = folder
        self._db = sqlite3.connect(folder / "ready.sqlite3", check_same_thread=False)
        with _writing(folder):
            self._db.executescript(_PRAGMAS + "CREATE TABLE ready (n INTEGER PRIMARY KEY, batch BLOB);")

    def add(self, batch: bytes) -> None:
        with _writing(self._folder):
            self._db.execute("INSERT INTO ready (batch) VALUES (?)", (batch,))

    def __iter__(self) -> Iterator[bytes]:
        self._db.commit()
        for (batch,) in self._db.execute("SELECT batch FROM ready ORDER BY n"):
            yield batch

    def close(self) -> None:
        self._db.close()


class SeenKeys:
    """Film identities already read in one import, with the line of each, kept on disk (``folder``/seen.sqlite3)."""

    def __init__(self, folder: Path) -> None:
        self._folder = folder
        self._db = sqlite3.connect(folder / "seen.sqlite3", check_same_thread=False)
        with _writing(folder):
            self._db.executescript(
                _PRAGMAS
                + "CREATE TABLE IF NOT EXISTS seen (identity TEXT PRIMARY KEY, line INTEGER) WITHOUT ROWID;"
            )

    def first(self, identity: str, line: int) -> bool:
        """Record ``identity`` as read at ``line``; False if it was read before (the first one is kept)."""
        with _writing(self._folder):
            cur = self._db.execute("INSERT OR IGNORE INTO seen VALUES (?, ?)", (identity, line))
        return cur.rowcount == 1

    def close(self) -> None:
        self._db.close()
