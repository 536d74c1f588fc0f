"""Which parts of a film's plot to show: phases in story order, up to a phase, one more at a time; and
where a plot may be posted for everyone (the server's spoiler channels).

Nothing here logs plot text: only film ids, phase positions and spoiler levels.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from datetime import datetime
from typing import Protocol

from bot import parsing
from bot.errors import BadInput, NotAllowed, NotFound
from bot.films.models import FilmSummary, PlotSection
from bot.spoilers.models import Phase, PlotPhases, PlotReveal, StoredPlot
from bot.store import Store
from bot.ui import limits

log = logging.getLogger(__name__)

# The phase name of a premise that comes from outside the plot (TMDB's overview).
PREMISE_PHASE = "Premise"


def group_phases(sections: tuple[PlotSection, ...]) -> tuple[Phase, ...]:
    """Sections grouped into phases, in story order (a phase ends where the name or level changes)."""
    phases: list[Phase] = []
    for section in sorted(sections, key=lambda s: s.position):
        last = phases[-1] if phases else None
        if last is not None and last.name == section.phase and last.level == section.spoiler_level:
            phases[-1] = Phase(last.name, last.level, (*last.sections, section))
        else:
            phases.append(Phase(section.phase, section.spoiler_level, (section,)))
    return tuple(phases)


def _key(text: str) -> str:
    return re.sub(r"[\W_]+", " ", text.casefold()).strip()


def match_phase(phases: tuple[Phase, ...], text: str) -> Phase:
    """The phase named by ``text`` (its name in any case, a unique start of it, or its spoiler level)."""
    wanted = _key(text)
    if wanted:
        for phase in phases:
            if _key(phase.name) == wanted:
                return phase
        starting = [p for p in phases if _key(p.name).startswith(wanted)]
        if len(starting) == 1:
            return starting[0]
        containing = [p for p in phases if wanted in _key(p.name)]
        if len(containing) == 1:
            return containing[0]
        level = parsing.whole(wanted)  # a spoiler level, in ASCII digits ("²" is no level, nor a crash)
        if level is not None:
            by_level = [p for p in phases if p.level == level]
            if by_level:
                return by_level[-1]
    raise BadInput(
        f"“{parsing.shown(text)}” is not a phase of this film's plot. Pick one from the list, or one of:",
        hints=[phase.name for phase in phases],
    )


def public_refusal(channel_ids: Sequence[int]) -> str:
    """Why ``public:True`` was refused here, naming the spoiler channels (mentions don't ping)."""
    message = (
        "public:True posts the plot for everyone in the channel, so it only works in spoiler channels.\n"
        "Leave out public to see the plot just for you"
    )
    if channel_ids:
        named = ", ".join(f"<#{c}>" for c in channel_ids[:20])
        more = f" and {len(channel_ids) - 20} more" if len(channel_ids) > 20 else ""
        return f"{message}, or post it in a spoiler channel: {named}{more}."
    return f"{message}. This server has no spoiler channels yet: someone with Manage Channels can mark one with `/spoilers channel add`."


class PlotFetcher(Protocol):
    """Fetches a film's plot from outside (Wikipedia, through the enrichment service) and stores it."""

    async def would_fetch(self, film: FilmSummary) -> bool:
        """Whether ``fetch_plot`` would go online for this film (the bot is online and the film was not
        tried recently): the caller defers its interaction first."""
        ...

    async def fetch_plot(self, film: FilmSummary) -> tuple[str, ...]:
        """Fetch and store what the providers know of the film, its plot included, unless it was tried
        recently; the sentences saying what could not be fetched."""
        ...


class PlotService:
    """``tmdb``: whether TMDB is set up (a key, and the bot online); its overview is then the premise of a
    film whose plot gives none (spoiler-free by design, so shown in the clear, cited to TMDB)."""

    def __init__(self, store: Store, fetcher: PlotFetcher | None = None, *, tmdb: bool = False) -> None:
        self._store = store
        self._fetcher = fetcher
        self._tmdb = tmdb

    def _plot(self, stored: StoredPlot) -> PlotPhases:
        """The stored plot's phases, led by TMDB's overview as the premise when the plot has none (a
        curated card's premise always wins; a premise is never cut out of plot text)."""
        phases = group_phases(stored.sections)
        fetched = stored.premise if self._tmdb else None
        if fetched is None or any(p.is_premise for p in phases):
            return PlotPhases(phases, stored.source, None)
        section = PlotSection(position=-1, phase=PREMISE_PHASE, spoiler_level=0, text=fetched.text)
        return PlotPhases((Phase(PREMISE_PHASE, 0, (section,)), *phases), stored.source, fetched.source)

    async def phases(self, film: FilmSummary) -> tuple[Phase, ...]:
        return self._plot(await self._store.spoilers.plot(film.id)).phases

    async def would_fetch(self, film: FilmSummary) -> bool:
        """Whether showing the film's plot means fetching it first (no stored plot; the fetcher would try)."""
        if self._fetcher is None or (await self._store.spoilers.plot(film.id)).sections:
            return False
        return await self._fetcher.would_fetch(film)

    async def _phases_or_fail(self, film: FilmSummary) -> PlotPhases:
        stored = await self._store.spoilers.plot(film.id)
        problems: tuple[str, ...] = ()
        if not stored.sections and self._fetcher is not None:
            problems = await self._fetcher.fetch_plot(film)
            stored = await self._store.spoilers.plot(film.id)
        plot = self._plot(stored)
        if not plot.phases:
            raise NotFound(" ".join([f"The catalog has no plot summary for “{film.title}” yet.", *problems]))
        return plot

    async def reveal(self, film: FilmSummary, upto: str | None = None) -> PlotReveal:
        """The premise and every phase up to ``upto`` (by default all of them)."""
        plot = await self._phases_or_fail(film)
        phases = plot.phases
        level = max(p.level for p in phases) if upto is None else match_phase(phases, upto).level
        reveal = self._build(film, plot, level)
        log.debug("plot of film %d up to level %d (%d phases)", film.id, level, len(reveal.shown))
        return reveal

    async def plot(
        self,
        film: FilmSummary,
        upto: str | None,
        *,
        public: bool,
        guild_id: int | None,
        channel_ids: Sequence[int],
    ) -> PlotReveal:
        """What ``/plot`` shows; ``public`` only where the server allows it (see ``check_public``)."""
        if public:
            await self.check_public(guild_id, channel_ids)
        return await self.reveal(film, upto)

    async def check_public(self, guild_id: int | None, channel_ids: Sequence[int]) -> None:
        """The public-posting rule: a plot is posted for everyone only in a spoiler channel.

        ``channel_ids`` are where the command was used: the channel, and a thread's parent channel.
        Returns when posting there is allowed; raises the error the member is shown otherwise.
        """
        if guild_id is None:
            raise BadInput(
                "A public plot is for server channels. Leave out public: here it is only for you anyway."
            )
        if not await self.may_post_publicly(guild_id, *channel_ids):
            raise NotAllowed(public_refusal(await self.spoiler_channels(guild_id)))

    async def next_after(self, film: FilmSummary, level: int) -> PlotReveal:
        """Only the phase(s) at the first spoiler level above ``level`` (what Next phase reveals)."""
        plot, following = await self._next_level(film, level)
        log.debug("plot of film %d: next phase, level %d -> %d", film.id, level, following)
        return self._build(film, plot, following, since=level)

    async def grown(self, film: FilmSummary, level: int) -> PlotReveal:
        """The premise and every phase up to the first spoiler level above ``level``."""
        plot, following = await self._next_level(film, level)
        return self._build(film, plot, following)

    async def _next_level(self, film: FilmSummary, level: int) -> tuple[PlotPhases, int]:
        """The film's plot and the first spoiler level above ``level``; ``NotFound`` after the last."""
        plot = await self._phases_or_fail(film)
        later = [p.level for p in plot.phases if p.level > level]
        if not later:
            raise NotFound(f"That was the last phase of “{film.title}”: there is nothing more to reveal.")
        return plot, min(later)

    @staticmethod
    def _build(film: FilmSummary, plot: PlotPhases, level: int, since: int | None = None) -> PlotReveal:
        phases = plot.phases
        premise = tuple(p for p in phases if p.is_premise)
        low = 0 if since is None else since
        shown = tuple(p for p in phases if not p.is_premise and low < p.level <= level)
        following = [p for p in phases if p.level > level]
        return PlotReveal(
            film=film,
            premise=premise,
            shown=shown,
            level=level,
            next_phase=following[0] if following else None,
            phases=phases,
            with_premise=since is None,
            source=plot.source,
            premise_source=plot.premise_source,
        )

    async def phase_names(self, film: FilmSummary, typed: str) -> list[str]:
        """Autocomplete for ``upto``: phase NAMES only (never plot text), best matches first."""
        phases = await self.phases(film)
        wanted = _key(typed)
        names = [p.name for p in phases]
        if wanted:
            names = [n for n in names if _key(n).startswith(wanted)] + [
                n for n in names if wanted in _key(n) and not _key(n).startswith(wanted)
            ]
        unique = list(dict.fromkeys(names))
        return [n[: limits.CHOICE_NAME] for n in unique[: limits.AUTOCOMPLETE_CHOICES]]

    # -- spoiler channels ------------------------------------------------------------------------

    async def spoiler_channels(self, guild_id: int) -> list[int]:
        return [c.channel_id for c in await self._store.spoilers.channels(guild_id)]

    async def may_post_publicly(self, guild_id: int | None, *channel_ids: int) -> bool:
        if guild_id is None:
            return False
        return await self._store.spoilers.is_spoiler_channel(guild_id, *channel_ids)

    async def add_channel(self, guild_id: int, channel_id: int, by: int, at: datetime) -> bool:
        added = await self._store.spoilers.add(guild_id, channel_id, by, at)
        log.info(
            "spoiler channel %d %s in guild %d by %d", channel_id, "added" if added else "kept", guild_id, by
        )
        return added

    async def remove_channel(self, guild_id: int, channel_id: int) -> bool:
        removed = await self._store.spoilers.remove(guild_id, channel_id)
        if removed:
            log.info("spoiler channel %d removed in guild %d", channel_id, guild_id)
        return removed
