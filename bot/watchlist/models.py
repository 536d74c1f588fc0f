"""Watchlist records: what the service takes and returns and what the store reads and writes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from bot.films.models import FilmSummary

Sort = Literal["wanted", "newest", "oldest", "score"]
SORTS: tuple[Sort, ...] = ("wanted", "newest", "oldest", "score")
# How a movie-night poll draws films from the list: the most wanted, at random, or half and half.
Pick = Literal["wanted", "random", "mixed"]
PICKS: tuple[Pick, ...] = ("wanted", "random", "mixed")
# What one "want to see" write did (``WantResult.status``):
# added      the film was not on the list: the member suggested it (and wants it)
# wanted     the film was on the list: the member now wants to see it
# already    the member already wanted it (a second /watchlist add changes nothing)
# unwanted   the toggle took the member's want back (the film stays on the list)
# capped     the member has as many suggestions on the list as the server allows: nothing written
# blocked    a moderator stopped the member from suggesting, and the film was not on the list
# unlisted   the film is not on the list and the server's rules were not given: nothing written
# missing    the film is not in the catalog (any more): nothing written
WantStatus = Literal["added", "wanted", "already", "unwanted", "capped", "blocked", "unlisted", "missing"]


@dataclass(frozen=True, slots=True)
class Entry:
    """A film on a server's watchlist (``watched_at`` set: it left the list when the server watched it)."""

    id: int
    guild_id: int
    film: FilmSummary
    suggested_by: int
    suggested_at: datetime
    wants: int
    watched_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class WantResult:
    """What the store did with one suggestion or "want to see" toggle, once committed."""

    status: WantStatus
    entry: Entry | None  # None when nothing was written (capped, blocked, unlisted, missing)
    suggestions: int = 0  # capped: the member's suggestions on the list
    film: FilmSummary | None = None  # capped, blocked: the film that was not suggested


@dataclass(frozen=True, slots=True)
class Suggested:
    """``/watchlist add``: the film's entry and what the command did."""

    status: Literal["added", "wanted", "already"]
    entry: Entry
    user_id: int
    watched_before: datetime | None = None  # the server watched it then; now it is back on the list


@dataclass(frozen=True, slots=True)
class WantToggled:
    """The card's **Want to see** toggle: the entry after the click and what the click did."""

    status: Literal["added", "wanted", "unwanted"]
    entry: Entry
    user_id: int


@dataclass(frozen=True, slots=True)
class ListedFilm:
    entry: Entry
    number: int  # its place in this listing, from 1
    score_line: str  # the film's score line in this server ("Aggregate 79/100 · members 8.2/10 (12)")


@dataclass(frozen=True, slots=True)
class WatchlistPage:
    guild_id: int
    sort: Sort
    member_id: int | None  # only films this member suggested or wants
    page: int  # 0-based
    pages: int
    total: int
    films: tuple[ListedFilm, ...]


@dataclass(frozen=True, slots=True)
class Draw:
    """``/poll movienight from_watchlist:True``: how many films the poll offers in all, and how to pick.

    ``count`` None: the default (``DEFAULT_POLL_FILMS``, or one more than the films named).
    """

    pick: Pick = "wanted"
    count: int | None = None
