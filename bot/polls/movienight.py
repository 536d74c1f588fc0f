"""Movie-night polls: the films as options, each once, labelled with its year and its score line.

The films are named in ``/poll movienight`` or drawn from the server's watchlist
(``bot.watchlist.service.WatchlistService.draw``); ``PollService.movie_night_options`` puts them together.
"""

from __future__ import annotations

from collections.abc import Sequence

from bot.errors import BadInput
from bot.films.models import FilmSummary
from bot.polls.models import PollOption
from bot.ui import limits

MIN_FILMS = 2
MAX_FILMS = 10
# An option must fit a button label (80) and a select option label (100).
OPTION_LABEL_MAX = limits.BUTTON_LABEL


def film_options(films: Sequence[FilmSummary], details: Sequence[str | None]) -> tuple[PollOption, ...]:
    """Movie-night options: each film once, labelled with its year; ``details`` is its score line."""
    seen: set[int] = set()
    options: list[PollOption] = []
    for film, detail in zip(films, details, strict=True):
        if film.id in seen:
            raise BadInput(f"“{film.label}” is picked twice; pick each film once.")
        seen.add(film.id)
        label = (
            film.label if len(film.label) <= OPTION_LABEL_MAX else film.label[: OPTION_LABEL_MAX - 1] + "…"
        )
        options.append(PollOption(len(options), label, film.id, detail))
    if len(options) < MIN_FILMS:
        raise BadInput(
            "A movie night needs at least two films: name them (film1, film2…), or draw them from the "
            "server's watchlist with from_watchlist:True."
        )
    if len(options) > MAX_FILMS:
        raise BadInput(f"A movie night can offer at most {MAX_FILMS} films.")
    return tuple(options)
