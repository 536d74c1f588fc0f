"""The poll service: create, vote, retract, close and count. Returns plain records, never embeds."""

from __future__ import annotations

import asyncio
import logging
import weakref
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from datetime import timedelta

from bot.clock import Clock
from bot.errors import BadInput, Conflict, NotAllowed, NotFound
from bot.films.models import FilmSummary
from bot.polls.models import BallotResult, Mode, NewPoll, Poll, PollOption
from bot.polls.tally import Tally, tally
from bot.store import Store
from bot.ui import limits

log = logging.getLogger(__name__)

TIMER_KIND = "poll-close"
MIN_OPTIONS = 2
MAX_OPTIONS = 25
MAX_FILMS = 10
# An option must fit a button label (80) and a select option label (100).
OPTION_MAX = limits.BUTTON_LABEL
QUESTION_MAX = 200


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


def parse_options(text: str) -> tuple[str, ...]:
    """The options of ``/poll create``: ``;``-separated, 2–25, each at most 80 characters, no duplicates."""
    options = tuple(" ".join(part.split()) for part in text.split(";"))
    options = tuple(o for o in options if o)
    if len(options) < MIN_OPTIONS:
        raise BadInput(
            "A poll needs at least two options, separated by semicolons.",
            hints=["options: Heat; Ronin; Collateral"],
        )
    if len(options) > MAX_OPTIONS:
        raise BadInput(f"A poll can have at most {MAX_OPTIONS} options; you gave {len(options)}.")
    too_long = [o for o in options if len(o) > OPTION_MAX]
    if too_long:
        raise BadInput(
            f"Each option must be at most {OPTION_MAX} characters (Discord's button limit).",
            hints=[f"{o[:40]}… is {len(o)} characters" for o in too_long[:5]],
        )
    seen: set[str] = set()
    for option in options:
        key = option.casefold()
        if key in seen:
            raise BadInput(f"The option “{option[:80]}” is given twice; each option must be different.")
        seen.add(key)
    return options


def check_question(text: str) -> str:
    question = " ".join(text.split())
    if not question:
        raise BadInput("The poll needs a question.")
    if len(question) > QUESTION_MAX:
        raise BadInput(f"The question must be at most {QUESTION_MAX} characters; it has {len(question)}.")
    return question


def max_choices_for(mode: Mode, options: int, max_choices: int | None) -> int:
    if mode == "single":
        if max_choices not in (None, 1):
            raise BadInput("max_choices is for multi polls; a single-choice poll allows one choice.")
        return 1
    if mode == "multi":
        value = max_choices if max_choices is not None else min(2, options)
        if not 1 <= value <= options:
            raise BadInput(f"max_choices must be between 1 and the number of options ({options}).")
        return value
    if max_choices is not None:
        raise BadInput("max_choices is for multi polls only.")
    return options


class PollService:
    def __init__(self, store: Store, clock: Clock) -> None:
        self._store = store
        self._clock = clock
        self._polls: dict[int, Poll] = {}
        # One lock per member and poll, held while a toggle reads and rewrites that member's ballot, so
        # quick successive clicks are applied one after another instead of overwriting each other.
        self._ballot_locks: weakref.WeakValueDictionary[tuple[int, int], asyncio.Lock] = (
            weakref.WeakValueDictionary()
        )
        # Called with a poll id after every committed change to its ballots (live tally refresh).
        self.on_change: Callable[[int], None] = lambda poll_id: None

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
        """The poll as created (options, mode, role): cached; open/closed is checked when committing."""
        return self._polls.get(poll_id) or await self.get(poll_id)

    async def in_guild(self, poll_id: int, guild_id: int | None) -> Poll:
        poll = await self.get(poll_id)
        if poll.guild_id != guild_id:
            raise NotFound(f"There is no poll #{poll_id} in this server.")
        return poll

    async def set_message(self, poll_id: int, channel_id: int, message_id: int) -> None:
        await self._store.polls.set_message(poll_id, channel_id, message_id)
        self._polls.pop(poll_id, None)

    async def set_result_message(self, poll_id: int, message_id: int) -> None:
        await self._store.polls.set_result_message(poll_id, message_id)

    async def open_polls(self, guild_id: int) -> list[Poll]:
        return await self._store.polls.open_polls(guild_id)

    async def recent(self, guild_id: int) -> list[tuple[int, str, bool]]:
        return await self._store.polls.recent(guild_id)

    async def unposted_results(self) -> list[int]:
        return await self._store.polls.unposted_results(self._clock.now() - timedelta(days=1))

    async def view(self, poll_id: int) -> PollView:
        poll = await self.get(poll_id)
        if not poll.results_visible():
            return PollView(poll, await self._store.polls.ballot_count(poll_id), None)
        ballots = await self._store.polls.ballots(poll_id)
        return PollView(poll, len(ballots), tally(poll.mode, len(poll.options), ballots))

    async def close(self, poll_id: int, *, by: int | None = None, can_manage: bool = False) -> CloseOutcome:
        """Close a poll now. ``by`` None is the deadline; a member must be its author or manage messages."""
        poll = await self.get(poll_id)
        if by is not None and by != poll.author_id and not can_manage:
            raise NotAllowed("Only the poll's author or a member with Manage Messages can close it.")
        now = self._clock.now()
        async with self._store.transaction() as tx:
            newly = await tx.polls.close(poll_id, now, by)
            if newly and by is not None:
                await tx.timers.cancel(TIMER_KIND, str(poll_id))
        if newly:
            log.info("poll %d closed %s", poll_id, f"by {by}" if by else "at its deadline")
        return CloseOutcome(await self.get(poll_id), newly)

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
            self.on_change(poll.id)
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


def film_options(films: Sequence[FilmSummary], details: Sequence[str | None]) -> tuple[PollOption, ...]:
    """Movie-night options: each film once, labelled with its year; ``details`` is its score line."""
    seen: set[int] = set()
    options: list[PollOption] = []
    for film, detail in zip(films, details, strict=True):
        if film.id in seen:
            raise BadInput(f"“{film.label}” is picked twice; pick each film once.")
        seen.add(film.id)
        label = film.label if len(film.label) <= OPTION_MAX else film.label[: OPTION_MAX - 1] + "…"
        options.append(PollOption(len(options), label, film.id, detail))
    if len(options) < MIN_OPTIONS:
        raise BadInput("A movie night needs at least two films.")
    if len(options) > MAX_FILMS:
        raise BadInput(f"A movie night can offer at most {MAX_FILMS} films.")
    return tuple(options)
