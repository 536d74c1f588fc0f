"""Records of online enrichment: what a provider is asked about (``FilmRef``) and what it found
(``ProviderResult``), and what the store keeps of each fetch (``Enrichment``).

Facts, credits, scores and plot sections are the film catalog's own records (``bot.films.models``), each
citing a ``Source`` by key, so enriched values are shown, cited and merged exactly like a card's.
"""

from __future__ import annotations

from dataclasses import dataclass, fields, replace
from datetime import datetime
from typing import Literal

from bot.films.models import Credit, Fact, PlotSection, Score, Source

# What a provider's fetch came to: ``ok`` (found and read), ``missing`` (the provider has no entry for the
# film: not a failure, nothing to retry soon), ``failed`` (down, slow, malformed: ``problems`` says why).
EnrichStatus = Literal["ok", "missing", "failed"]


@dataclass(frozen=True, slots=True)
class ExternalIds:
    """A film's identifiers on other sites, as far as they are known (None: not known)."""

    wikidata: str | None = None  # a Wikidata item id, "Q…"
    imdb: str | None = None  # "tt…"
    tmdb: str | None = None  # TMDB's movie id (P4947)
    enwiki: str | None = None  # the English Wikipedia article's title (the item's enwiki sitelink)
    letterboxd: str | None = None  # Letterboxd's film slug (P6127)
    rotten_tomatoes: str | None = None  # "m/…" (P1258)
    metacritic: str | None = None  # "movie/…" (P1712)

    def merged(self, other: ExternalIds) -> ExternalIds:
        """These ids, each one missing here taken from ``other``."""
        return replace(
            self,
            **{f.name: getattr(self, f.name) or getattr(other, f.name) for f in fields(ExternalIds)},
        )

    def as_dict(self) -> dict[str, str]:
        """The known ids by name (for storing); ``from_dict`` reads it back, ignoring names it lacks."""
        return {f.name: value for f in fields(ExternalIds) if (value := getattr(self, f.name))}

    @classmethod
    def from_dict(cls, data: dict[str, object]) -> ExternalIds:
        names = {f.name for f in fields(ExternalIds)}
        return cls(**{k: str(v) for k, v in data.items() if k in names and isinstance(v, str) and v})


@dataclass(frozen=True, slots=True)
class FilmRef:
    """The film a provider is asked about. ``film_id`` is None for a film not in the catalog yet (found by
    an online search); ``ids`` holds every identifier known so far (the IMDb id included)."""

    film_id: int | None
    title: str
    year: int | None = None
    ids: ExternalIds = ExternalIds()

    @property
    def imdb_id(self) -> str | None:
        return self.ids.imdb


@dataclass(frozen=True, slots=True)
class WatchOption:
    """Where a film can be watched in one country (TMDB's watch providers, data by JustWatch)."""

    country: str  # ISO 3166-1 alpha-2, upper case
    kind: str  # "flatrate" (subscription), "free", "ads", "rent" or "buy"
    service: str  # the service's name, as TMDB gives it
    url: str | None = None  # TMDB's watch page for the film in that country
    source: str = ""  # the key of the Source that states it


@dataclass(frozen=True, slots=True)
class ProviderResult:
    """Everything one provider found about one film, every value citing one of ``sources`` by key.

    ``problems`` are plain sentences saying what could not be fetched ("Wikidata did not answer within
    8 s"); a result may carry values and problems both (the item was read, the labels of its people not).
    """

    provider: str
    status: EnrichStatus = "ok"
    sources: tuple[Source, ...] = ()
    facts: tuple[Fact, ...] = ()
    credits: tuple[Credit, ...] = ()
    scores: tuple[Score, ...] = ()
    ids: ExternalIds = ExternalIds()
    title: str | None = None  # the film's title as the provider names it (English label, TMDB title)
    year: int | None = None  # the year of its first release, as the provider gives it
    premise: str | None = None  # spoiler-free by design only (TMDB's overview), never cut from plot text
    premise_source: str | None = None  # the key of the Source the premise cites
    plot: tuple[PlotSection, ...] = ()
    plot_source: str | None = None  # the key of the Source the plot sections cite
    poster_url: str | None = None
    watch: tuple[WatchOption, ...] = ()
    problems: tuple[str, ...] = ()

    @classmethod
    def failed(cls, provider: str, problem: str) -> ProviderResult:
        return cls(provider=provider, status="failed", problems=(problem,))

    @classmethod
    def missing(cls, provider: str, problem: str) -> ProviderResult:
        """The provider has no entry for the film; ``problem`` says so in a sentence."""
        return cls(provider=provider, status="missing", problems=(problem,))


@dataclass(frozen=True, slots=True)
class Enrichment:
    """What the store keeps of one provider's last fetch for one film: when it was asked (``fetched_at``),
    when it last answered (``succeeded_at``: found the film, or said it has none), how the last ask went,
    and what could not be fetched."""

    film_id: int
    provider: str
    fetched_at: datetime
    status: EnrichStatus
    problems: tuple[str, ...] = ()
    ids: ExternalIds = ExternalIds()
    succeeded_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class EnrichState:
    """What a card says of a film's enrichment: each provider's last fetch (empty: never fetched)."""

    film_id: int
    fetches: tuple[Enrichment, ...] = ()

    @property
    def ids(self) -> ExternalIds:
        found = ExternalIds()
        for fetch in self.fetches:
            found = found.merged(fetch.ids)
        return found

    @property
    def problems(self) -> tuple[str, ...]:
        return tuple(p for fetch in self.fetches for p in fetch.problems if fetch.status == "failed")

    @property
    def fetched_at(self) -> datetime | None:
        """When the oldest of the providers' last answers came (None: no provider has answered yet)."""
        times = [f.succeeded_at for f in self.fetches if f.succeeded_at is not None]
        return min(times) if times else None


@dataclass(frozen=True, slots=True)
class EnrichReport:
    """One film's enrichment just now: whether anything was fetched, and the state it left."""

    fetched: bool
    state: EnrichState
    problems: tuple[str, ...] = ()  # this run's sentences (missing items included)
