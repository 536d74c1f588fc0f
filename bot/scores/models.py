"""The scores feature's records: member ratings as stored, and the figures the score service returns.

``bot/store/ratings.py`` reads and writes ``Rating``; ``ScoreService`` returns the rest; the chart (drawn in
a worker process) takes a ``ScoreSummary``, so every record here stays a plain, picklable dataclass.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.films.models import FilmSummary, Source
from bot.scores.aggregate import Aggregate, MemberScore


@dataclass(frozen=True, slots=True)
class Rating:
    guild_id: int
    film_id: int
    user_id: int
    score: float  # 0.5–10 in steps of 0.5
    review: str | None
    spoiler: bool
    created_at: datetime
    updated_at: datetime


@dataclass(frozen=True, slots=True)
class RatingChange:
    """The rating as committed, and what it replaced (``None``: a first rating)."""

    rating: Rating
    previous: Rating | None


@dataclass(frozen=True, slots=True)
class FilmRatings:
    """A film's ratings in one server, summed: for ranking many films without reading every row."""

    film_id: int
    count: int
    total: float  # the sum of the ratings (0.5–10 scale)
    ratings: tuple[float, ...]


@dataclass(frozen=True, slots=True)
class ScoreSummary:
    """A film's scores in one server: the aggregate (0–100 or ``None``), a one-line label, and every input."""

    film: FilmSummary
    aggregate: float | None
    line: str
    breakdown: Aggregate
    guild_id: int | None = None
    # The film's documents in card order, so a score's sources show as the same [n] as on the card.
    sources: tuple[Source, ...] = ()

    def source_number(self, key: str) -> int | None:
        for number_, source in enumerate(self.sources, start=1):
            if source.key == key:
                return number_
        return None

    @property
    def members(self) -> MemberScore | None:
        return self.breakdown.members


@dataclass(frozen=True, slots=True)
class RatingSaved:
    """A committed rating and the film's scores with it (what /rate confirms)."""

    change: RatingChange
    summary: ScoreSummary


@dataclass(frozen=True, slots=True)
class RatingRemoved:
    """A removed rating and the film's scores without it."""

    removed: Rating
    summary: ScoreSummary


@dataclass(frozen=True, slots=True)
class RatingsPage:
    film: FilmSummary
    ratings: tuple[Rating, ...]
    page: int  # 0-based
    pages: int
    total: int


@dataclass(frozen=True, slots=True)
class TopEntry:
    rank: int
    film: FilmSummary
    members: MemberScore


@dataclass(frozen=True, slots=True)
class TopPage:
    entries: tuple[TopEntry, ...]
    page: int  # 0-based
    pages: int
    total: int
    min_ratings: int


@dataclass(frozen=True, slots=True)
class DatedRating:
    """A rating a member gave elsewhere on a known day (an import): the film, the score, the day."""

    film_id: int
    score: float  # 0.5–10 in steps of 0.5
    rated_at: datetime


@dataclass(frozen=True, slots=True)
class MergedRating:
    """What merging a dated rating did: ``written`` or not, and the rating it met (``None``: none)."""

    wanted: DatedRating
    previous: Rating | None
    written: bool
