"""Plain records for films, as the store returns them and the catalog writes them."""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field
from datetime import date

# Roles a credit can have, in the order a card shows them.
CREDIT_ROLES = (
    "director",
    "original_creator",
    "screenplay",
    "producer",
    "composer",
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
    "release_theatrical",
    "release_streaming",
    "runtime_minutes",
    "genre",
    "technique",
    "tagline",
    "box_office",
    "country",
    "language",
    "award",
)
SCORE_KINDS = ("average", "approval")


@dataclass(frozen=True, slots=True)
class Source:
    key: str
    title: str
    kind: str
    as_of: date
    publisher: str | None = None
    url: str | None = None
    file: str | None = None


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
