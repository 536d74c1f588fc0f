"""Where-to-watch records: what TMDB said about a film's poster and offers, and what a server is shown."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal

from bot.enrich.models import WatchOption

# What a card's where-to-watch field says: the offers in the server's country (``offers``, maybe none),
# that the server has no region yet (``no_region``), or nothing at all (``hidden``: TMDB is not set up, the
# card is not in a server, or TMDB has not been read for this film).
WatchState = Literal["offers", "no_region", "hidden"]


@dataclass(frozen=True, slots=True)
class TmdbExtras:
    """What the store keeps of TMDB's last read of a film beyond its cited facts: the poster, the
    overview, every country's offers, and when it was read."""

    film_id: int
    tmdb_id: int
    fetched_at: datetime
    poster_url: str | None = None
    options: tuple[WatchOption, ...] = ()
    premise: str | None = None  # TMDB's overview: spoiler-free by design


@dataclass(frozen=True, slots=True)
class WhereToWatch:
    """A card's where-to-watch for one server: its country's offers in the order to show them."""

    state: WatchState
    country: str | None = None
    options: tuple[WatchOption, ...] = ()
    link: str | None = None  # TMDB's watch page for the film in that country
    fetched_at: datetime | None = None

    @classmethod
    def hidden(cls) -> WhereToWatch:
        return cls("hidden")


@dataclass(frozen=True, slots=True)
class TmdbCard:
    """What a film card shows from TMDB beyond its cited values: the poster, the overview (for a card
    without a premise of its own) and the where-to-watch field."""

    poster_url: str | None = None
    premise: str | None = None
    where: WhereToWatch = field(default_factory=WhereToWatch.hidden)
