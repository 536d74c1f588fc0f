"""The fact card: what ``/film`` shows, grouped and numbered so every value points at its sources."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from bot.films.models import Film

_MONTHS = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip
RELEASE_LABELS = {
    "premiere": "Premiere",
    "release": "",  # a release that does not say how (Wikidata's publication date): the date alone
    "release_theatrical": "Theaters",
    "release_streaming": "Streaming",
}


@dataclass(frozen=True, slots=True)
class Detail:
    """A qualifier of a value (a country, a character, a scope) and only the sources that state it."""

    text: str
    refs: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class Cited:
    """A value and the numbers of the sources behind it (1-based, as listed on the card).

    ``refs`` are the sources that state the value; each detail carries its own sources, never pooled:
    a detail only one source gives is cited to that source alone."""

    text: str
    refs: tuple[int, ...]
    details: tuple[Detail, ...] = ()


@dataclass(frozen=True, slots=True)
class CastMember:
    """A performer, the sources that credit them, and each character with the sources that name it."""

    person: str
    characters: tuple[Detail, ...]
    refs: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class SourceRef:
    number: int
    title: str
    kind: str
    as_of: date
    publisher: str | None = None
    url: str | None = None
    dated: bool = True  # False: the document gives no date; ``as_of`` is the day it was retrieved
    licence: str | None = None


@dataclass(frozen=True, slots=True)
class FilmCard:
    slug: str
    title: str
    year: int | None
    original_title: str | None
    origin: str
    premise: str | None
    has_plot: bool
    directors: tuple[Cited, ...]
    source_work: tuple[Cited, ...]
    source_creators: tuple[Cited, ...]
    source_details: tuple[Cited, ...]
    studios: tuple[Cited, ...]
    production: tuple[Cited, ...]
    distributors: tuple[Cited, ...]
    runtimes: tuple[Cited, ...]
    releases: tuple[Cited, ...]
    genres: tuple[Cited, ...]
    cast: tuple[CastMember, ...]
    music: tuple[Cited, ...]
    character_design: tuple[Cited, ...]
    technique: tuple[Cited, ...]
    tagline: tuple[Cited, ...]
    box_office: tuple[Cited, ...]
    sources: tuple[SourceRef, ...]
    screenplay: tuple[Cited, ...] = ()
    cinematography: tuple[Cited, ...] = ()
    editing: tuple[Cited, ...] = ()
    countries: tuple[Cited, ...] = ()
    languages: tuple[Cited, ...] = ()
    budget: tuple[Cited, ...] = ()

    @property
    def label(self) -> str:
        return f"{self.title} ({self.year})" if self.year else self.title

    @property
    def runtime_disagrees(self) -> bool:
        return len(self.runtimes) > 1


def format_partial_date(value: str) -> str:
    """'2025' -> '2025', '2025-09' -> 'September 2025', '2025-12-31' -> '31 December 2025'."""
    parts = value.split("-")
    try:
        if len(parts) == 2:
            return f"{_MONTHS[int(parts[1]) - 1]} {parts[0]}"
        if len(parts) == 3:
            return f"{int(parts[2])} {_MONTHS[int(parts[1]) - 1]} {parts[0]}"
    except (ValueError, IndexError):
        pass
    return value


def _release(key: str, value: str) -> str:
    """ "Theaters: 19 September 2025", or the date alone for a release that does not say how."""
    label = RELEASE_LABELS[key]
    return f"{label}: {format_partial_date(value)}" if label else format_partial_date(value)


def build_card(film: Film) -> FilmCard:
    """Group a film's cited rows into the card: one value per line, its source numbers beside it."""
    numbers = {source.key: index for index, source in enumerate(film.sources, start=1)}

    def cite(rows: Iterable[tuple[str, str | None, str]]) -> tuple[Cited, ...]:
        return _cite(rows, numbers)

    def facts(*keys: str) -> tuple[Cited, ...]:
        return cite((f.value, f.detail, f.source) for f in film.facts if f.key in keys)

    def people(role: str) -> tuple[Cited, ...]:
        return cite((c.person, c.character, c.source) for c in film.credits if c.role == role)

    releases = cite(
        (_release(f.key, f.value), f.detail, f.source)
        for f in sorted(
            (f for f in film.facts if f.key in RELEASE_LABELS),
            key=lambda f: (f.value, list(RELEASE_LABELS).index(f.key)),
        )
    )
    premise = next((p.text for p in film.plot if p.spoiler_level == 0), None)
    return FilmCard(
        slug=film.slug,
        title=film.title,
        year=film.year,
        original_title=film.summary.original_title,
        origin=film.origin,
        premise=premise,
        has_plot=bool(film.plot),
        directors=people("director"),
        source_work=facts("source_work"),
        source_creators=people("original_creator"),
        source_details=facts("source_format", "source_years"),
        studios=facts("studio"),
        production=facts("production_company"),
        distributors=facts("distributor"),
        runtimes=cite(
            (f"{f.value} min", f.detail, f.source) for f in film.facts if f.key == "runtime_minutes"
        ),
        releases=releases,
        genres=facts("genre"),
        cast=_cast(film, numbers),
        music=people("composer"),
        character_design=people("character_designer"),
        technique=facts("technique"),
        tagline=facts("tagline"),
        box_office=facts("box_office"),
        screenplay=people("screenplay"),
        cinematography=people("cinematographer"),
        editing=people("editor"),
        countries=facts("country"),
        languages=facts("language"),
        budget=facts("budget"),
        sources=tuple(
            SourceRef(numbers[s.key], s.title, s.kind, s.as_of, s.publisher, s.url, s.dated, s.licence)
            for s in film.sources
        ),
    )


def _cite(rows: Iterable[tuple[str, str | None, str]], numbers: dict[str, int]) -> tuple[Cited, ...]:
    """Rows of (text, detail, source key) grouped by text: the value cites every source that states it,
    and each detail cites only the sources that give that detail."""
    grouped: dict[str, tuple[list[int], dict[str, list[int]]]] = {}
    for text, detail, source in rows:
        refs, details = grouped.setdefault(text, ([], {}))
        _add(refs, numbers[source])
        if detail:
            _add(details.setdefault(detail, []), numbers[source])
    return tuple(
        Cited(text, tuple(sorted(refs)), _details(details)) for text, (refs, details) in grouped.items()
    )


def _add(refs: list[int], number: int) -> None:
    if number not in refs:
        refs.append(number)


def _details(details: dict[str, list[int]]) -> tuple[Detail, ...]:
    return tuple(Detail(text, tuple(sorted(refs))) for text, refs in details.items())


def _cast(film: Film, numbers: dict[str, int]) -> tuple[CastMember, ...]:
    """Voice and cast credits, one line per person; each character cites only the sources that name it."""
    cast: dict[str, tuple[dict[str, list[int]], list[int]]] = {}
    for credit in film.credits:
        if credit.role in ("voice", "cast"):
            characters, refs = cast.setdefault(credit.person, ({}, []))
            _add(refs, numbers[credit.source])
            if credit.character:
                _add(characters.setdefault(credit.character, []), numbers[credit.source])
    return tuple(CastMember(p, _details(ch), tuple(sorted(r))) for p, (ch, r) in cast.items())
