"""The score service: member ratings, the film's figures (via ``aggregate``), rankings and the chart."""

from __future__ import annotations

import logging
import math
from collections.abc import Collection, Sequence
from datetime import UTC

from bot import parsing
from bot.clock import Clock
from bot.errors import BadInput, NotFound
from bot.films.models import FilmSummary
from bot.films.service import FilmService
from bot.offload import in_worker
from bot.scores.aggregate import (
    RATING_MAX,
    RATING_MIN,
    RATING_STEP,
    Aggregate,
    MemberScore,
    aggregate,
    number,
)
from bot.scores.chart import render_chart
from bot.scores.models import (
    DatedRating,
    MergedRating,
    Rating,
    RatingRemoved,
    RatingSaved,
    RatingsPage,
    ScoreSummary,
    TopEntry,
    TopPage,
)
from bot.store import Store
from bot.ui.member_text import blank_error, clean

log = logging.getLogger(__name__)

REVIEW_MAX = 500
RATINGS_PER_PAGE = 8
TOP_PER_PAGE = 10
TOP_MIN_RATINGS_DEFAULT = 3
TOP_MIN_RATINGS_MAX = 10_000
CHART_CACHE = 64


def summary_line(result: Aggregate) -> str:
    """The one line a card or a poll shows, e.g. 'Aggregate 79/100 · members 8.2/10 (12)'."""
    parts = []
    if result.aggregate is not None:
        parts.append(f"Aggregate {result.aggregate:.0f}/100")
    elif result.approvals:
        best = result.approvals[0]
        parts.append(f"{best.name} {number(best.value)}%")
    if result.members is not None:
        parts.append(f"members {number(result.members.mean)}/10 ({result.members.count})")
    return " · ".join(parts) if parts else "No scores yet"


def parse_rating(value: float) -> float:
    """A member's rating as typed (0.5–10 in steps of 0.5), or ``BadInput`` that says what would work."""
    return parsing.checked_number(
        value,
        RATING_MIN,
        RATING_MAX,
        what="A score",
        step=RATING_STEP,
        hints=("/rate film:… score:8", "/rate film:… score:6.5"),
    )


def parse_review(review: str | None) -> str | None:
    """A review as the member wrote it, lines and spacing kept, with the characters that never show
    (direction overrides, zero-width spaces) removed (``bot.ui.member_text.clean``)."""
    if review is None or not review.strip():
        return None
    text = clean(review)
    if not text:
        raise blank_error("Your review")
    if len(text) > REVIEW_MAX:
        raise BadInput(
            f"A review is at most {REVIEW_MAX} characters; yours has {len(text)}. Shorten it and rate again."
        )
    return text


def newer_wins(current: Rating | None, wanted: DatedRating) -> bool:
    """Whether a rating given elsewhere replaces the member's rating here: only one given on a later day
    than the rating here was last changed (the same day keeps this server's; the same score is left)."""
    if current is None:
        return True
    if current.score == wanted.score:
        return False
    return wanted.rated_at.astimezone(UTC).date() > current.updated_at.astimezone(UTC).date()


