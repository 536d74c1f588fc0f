"""The watched history's records: what the server watched, the rating menus that follow a party, its stats.

``bot/store/history.py`` reads and writes ``Watched`` and ``RatingPrompt``; ``HistoryService`` returns the
rest. ``StatsFigure`` is what the chart draws in the worker process, so every record stays plain and
picklable.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from bot.films.models import FilmSummary
from bot.scores.aggregate import MemberScore

# Ratings are 0.5–10 in steps of 0.5: twenty values, stored as halves 1..20.
RATING_STEPS = tuple(halves / 2 for halves in range(1, 21))


@dataclass(frozen=True, slots=True)
class Period:
    """A span of the server's calendar: days ``first`` up to (not including) ``after``, and the same span as
    UTC instants ``[start, end)`` (for what is stamped with an instant, such as ratings)."""

    first: date
    after: date
    start: datetime
    end: datetime


@dataclass(frozen=True, slots=True)
class PartyLink:
    """The watch party a viewing was, enough to link to its announcement or its Discord event."""

    party_id: int
    channel_id: int
    message_id: int | None = None
    event_id: int | None = None


@dataclass(frozen=True, slots=True)
class Watched:
    """One viewing: the server watched this film on this day (at a party, or as a moderator recorded)."""

    id: int
    guild_id: int
    film_id: int
    watched_on: date  # the day in the server's zone
    watched_at: datetime  # aware UTC: the party's start, or noon of that day in the server's zone
    party: PartyLink | None = None
    recorded_by: int | None = None


@dataclass(frozen=True, slots=True)
class NewWatched:
    guild_id: int
    film_id: int
    watched_on: date
    watched_at: datetime
    party_id: int | None = None
    recorded_by: int | None = None


@dataclass(frozen=True, slots=True)
class Recorded:
    """A viewing ``/watched`` committed, and how many times the server has watched the film now."""

    entry: Watched
    film: FilmSummary
    times: int


@dataclass(frozen=True, slots=True)
class Unrecorded:
    """A viewing ``/watched remove:True`` took out of the history."""

    entry: Watched
    film: FilmSummary
    times: int  # how many viewings are left


@dataclass(frozen=True, slots=True)
class HistoryLine:
    entry: Watched
    film: FilmSummary | None  # None: the film left the catalog (the line still shows its number)
    members: MemberScore | None  # the film's member score in this server; None: nobody rated it


@dataclass(frozen=True, slots=True)
class HistoryPage:
    year: int | None  # None: every year
    lines: tuple[HistoryLine, ...]
    page: int  # 0-based
    pages: int
    total: int


@dataclass(frozen=True, slots=True)
class RatingPrompt:
    """A "How was it?" message: its menu records a rating of ``film_id`` until ``closes_at``."""

    id: int
    guild_id: int
    channel_id: int
    film_id: int
    party_id: int | None
    closes_at: datetime
    state: str  # 'open' or 'closed'
    message_id: int | None = None
    last_error: str | None = None

    def open_at(self, now: datetime) -> bool:
        """Whether a pick made at ``now`` counts: closed by its timer or by the clock, whichever first."""
        return self.state == "open" and now < self.closes_at


@dataclass(frozen=True, slots=True)
class Delivered:
    """What Discord did with a rating menu: the message id, or why it refused (never raised)."""

    message_id: int | None = None
    error: str | None = None


@dataclass(frozen=True, slots=True)
class Count:
    """A named count: a month, a genre, a member (``key`` their id as text)."""

    key: str
    count: int


@dataclass(frozen=True, slots=True)
class ServerStats:
    """A server's year (or all time): what it watched and how it rated."""

    guild_id: int
    year: int | None  # None: all time (the months are then the last twelve)
    months: tuple[Count, ...]  # "2026-03" → viewings, oldest first, every month of the span
    genres: tuple[Count, ...]  # the most common genres of the films watched, most first
    distribution: tuple[int, ...]  # ratings per step, 0.5 … 10 (20 values)
    raters: tuple[Count, ...]  # the most active raters (key: user id), most first
    suggesters: tuple[Count, ...]  # who suggested most films to the watchlist (key: user id), most first
    viewings: int
    films: int  # distinct films watched
    at_parties: int
    ratings: int
    members_rating: int
    mean_rating: float | None
    best: tuple[FilmSummary, MemberScore] | None  # the best-rated film watched in the period

    @property
    def empty(self) -> bool:
        return self.viewings == 0 and self.ratings == 0 and not self.suggesters


@dataclass(frozen=True, slots=True)
class StatsFigure:
    """What the stats chart draws: the stats and the display names of its raters (resolved on Discord)."""

    stats: ServerStats
    title: str
    rater_names: tuple[str, ...]  # in the order of ``stats.raters``
    suggester_names: tuple[str, ...] = ()  # in the order of ``stats.suggesters``
