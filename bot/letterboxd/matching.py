"""Finding a Letterboxd film (a title and a year) in this server's catalog, without guessing.

The film service's title index finds the candidates (``FilmService.search``, the same search ``/film``
uses, with the year preferred); only films one of whose names (title, original title, alias) *is* the
title count. Among those:

* one film of that year: that film;
* several of that year: ambiguous (never picked between);
* none of that year: the one film of that title when there is exactly one and its year is one off (a
  festival year against a release year), else missing;
* no year given: the one film of that title, else ambiguous.
"""

from __future__ import annotations

from bot.films.matching import name_keys, normalize
from bot.films.models import FilmSummary
from bot.films.service import FilmService
from bot.letterboxd.models import FilmMatch

CANDIDATES = 12
MISSING = FilmMatch("missing")


async def _same_title(films: FilmService, title: str, year: int | None) -> list[FilmSummary]:
    wanted = normalize(title)
    if not wanted:
        return []
    query = f"{title} ({year})" if year is not None else title
    found: dict[int, FilmSummary] = {}
    for match in await films.search(query, CANDIDATES):
        film = match.film
        if wanted in name_keys(film.slug, film.title, film.original_title, film.aliases):
            found.setdefault(match.film.id, match.film)
    return list(found.values())


async def match_film(films: FilmService, title: str, year: int | None) -> FilmMatch:
    """The catalog film a Letterboxd title and year name, or why there is none."""
    same = await _same_title(films, title, year)
    if not same:
        return MISSING
    if year is None:
        return FilmMatch("matched", same[0]) if len(same) == 1 else FilmMatch("ambiguous", None, tuple(same))
    exact = [film for film in same if film.year == year]
    if len(exact) == 1:
        return FilmMatch("matched", exact[0])
    if len(exact) > 1:
        return FilmMatch("ambiguous", None, tuple(exact))
    if len(same) == 1 and same[0].year is not None and abs(same[0].year - year) == 1:
        return FilmMatch("matched", same[0])
    return MISSING
