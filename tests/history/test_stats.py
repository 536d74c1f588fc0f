"""``/stats`` figures, exact: viewings per month, genres (a card's win over an import's), the rating
distribution and raters of the server's calendar year (in its zone), the best film, and an empty server."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from bot.clock import ManualClock
from bot.errors import NotFound
from bot.films.models import Fact, FilmSummary, ImportedFilm, Source
from bot.films.service import FilmService
from bot.history.models import Count
from bot.history.service import HistoryService
from bot.history.stats import month_keys, recent_months, year_period
from bot.preferences.service import PreferencesService
from bot.scores.service import ScoreService
from bot.store import Store
from tests.history.conftest import GUILD, MODERATOR

A, B, C = 501, 502, 503
ZONE = "Pacific/Auckland"  # UTC+13 at new year


@pytest.fixture
def clock() -> ManualClock:
    # 23:30 on 31 December 2025 in Auckland.
    return ManualClock(datetime(2025, 12, 31, 10, 30, tzinfo=UTC))


async def imported(store: Store, films: FilmService) -> FilmSummary:
    """An import that names a genre for the card film (which has its own) and brings a film of its own."""
    source = Source(key="imdb-test", title="IMDb datasets", kind="dataset", as_of=date(2026, 1, 1))
    await store.catalog.write_batch(
        [
            ImportedFilm(title="100 Meters", year=2025, facts=(Fact("genre", "Thriller", source.key),)),
            ImportedFilm(
                title="Imported Only",
                year=1999,
                facts=(Fact("genre", "Horror", source.key), Fact("genre", "drama", source.key)),
            ),
        ],
        source,
    )
    return await films.resolve("Imported Only")


@pytest.fixture
async def filled(
    catalog_store: Store,
    films: FilmService,
    clock: ManualClock,
    history: HistoryService,
    scores: ScoreService,
    film: FilmSummary,
) -> FilmSummary:
    """Viewings and ratings either side of new year in Auckland; the film the import brought."""
    store = catalog_store
    await PreferencesService(store).set_guild_timezone(GUILD, ZONE)
    other = await imported(store, films)
    await history.record(GUILD, other, MODERATOR, "2025-12-31")
    await scores.rate(GUILD, other, A, 6)  # 23:30 on 31 December in Auckland: a 2025 rating
    await clock.advance(timedelta(hours=1))
    await scores.rate(GUILD, other, B, 8)  # 00:30 on 1 January: 2026
    await clock.set(datetime(2026, 3, 27, 12, 0, tzinfo=UTC))
    for day in ("2026-01-15", "2026-03-01"):
        await history.record(GUILD, film, MODERATOR, day)
    await history.record(GUILD, other, MODERATOR, "2026-03-20")
    await scores.rate(GUILD, film, B, 9)
    await scores.rate(GUILD, film, C, 7)
    return other


async def test_a_year_in_the_servers_zone(
    filled: FilmSummary, history: HistoryService, film: FilmSummary
) -> None:
    stats = await history.stats(GUILD, 2026)
    assert (stats.viewings, stats.films, stats.at_parties) == (3, 2, 0)
    assert [m.key for m in stats.months] == [f"2026-{n:02d}" for n in range(1, 13)]
    assert [m.count for m in stats.months][:4] == [1, 0, 2, 0] and sum(m.count for m in stats.months) == 3
    # The card's genres for 100 Meters (not the import's Thriller); the import's for the film without a card.
    assert stats.genres == (
        Count("Drama", 2),
        Count("Anime", 1),
        Count("Horror", 1),
        Count("Spokon", 1),
        Count("Sports", 1),
    )
    assert stats.distribution[13] == 1 and stats.distribution[15] == 1 and stats.distribution[17] == 1
    assert sum(stats.distribution) == stats.ratings == 3 and stats.members_rating == 2
    assert stats.mean_rating == 8.0
    assert stats.raters == (Count(str(B), 2), Count(str(C), 1))
    assert stats.best is not None and stats.best[0].id == film.id and stats.best[1].count == 2

    last_year = await history.stats(GUILD, 2025)
    assert (last_year.viewings, last_year.ratings, last_year.raters) == (1, 1, (Count(str(A), 1),))
    assert last_year.months[-1] == Count("2025-12", 1)


async def test_all_time_shows_the_last_twelve_months(filled: FilmSummary, history: HistoryService) -> None:
    stats = await history.stats(GUILD, None)
    assert stats.year is None and (stats.viewings, stats.ratings, stats.members_rating) == (4, 4, 3)
    assert stats.months[0].key == "2025-04" and stats.months[-1].key == "2026-03"
    assert {m.key: m.count for m in stats.months if m.count} == {"2025-12": 1, "2026-01": 1, "2026-03": 2}
    assert stats.mean_rating == 7.5


async def test_an_empty_server_or_year_gets_a_clear_answer(
    history: HistoryService, scores: ScoreService, film: FilmSummary
) -> None:
    with pytest.raises(NotFound, match="Nothing to chart yet"):
        await history.stats(GUILD, None)
    await scores.rate(GUILD, film, A, 7)  # a rating alone is something to show
    only_ratings = await history.stats(GUILD, None)
    assert only_ratings.viewings == 0 and only_ratings.ratings == 1 and only_ratings.genres == ()
    with pytest.raises(NotFound, match="Nothing to chart in 1990"):
        await history.stats(GUILD, 1990)


def test_periods_are_calendar_spans_in_the_zone() -> None:
    year = year_period(2026, ZONE)
    assert (year.first, year.after) == (date(2026, 1, 1), date(2027, 1, 1))
    assert year.start == datetime(2025, 12, 31, 11, 0, tzinfo=UTC)
    recent = recent_months(date(2026, 1, 31), "UTC")
    assert (recent.first, recent.after) == (date(2025, 2, 1), date(2026, 2, 1))
    assert month_keys(recent) == [f"2025-{n:02d}" for n in range(2, 13)] + ["2026-01"]