class ScoreService:
    def __init__(self, store: Store, films: FilmService, clock: Clock) -> None:
        self._store = store
        self._films = films
        self._clock = clock
        self._charts: dict[ScoreSummary, bytes] = {}

    # -- figures -----------------------------------------------------------------------------------

    async def summary(self, film: FilmSummary, guild_id: int | None) -> ScoreSummary:
        """The film's outside scores and this server's ratings, combined (``guild_id`` None: no members)."""
        outside = (await self._store.ratings.outside_scores([film.id]))[film.id]
        ratings = await self._store.ratings.scores(guild_id, film.id) if guild_id is not None else []
        result = aggregate(outside, ratings)
        return ScoreSummary(
            film=film,
            aggregate=result.aggregate,
            line=summary_line(result),
            breakdown=result,
            guild_id=guild_id,
            sources=tuple(await self._store.ratings.film_sources(film.id)),
        )

    async def chart(self, summary: ScoreSummary) -> bytes:
        """The PNG chart, rendered in the worker process so the event loop keeps serving.

        Charts are cached by their summary (every figure they draw), so opening the same scores again
        costs nothing until a rating or the catalog changes them.
        """
        png = self._charts.get(summary)
        if png is None:
            png = await in_worker(render_chart, summary)
            self._charts[summary] = png
            while len(self._charts) > CHART_CACHE:
                self._charts.pop(next(iter(self._charts)))
        return png

    # -- member ratings ----------------------------------------------------------------------------

    async def rate(
        self,
        guild_id: int,
        film: FilmSummary,
        user_id: int,
        score: float,
        *,
        review: str | None = None,
        spoiler: bool | None = None,
    ) -> RatingSaved:
        """Rate, re-rate or edit a review; returns once the rating is on disk, with the new scores."""
        value = parse_rating(score)
        text = parse_review(review)
        change = await self._store.ratings.upsert(
            guild_id, film.id, user_id, value, now=self._clock.now(), review=text, spoiler=spoiler
        )
        return RatingSaved(change, await self.summary(film, guild_id))

    async def import_dated(
        self, guild_id: int, user_id: int, ratings: Sequence[DatedRating]
    ) -> list[MergedRating]:
        """Merge ratings a member gave elsewhere (an import), the newer winning (``newer_wins``): all of
        them committed in one transaction, group-committed, before this returns."""
        for rating in ratings:
            parse_rating(rating.score)
        if not ratings:
            return []
        return await self._store.ratings.merge_dated(guild_id, user_id, ratings, newer_wins)

    async def remove(self, guild_id: int, film: FilmSummary, user_id: int) -> RatingRemoved:
        """Remove a member's rating (committed before returning), with the scores left without it."""
        removed = await self._store.ratings.remove(guild_id, film.id, user_id)
        if removed is None:
            raise NotFound(f"You have not rated {film.label} in this server, so there is nothing to remove.")
        return RatingRemoved(removed, await self.summary(film, guild_id))

    async def ratings_page(self, guild_id: int, film: FilmSummary, page: int) -> RatingsPage:
        total = await self._store.ratings.count(guild_id, film.id)
        pages = max(1, math.ceil(total / RATINGS_PER_PAGE))
        page = min(max(page, 0), pages - 1)
        rows = await self._store.ratings.page(
            guild_id, film.id, offset=page * RATINGS_PER_PAGE, limit=RATINGS_PER_PAGE
        )
        return RatingsPage(film=film, ratings=tuple(rows), page=page, pages=pages, total=total)

    async def member_scores(
        self, guild_id: int, film_ids: Collection[int] | None = None, *, min_ratings: int = 1
    ) -> dict[int, MemberScore]:
        """The member score (as ``top`` ranks it) of every film rated in the server at least ``min_ratings``
        times, or of those of ``film_ids`` that are; a film nobody rated has none."""
        rated = await self._store.ratings.by_film(guild_id, min_count=min_ratings, film_ids=film_ids)
        outside = await self._store.ratings.outside_scores(r.film_id for r in rated)
        scored: dict[int, MemberScore] = {}
        for row in rated:
            members = aggregate(outside.get(row.film_id, []), row.ratings).members
            assert members is not None
            scored[row.film_id] = members
        return scored

    async def top(self, guild_id: int, min_ratings: int, page: int) -> TopPage:
        """The server's films ranked by member score (Bayesian, so a few ratings cannot top the list)."""
        parsing.checked_whole(min_ratings, 1, TOP_MIN_RATINGS_MAX, what="min_ratings")
        scored = list((await self.member_scores(guild_id, min_ratings=min_ratings)).items())
        scored.sort(key=lambda item: (-item[1].bayesian, -item[1].count, item[0]))
        pages = max(1, math.ceil(len(scored) / TOP_PER_PAGE))
        page = min(max(page, 0), pages - 1)
        entries = []
        for offset, (film_id, members) in enumerate(
            scored[page * TOP_PER_PAGE : (page + 1) * TOP_PER_PAGE], start=page * TOP_PER_PAGE + 1
        ):
            try:
                film = await self._films.by_id(film_id)
            except NotFound:
                log.warning("film %d is rated but no longer in the title index", film_id)
                continue
            entries.append(TopEntry(rank=offset, film=film, members=members))
        return TopPage(
            entries=tuple(entries), page=page, pages=pages, total=len(scored), min_ratings=min_ratings
        )
