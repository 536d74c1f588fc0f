"""The plot feature's records: story phases, what one plot message reveals, and spoiler channels.

A film's plot sections (``PlotSection``) are film records and live in ``bot.films.models``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.films.models import FilmSummary, PlotSection, Source


@dataclass(frozen=True, slots=True)
class Phase:
    """Consecutive plot sections sharing a story phase name and a spoiler level (0 = the premise)."""

    name: str
    level: int
    sections: tuple[PlotSection, ...]

    @property
    def is_premise(self) -> bool:
        return self.level == 0

    @property
    def text(self) -> str:
        return "\n\n".join(section.text for section in self.sections)


@dataclass(frozen=True, slots=True)
class FetchedPremise:
    """A premise from a source spoiler-free by design (TMDB's overview), with the source it cites."""

    text: str
    source: Source


@dataclass(frozen=True, slots=True)
class StoredPlot:
    """A film's plot sections in story order, and where they come from: ``None`` for the film's curated
    card, else the one outside source they were fetched from (a Wikipedia revision, with its licence);
    and TMDB's overview, when one was fetched (shown as the premise only when the plot gives none)."""

    sections: tuple[PlotSection, ...]
    source: Source | None = None
    premise: FetchedPremise | None = None


@dataclass(frozen=True, slots=True)
class PlotPhases:
    """A film's phases in story order (the premise first) and where the plot and the premise come from
    (``None``: the film's card)."""

    phases: tuple[Phase, ...]
    source: Source | None = None
    premise_source: Source | None = None


@dataclass(frozen=True, slots=True)
class PlotReveal:
    """What one message shows: the premise (when ``with_premise``), then ``shown`` spoiler phases."""

    film: FilmSummary
    premise: tuple[Phase, ...]
    shown: tuple[Phase, ...]
    level: int  # the highest spoiler level revealed so far
    next_phase: Phase | None  # the phase the Next phase button reveals, if any is left
    phases: tuple[Phase, ...]  # every phase, for naming them
    with_premise: bool = True
    source: Source | None = None  # where the plot text comes from, when not the film's card: attributed
    premise_source: Source | None = None  # where the premise comes from, when not the plot (TMDB): cited


@dataclass(frozen=True, slots=True)
class SpoilerChannel:
    """A channel where ``/plot public:True`` may post (threads in it too)."""

    guild_id: int
    channel_id: int
    added_by: int
    added_at: datetime
