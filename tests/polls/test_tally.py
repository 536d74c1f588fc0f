"""Tally functions on hand-checked cases, for every mode."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.polls.tally import instant_runoff, tally

A, B, C, D = 0, 1, 2, 3


def test_single_counts_shares_and_winner() -> None:
    result = tally("single", 3, [(A,), (B,), (A,), (C,), (A,)])
    assert result.counts == (3, 1, 1)
    assert result.ballots == 5
    assert result.winners == (A,)
    assert not result.tie
    assert result.share(A) == pytest.approx(0.6)


def test_single_tie_is_reported_as_a_tie() -> None:
    result = tally("single", 3, [(A,), (B,), (C,), (B,), (A,)])
    assert result.winners == (A, B)
    assert result.tie


def test_no_ballots_no_winner() -> None:
    for mode in ("single", "multi", "approval", "ranked"):
        result = tally(mode, 4, [])
        assert result.winners == ()
        assert result.share(0) == 0.0


def test_multi_and_approval_share_is_of_ballots() -> None:
    ballots = [(A, B), (A,), (B, C), (A, C)]
    for mode in ("multi", "approval"):
        result = tally(mode, 3, ballots)
        assert result.counts == (3, 2, 2)
        assert result.winners == (A,)
        assert result.share(A) == pytest.approx(0.75)


def test_approval_tie() -> None:
    assert tally("approval", 3, [(A, B), (A, B), (C,)]).winners == (A, B)


def test_invalid_ballots_are_refused() -> None:
    with pytest.raises(ValueError, match="outside"):
        tally("single", 2, [(2,)])
    with pytest.raises(ValueError, match="twice"):
        tally("ranked", 3, [(A, A)])
    with pytest.raises(ValueError, match="mode"):
        tally("borda", 3, [])


def test_ranked_majority_in_first_round() -> None:
    result = instant_runoff(3, [(A, B), (A, C), (A,), (B, A), (C,)])
    assert result.winners == (A,)
    assert len(result.rounds) == 1
    assert result.rounds[0].counts == (3, 1, 1)


def test_ranked_transfers_until_majority() -> None:
    # Round 1: A 4, B 3, C 2 -> no majority (of 9), C eliminated; C's ballots go to B -> B 5 wins.
    ballots = [(A,)] * 4 + [(B, A)] * 3 + [(C, B)] * 2
    result = instant_runoff(3, ballots)
    assert [r.counts for r in result.rounds] == [(4, 3, 2), (4, 5, None)]
    assert [r.eliminated for r in result.rounds] == [(C,), ()]
    assert result.winners == (B,)
    assert result.counts == (4, 3, 2)  # first preferences
    assert result.final_counts == (4, 5, 0)


def test_ranked_exhausted_ballots_are_counted_and_drop_out_of_the_majority() -> None:
    # Round 1 (of 7): A 3, B 2, C 2. C and B tie lowest with no earlier round: both eliminated together.
    # Round 2: A 3, both C ballots exhausted (they ranked only C), B ballots moved to A? No: B ballots rank
    # only B, so they are exhausted too. A has 3 of 3 continuing and wins.
    ballots = [(A,)] * 3 + [(B,)] * 2 + [(C,)] * 2
    result = instant_runoff(3, ballots)
    assert result.rounds[0].eliminated == (B, C)
    assert result.rounds[1].counts == (3, None, None)
    assert result.rounds[1].exhausted == 4
    assert result.winners == (A,)


def test_ranked_exhausted_ballots_change_the_majority_threshold() -> None:
    # 9 ballots. Round 1: A 4, B 3, C 2 -> C out; C ballots rank nothing else (exhausted).
    # Round 2: A 4 of 7 continuing is a majority even though it is not half of all 9 ballots.
    ballots = [(A,)] * 4 + [(B,)] * 3 + [(C,)] * 2
    result = instant_runoff(3, ballots)
    assert result.rounds[1].counts == (4, 3, None)
    assert result.rounds[1].exhausted == 2
    assert result.winners == (A,)


def test_ranked_lowest_tie_broken_by_earlier_round() -> None:
    # Round 1 (11): A 4, B 3, C 2, D 2 -> C and D tied lowest with no earlier round: both out.
    # C's ballots go to B, D's to B -> round 2: A 4, B 7 -> B wins.
    ballots = [(A,)] * 4 + [(B,)] * 3 + [(C, B)] * 2 + [(D, B)] * 2
    result = instant_runoff(4, ballots)
    assert result.rounds[0].eliminated == (C, D)
    assert result.winners == (B,)
    # Now a tie in a later round that the earlier round breaks.
    # Round 1 (12): A 5, B 4, C 3, D 0 -> D out (0 votes). Round 2: the same counts, C out, C ballots split:
    # one to A, two to B -> round 3: A 6, B 6: all left tie -> a tie for the win (never broken by history).
    ballots = [(A,)] * 5 + [(B,)] * 4 + [(C, A)] + [(C, B)] * 2
    result = instant_runoff(4, ballots)
    assert [r.eliminated for r in result.rounds] == [(D,), (C,), ()]
    assert result.rounds[-1].counts == (6, 6, None, None)
    assert result.winners == (A, B)
    assert result.tie


def test_ranked_lowest_tie_narrowed_by_prior_round_counts() -> None:
    # Round 1 (14): A 6, B 4, C 3, D 1 -> D out; its ballot goes to C -> round 2: A 6, B 4, C 4.
    # B and C tie lowest; in round 1 C had 3 < B 4, so C alone goes. Its three (C, B) ballots go to B and
    # the (D, C) ballot is exhausted -> round 3: A 6, B 7 of 13 continuing -> B wins.
    ballots = [(A,)] * 6 + [(B, A)] * 4 + [(C, B)] * 3 + [(D, C)]
    result = instant_runoff(4, ballots)
    assert result.rounds[0].counts == (6, 4, 3, 1)
    assert result.rounds[0].eliminated == (D,)
    assert result.rounds[1].counts == (6, 4, 4, None)
    assert result.rounds[1].eliminated == (C,)  # tied with B now, but fewer in round 1
    assert result.rounds[2].counts == (6, 7, None, None)
    assert result.rounds[2].exhausted == 1
    assert result.winners == (B,)


def test_ranked_all_tied_is_a_tie_for_the_win() -> None:
    result = instant_runoff(3, [(A, B), (B, C), (C, A)])
    assert result.winners == (A, B, C)
    assert len(result.rounds) == 1


def test_ranked_only_unranked_ballots_have_no_winner() -> None:
    result = instant_runoff(2, [(), ()])
    assert result.winners == ()
    assert result.ballots == 2


@given(
    st.integers(min_value=2, max_value=6).flatmap(
        lambda n: st.tuples(
            st.just(n),
            st.lists(
                st.permutations(list(range(n))).flatmap(
                    lambda p: st.integers(1, n).map(lambda k: tuple(p[:k]))
                ),
                max_size=40,
            ),
        )
    )
)
def test_ranked_invariants(case: tuple[int, list[tuple[int, ...]]]) -> None:
    n, ballots = case
    result = instant_runoff(n, ballots)
    for round_ in result.rounds:
        # Every ballot is either counting for one option or exhausted, every round.
        assert round_.continuing + round_.exhausted == len(ballots)
    if ballots:
        assert result.winners
        last = result.rounds[-1]
        top = max(c for c in last.counts if c is not None)
        assert all(last.counts[w] == top for w in result.winners)
        # Eliminated options never come back.
        gone: set[int] = set()
        for round_ in result.rounds:
            assert all(round_.counts[g] is None for g in gone)
            gone |= set(round_.eliminated)
