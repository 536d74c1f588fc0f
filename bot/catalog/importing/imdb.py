"""IMDb's non-commercial datasets (https://developer.imdb.com/non-commercial-datasets/), streamed.

The five files are joined by title id without holding them in memory: ``title.basics`` is read first into
a scratch store on disk (``bot.store.import_scratch``; films only), then ratings, alternative titles,
principals and names are read and kept only for those films, and finally each film is assembled from the
scratch store in id order.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date
from pathlib import Path

from bot.catalog import values
from bot.catalog.card_fields import name_problem
from bot.catalog.importing._files import MAX_LINE, TextSource, file_date
from bot.catalog.importing._items import Item
from bot.catalog.importing.progress import Progress
from bot.catalog.importing.report import ImportReport
from bot.catalog.values import BadValue
from bot.errors import BadInput
from bot.films.models import Credit, Fact, ImportedFilm, Score, Source
from bot.store.import_scratch import AkaRow, ImdbScratch, NameRow, PrincipalRow, RatingRow, StagedTitle

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


def _shown(name: str) -> str:
    """``name``, or "" when it cannot be shown (too long, control characters)."""
    return name if name_problem(name) is None else ""


class ImdbReader:
    """Stage the files in a scratch store in the folder ``scratch``, then yield films one by one."""

    def __init__(
        self,
        files: dict[str, Path],
        scratch: Path,
        report: ImportReport,
        progress: Progress,
        encoding: str | None = None,
    ) -> None:
        self.files = files
        self.encoding = encoding
        self.report = report
        self.progress = progress
        self.scratch = ImdbScratch(scratch)

    def close(self) -> None:
        self.scratch.close()

    # -- staging -----------------------------------------------------------------------------------

    def _rows(self, name: str) -> Iterator[tuple[int, list[str]]]:
        """Data rows of one file (after its header), each checked for its column count."""
        width = COLUMNS[name]
        with TextSource(self.files[name], self.encoding) as src:
            self.progress.start(name, src.size)
            for number, line in src.lines():
                if number == 1:
                    continue
                if line is None:
                    if name == "title.basics":
                        self.report.skip_row(f"line longer than {MAX_LINE:,} characters", number)
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
        self.scratch.add_basics(self._basics(), self._duplicate)
        if "title.ratings" in self.files:
            self.scratch.add_ratings(RatingRow(c[0], c[1], c[2]) for _, c in self._rows("title.ratings"))
        if "title.akas" in self.files:
            self.scratch.add_akas(AkaRow(c[0], c[1], c[2]) for _, c in self._rows("title.akas"))
        if "title.principals" in self.files:
            self.scratch.add_principals(
                PrincipalRow(c[0], c[1], c[2], c[3], _null(c[5])) for _, c in self._rows("title.principals")
            )
            if "name.basics" in self.files:
                self.scratch.add_names(NameRow(c[0], c[1]) for _, c in self._rows("name.basics"))
        missing = [n for n in FILES if n not in self.files]
        if missing:
            self.report.notes.append(f"not found, so not imported: {', '.join(missing)}")

    def _duplicate(self, film: StagedTitle) -> None:
        self.report.skip_row("duplicate id (the first one is kept)", film.line)

    def _basics(self) -> Iterator[StagedTitle]:
        """The films of ``title.basics``, checked; rows left out are reported here."""
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
            problem = name_problem(title)
            if problem is not None:
                self.report.skip_row(f"title {problem}", number)
                continue
            try:
                values.imdb_id(tconst)
            except BadValue:
                self.report.skip_row("not an IMDb id like tt0111161", number)
                continue
            bad: list[str] = []
            year = runtime_minutes = None
            if _null(start):
                try:
                    year = values.year(start)
                except BadValue as exc:
                    bad.append(str(exc))
            if _null(runtime):
                try:
                    runtime_minutes = values.runtime(runtime)
                except BadValue as exc:
                    bad.append(str(exc))
            yield StagedTitle(
                tconst,
                number,
                title,
                _shown(_null(original).strip()),
                year,
                runtime_minutes,
                _null(genres),
                tuple(bad),
            )

    # -- assembling --------------------------------------------------------------------------------

    def films(self, source: Source) -> Iterator[Item]:
        ratings_day = (
            file_date(self.files["title.ratings"]) if "title.ratings" in self.files else source.as_of
        )
        for staged in self.scratch.films():
            yield self._film(source.key, ratings_day, staged)

    def _film(self, key: str, ratings_day: date, staged: StagedTitle) -> Item:
        tconst, title, original = staged.tconst, staged.title, staged.original
        facts = [Fact("runtime_minutes", str(staged.runtime), key)] if staged.runtime else []
        facts += [Fact("genre", g, key) for g in staged.genres.split(",") if g]
        scores = []
        bad = list(staged.problems)
        rating = self.scratch.rating(tconst)
        if rating is not None:
            try:
                value = values.decimal(rating.average, "averageRating", 0.0, 10.0)
                votes = values.votes(rating.votes, "numVotes")
                scores.append(Score("IMDb", "average", value, key, ratings_day, scale=10.0, votes=votes))
            except BadValue as exc:
                bad.append(str(exc))
        names = {title.casefold(), original.casefold()}
        aliases: list[str] = []
        for alias in self.scratch.aliases(tconst):
            if (
                alias
                and alias != NULL
                and alias.casefold() not in names
                and len(aliases) < MAX_ALIASES
                and name_problem(alias) is None
            ):
                names.add(alias.casefold())
                aliases.append(alias)
        credits = []
        cast = 0
        for person in self.scratch.people(tconst):
            if name_problem(person.name) is not None:
                continue
            if person.category == "director":
                credits.append(Credit(person.name, "director", key))
            elif person.category in CAST_CATEGORIES and cast < MAX_CAST:
                cast += 1
                credits.append(Credit(person.name, "cast", key, _characters(person.characters)))
        film = ImportedFilm(
            title=title,
            year=staged.year,
            original_title=original if original and original != title else None,
            imdb_id=tconst,
            aliases=tuple(aliases),
            facts=tuple(facts),
            credits=tuple(credits),
            scores=tuple(scores),
        )
        problems = tuple(BadValue(*p.split(": ", 1)) for p in bad)
        return Item(staged.line, film, problems)


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
