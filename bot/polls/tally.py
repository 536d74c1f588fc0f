"""Counting ballots, for every voting mode. Pure functions over plain data; no I/O.

A ballot is a sequence of option positions (``0 .. options-1``): one for ``single``, up to
``max_choices`` for ``multi``, any number for ``approval``, and an order of preference for ``ranked``.

Single, multi and approval: each option's count is the number of ballots that name it; its share is that
count over the number of ballots (so multi/approval shares can sum past 100 %). The winners are every
option with the highest non-zero count: two or more is a tie, reported as a tie.

Ranked (instant-runoff): each round, every ballot counts for its highest-ranked option still in the
running; a ballot with none left is *exhausted*. An option with more than half of the round's
non-exhausted ballots wins; a single option left wins. If every option left has the same number of votes,
they tie for the win (reported as a tie, never broken by chance). Otherwise the lowest option is eliminated,
with a deterministic tie-break for elimination:

1. Among the options tied for the fewest votes, look back at earlier rounds, latest first, and keep only
   those that had the fewest votes there too, until one remains or the first round is reached.
2. If several are still tied after that, they are eliminated together (never all options left, since
   some option has more votes than they do).

With no ballot naming any option there is no winner.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

MODES = ("single", "multi", "ranked", "approval")


@dataclass(frozen=True, slots=True)
class Round:
    """One instant-runoff round: ``counts[i]`` is option i's votes (None once eliminated)."""

    number: int
    counts: tuple[int | None, ...]
    exhausted: int
    eliminated: tuple[int, ...]

    @property
    def continuing(self) -> int:
        """Ballots still counting for an option this round."""
        return sum(c for c in self.counts if c is not None)


@dataclass(frozen=True, slots=True)
class Tally:
    mode: str
    ballots: int
    # First-round / plain counts per option (for ranked: first preferences).
    counts: tuple[int, ...]
    winners: tuple[int, ...]
    rounds: tuple[Round, ...] = ()

    @property
    def tie(self) -> bool:
        return len(self.winners) > 1

    def share(self, option: int) -> float:
        """The option's count as a fraction of all ballots (0 when there are none)."""
        return self.counts[option] / self.ballots if self.ballots else 0.0

    @property
    def final_counts(self) -> tuple[int, ...]:
        """The counts that decided: the last round's for ranked polls (eliminated count 0)."""
        if self.rounds:
            return tuple(c or 0 for c in self.rounds[-1].counts)
        return self.counts


def tally(mode: str, options: int, ballots: Sequence[Sequence[int]]) -> Tally:
    """Count ``ballots`` over ``options`` options in ``mode``. Invalid positions are a programming error."""
    if mode not in MODES:
        raise ValueError(f"unknown poll mode {mode!r}")
    for ballot in ballots:
        if any(not 0 <= choice < options for choice in ballot):
            raise ValueError(f"ballot {list(ballot)} names an option outside 0..{options - 1}")
        if len(set(ballot)) != len(ballot):
            raise ValueError(f"ballot {list(ballot)} names an option twice")
    if mode == "ranked":
        return instant_runoff(options, ballots)
    counts = [0] * options
    for ballot in ballots:
        for choice in ballot:
            counts[choice] += 1
    return Tally(mode=mode, ballots=len(ballots), counts=tuple(counts), winners=_top(counts))


def _top(counts: Sequence[int]) -> tuple[int, ...]:
    best = max(counts, default=0)
    if best == 0:
        return ()
    return tuple(i for i, c in enumerate(counts) if c == best)


def instant_runoff(options: int, ballots: Sequence[Sequence[int]]) -> Tally:
    """Instant-runoff voting with the tie-break rule in this module's docstring."""
    first = [0] * options
    for ballot in ballots:
        if ballot:
            first[ballot[0]] += 1
    if not any(first):
        return Tally(mode="ranked", ballots=len(ballots), counts=tuple(first), winners=())
    running = set(range(options))
    history: list[list[int | None]] = []
    rounds: list[Round] = []
    while True:
        counts: list[int | None] = [0 if i in running else None for i in range(options)]
        exhausted = 0
        for ballot in ballots:
            pick = next((c for c in ballot if c in running), None)
            if pick is None:
                exhausted += 1
            else:
                counts[pick] = (counts[pick] or 0) + 1
        history.append(counts)
        live = {i: counts[i] or 0 for i in running}
        continuing = sum(live.values())
        leader = max(live.values())
        if leader * 2 > continuing or len(running) == 1:
            rounds.append(Round(len(rounds) + 1, tuple(counts), exhausted, ()))
            winners = tuple(sorted(i for i, c in live.items() if c == leader))
            return _ranked(ballots, first, rounds, winners)
        if min(live.values()) == leader:
            # Everyone left has the same count: a tie for the win.
            rounds.append(Round(len(rounds) + 1, tuple(counts), exhausted, ()))
            return _ranked(ballots, first, rounds, tuple(sorted(running)))
        lowest = _lowest(running, history)
        rounds.append(Round(len(rounds) + 1, tuple(counts), exhausted, tuple(sorted(lowest))))
        running -= lowest


def _lowest(running: set[int], history: list[list[int | None]]) -> set[int]:
    """The options to eliminate: fewest votes now, narrowed by earlier rounds, latest first."""
    tied = set(running)
    for counts in reversed(history):
        fewest = min(counts[i] or 0 for i in tied)
        tied = {i for i in tied if (counts[i] or 0) == fewest}
        if len(tied) == 1:
            break
    return tied


def _ranked(
    ballots: Sequence[Sequence[int]], first: list[int], rounds: list[Round], winners: tuple[int, ...]
) -> Tally:
    return Tally(
        mode="ranked", ballots=len(ballots), counts=tuple(first), winners=winners, rounds=tuple(rounds)
    )
