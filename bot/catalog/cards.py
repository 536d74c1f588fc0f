"""Parse and validate film cards (``data/films/<slug>.toml``) into ``FilmData``.

Validation collects every problem in a card (file, field, what is wrong) instead of stopping at the first.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from bot.films.models import (
    CREDIT_ROLES,
    FACT_KEYS,
    SCORE_KINDS,
    Credit,
    Fact,
    FilmData,
    PlotSection,
    Score,
    Source,
)

SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
SOURCE_KEY = re.compile(r"^[a-z0-9][a-z0-9-]{0,39}$")
PARTIAL_DATE = re.compile(r"^\d{4}(?:-\d{2}(?:-\d{2})?)?$")
DATE_FACTS = ("premiere", "release_theatrical", "release_streaming")
SOURCE_KINDS = ("review", "article", "listing", "aggregator", "dataset", "official")
_TOP_LEVEL = {
    "slug",
    "title",
    "original_title",
    "year",
    "aliases",
    "imdb_id",
    "sources",
    "facts",
    "credits",
    "scores",
    "plot",
}


@dataclass(frozen=True, slots=True)
class CardProblem:
    file: str
    field: str
    message: str

    def __str__(self) -> str:
        return f"{self.file}: {self.field}: {self.message}"


class CardError(Exception):
    def __init__(self, problems: list[CardProblem]) -> None:
        super().__init__("; ".join(map(str, problems)))
        self.problems = problems


class _Checker:
    def __init__(self, file: str) -> None:
        self.file = file
        self.problems: list[CardProblem] = []

    def fail(self, field: str, message: str) -> None:
        self.problems.append(CardProblem(self.file, field, message))

    def text(
        self, table: dict[str, Any], key: str, where: str, *, required: bool = True, limit: int = 4000
    ) -> str | None:
        value = table.get(key)
        if value is None:
            if required:
                self.fail(f"{where}{key}", "is required")
            return None
        if not isinstance(value, str) or not value.strip():
            self.fail(f"{where}{key}", f"must be non-empty text, got {value!r}")
            return None
        if len(value) > limit:
            self.fail(f"{where}{key}", f"is {len(value)} characters; at most {limit}")
            return None
        return value.strip()

    def day(self, table: dict[str, Any], key: str, where: str) -> date | None:
        value = table.get(key)
        if isinstance(value, date):
            return value
        if isinstance(value, str):
            try:
                return date.fromisoformat(value)
            except ValueError:
                pass
        self.fail(f"{where}{key}", f"must be a date like 2025-09-19, got {value!r}")
        return None

    def sources(self, table: dict[str, Any], where: str, known: set[str]) -> list[str]:
        refs = table.get("sources")
        if not isinstance(refs, list) or not refs or not all(isinstance(r, str) for r in refs):
            self.fail(f"{where}sources", "must list at least one source id")
            return []
        unknown = [r for r in refs if r not in known]
        if unknown:
            self.fail(
                f"{where}sources",
                f"unknown source id(s) {', '.join(unknown)}; defined: {', '.join(sorted(known))}",
            )
            return []
        return list(dict.fromkeys(refs))


def parse_card(path: Path) -> FilmData:
    """Read one card; raises ``CardError`` listing every problem found."""
    name = path.name
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise CardError([CardProblem(name, "(file)", f"cannot be read: {exc}")]) from exc
    except tomllib.TOMLDecodeError as exc:
        raise CardError([CardProblem(name, "(file)", f"is not valid TOML: {exc}")]) from exc
    return card_from_mapping(raw, name, expected_slug=path.stem)


def card_from_mapping(raw: dict[str, Any], file: str, *, expected_slug: str | None = None) -> FilmData:
    check = _Checker(file)
    for key in sorted(set(raw) - _TOP_LEVEL):
        check.fail(key, f"is not a card field; known fields: {', '.join(sorted(_TOP_LEVEL))}")

    slug = check.text(raw, "slug", "", limit=100)
    if slug is not None and not SLUG.match(slug):
        check.fail("slug", f"{slug!r} must be lowercase words joined by '-', like '100-meters'")
    if slug is not None and expected_slug is not None and slug != expected_slug:
        check.fail("slug", f"{slug!r} must match the file name {expected_slug!r}.toml")
    title = check.text(raw, "title", "", limit=200)
    original_title = check.text(raw, "original_title", "", required=False, limit=200)
    year = raw.get("year")
    if year is not None and (not isinstance(year, int) or isinstance(year, bool) or not 1870 <= year <= 2100):
        check.fail("year", f"must be a year between 1870 and 2100, got {year!r}")
        year = None
    imdb_id = check.text(raw, "imdb_id", "", required=False, limit=20)
    if imdb_id is not None and not re.fullmatch(r"tt\d{7,10}", imdb_id):
        check.fail("imdb_id", f"{imdb_id!r} must look like tt1234567")
    aliases_raw = raw.get("aliases", [])
    aliases: list[str] = []
    if not isinstance(aliases_raw, list) or not all(isinstance(a, str) and a.strip() for a in aliases_raw):
        check.fail("aliases", "must be a list of non-empty names")
    else:
        aliases = list(dict.fromkeys(a.strip() for a in aliases_raw))

    sources = _sources(check, raw.get("sources", {}))
    known = {s.key for s in sources}
    facts = _facts(check, raw.get("facts", []), known)
    credits = _credits(check, raw.get("credits", []), known)
    by_key = {s.key: s for s in sources}
    scores = _scores(check, raw.get("scores", []), known, by_key)
    plot = _plot(check, raw.get("plot", []))

    if check.problems:
        raise CardError(check.problems)
    assert slug is not None and title is not None
    return FilmData(
        slug=slug,
        title=title,
        origin="card",
        year=year,
        original_title=original_title,
        imdb_id=imdb_id,
        aliases=tuple(aliases),
        sources=tuple(sources),
        facts=tuple(facts),
        credits=tuple(credits),
        scores=tuple(scores),
        plot=tuple(plot),
    )


_TABLE_FIELDS = {
    "facts": {"key", "value", "detail", "sources"},
    "credits": {"person", "role", "character", "sources"},
    "scores": {"name", "kind", "value", "scale", "votes", "as_of", "note", "sources"},
    "plot": {"phase", "level", "text"},
}


def _tables(check: _Checker, value: Any, name: str) -> list[tuple[str, dict[str, Any]]]:
    if not isinstance(value, list) or not all(isinstance(t, dict) for t in value):
        check.fail(name, f"must be an array of tables ([[{name}]])")
        return []
    allowed = _TABLE_FIELDS[name]
    for index, table in enumerate(value):
        for key in sorted(set(table) - allowed):
            check.fail(f"{name}[{index}].{key}", f"is not a field here; known: {', '.join(sorted(allowed))}")
    return [(f"{name}[{i}].", t) for i, t in enumerate(value)]


def _sources(check: _Checker, value: Any) -> list[Source]:
    if not isinstance(value, dict):
        check.fail("sources", "must be a table of [sources.<id>] tables")
        return []
    sources: list[Source] = []
    for key, table in value.items():
        where = f"sources.{key}."
        if not SOURCE_KEY.match(key):
            check.fail(f"sources.{key}", "source ids are lowercase letters, digits and '-'")
            continue
        if not isinstance(table, dict):
            check.fail(f"sources.{key}", "must be a table")
            continue
        title = check.text(table, "title", where, limit=300)
        kind = check.text(table, "kind", where, limit=20)
        if kind is not None and kind not in SOURCE_KINDS:
            check.fail(f"{where}kind", f"{kind!r} is not one of {', '.join(SOURCE_KINDS)}")
        as_of = check.day(table, "as_of", where)
        if title and kind in SOURCE_KINDS and as_of:
            sources.append(
                Source(
                    key=key,
                    title=title,
                    kind=kind,
                    as_of=as_of,
                    publisher=check.text(table, "publisher", where, required=False, limit=200),
                    url=check.text(table, "url", where, required=False, limit=500),
                    file=check.text(table, "file", where, required=False, limit=200),
                )
            )
    return sources


def _facts(check: _Checker, value: Any, known: set[str]) -> list[Fact]:
    facts: list[Fact] = []
    for where, table in _tables(check, value, "facts"):
        key = check.text(table, "key", where, limit=40)
        if key is not None and key not in FACT_KEYS:
            check.fail(f"{where}key", f"{key!r} is not a known fact; known: {', '.join(FACT_KEYS)}")
            continue
        raw_value = table.get("value")
        text: str | None
        if key == "runtime_minutes":
            if not isinstance(raw_value, int) or isinstance(raw_value, bool) or not 1 <= raw_value <= 6000:
                check.fail(f"{where}value", f"a runtime is whole minutes (1–6000), got {raw_value!r}")
                continue
            text = str(raw_value)
        else:
            text = check.text(table, "value", where, limit=500)
        if key in DATE_FACTS and text is not None and not PARTIAL_DATE.match(text):
            check.fail(f"{where}value", f"a date is YYYY, YYYY-MM or YYYY-MM-DD, got {text!r}")
            continue
        detail = check.text(table, "detail", where, required=False, limit=200)
        refs = check.sources(table, where, known)
        if key and text:
            facts.extend(Fact(key=key, value=text, detail=detail, source=ref) for ref in refs)
    return facts


def _credits(check: _Checker, value: Any, known: set[str]) -> list[Credit]:
    credits: list[Credit] = []
    for where, table in _tables(check, value, "credits"):
        person = check.text(table, "person", where, limit=200)
        role = check.text(table, "role", where, limit=40)
        if role is not None and role not in CREDIT_ROLES:
            check.fail(f"{where}role", f"{role!r} is not a known role; known: {', '.join(CREDIT_ROLES)}")
            continue
        character = check.text(table, "character", where, required=False, limit=200)
        refs = check.sources(table, where, known)
        if person and role:
            credits.extend(Credit(person=person, role=role, character=character, source=ref) for ref in refs)
    return credits


def _scores(check: _Checker, value: Any, known: set[str], sources: dict[str, Source]) -> list[Score]:
    scores: list[Score] = []
    for where, table in _tables(check, value, "scores"):
        name = check.text(table, "name", where, limit=100)
        kind = check.text(table, "kind", where, limit=20)
        if kind is not None and kind not in SCORE_KINDS:
            check.fail(
                f"{where}kind", f"{kind!r} must be 'average' (a mean rating) or 'approval' (a percentage)"
            )
            continue
        number = table.get("value")
        scale = table.get("scale")
        if not isinstance(number, int | float) or isinstance(number, bool):
            check.fail(f"{where}value", f"must be a number, got {number!r}")
            continue
        if kind == "average":
            if not isinstance(scale, int | float) or isinstance(scale, bool) or scale <= 0:
                check.fail(f"{where}scale", "an average needs its scale (10 for /10, 5 for /5, 100 for /100)")
                continue
            if not 0 <= number <= scale:
                check.fail(f"{where}value", f"{number} is outside the scale 0–{scale}")
                continue
        elif kind == "approval":
            if scale is not None:
                check.fail(f"{where}scale", "an approval percentage has no scale")
                continue
            if not 0 <= number <= 100:
                check.fail(f"{where}value", f"a percentage is 0–100, got {number}")
                continue
        votes = table.get("votes")
        if votes is not None and (not isinstance(votes, int) or isinstance(votes, bool) or votes < 0):
            check.fail(f"{where}votes", f"must be a whole number of votes, got {votes!r}")
            continue
        note = check.text(table, "note", where, required=False, limit=300)
        as_of = check.day(table, "as_of", where) if "as_of" in table else None
        refs = check.sources(table, where, known)
        if name and kind and refs:
            scores.extend(
                Score(
                    name=name,
                    kind=kind,
                    value=float(number),
                    scale=float(scale) if kind == "average" and scale is not None else None,
                    votes=votes,
                    note=note,
                    as_of=as_of or sources[ref].as_of,
                    source=ref,
                )
                for ref in refs
            )
    return scores


def _plot(check: _Checker, value: Any) -> list[PlotSection]:
    sections: list[PlotSection] = []
    for index, (where, table) in enumerate(_tables(check, value, "plot")):
        phase = check.text(table, "phase", where, limit=80)
        text = check.text(table, "text", where, limit=8000)
        level = table.get("level")
        if not isinstance(level, int) or isinstance(level, bool) or level < 0:
            check.fail(f"{where}level", f"must be a whole number ≥ 0 (0 = premise), got {level!r}")
            continue
        if sections and level < sections[-1].spoiler_level:
            check.fail(
                f"{where}level",
                "plot sections go in story order: a level may not be lower than the one before",
            )
        if phase and text:
            sections.append(PlotSection(position=index, phase=phase, spoiler_level=level, text=text))
    return sections
