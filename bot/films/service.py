"""The film service: find films by any spelling and build their fact cards."""

from __future__ import annotations

from dataclasses import dataclass, replace

from bot.errors import Ambiguous, NotFound
from bot.films.card import FilmCard, build_card
from bot.films.matching import Match, normalize
from bot.films.models import FilmSummary
from bot.films.search import TitleSearch
from bot.store import Store
from bot.ui import limits

# A free-text title resolves on its own only when the best match is this good.
RESOLVE_THRESHOLD = 80.0


@dataclass(frozen=True, slots=True)
class FilmChoice:
    """One autocomplete choice: ``name`` is shown, ``value`` (the slug) comes back."""

    name: str
    value: str


class FilmService:
    """Films by any spelling, through the store's title index: nothing is loaded or built at start, and a
    film another process imports is found as soon as its import commits."""

    def __init__(self, store: Store) -> None:
        self._store = store
        self._titles = TitleSearch(store)

    async def search(self, query: str, limit: int = limits.AUTOCOMPLETE_CHOICES) -> list[Match]:
        matches = await self._titles.matches(query, limit)
        aliases = await self._store.films.aliases([m.film.id for m in matches])
        return [replace(m, film=replace(m.film, aliases=aliases.get(m.film.id, ()))) for m in matches]

    async def autocomplete(self, query: str) -> list[FilmChoice]:
        """At most 25 choices, best first; an empty query lists films by title."""
        films = (
            [m.film for m in await self._titles.matches(query, limits.AUTOCOMPLETE_CHOICES)]
            if query.strip()
            else await self._store.films.first_by_title(limits.AUTOCOMPLETE_CHOICES)
        )
        return [FilmChoice(name=_choice_name(f), value=f.slug) for f in films]

    async def resolve(self, text: str) -> FilmSummary:
        """A film from an autocomplete pick (its slug) or free text; ``NotFound`` names the closest."""
        exact = await self._store.films.summary_by_slug(text.strip())
        if exact is not None:
            return exact
        matches = await self.search(text, 5)
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
        film = await self._store.films.summary_by_id(film_id)
        if film is None:
            raise NotFound("That film is no longer in the catalog.")
        return film

    async def card(self, film: FilmSummary) -> FilmCard:
        record = await self._store.films.get(film.slug)
        if record is None:
            raise NotFound(f"“{film.title}” was removed from the catalog.")
        return build_card(record)


def _choice_name(film: FilmSummary) -> str:
    name = film.label
    if film.original_title and normalize(film.original_title) != normalize(film.title):
        name += f" · {film.original_title}"
    return name[: limits.CHOICE_NAME]
