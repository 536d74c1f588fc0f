"""Which parts of a film's plot to show: phases in story order, up to a phase, one more at a time.

Nothing here logs plot text: only film ids, phase positions and spoiler levels.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from datetime import datetime

from bot.errors import BadInput, NotFound
from bot.films.models import FilmSummary, PlotSection
from bot.store import Store
from bot.ui import limits

log = logging.getLogger(__name__)


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
class PlotReveal:
    """What one message shows: the premise (when ``with_premise``), then ``shown`` spoiler phases."""

    film: FilmSummary
    premise: tuple[Phase, ...]
    shown: tuple[Phase, ...]
    level: int  # the highest spoiler level revealed so far
    next_phase: Phase | None  # the phase the Next phase button reveals, if any is left
    phases: tuple[Phase, ...]  # every phase, for naming them
    with_premise: bool = True

    @property
    def spoiler_texts(self) -> list[str]:
        return [phase.text for phase in self.phases if not phase.is_premise]


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
        if wanted.isdigit():
            by_level = [p for p in phases if p.level == int(wanted)]
            if by_level:
                return by_level[-1]
    raise BadInput(
        f"“{text.strip()[:60]}” is not a phase of this film's plot. Pick one from the list, or one of:",
        hints=[phase.name for phase in phases],
    )


class PlotService:
    def __init__(self, store: Store) -> None:
        self._store = store

    async def phases(self, film: FilmSummary) -> tuple[Phase, ...]:
        return group_phases(await self._store.spoilers.plot(film.id))

    async def _phases_or_fail(self, film: FilmSummary) -> tuple[Phase, ...]:
        phases = await self.phases(film)
        if not phases:
            raise NotFound(f"The catalog has no plot summary for “{film.title}” yet.")
        return phases

    async def reveal(self, film: FilmSummary, upto: str | None = None) -> PlotReveal:
        """The premise and every phase up to ``upto`` (by default all of them)."""
        phases = await self._phases_or_fail(film)
        level = max(p.level for p in phases) if upto is None else match_phase(phases, upto).level
        reveal = self._build(film, phases, level)
        log.debug("plot of film %d up to level %d (%d phases)", film.id, level, len(reveal.shown))
        return reveal

    async def next_after(self, film: FilmSummary, level: int) -> PlotReveal:
        """Only the phase(s) at the first spoiler level above ``level`` (what Next phase reveals)."""
        phases = await self._phases_or_fail(film)
        later = sorted({p.level for p in phases if p.level > level})
        if not later:
            raise NotFound(f"That was the last phase of “{film.title}”: there is nothing more to reveal.")
        reveal = self._build(film, phases, later[0], since=level)
        log.debug("plot of film %d: next phase, level %d -> %d", film.id, level, later[0])
        return reveal

    async def grown(self, film: FilmSummary, level: int) -> PlotReveal:
        """The premise and every phase up to the first spoiler level above ``level``."""
        phases = await self._phases_or_fail(film)
        later = sorted({p.level for p in phases if p.level > level})
        if not later:
            raise NotFound(f"That was the last phase of “{film.title}”: there is nothing more to reveal.")
        return self._build(film, phases, later[0])

    @staticmethod
    def _build(
        film: FilmSummary, phases: tuple[Phase, ...], level: int, since: int | None = None
    ) -> PlotReveal:
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
