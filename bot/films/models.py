"""Plain records for films, as the store returns them and the catalog writes them."""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field, replace
from datetime import date
from typing import Literal

# Roles a credit can have, in the order a card shows them.
CREDIT_ROLES = (
    "director",
    "original_creator",
    "screenplay",
    "producer",
    "composer",
    "cinematographer",
    "editor",
    "character_designer",
    "voice",
    "cast",
)
# Fact keys a card may carry.
FACT_KEYS = (
    "source_work",
    "source_format",
    "source_years",
    "studio",
    "production_company",
    "distributor",
    "premiere",
    "release",
    "release_theatrical",
    "release_streaming",
    "runtime_minutes",
    "genre",
    "technique",
    "tagline",
    "box_office",
    "budget",
    "country",
    "language",
    "award",
)
SCORE_KINDS = ("average", "approval")
# What writing a card did to its film.
UpsertOutcome = Literal["added", "updated", "unchanged"]


@dataclass(frozen=True, slots=True)
class Source:
    """A document or dataset a film's values cite. ``as_of`` is the date it was published (``dated``) or,
    when it gives no date of its own (``dated`` false), the day it was retrieved."""

    key: str
    title: str
    kind: str
    as_of: date
    publisher: str | None = None
    url: str | None = None
    file: str | None = None
    dated: bool = True
    licence: str | None = None


@dataclass(frozen=True, slots=True)
class Fact:
    key: str
    value: str
    source: str
    detail: str | None = None


@dataclass(frozen=True, slots=True)
class Credit:
    person: str
    role: str
    source: str
    character: str | None = None


@dataclass(frozen=True, slots=True)
class Score:
    """An outside score on its own scale: an ``average`` out of ``scale``, or an ``approval`` percentage."""

    name: str
    kind: str
    value: float
    source: str
    as_of: date
    scale: float | None = None
    votes: int | None = None
    note: str | None = None
    dated: bool = True  # False: the document gives no date for it; ``as_of`` is then only when it was read
    site_named: bool = True  # False: the document does not say which site it comes from


@dataclass(frozen=True, slots=True)
class PlotSection:
    position: int
    phase: str
    spoiler_level: int
    text: str


@dataclass(frozen=True, slots=True)
class FilmData:
    """Everything known about one film, ready to be written to the store (from a card or an import)."""

    slug: str
    title: str
    origin: str
    year: int | None = None
    original_title: str | None = None
    imdb_id: str | None = None
    aliases: tuple[str, ...] = ()
    sources: tuple[Source, ...] = ()
    facts: tuple[Fact, ...] = ()
    credits: tuple[Credit, ...] = ()
    scores: tuple[Score, ...] = ()
    plot: tuple[PlotSection, ...] = ()

    def content_hash(self) -> str:
        blob = json.dumps(asdict(self), sort_keys=True, default=str, ensure_ascii=False)
        return hashlib.sha256(blob.encode()).hexdigest()


@dataclass(frozen=True, slots=True)
class ImportedFilm:
    """One film read from a dataset; its facts, credits and scores cite the import's source key."""

    title: str
    year: int | None = None
    original_title: str | None = None
    imdb_id: str | None = None
    aliases: tuple[str, ...] = ()
    facts: tuple[Fact, ...] = ()
    credits: tuple[Credit, ...] = ()
    scores: tuple[Score, ...] = ()

    def content_hash(self, source: Source) -> str:
        """A digest of everything written for this film from ``source`` (built by hand: ``asdict`` is
        the slowest part of a 100,000-film import)."""
        blob = json.dumps(
            [
                self.title,
                self.year,
                self.original_title,
                self.imdb_id,
                self.aliases,
                [(f.key, f.value, f.detail) for f in self.facts],
                [(c.person, c.role, c.character) for c in self.credits],
                [(s.name, s.kind, s.value, s.scale, s.votes, s.as_of.isoformat(), s.note, s.dated, s.site_named)
                 for s in self.scores],
                [source.key, source.title, source.kind, source.as_of.isoformat(), source.publisher, source.url,
                 source.file, source.dated, source.licence],
            ],
            ensure_ascii=False,
        )  # fmt: skip
        return hashlib.sha256(blob.encode()).hexdigest()


@dataclass(frozen=True, slots=True)
class FilmSummary:
    """A film's identity: enough to list, match and link it."""

    id: int
    slug: str
    title: str
    year: int | None
    original_title: str | None = None
    aliases: tuple[str, ...] = field(default=())

    @property
    def label(self) -> str:
        return f"{self.title} ({self.year})" if self.year else self.title


@dataclass(frozen=True, slots=True)
class WordGroup:
    """One word of a title search as the word index is asked for it: a name must hold one of ``terms``,
    or a word starting with ``prefix``. ``docs`` is how many names hold one of them (rarest asked first)."""

    terms: tuple[str, ...]
    prefix: str | None = None
    docs: int = 0


@dataclass(frozen=True, slots=True)
class NameHit:
    """One of a film's normalized names that a title search fetched, to be scored against the query."""

    film: FilmSummary
    name: str
    votes: int  # the film's largest rating vote count


@dataclass(frozen=True, slots=True)
class Film:
    """A film with everything the store holds about it."""

    summary: FilmSummary
    origin: str
    imdb_id: str | None
    sources: tuple[Source, ...]
    facts: tuple[Fact, ...]
    credits: tuple[Credit, ...]
    scores: tuple[Score, ...]
    plot: tuple[PlotSection, ...]

    @property
    def id(self) -> int:
        return self.summary.id

    @property
    def slug(self) -> str:
        return self.summary.slug

    @property
    def title(self) -> str:
        return self.summary.title

    @property
    def year(self) -> int | None:
        return self.summary.year


def merge_imported(film: Film, imported: set[str]) -> Film:
    """A curated card wins field by field: imported rows (their source in ``imported``) only fill the fact
    keys, credit roles and score names the film's own sources lack. Imported sources left citing nothing
    are dropped. Applied when reading, so the order of card loads and imports never matters."""
    own_facts = {f.key for f in film.facts if f.source not in imported}
    own_roles = {"cast" if c.role == "voice" else c.role for c in film.credits if c.source not in imported}
    own_scores = {s.name.casefold() for s in film.scores if s.source not in imported}
    facts = tuple(f for f in film.facts if f.source not in imported or f.key not in own_facts)
    credits = tuple(
        c
        for c in film.credits
        if c.source not in imported or ("cast" if c.role == "voice" else c.role) not in own_roles
    )
    scores = tuple(s for s in film.scores if s.source not in imported or s.name.casefold() not in own_scores)
    cited = {f.source for f in facts} | {c.source for c in credits} | {s.source for s in scores}
    sources = tuple(s for s in film.sources if s.key not in imported or s.key in cited)
    return replace(film, facts=facts, credits=credits, scores=scores, sources=sources)


@dataclass(frozen=True, slots=True)
class CardClash:
    """A card the store would not write: another film already holds its slug or its IMDb id."""

    field: str  # the card field that clashes: "slug" or "imdb_id"
    reason: str


@dataclass(frozen=True, slots=True)
class DeleteRefused:
    """A film the store kept: member data still refers to it."""

    slug: str
    reason: str
