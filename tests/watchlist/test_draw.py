"""Movie nights drawn from the watchlist: the most wanted, a random draw, both; too few films refused."""

from __future__ import annotations

import random
from collections.abc import Sequence

import pytest

from bot.clock import ManualClock
from bot.errors import BadInput
from bot.films.models import FilmSummary
from bot.films.service import FilmService
from bot.polls.service import PollService
from bot.preferences.service import PreferencesService
from bot.scores.service import ScoreService
from bot.store import Store
from bot.watchlist.models import Draw, Pick
from bot.watchlist.service import WatchlistService
from tests.watchlist.conftest import GUILD

MEMBERS = range(500, 520)


async def fill(service: WatchlistService, films: list[FilmSummary]) -> None:
    """Film n (counting from 0) is wanted by n + 1 members: the last film is the most wanted."""
    for n, film in enumerate(films):
        for member in MEMBERS[: n + 1]:
            await service.add(GUILD, film, member)


async def draw(
    service: WatchlistService, pick: Pick, count: int | None, named: Sequence[FilmSummary] = ()
) -> list[str]:
    drawn = await service.draw(GUILD, named, Draw(pick, count), minimum=2, maximum=10)
    return [film.title for film in drawn]


async def test_the_most_wanted_come_first(service: WatchlistService, catalog: list[FilmSummary]) -> None:
    await fill(service, catalog)
    assert await draw(service, "wanted", 3) == ["Film 12", "Film 11", "Film 10"]
    assert len(await draw(service, "wanted", None)) == 5  # the default: five films in all


async def test_a_random_draw_is_a_draw_and_never_repeats_a_named_film(
    store: Store, clock: ManualClock, catalog: list[FilmSummary]
) -> None:
    seen: set[tuple[str, ...]] = set()
    for seed in range(6):
        service = WatchlistService(store, clock, PreferencesService(store), rng=random.Random(seed))
        if seed == 0:
            await fill(service, catalog)
        titles = await draw(service, "random", 4, named=[catalog[11]])
        assert len(titles) == 3 and len(set(titles)) == 3 and "Film 12" not in titles
        seen.add(tuple(titles))
    assert len(seen) > 1  # different draws, not always the head of the list


async def test_mixed_takes_half_from_the_top_and_the_rest_at_random(
    service: WatchlistService, catalog: list[FilmSummary]
) -> None:
    await fill(service, catalog)
    titles = await draw(service, "mixed", 5)
    assert titles[:3] == ["Film 12", "Film 11", "Film 10"] and len(set(titles)) == 5
    assert await draw(service, "mixed", 2, named=[catalog[0]]) == ["Film 12"]


async def test_a_short_list_gives_what_it_has_and_too_few_is_a_clear_answer(
    service: WatchlistService, catalog: list[FilmSummary]
) -> None:
    with pytest.raises(BadInput, match="has no film waiting to be watched"):
        await draw(service, "wanted", None)
    await service.add(GUILD, catalog[0], 1)
    with pytest.raises(BadInput, match=r"only one film \(Film 01 \(1991\)\)"):
        await draw(service, "random", 4)
    with pytest.raises(BadInput, match="no film waiting to be watched besides the ones you named"):
        await draw(service, "wanted", None, named=[catalog[0]])
    assert await draw(service, "wanted", 6, named=[catalog[5]]) == ["Film 01"]  # one named + one drawn
    await service.add(GUILD, catalog[1], 1)
    assert sorted(await draw(service, "wanted", 8)) == ["Film 01", "Film 02"]


async def test_counts_that_cannot_work_are_refused(
    service: WatchlistService, catalog: list[FilmSummary]
) -> None:
    await fill(service, catalog)
    with pytest.raises(BadInput, match="give count:3 or more"):
        await draw(service, "wanted", 2, named=catalog[:2])
    with pytest.raises(BadInput, match="You named 10 films"):
        await draw(service, "wanted", None, named=catalog[:10])
    assert len(await draw(service, "wanted", None, named=catalog[:7])) == 1  # default: one more than named


async def test_movie_night_options_mix_named_and_drawn_films_with_score_lines(
    store: Store, clock: ManualClock, catalog: list[FilmSummary]
) -> None:
    films = FilmService(store)
    preferences = PreferencesService(store)
    watchlist = WatchlistService(store, clock, preferences, rng=random.Random(1))
    polls = PollService(store, clock, scores=ScoreService(store, films, clock), watchlist=watchlist)
    await fill(watchlist, catalog[6:])
    options = await polls.movie_night_options([catalog[0]], GUILD, Draw("wanted", 3))
    assert [o.label for o in options] == ["Film 01 (1991)", "Film 12 (2002)", "Film 11 (2001)"]
    assert [o.film_id for o in options] == [catalog[0].id, catalog[11].id, catalog[10].id]
    assert options[1].detail == "Aggregate 62/100"
    with pytest.raises(BadInput, match="at least two films: name them"):
        await polls.movie_night_options([catalog[0]], GUILD)
