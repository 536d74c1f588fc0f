"""Parse and validate film cards (``data/films/<slug>.toml``) into ``FilmData``.

Validation collects every problem in a card (file, field, what is wrong) instead of stopping at the first.
Every field is checked for its type, its range and its length (``bot.catalog.card_fields``), so a card
``filmbot films check`` accepts is one every view can show within Discord's limits.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Sized
from datetime import date
from pathlib import Path
from typing import Any, cast

from bot.catalog import values
from bot.catalog.card_fields import CardProblem, FieldChecker
from bot.catalog.values import BadValue
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

__all__ = ["CardError", "CardProblem", "card_from_mapping", "parse_card"]

SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
SOURCE_KEY = re.compile(r"[a-z0-9][a-z0-9-]{0,39}")
# Source ids the importers give their own rows on a film (``imdb-datasets``, ``import-<file name>``).
RESERVED_SOURCE = re.compile(r"imdb-datasets|import-.*")
NAMED = re.compile(r"[^\W_]")  # a letter or a digit, in any script
URL = re.compile(r"https?://[^\s<>\"]+", re.IGNORECASE)
DATE_FACTS = ("premiere", "release_theatrical", "release_streaming")
SOURCE_KINDS = ("review", "article", "listing", "aggregator", "dataset", "official")
# The largest card we show: each bound keeps every view within Discord's limits and the file small.
MAX_CARD_BYTES = 1 << 20
MAX_SOURCES = 50
MAX_ALIASES = 50
MAX_ROWS = 500  # facts, and credits
MAX_SCORES = 50
MAX_PLOT_SECTIONS = 50
MAX_PLOT_TEXT = 8000  # one section
MAX_PLOT_TOTAL = 40_000  # every section together: a few messages, not a flood
MAX_SPOILER_LEVEL = 99
MAX_SCALE = 1000
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
_TABLE_FIELDS = {
    "facts": {"key", "value", "detail", "sources"},
    "credits": {"person", "role", "character", "sources"},
    "scores": {"name", "kind", "value", "scale", "votes", "as_of", "note", "site_named", "sources"},
    "plot": {"phase", "level", "text"},
}
_TABLE_LIMITS = {"facts": MAX_ROWS, "credits": MAX_ROWS, "scores": MAX_SCORES, "plot": MAX_PLOT_SECTIONS}


class CardError(Exception):
    def __init__(self, problems: list[CardProblem]) -> None:
        super().__init__("; ".join(map(str, problems)))
        self.problems = problems


def parse_card(path: Path) -> FilmData:
    """Read one card; raises ``CardError`` listing every problem found."""
    name = path.name
    try:
        size = path.stat().st_size
        if size > MAX_CARD_BYTES:
            raise CardError(
                [CardProblem(name, "(file)", f"is {size:,} bytes; a card is at most {MAX_CARD_BYTES:,}")]
            )
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise CardError([CardProblem(name, "(file)", f"cannot be read: {exc}")]) from exc
    except tomllib.TOMLDecodeError as exc:
        raise CardError([CardProblem(name, "(file)", f"is not valid TOML: {exc}")]) from exc
    return card_from_mapping(raw, name, expected_slug=path.stem)


def card_from_mapping(raw: dict[str, Any], file: str, *, expected_slug: str | None = None) -> FilmData:
    check = FieldChecker(file)
    for key in sorted(set(raw) - _TOP_LEVEL):
        check.fail(key[:40], f"is not a card field; known fields: {', '.join(sorted(_TOP_LEVEL))}")

    slug = check.text(raw, "slug", "", limit=100)
    if slug is not None and not SLUG.fullmatch(slug):
        check.fail("slug", f"{slug!r} must be lowercase words joined by '-', like '100-meters'")
    if slug is not None and expected_slug is not None and slug != expected_slug:
        check.fail("slug", f"{slug!r} must match the file name {expected_slug!r}.toml")
    title = check.text(raw, "title", "")
    original_title = check.text(raw, "original_title", "", required=False)
    year = check.whole(raw, "year", "", values.MIN_YEAR, values.MAX_YEAR, "a year") if "year" in raw else None
    imdb_id = _imdb_id(check, raw)
    aliases = _aliases(check, raw.get("aliases", []))
    sources = _sources(check, raw.get("sources", {}))
    known = {s.key for s in sources}
    facts = _facts(check, raw.get("facts", []), known)
    credits = _credits(check, raw.get("credits", []), known)
    scores = _scores(check, raw.get("scores", []), known, {s.key: s for s in sources})
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


def _imdb_id(check: FieldChecker, raw: dict[str, Any]) -> str | None:
    text = check.text(raw, "imdb_id", "", required=False, limit=20)
    if text is None:
        return None
    try:
        return values.imdb_id(text)
    except BadValue:
        check.fail("imdb_id", f"{text!r} must look like tt1234567")
        return None


def _sized(check: FieldChecker, value: Any, field: str, kind: type, shape: str, limit: int) -> bool:
    """Whether ``value`` is a ``kind`` (a list, a table) of at most ``limit`` entries; else the problem."""
    if not isinstance(value, kind):
        check.fail(field, f"must be {shape}")
        return False
    count = len(cast(Sized, value))
    if count > limit:
        check.fail(field, f"has {count} entries; at most {limit}")
        return False
    return True


def _aliases(check: FieldChecker, value: Any) -> list[str]:
    if not _sized(check, value, "aliases", list, 'a list of names, like ["Hyakuemu"]', MAX_ALIASES):
        return []
    names = [check.text({"": a}, "", f"aliases[{i}]") for i, a in enumerate(value)]
    return list(dict.fromkeys(n for n in names if n is not None))


def _tables(check: FieldChecker, value: Any, name: str) -> list[tuple[str, dict[str, Any]]]:
    shape = f"an array of tables ([[{name}]])"
    if not _sized(check, value, name, list, shape, _TABLE_LIMITS[name]):
        return []
    if not all(isinstance(t, dict) for t in value):
        check.fail(name, f"must be {shape}")
        return []
    allowed = _TABLE_FIELDS[name]
    for index, table in enumerate(value):
        for key in sorted(set(table) - allowed):
            check.fail(
                f"{name}[{index}].{key[:40]}", f"is not a field here; known: {', '.join(sorted(allowed))}"
            )
    return [(f"{name}[{i}].", t) for i, t in enumerate(value)]


def _sources(check: FieldChecker, value: Any) -> list[Source]:
    if not _sized(check, value, "sources", dict, "a table of [sources.<id>] tables", MAX_SOURCES):
        return []
    sources: list[Source] = []
    for key, table in value.items():
        where = f"sources.{key[:40]}."
        if not SOURCE_KEY.fullmatch(key):
            check.fail(where[:-1], "source ids are lowercase letters, digits and '-', at most 40")
            continue
        if RESERVED_SOURCE.fullmatch(key):
            check.fail(where[:-1], "ids 'imdb-datasets' and 'import-…' are the importers' own; pick another")
            continue
        if not isinstance(table, dict):
            check.fail(where[:-1], "must be a table")
            continue
        title = check.text(table, "title", where)
        kind = check.text(table, "kind", where, limit=20)
        if kind is not None and kind not in SOURCE_KINDS:
            check.fail(f"{where}kind", f"{kind!r} is not one of {', '.join(SOURCE_KINDS)}")
        as_of, dated = _source_date(check, table, where)
        url = check.text(table, "url", where, required=False, limit=500)
        if url is not None and not URL.fullmatch(url):
            check.fail(f"{where}url", "must be a web address starting with https:// (no spaces)")
        publisher = check.text(table, "publisher", where, required=False, limit=200)
        file = check.text(table, "file", where, required=False, limit=200)
        licence = check.text(table, "licence", where, required=False, limit=100)
        if title and kind in SOURCE_KINDS and as_of:
            sources.append(
                Source(key, title, kind, as_of, publisher, url, file, dated=dated, licence=licence)
            )
    return sources


def _source_date(check: FieldChecker, table: dict[str, Any], where: str) -> tuple[date | None, bool]:
    """A source's date: ``as_of``, the day it was published, or, for a document that gives no date of its
    own, ``retrieved``, the day it was read (then it is shown as undated). Exactly one of the two."""
    if "as_of" in table and "retrieved" in table:
        check.fail(f"{where}retrieved", "give as_of (published) or retrieved (an undated source), not both")
        return None, True
    if "retrieved" in table:
        return check.day(table, "retrieved", where), False
    return check.day(table, "as_of", where), True


def _fact_value(check: FieldChecker, table: dict[str, Any], key: str | None, where: str) -> str | None:
    if key == "runtime_minutes":
        minutes = check.whole(table, "value", where, 1, values.MAX_RUNTIME, "whole minutes")
        return None if minutes is None else str(minutes)
    text = check.text(table, "value", where, limit=500)
    if key in DATE_FACTS and text is not None:
        return check.partial_date(text, f"{where}value")
    return text


def _facts(check: FieldChecker, value: Any, known: set[str]) -> list[Fact]:
    facts: list[Fact] = []
    for where, table in _tables(check, value, "facts"):
        key = check.text(table, "key", where, limit=40)
        if key is not None and key not in FACT_KEYS:
            check.fail(f"{where}key", f"{key!r} is not a known fact; known: {', '.join(FACT_KEYS)}")
            continue
        text = _fact_value(check, table, key, where)
        detail = check.text(table, "detail", where, required=False)
        refs = check.sources(table, where, known)
        if key and text:
            facts.extend(Fact(key=key, value=text, detail=detail, source=ref) for ref in refs)
    return facts


def _credits(check: FieldChecker, value: Any, known: set[str]) -> list[Credit]:
    credits: list[Credit] = []
    for where, table in _tables(check, value, "credits"):
        person = check.text(table, "person", where)
        role = check.text(table, "role", where, limit=40)
        if role is not None and role not in CREDIT_ROLES:
            check.fail(f"{where}role", f"{role!r} is not a known role; known: {', '.join(CREDIT_ROLES)}")
            continue
        character = check.text(table, "character", where, required=False)
        refs = check.sources(table, where, known)
        if person and role:
            credits.extend(Credit(person=person, role=role, character=character, source=ref) for ref in refs)
    return credits


def _score_value(
    check: FieldChecker, table: dict[str, Any], kind: str | None, where: str
) -> tuple[float | None, float | None]:
    """The score's value and scale: an average within its scale, an approval a percentage without one."""
    if kind == "average":
        if "scale" not in table:
            check.fail(f"{where}scale", "an average needs its scale (10 for /10, 5 for /5, 100 for /100)")
            return None, None
        scale = check.number(table, "scale", where, 1, MAX_SCALE)
        if scale is None:
            return None, None
        return check.number(table, "value", where, 0, scale), scale
    if kind == "approval":
        if "scale" in table:
            check.fail(f"{where}scale", "an approval percentage has no scale")
            return None, None
        return check.number(table, "value", where, 0, 100), None
    return None, None


