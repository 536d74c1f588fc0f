"""IMDb's non-commercial datasets (https://developer.imdb.com/non-commercial-datasets/), streamed.

The files are joined by title id without holding them in memory: ``title.basics`` is read first into a
scratch store on disk (``bot.store.import_scratch``; films only), then ratings, alternative titles,
directors (``title.crew``), principals and names are read and kept only for those films, and finally each
film is assembled from the scratch store in id order. Every file must start with IMDb's documented header;
a file that does not, or one cut short, stops the import before anything is written, naming the file
and line.

Directors come from ``title.crew``, IMDb's complete list in billing order (``title.principals`` names only
the first few people of a film, and misses co-directors); without ``title.crew`` they come from the
principals. ``title.crew``'s writers are not imported: IMDb lists screenplay, story and source-novel
authors alike as "writers", and a card keeps those apart (``screenplay``, ``original_creator``), so
importing them under either role would state what the dataset does not.
"""

from __future__ import annotations

import errno
import gzip
import json
import zlib
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path

from bot.catalog import values
from bot.catalog.card_fields import name_problem
from bot.catalog.importing._files import MAX_LINE, TextSource, file_date
from bot.catalog.importing._items import Item
from bot.catalog.importing.errors import no_room
from bot.catalog.importing.progress import Progress
from bot.catalog.importing.report import ImportReport
from bot.catalog.values import BadValue
from bot.errors import BadInput
from bot.films.models import Credit, Fact, ImportedFilm, Score, Source
from bot.store.import_scratch import (
    AkaRow,
    DirectorRow,
    ImdbScratch,
    NameRow,
    PrincipalRow,
    RatingRow,
    ScratchFull,
    StagedFilm,
    StagedTitle,
)

FILM_TYPES = frozenset({"movie", "tvMovie"})
# The other title types IMDb documents: passed over as not films. Any other type is reported as unknown.
OTHER_TYPES = frozenset(
    {
        "short",
        "tvSeries",
        "tvEpisode",
        "tvMiniSeries",
        "tvShort",
        "tvSpecial",
        "video",
        "videoGame",
        "tvPilot",
    }
)
NULL = "\\N"
MAX_ALIASES = 8
MAX_CAST = 10
CAST_CATEGORIES = frozenset({"actor", "actress", "self"})
# Each file's header, exactly as IMDb documents it; the importer reads columns by position.
HEADERS = {
    "title.basics": ("tconst", "titleType", "primaryTitle", "originalTitle", "isAdult", "startYear",
                     "endYear", "runtimeMinutes", "genres"),
    "title.ratings": ("tconst", "averageRating", "numVotes"),
    "title.akas": ("titleId", "ordering", "title", "region", "language", "types", "attributes",
                   "isOriginalTitle"),
    "title.crew": ("tconst", "directors", "writers"),
    "title.principals": ("tconst", "ordering", "nconst", "category", "job", "characters"),
    "name.basics": ("nconst", "primaryName", "birthYear", "deathYear", "primaryProfession", "knownForTitles"),
}  # fmt: skip
FILES = tuple(HEADERS)


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


def _check_header(file: str, line: str, expected: tuple[str, ...]) -> None:
    found = tuple(line.split("\t"))
    if found != expected:
        raise BadInput(
            f"{file} line 1: the header is not IMDb's documented one: expected {' '.join(expected)!r}, "
            f"found {' '.join(found)[:300]!r}; IMDb may have changed the format, or this is another file. "
            "Nothing was imported"
        )


def _shown(name: str) -> str:
    """``name``, or "" when it cannot be shown (too long, control characters)."""
    return name if name_problem(name) is None else ""


