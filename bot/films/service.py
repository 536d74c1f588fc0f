"""The film service: find films by any spelling and build their fact cards."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass

from bot.errors import Ambiguous, NotFound
from bot.films.card import FilmCard, build_card
from bot.films.matching import Match, TitleIndex, normalize
from bot.films.models import FilmSummary
from bot.store import Store
from bot.ui import limits

log = logging.getLogger(__name__)

# A free-text title resolves on its own only when the best match is this good.
RESOLVE_THRESHOLD = 80.0


@dataclass(frozen=True, slots=True)
class FilmChoice:
    """One autocomplete choice: ``name`` is shown, ``value`` (the slug) comes back."""

    name: str
    value: str


class FilmService:
    def __init__(self, store: Store) -> None:
        self._store = store
        self._index = TitleIndex()
        self._version: int | None = None
        self._rebuild: asyncio.Task[None] | None = None

    async def refresh(self) -> None:
        """Rebuild the title index from the store (after the catalog changed)."""
        self._version = await self._store.catalog.data_version()
        summaries = await self._store.films.summaries()
        popularity = await self._store.catalog.popularity()
        # Building the index for 100,000 films takes a few seconds of CPU: off the event loop.
        self._index = await asyncio.to_thread(TitleIndex, summaries, popularity)
        log.info("title index holds %d films", len(self._index))

    async def catch_up(self) -> None:
        """Start rebuilding the index if another process (``filmbot films import``) changed the catalog.

        Cheap (one PRAGMA); called as members type. The current index keeps answering until the new one
        is built, so nobody waits for it.
        """
        if self._version is None or (self._rebuild is not None and not self._rebuild.done()):
            return
        if await self._store.catalog.data_version() != self._version:
            log.info("the catalog changed on disk; rebuilding the title index")
            self._rebuild = asyncio.create_task(self.refresh(), name="title-index-rebuild")
            self._rebuild.add_done_callback(_log_failure)

    def search(self, query: str, limit: int = limits.AUTOCOMPLETE_CHOICES) -> list[Match]:
        return self._index.search(query, limit)

    def autocomplete(self, query: str) -> list[FilmChoice]:
        """At most 25 choices, best first; an empty query lists films by title."""
        films = (
            [m.film for m in self._index.search(query, limits.AUTOCOMPLETE_CHOICES)]
            if query.strip()
            else self._index.first(limits.AUTOCOMPLETE_CHOICES)
        )
        return [FilmChoice(name=_choice_name(f), value=f.slug) for f in films]

    def resolve(self, text: str) -> FilmSummary:
        """A film from an autocomplete pick (its slug) or free text; ``NotFound`` names the closest."""
        exact = self._index.by_slug(text.strip())
        if exact is not None:
            return exact
        matches = self._index.search(text, 5)
        if matches and matches[0].score >= RESOLVE_THRESHOLD:
            best = matches[0]
            same_name = [
                m
                for m in matches[1:]
                if m.score == best.score and normalize(m.film.title) == normalize(best.film.title)
            ]
            if not same_name:
                return best.film
            options = [best, *same_name]
            raise Ambiguous(
                f"More than one film is called “{best.film.title}”. Pick one from the list, or add the year.",
                hints=[m.film.label for m in options],
            )
        hints = [m.film.label for m in matches]
        message = f"No film in the catalog matches “{text.strip()[:100]}”."
        if hints:
            message += " Closest matches:"
        else:
            message += " Check the spelling, or pick a title from the list as you type."
        raise NotFound(message, hints=hints)

    async def by_id(self, film_id: int) -> FilmSummary:
        """A film by its store id (as kept in buttons and member data)."""
        slug = await self._store.films.slug_for_id(film_id)
        film = self._index.by_slug(slug) if slug else None
        if film is None:
            raise NotFound("That film is no longer in the catalog.")
        return film

    async def card(self, film: FilmSummary) -> FilmCard:
        record = await self._store.films.get(film.slug)
        if record is None:
            raise NotFound(f"“{film.title}” was removed from the catalog.")
        return build_card(record)


def _log_failure(task: asyncio.Task[None]) -> None:
    if not task.cancelled() and task.exception() is not None:
        log.error("rebuilding the title index failed", exc_info=task.exception())


def _choice_name(film: FilmSummary) -> str:
    name = film.label
    if film.original_title and normalize(film.original_title) != normalize(film.title):
        name += f" · {film.original_title}"
    return name[: limits.CHOICE_NAME]
