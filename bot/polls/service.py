"""The poll service: create, vote, retract, close and count. Returns plain records, never embeds.

What polls do on Discord by themselves (the live tally, posting a result) goes through ``Delivery``,
implemented by ``bot.polls.delivery``; a command's answer goes through ``PollPost`` and ``CloseReply``,
implemented by ``bot.polls.views``.
"""

from __future__ import annotations

import asyncio
import logging
import weakref
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING, Protocol

from bot.clock import Clock
from bot.errors import BadInput, Conflict, NotAllowed, NotFound
from bot.films.models import FilmSummary
from bot.polls.models import BallotResult, NewPoll, Poll, PollOption
from bot.polls.movienight import MAX_FILMS, MIN_FILMS, film_options
from bot.polls.tally import Tally, tally
from bot.store import Store
from bot.timers import Firing, TimerDispatcher
from bot.watchlist.models import Draw

if TYPE_CHECKING:
    from bot.scores.service import ScoreService
    from bot.watchlist.service import WatchlistService

log = logging.getLogger(__name__)

TIMER_KIND = "poll-close"


@dataclass(frozen=True, slots=True)
class PollView:
    """A poll with what may be shown of its count right now."""

    poll: Poll
    ballots: int
    tally: Tally | None  # None while results are hidden


@dataclass(frozen=True, slots=True)
class CloseOutcome:
    poll: Poll
    newly_closed: bool


@dataclass(frozen=True, slots=True)
class Closed:
    """A poll after ``close_and_post``: whether this call closed it, and where its result is."""

    poll: Poll
    newly_closed: bool
    # The result message in the poll's channel (posted by this call or before); None if the channel
    # refused it.
    result_id: int | None
    posted_now: bool


class Delivery(Protocol):
    """What polls do on Discord by themselves (``bot.polls.delivery.PollDelivery``, built by the bot)."""

    def changed(self, poll_id: int) -> None:
        """The poll's ballots changed: show its live tally soon."""

    async def post_result(self, poll_id: int, *, retry: bool) -> int | None:
        """Show the closed poll's final state and post its result in its channel; the result's message id,
        None if the channel refused it.

        The service calls this holding the poll's closing lock, only while no result is recorded. With
        ``retry`` an earlier attempt may have posted it just before the bot stopped: that message is
        looked for, and adopted, first.
        """

    async def stop(self) -> None:
        """Shutdown: show the tally edits still waiting, then stop."""


class NoDelivery:
    """Until the bot hands over its delivery (and where only the rules are tested): nothing is shown."""

    def changed(self, poll_id: int) -> None:
        return None

    async def post_result(self, poll_id: int, *, retry: bool) -> int | None:
        return None

    async def stop(self) -> None:
        return None


class PollPost(Protocol):
    """Answering ``/poll create`` and ``/poll movienight`` (``bot.polls.views.CommandReply``)."""

    async def post_poll(self, view: PollView) -> tuple[int, int]:
        """Send the poll message as the answer; its channel id and message id."""


class CloseReply(Protocol):
    """Answering ``/poll close`` (``bot.polls.views.CommandReply``)."""

    async def closing(self) -> None:
        """The member may close it: the answer follows once its result is out (rendering takes a moment)."""

    async def result_posted(self, poll: Poll, message_id: int) -> None:
        """The member's close closed the poll (or posted its result): it is ``message_id``."""

    async def already_closed(self, poll: Poll, message_id: int) -> None:
        """Someone or the deadline closed the poll first; its result is ``message_id``."""

    async def show_result(self, view: PollView) -> None:
        """The poll's channel refused the result: show it in the answer instead."""


