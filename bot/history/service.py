"""The watched history: a party's end or ``/watched`` records a viewing, ``/history`` lists them, and the
"How was it?" menu a party's end posts takes ratings for a week. No Discord here.

A party's end is handled by ``party_ended``, which the watch party service calls from its end timer
before it marks the party completed; the timer is retried after a crash, so every step is idempotent: the
viewing is unique per party, the rating menu too (its close timer is added in the same unit of work),
and the menu is posted with a nonce (``bot/history/delivery.py``). What must happen on Discord goes through
``PromptDelivery``; a refusal (a deleted channel) is recorded on the menu and the party, never raised.
"""

from __future__ import annotations

import logging
import math
from dataclasses import replace
from datetime import timedelta
from typing import Protocol
from zoneinfo import ZoneInfo

from bot.clock import Clock
from bot.errors import Conflict, NotFound
from bot.films.models import FilmSummary
from bot.films.service import FilmService
from bot.history import stats as stats_
from bot.history.chart import render_stats
from bot.history.dates import noon_of, parse_day, today_in
from bot.history.models import (
    Delivered,
    HistoryLine,
    HistoryPage,
    NewWatched,
    RatingPrompt,
    Recorded,
    ServerStats,
    StatsFigure,
    Unrecorded,
    Watched,
)
from bot.offload import in_worker
from bot.preferences.models import DEFAULT_ZONE
from bot.preferences.service import PreferencesService
from bot.scores.models import RatingSaved, ScoreSummary
from bot.scores.service import ScoreService
from bot.store import Store
from bot.timers import Firing, TimerDispatcher
from bot.watchparty.models import Party

log = logging.getLogger(__name__)

RATING_WINDOW = timedelta(days=7)
CLOSE_TIMER = "history-rating-close"
HISTORY_PER_PAGE = 10


class PromptDelivery(Protocol):
    """Posting and closing the rating menu on Discord (``bot/history/delivery.py``). Never raises."""

    async def post_prompt(self, prompt: RatingPrompt, film: FilmSummary) -> Delivered:
        """Post the menu in its channel, at most once (a retry finds the first post); its message id."""

    async def close_prompt(self, prompt: RatingPrompt, film: FilmSummary, summary: ScoreSummary) -> Delivered:
        """Show the menu closed (disabled, with the film's member score now)."""


class Watchlist(Protocol):
    """The server watchlist (``mn-watchlist``): a watched film leaves it. Must be idempotent."""

    async def mark_watched(self, guild_id: int, film_id: int) -> object: ...


class QuietPrompts:
    """A ``PromptDelivery`` that posts nothing (offline tools, tests that only need the rows)."""

    async def post_prompt(self, prompt: RatingPrompt, film: FilmSummary) -> Delivered:
        return Delivered(error="no Discord connection")

    async def close_prompt(self, prompt: RatingPrompt, film: FilmSummary, summary: ScoreSummary) -> Delivered:
        return Delivered()


class RatingsClosed(Conflict):
    """A pick on a rating menu after its week (whether or not its close timer has run yet)."""

    def __init__(self, prompt: RatingPrompt, film: FilmSummary) -> None:
        super().__init__(
            f"Ratings from this menu closed <t:{int(prompt.closes_at.timestamp())}:R>, a week after the party; "
            "your pick was not recorded.",
            hints=(f"Rate it with /rate film:{film.label} score:…",),
        )