def _scores(check: FieldChecker, value: Any, known: set[str], sources: dict[str, Source]) -> list[Score]:
    scores: list[Score] = []
    for where, table in _tables(check, value, "scores"):
        name = check.text(table, "name", where, limit=100)
        kind = check.text(table, "kind", where, limit=20)
        if kind is not None and kind not in SCORE_KINDS:
            check.fail(
                f"{where}kind", f"{kind!r} must be 'average' (a mean rating) or 'approval' (a percentage)"
            )
            continue
        number, scale = _score_value(check, table, kind, where)
        votes = (
            check.whole(table, "votes", where, 0, values.MAX_VOTES, "a whole number of votes")
            if "votes" in table
            else None
        )
        note = check.text(table, "note", where, required=False)
        site_named = table.get("site_named", True)
        if not isinstance(site_named, bool):
            check.fail(f"{where}site_named", "must be true or false (false: the document names no site)")
        as_of = check.day(table, "as_of", where) if "as_of" in table else None
        refs = check.sources(table, where, known)
        if name and kind and number is not None:
            scores.extend(
                Score(
                    name=name,
                    kind=kind,
                    value=number,
                    scale=scale,
                    votes=votes,
                    note=note,
                    as_of=as_of or sources[ref].as_of,
                    source=ref,
                    dated=as_of is not None or sources[ref].dated,
                    site_named=site_named is not False,
                )
                for ref in refs
            )
    return scores


def _plot(check: FieldChecker, value: Any) -> list[PlotSection]:
    sections: list[PlotSection] = []
    total = 0
    for index, (where, table) in enumerate(_tables(check, value, "plot")):
        phase = check.text(table, "phase", where, limit=80)
        if phase is not None and not NAMED.search(phase):
            check.fail(f"{where}phase", "must hold a letter or digit: members pick a phase by its name")
        text = check.text(table, "text", where, limit=MAX_PLOT_TEXT, multiline=True)
        level = check.whole(table, "level", where, 0, MAX_SPOILER_LEVEL, "a spoiler level (0 = premise)")
        if level is None:
            continue
        if sections and level < sections[-1].spoiler_level:
            check.fail(
                f"{where}level",
                "plot sections go in story order: a level may not be lower than the one before",
            )
        total += len(text or "")
        if phase and text:
            sections.append(PlotSection(position=index, phase=phase, spoiler_level=level, text=text))
    if total > MAX_PLOT_TOTAL:
        check.fail("plot", f"holds {total:,} characters of text; at most {MAX_PLOT_TOTAL:,} in all")
    return sections