class PollService:
    def __init__(
        self,
        store: Store,
        clock: Clock,
        *,
        scores: ScoreService | None = None,
        watchlist: WatchlistService | None = None,
    ) -> None:
        self._store = store
        self._clock = clock
        self._scores = scores
        self._watchlist = watchlist
        self._polls: dict[int, Poll] = {}
        self._loading: dict[int, asyncio.Future[Poll]] = {}  # reads a burst shares (get_definition)
        # One lock per member and poll, held while a toggle reads and rewrites that member's ballot, so
        # quick successive clicks are applied one after another instead of overwriting each other.
        self._ballot_locks: weakref.WeakValueDictionary[tuple[int, int], asyncio.Lock] = (
            weakref.WeakValueDictionary()
        )
        # One lock per poll, held from closing it to recording its result: whoever closes second (a
        # member, the deadline, the catch-up at start) finds it closed with its result posted.
        self._closing_locks: weakref.WeakValueDictionary[int, asyncio.Lock] = weakref.WeakValueDictionary()
        # The Discord side (live tally, results): the bot sets its ``PollDelivery`` here once built.
        self.delivery: Delivery = NoDelivery()

    @property
    def clock(self) -> Clock:
        return self._clock

    # -- polls ---------------------------------------------------------------------------------------

    async def create(self, new: NewPoll) -> Poll:
        """Store the poll and its close timer in one transaction."""
        now = self._clock.now()
        async with self._store.transaction() as tx:
            poll_id = await tx.polls.insert(new, now)
            await tx.timers.add(TIMER_KIND, str(poll_id), new.closes_at)
        log.info(
            "poll %d created in guild %d (%s, %d options)", poll_id, new.guild_id, new.mode, len(new.options)
        )
        return await self.get(poll_id)

    async def open(self, new: NewPoll, post: PollPost) -> Poll:
        """Create the poll, post its message as the command's answer, and remember where it is."""
        poll = await self.create(new)
        channel_id, message_id = await post.post_poll(await self.view(poll.id))
        await self.set_message(poll.id, channel_id, message_id)
        return poll

    async def movie_night_options(
        self, films: Sequence[FilmSummary], guild_id: int, draw: Draw | None = None
    ) -> tuple[PollOption, ...]:
        """The films as movie-night options, each with this server's score line, fixed as it is now.
        With ``draw``, films from the server's watchlist follow the named ones (``WatchlistService.draw``)."""
        if self._scores is None or (draw is not None and self._watchlist is None):
            raise RuntimeError("this PollService was built without the score or watchlist service")
        picked = list(films)
        if draw is not None and self._watchlist is not None:
            picked += await self._watchlist.draw(guild_id, films, draw, minimum=MIN_FILMS, maximum=MAX_FILMS)
        details = [(await self._scores.summary(film, guild_id)).line for film in picked]
        return film_options(picked, details)

    async def get(self, poll_id: int) -> Poll:
        poll = await self._store.polls.get(poll_id)
        if poll is None:
            raise NotFound(f"There is no poll #{poll_id}.", hints=["/poll list shows the open polls"])
        if poll.is_open:
            self._polls[poll_id] = poll
        else:
            self._polls.pop(poll_id, None)
        return poll

    async def get_definition(self, poll_id: int) -> Poll:
        """The poll as created (options, mode, role): cached; open/closed is checked when committing. The
        clicks of a burst on a poll not cached yet (after a start) share one read, shielded from each."""
        if (cached := self._polls.get(poll_id)) is not None:
            return cached
        if (loading := self._loading.get(poll_id)) is None:
            loading = self._loading[poll_id] = asyncio.ensure_future(self.get(poll_id))
            loading.add_done_callback(lambda _: self._loading.pop(poll_id, None))
        return await asyncio.shield(loading)

    async def in_guild(self, poll_id: int, guild_id: int | None) -> Poll:
        poll = await self.get(poll_id)
        if poll.guild_id != guild_id:
            raise NotFound(f"There is no poll #{poll_id} in this server.")
        return poll

    async def set_message(self, poll_id: int, channel_id: int, message_id: int) -> None:
        await self._store.polls.set_message(poll_id, channel_id, message_id)
        self._polls.pop(poll_id, None)

    async def open_polls(self, guild_id: int) -> list[Poll]:
        return await self._store.polls.open_polls(guild_id)

    async def recent(self, guild_id: int) -> list[tuple[int, str, bool]]:
        return await self._store.polls.recent(guild_id)

    async def view(self, poll_id: int) -> PollView:
        poll = await self.get(poll_id)
        if not poll.results_visible():
            return PollView(poll, await self._store.polls.ballot_count(poll_id), None)
        ballots = await self._store.polls.ballots(poll_id)
        return PollView(poll, len(ballots), tally(poll.mode, len(poll.options), ballots))

    async def results(self, poll_id: int, guild_id: int | None) -> PollView:
        """``/poll results``: the poll of this server with what may be shown of its count."""
        await self.in_guild(poll_id, guild_id)
        return await self.view(poll_id)

    @staticmethod
    def _check_closer(poll: Poll, by: int | None, can_manage: bool) -> None:
        if by is not None and by != poll.author_id and not can_manage:
            raise NotAllowed("Only the poll's author or a member with Manage Messages can close it.")

    async def close(self, poll_id: int, *, by: int | None = None, can_manage: bool = False) -> CloseOutcome:
        """Close a poll now (the state only). ``by`` None is the deadline; a member must be its author or
        manage messages. Closing a closed poll changes nothing."""
        self._check_closer(await self.get(poll_id), by, can_manage)
        now = self._clock.now()
        async with self._store.transaction() as tx:
            newly = await tx.polls.close(poll_id, now, by)
            if newly and by is not None:
                await tx.timers.cancel(TIMER_KIND, str(poll_id))
        if newly:
            log.info("poll %d closed %s", poll_id, f"by {by}" if by else "at its deadline")
        poll = await self.get(poll_id)
        if newly and poll.anonymous and not await self._store.polls.shred_wiped_secrets():
            log.warning(
                "poll %d: another program reading the database kept its old secret in the WAL", poll_id
            )
        return CloseOutcome(poll, newly)

    def _closing(self, poll_id: int) -> asyncio.Lock:
        lock = self._closing_locks.get(poll_id)
        if lock is None:
            lock = self._closing_locks[poll_id] = asyncio.Lock()
        return lock

    async def close_and_post(
        self, poll_id: int, *, by: int | None = None, can_manage: bool = False, retry: bool = False
    ) -> Closed:
        """Close the poll if it is open and post its result if it has none: the one path every closer
        takes (``/poll close``, the deadline, the catch-up at start), one at a time per poll.

        So however members and the timer race, the poll closes once and its result is posted once:
        whoever comes second finds it closed with its result recorded. The result's message id is
        committed before the lock is released.
        """
        async with self._closing(poll_id):
            outcome = await self.close(poll_id, by=by, can_manage=can_manage)
            poll = outcome.poll
            if poll.result_message_id is not None:
                return Closed(poll, outcome.newly_closed, poll.result_message_id, posted_now=False)
            posted = await self.delivery.post_result(poll_id, retry=retry)
            if posted is not None:
                await self._store.polls.set_result_message(poll_id, posted)
                log.info("poll %d: result recorded as message %d", poll_id, posted)
            return Closed(await self.get(poll_id), outcome.newly_closed, posted, posted is not None)

    async def close_and_announce(
        self, poll_id: int, guild_id: int | None, *, by: int, can_manage: bool, reply: CloseReply
    ) -> None:
        """``/poll close``: close the poll, show its final state, post its result, tell the member where.

        A member who closes a poll someone (or the deadline) closed a moment earlier is told so, with
        the link to its one result.
        """
        self._check_closer(await self.in_guild(poll_id, guild_id), by, can_manage)
        await reply.closing()
        done = await self.close_and_post(poll_id, by=by, can_manage=can_manage)
        if done.result_id is None:
            await reply.show_result(await self.view(poll_id))
        elif done.newly_closed or done.posted_now:
            await reply.result_posted(done.poll, done.result_id)
        else:
            await reply.already_closed(done.poll, done.result_id)

    def register_timers(self, timers: TimerDispatcher) -> None:
        """Hand the dispatcher the close handler (a missed deadline closes the poll late, all the same)."""
        timers.register(TIMER_KIND, self.close_due, self.close_due)

    async def close_due(self, firing: Firing) -> None:
        """The close timer's handler, on time, late or missed alike: a poll past its deadline closes now.

        A retried firing (the bot stopped while it ran) may find its result already posted: it is adopted.
        """
        try:
            await self.close_and_post(int(firing.timer.ref), retry=firing.retry)
        except NotFound:
            log.warning("close timer %s names a poll that does not exist", firing.timer.ref)

    async def post_unposted(self) -> None:
        """At start: post the results of polls closed before a stop (or refused by their channel) whose
        result is not recorded. An earlier attempt may have posted it just before the stop: it is looked
        for in the channel first, so it is never posted twice."""
        for poll_id in await self._store.polls.unposted_results(self._clock.now() - timedelta(days=1)):
            try:
                await self.close_and_post(poll_id, retry=True)
            except Exception:
                log.exception("poll %d: could not post its result at start", poll_id)

    # -- ballots -------------------------------------------------------------------------------------

    def _check_voter(self, poll: Poll, role_ids: Collection[int]) -> None:
        if poll.role_id is not None and poll.role_id not in role_ids:
            raise NotAllowed(
                "This poll is open only to members with the role named on it, which you don't have."
            )
        if not poll.accepts_votes(self._clock.now()):
            raise Conflict(
                "This poll is closed; votes are no longer accepted.", hints=[f"/poll results id:{poll.id}"]
            )

    def _check_choices(self, poll: Poll, choices: Sequence[int]) -> tuple[int, ...]:
        picked = tuple(choices)
        n = len(poll.options)
        if not picked:
            raise BadInput("Pick at least one option (or retract your ballot).")
        if any(not 0 <= c < n for c in picked):
            raise BadInput("That option is not on this poll.")
        if len(set(picked)) != len(picked):
            raise BadInput("Each option can be picked only once.")
        if poll.mode == "single" and len(picked) != 1:
            raise BadInput("This poll takes one choice.")
        if poll.mode == "multi" and len(picked) > poll.max_choices:
            raise BadInput(f"This poll takes at most {poll.max_choices} choices; you picked {len(picked)}.")
        return picked if poll.mode == "ranked" else tuple(sorted(picked))

    def _result(self, poll: Poll, result: BallotResult) -> BallotResult:
        if result.status == "closed":
            raise Conflict(
                "This poll is closed; votes are no longer accepted.", hints=[f"/poll results id:{poll.id}"]
            )
        if result.status == "missing":
            raise NotFound("That poll no longer exists.")
        if result.status != "unchanged":
            self.delivery.changed(poll.id)
        return result

    async def vote(
        self, poll_id: int, user_id: int, role_ids: Collection[int], choices: Sequence[int]
    ) -> BallotResult:
        """Cast or replace a member's ballot; returns once it is committed (durable)."""
        poll = await self.get_definition(poll_id)
        self._check_voter(poll, role_ids)
        picked = self._check_choices(poll, choices)
        return self._result(poll, await self._store.polls.cast(poll_id, user_id, picked, self._clock.now()))

    async def toggle(
        self, poll_id: int, user_id: int, role_ids: Collection[int], option: int
    ) -> BallotResult:
        """Multi/approval buttons: add ``option`` to the member's ballot, or take it off."""
        poll = await self.get_definition(poll_id)
        self._check_voter(poll, role_ids)
        lock = self._ballot_locks.get((poll_id, user_id))
        if lock is None:
            lock = self._ballot_locks[(poll_id, user_id)] = asyncio.Lock()
        async with lock:
            current = await self._store.polls.ballot_of(poll_id, user_id) or ()
            if option in current:
                remaining = tuple(c for c in current if c != option)
                if not remaining:
                    return await self.retract(poll_id, user_id, role_ids)
                return await self.vote(poll_id, user_id, role_ids, remaining)
            if poll.mode == "multi" and len(current) >= poll.max_choices:
                raise BadInput(
                    f"You already picked {poll.max_choices}, the most this poll allows. "
                    "Click one of your picks again to take it off first."
                )
            return await self.vote(poll_id, user_id, role_ids, (*current, option))

    async def retract(self, poll_id: int, user_id: int, role_ids: Collection[int]) -> BallotResult:
        poll = await self.get_definition(poll_id)
        self._check_voter(poll, role_ids)
        return self._result(poll, await self._store.polls.cast(poll_id, user_id, None, self._clock.now()))

    async def my_ballot(self, poll_id: int, user_id: int) -> tuple[Poll, tuple[int, ...] | None]:
        poll = await self.get_definition(poll_id)
        return poll, await self._store.polls.ballot_of(poll_id, user_id)