class HistoryService:
    def __init__(
        self,
        store: Store,
        clock: Clock,
        films: FilmService,
        scores: ScoreService,
        preferences: PreferencesService,
        delivery: PromptDelivery | None = None,
    ) -> None:
        self._store = store
        self._clock = clock
        self._films = films
        self._scores = scores
        self._preferences = preferences
        self._delivery: PromptDelivery = delivery or QuietPrompts()
        # The server watchlist, once there is one: a film recorded as watched leaves it.
        self.watchlist: Watchlist | None = None

    def register_timers(self, timers: TimerDispatcher) -> None:
        """Closing a rating menu: on time, or late after downtime (closing late does no harm)."""
        timers.register(CLOSE_TIMER, self._on_close, self._on_close)

    async def zone(self, guild_id: int) -> str:
        """The server's zone (``/settings timezone``), which its days and years are counted in."""
        return (await self._preferences.guild(guild_id)).timezone or DEFAULT_ZONE

    # -- recording -----------------------------------------------------------------------------------

    async def party_ended(self, party: Party) -> None:
        """A watch party ended: record the viewing and post the rating menu, each once however often
        the end timer runs (it is retried after a crash)."""
        zone = await self.zone(party.guild_id)
        closes_at = party.starts_at + timedelta(minutes=party.runtime_minutes) + RATING_WINDOW
        viewing = NewWatched(
            guild_id=party.guild_id,
            film_id=party.film_id,
            watched_on=party.starts_at.astimezone(ZoneInfo(zone)).date(),
            watched_at=party.starts_at,
            party_id=party.id,
        )
        async with self._store.transaction() as tx:
            entry_id = await tx.history.insert(viewing)
            prompt_id = await tx.history.add_prompt(
                party.guild_id, party.channel_id, party.film_id, party.id, closes_at
            )
            if prompt_id is not None:
                await tx.timers.add(CLOSE_TIMER, str(prompt_id), closes_at)
        if entry_id is not None:
            log.info(
                "watch party %s ended: film %s watched in guild %s", party.id, party.film_id, party.guild_id
            )
        await self._tell_watchlist(party.guild_id, party.film_id)
        prompt = await self._store.history.prompt_of_party(party.id)
        if prompt is not None and prompt.message_id is None and prompt.last_error is None:
            await self._post(prompt)

    async def _post(self, prompt: RatingPrompt) -> None:
        if not prompt.open_at(self._clock.now()):
            # The bot was down for the whole week after the party: a menu that is closed on arrival helps
            # nobody. Members can still /rate.
            await self._store.history.close_prompt(prompt.id)
            await self._problem(prompt, "the rating menu was not posted: its week had passed (bot offline)")
            return
        film = await self._films.by_id(prompt.film_id)
        outcome = await self._delivery.post_prompt(prompt, film)
        if outcome.message_id is not None:
            await self._store.history.set_prompt_message(prompt.id, outcome.message_id)
        else:
            await self._problem(
                prompt, f"posting the rating menu failed: {outcome.error or 'no reason given'}"
            )

    async def _problem(self, prompt: RatingPrompt, text: str) -> None:
        """Keep a rating menu's failure on it and on its party (``/watchparty info`` shows it)."""
        log.warning("rating menu %s: %s", prompt.id, text)
        await self._store.history.prompt_error(prompt.id, text)
        if prompt.party_id is not None:
            await self._store.watch_parties.record_error(prompt.party_id, text)

    async def _tell_watchlist(self, guild_id: int, film_id: int) -> None:
        if self.watchlist is None:
            return
        try:
            await self.watchlist.mark_watched(guild_id, film_id)
        except Exception:
            # The viewing is committed; the watchlist catches up the next time the film is recorded.
            log.exception("could not take film %s off guild %s's watchlist", film_id, guild_id)

    async def record(self, guild_id: int, film: FilmSummary, user_id: int, day: str | None) -> Recorded:
        """``/watched``: the server watched ``film`` on ``day`` (the server's today when None)."""
        zone = await self.zone(guild_id)
        watched_on = parse_day(day, zone, self._clock.now())
        new = NewWatched(guild_id, film.id, watched_on, noon_of(watched_on, zone), recorded_by=user_id)
        # One unit of work: two moderators recording the same day at once make one viewing, not two.
        async with self._store.transaction() as tx:
            earlier = await tx.history.of_film(guild_id, film.id)
            if same := [e for e in earlier if e.watched_on == watched_on]:
                how = f" (watch party #{same[0].party.party_id})" if same[0].party else ""
                raise Conflict(
                    f"{film.label} is already in the history on {watched_on:%d %B %Y}{how}.",
                    hints=("/history lists every viewing; /watched … remove:True takes one out.",),
                )
            entry_id = await tx.history.insert(new)
        assert entry_id is not None
        await self._tell_watchlist(guild_id, film.id)
        return Recorded(await self._entry(entry_id), film, len(earlier) + 1)

    async def unrecord(self, guild_id: int, film: FilmSummary, day: str | None) -> Unrecorded:
        """``/watched remove:True``: take out the viewing on ``day`` (the latest when None)."""
        earlier = await self._store.history.of_film(guild_id, film.id)
        if not earlier:
            raise NotFound(f"{film.label} is not in this server's watched history.")
        if day is None:
            target = earlier[0]
        else:
            watched_on = parse_day(day, await self.zone(guild_id), self._clock.now())
            found = [e for e in earlier if e.watched_on == watched_on]
            if not found:
                days = ", ".join(f"{e.watched_on:%Y-%m-%d}" for e in earlier[:10])
                raise NotFound(
                    f"{film.label} is not in the history on {watched_on:%d %B %Y}.",
                    hints=(f"It is on: {days}",),
                )
            target = found[0]
        await self._store.history.delete(target.id)
        return Unrecorded(target, film, len(earlier) - 1)

    async def _entry(self, entry_id: int) -> Watched:
        entry = await self._store.history.get(entry_id)
        assert entry is not None
        return entry

    # -- reading -------------------------------------------------------------------------------------

    async def page(self, guild_id: int, year: int | None, page: int) -> HistoryPage:
        """``/history``: the server's viewings (of ``year``, or all), newest first, with member scores."""
        period = stats_.year_period(year, await self.zone(guild_id)) if year is not None else None
        total = await self._store.history.count(guild_id, period)
        if total == 0:
            raise await self._nothing_watched(guild_id, year)
        pages = max(1, math.ceil(total / HISTORY_PER_PAGE))
        page = min(max(page, 0), pages - 1)
        entries = await self._store.history.page(
            guild_id, period, offset=page * HISTORY_PER_PAGE, limit=HISTORY_PER_PAGE
        )
        members = await self._scores.member_scores(guild_id, {e.film_id for e in entries})
        lines = []
        for entry in entries:
            lines.append(
                HistoryLine(entry, await self._film_or_none(entry.film_id), members.get(entry.film_id))
            )
        return HistoryPage(year=year, lines=tuple(lines), page=page, pages=pages, total=total)

    async def _nothing_watched(self, guild_id: int, year: int | None) -> NotFound:
        years = await self._store.history.years(guild_id)
        if year is not None and years:
            listed = ", ".join(str(y) for y in years[:15])
            return NotFound(
                f"Nothing is in the watched history for {year}.", hints=(f"Years with viewings: {listed}",)
            )
        return NotFound(
            "This server's watched history is empty.",
            hints=("A film joins it when a watch party ends, or when a moderator runs /watched film:….",),
        )

    async def _film_or_none(self, film_id: int) -> FilmSummary | None:
        try:
            return await self._films.by_id(film_id)
        except NotFound:
            log.warning("film %d is in a watched history but no longer in the title index", film_id)
            return None

    # -- the rating menu -----------------------------------------------------------------------------

    async def prompt(self, prompt_id: int) -> tuple[RatingPrompt, FilmSummary]:
        prompt = await self._store.history.prompt(prompt_id)
        if prompt is None:
            raise NotFound("This rating menu is no longer known; rate with /rate film:… score:….")
        return prompt, await self._films.by_id(prompt.film_id)

    async def rate(self, prompt_id: int, user_id: int, score: float) -> RatingSaved:
        """A pick on a rating menu: an ordinary ``/rate`` (committed before this returns), while it is open."""
        prompt, film = await self.prompt(prompt_id)
        if not prompt.open_at(self._clock.now()):
            raise RatingsClosed(prompt, film)
        return await self._scores.rate(prompt.guild_id, film, user_id, score)

    async def _on_close(self, firing: Firing) -> None:
        prompt = await self._store.history.prompt(int(firing.timer.ref))
        if prompt is None:
            return
        await self._store.history.close_prompt(prompt.id)
        if prompt.message_id is None:
            return
        film = await self._films.by_id(prompt.film_id)
        summary = await self._scores.summary(film, prompt.guild_id)
        outcome = await self._delivery.close_prompt(replace(prompt, state="closed"), film, summary)
        if outcome.error is not None:
            await self._problem(prompt, f"closing the rating menu failed: {outcome.error}")

    # -- stats ---------------------------------------------------------------------------------------

    async def stats(self, guild_id: int, year: int | None) -> ServerStats:
        """``/stats``: the server's year (or all time); ``NotFound`` when there is nothing to show."""
        zone = await self.zone(guild_id)
        found = await stats_.collect(
            self._store, self._scores, self._films, guild_id, year, zone, today_in(zone, self._clock.now())
        )
        if found.empty:
            when = f"in {year}" if year is not None else "yet"
            raise NotFound(
                f"Nothing to chart {when}: no film watched and no rating in this server.",
                hints=(
                    "Films join the history when a watch party ends or with /watched; /rate adds ratings.",
                ),
            )
        return found

    async def chart(self, figure: StatsFigure) -> bytes:
        """The stats PNG, drawn in the worker process so the event loop keeps serving."""
        return await in_worker(render_stats, figure)