class ImdbReader:
    """Stage the files in a scratch store in the folder ``scratch``, then yield films one by one.

    ``min_votes``: keep only films with at least this many IMDb votes (``title.ratings`` must be among
    ``files``: ``import_catalog`` says so when it is not).
    """

    def __init__(
        self,
        files: dict[str, Path],
        scratch: Path,
        report: ImportReport,
        progress: Progress,
        encoding: str | None = None,
        *,
        min_votes: int = 0,
    ) -> None:
        self.files = files
        self.encoding = encoding
        self.report = report
        self.progress = progress
        self.min_votes = min_votes
        self._scratch_folder = scratch
        self.scratch = ImdbScratch(scratch)
        # Where reading is: named when a file turns out cut short or the disk fills.
        self._file = ""
        self._line = 0

    def close(self) -> None:
        self.scratch.close()

    # -- staging -----------------------------------------------------------------------------------

    def _rows(self, name: str) -> Iterator[tuple[int, list[str]]]:
        """Data rows of one file (after its header, which must be IMDb's), checked for their width.

        A line longer than ``MAX_LINE`` is skipped unread (reported for ``title.basics``)."""
        path = self.files[name]
        header = HEADERS[name]
        with TextSource(path, self.encoding) as src:
            self.progress.start(name, src.size)
            self._file, self._line = path.name, 1
            lines = src.lines()
            first = next(lines, None)
            _check_header(path.name, (first[1] or "") if first else "", header)
            for number, line in lines:
                self._line = number
                if line is None:
                    if name == "title.basics":
                        self.report.skip_row(f"line longer than {MAX_LINE:,} characters", number, path.name)
                    continue
                cells = line.split("\t")
                if len(cells) != len(header):
                    reason = f"malformed line ({len(cells)} columns, expected {len(header)})"
                    if name == "title.basics":
                        self.report.skip_row(reason, number, path.name)
                    else:
                        self.report.skip_value(reason, number, path.name)
                    continue
                yield number, cells
                if number % 4096 == 0:
                    self.progress.update(src.position, self.report.read)
            self.progress.finish()

    def stage(self) -> None:
        """Read and check every file into the scratch store; raises before anything reaches the catalog."""
        try:
            self._stage()
        except (EOFError, zlib.error, gzip.BadGzipFile) as exc:
            raise BadInput(
                f"{self._file} is cut short or damaged after line {self._line:,} ({exc}); download it "
                "again. Nothing was imported"
            ) from exc
        except ScratchFull as exc:
            raise no_room(f"{self._file} line {self._line:,}", exc.folder) from exc
        except OSError as exc:
            if exc.errno in (errno.ENOSPC, errno.EFBIG):
                raise no_room(f"{self._file} line {self._line:,}", self._scratch_folder) from exc
            raise

    def _stage(self) -> None:
        self.scratch.add_basics(self._basics(), self._duplicate)
        if "title.ratings" in self.files:
            self.scratch.add_ratings(self._ratings())
        if self.min_votes:
            dropped = self.scratch.keep_voted(self.min_votes)
            self.report.notes.append(
                f"{dropped:,} films with fewer than {self.min_votes:,} IMDb votes (or none) left out "
                f"(--min-votes {self.min_votes})"
            )
        if "title.akas" in self.files:
            self.scratch.add_akas(AkaRow(c[0], c[1], c[2]) for _, c in self._rows("title.akas"))
        if "title.crew" in self.files:
            self.scratch.add_directors(self._directors())
        if "title.principals" in self.files:
            self.scratch.add_principals(
                PrincipalRow(c[0], c[1], c[2], c[3], _null(c[5])) for _, c in self._rows("title.principals")
            )
        if "name.basics" in self.files and self.files.keys() & {"title.principals", "title.crew"}:
            self.scratch.add_names(NameRow(c[0], c[1]) for _, c in self._rows("name.basics"))
        missing = [n for n in FILES if n not in self.files]
        if missing:
            self.report.notes.append(f"not found, so not imported: {', '.join(missing)}")

    def _duplicate(self, film: StagedTitle) -> None:
        self.report.skip_row(
            "duplicate id (the first one is kept)", film.line, self.files["title.basics"].name
        )

    def _ratings(self) -> Iterator[RatingRow]:
        file = self.files["title.ratings"].name
        for number, (tconst, average, votes) in self._rows("title.ratings"):
            try:
                yield RatingRow(
                    tconst,
                    values.decimal(average, "averageRating", 0.0, 10.0),
                    values.votes(votes, "numVotes"),
                )
            except BadValue as exc:
                self.report.skip_value(str(exc), number, file)

    def _directors(self) -> Iterator[DirectorRow]:
        for _, (tconst, directors, _writers) in self._rows("title.crew"):
            if directors != NULL:
                for ordering, nconst in enumerate(directors.split(","), start=1):
                    yield DirectorRow(tconst, ordering, nconst)

    def _skip_title(self, kind: str, adult: str) -> str | None:
        """Why a ``title.basics`` row is not a film to import (by its type and adult flag), or None."""
        if kind not in FILM_TYPES:
            if kind in OTHER_TYPES:
                return f"not a film (titleType {kind})"
            return f"unknown titleType {kind[:40]!r} (not one IMDb documents)"
        self.report.read += 1
        if adult == "1":
            return "adult title"
        if adult != "0":
            return "isAdult is neither 0 nor 1"
        return None

    def _basics(self) -> Iterator[StagedTitle]:
        """The films of ``title.basics``, checked; rows left out are reported here."""
        file = self.files["title.basics"].name
        for number, cells in self._rows("title.basics"):
            tconst, kind, title, original, adult, start, _, runtime, genres = cells
            skip = self._skip_title(kind, adult)
            title = _null(title).strip()
            if skip is None and not title:
                skip = "no title"
            if skip is None and (problem := name_problem(title)) is not None:
                skip = f"title {problem}"
            if skip is None and not _is_imdb_id(tconst):
                skip = "not an IMDb id like tt0111161"
            if skip is not None:
                self.report.skip_row(skip, number, file)
                continue
            bad: list[str] = []
            year = _checked(start, values.year, bad)
            minutes = _checked(runtime, values.runtime, bad)
            original = _shown(_null(original).strip())
            yield StagedTitle(tconst, number, title, original, year, minutes, _null(genres), tuple(bad))

    # -- assembling --------------------------------------------------------------------------------

    def staged_count(self) -> int:
        """Stage every file (``stage``); how many films it kept (what ``films`` yields)."""
        self.stage()
        return self.scratch.count()

    def films(self, source: Source) -> Iterator[Item]:
        ratings_day = (
            file_date(self.files["title.ratings"]) if "title.ratings" in self.files else source.as_of
        )
        for staged in self.scratch.films():
            yield self._film(source.key, ratings_day, staged)

    def _film(self, key: str, ratings_day: date, film: StagedFilm) -> Item:
        staged, rating = film.title, film.rating
        tconst, title, original = staged.tconst, staged.title, staged.original
        facts = [Fact("runtime_minutes", str(staged.runtime), key)] if staged.runtime else []
        facts += [Fact("genre", g, key) for g in staged.genres.split(",") if g]
        # Checked as title.ratings was staged (values.decimal, values.votes): a bad row was left out there.
        scores = (
            [Score("IMDb", "average", rating.average, key, ratings_day, scale=10.0, votes=rating.votes)]
            if rating is not None
            else []
        )
        names = {title.casefold(), original.casefold()}
        aliases: list[str] = []
        for alias in film.aliases:
            if (
                alias
                and alias != NULL
                and alias.casefold() not in names
                and len(aliases) < MAX_ALIASES
                and name_problem(alias) is None
            ):
                names.add(alias.casefold())
                aliases.append(alias)
        imported = ImportedFilm(
            title=title,
            year=staged.year,
            original_title=original if original and original != title else None,
            imdb_id=tconst,
            aliases=tuple(aliases),
            facts=tuple(facts),
            credits=tuple(self._credits(key, film)),
            scores=tuple(scores),
        )
        problems = tuple(BadValue(*p.split(": ", 1)) for p in staged.problems)
        return Item(staged.line, imported, problems)

    def _credits(self, key: str, film: StagedFilm) -> Iterator[Credit]:
        """Directors (from ``title.crew`` when it was given, else the principals), then up to ten cast."""
        crew = "title.crew" in self.files
        if crew:
            for name in film.directors:
                if name_problem(name) is None:  # a name that cannot be shown is left out
                    yield Credit(name, "director", key)
        cast = 0
        for person in film.people:
            if name_problem(person.name) is not None:
                continue
            if person.category == "director" and not crew:
                yield Credit(person.name, "director", key)
            elif person.category in CAST_CATEGORIES and cast < MAX_CAST:
                cast += 1
                yield Credit(person.name, "cast", key, _characters(person.characters))


def _is_imdb_id(value: str) -> bool:
    try:
        values.imdb_id(value)
    except BadValue:
        return False
    return True


def _checked(value: str, parse: Callable[[str], int], bad: list[str]) -> int | None:
    """``parse(value)``, or None for IMDb's null; a value that does not parse goes in ``bad``."""
    if not _null(value):
        return None
    try:
        return parse(value)
    except BadValue as exc:
        bad.append(str(exc))
        return None


def _characters(raw: str | None) -> str | None:
    """IMDb gives characters as a JSON list: '["Neo","Thomas Anderson"]' -> 'Neo / Thomas Anderson'."""
    if not raw:
        return None
    try:
        value = json.loads(raw)
    except (ValueError, RecursionError):  # not JSON, a number too long to read, or nested too deeply
        return None
    if isinstance(value, list) and all(isinstance(v, str) for v in value) and value:
        shown = " / ".join(" ".join(v.split()) for v in value)
        return shown[:200] if name_problem(shown[:200]) is None else None
    return None
