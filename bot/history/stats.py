"""A server's stats for ``/stats``: the calendar arithmetic (years and months in the server's zone) and one
read per figure. The chart that draws them is ``bot/history/chart.py``."""

from __future__ import annotations

import logging
from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

from bot.errors import NotFound
from bot.films.models import FilmSummary
from bot.films.service import FilmService
from bot.history.models import RATING_STEPS, Count, Period, ServerStats
from bot.scores.aggregate import MemberScore
from bot.scores.service import ScoreService
from bot.store import Store

log = logging.getLogger(__name__)

TOP_GENRES = 8
TOP_RATERS = 8
# All time: the months panel shows the last twelve (a bar per month since the first viewing would not fit).
RECENT_MONTHS = 12


def _midnight(day: date, zone: ZoneInfo) -> datetime:
    return datetime.combine(day, time(0, 0), tzinfo=zone).astimezone(UTC)


def _period(first: date, after: date, zone: str) -> Period:
    where = ZoneInfo(zone)
    return Period(first, after, _midnight(first, where), _midnight(after, where))


def year_period(year: int, zone: str) -> Period:
    """The server's calendar year ``year``: 1 January to 31 December in its zone."""
    return _period(date(year, 1, 1), date(year + 1, 1, 1), zone)


def _add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def recent_months(today: date, zone: str, count: int = RECENT_MONTHS) -> Period:
    """The ``count`` months up to and including today's."""
    this_month = today.replace(day=1)
    return _period(_add_months(this_month, -(count - 1)), _add_months(this_month, 1), zone)


def month_keys(period: Period) -> list[str]:
    """Every month of ``period``, oldest first, as "2026-03"."""
    keys, month = [], period.first.replace(day=1)
    while month < period.after:
        keys.append(f"{month:%Y-%m}")
        month = _add_months(month, 1)
    return keys


async def collect(
    store: Store,
    scores: ScoreService,
    films: FilmService,
    guild_id: int,
    year: int | None,
    zone: str,
    today: date,
) -> ServerStats:
    """Every figure ``/stats`` shows for ``year`` (all time when None), each read once."""
    period = year_period(year, zone) if year is not None else None
    months_period = period or recent_months(today, zone)
    viewings, distinct, at_parties = await store.history.viewings(guild_id, period)
    per_month = await store.history.per_month(guild_id, months_period)
    steps = await store.history.rating_steps(guild_id, period)
    distribution = tuple(steps.get(halves, 0) for halves in range(1, len(RATING_STEPS) + 1))
    members_rating, raters = await store.history.raters(guild_id, period, TOP_RATERS)
    ratings = sum(distribution)
    return ServerStats(
        guild_id=guild_id,
        year=year,
        months=tuple(Count(key, per_month.get(key, 0)) for key in month_keys(months_period)),
        genres=tuple(await store.history.genres(guild_id, period, TOP_GENRES)),
        distribution=distribution,
        raters=tuple(raters),
        suggesters=tuple(await store.history.suggesters(guild_id, period, TOP_RATERS)),
        viewings=viewings,
        films=distinct,
        at_parties=at_parties,
        ratings=ratings,
        members_rating=members_rating,
        mean_rating=(
            sum(step * n for step, n in zip(RATING_STEPS, distribution, strict=True)) / ratings
            if ratings
            else None
        ),
        best=await _best(store, scores, films, guild_id, period),
    )


async def _best(
    store: Store, scores: ScoreService, films: FilmService, guild_id: int, period: Period | None
) -> tuple[FilmSummary, MemberScore] | None:
    """The film watched in ``period`` with the highest member score (as ``/top`` ranks them)."""
    rated = await scores.member_scores(guild_id, await store.history.film_ids(guild_id, period))
    for film_id, members in sorted(
        rated.items(), key=lambda item: (-item[1].bayesian, -item[1].count, item[0])
    ):
        try:
            return await films.by_id(film_id), members
        except NotFound:
            log.warning("film %d is in a watched history but no longer in the title index", film_id)
    return None
