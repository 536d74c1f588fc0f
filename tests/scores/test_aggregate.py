"""The aggregate on hand-checked cases: every expected figure below was worked out on paper."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.films.models import Score
from bot.scores.aggregate import NEUTRAL_PRIOR, PRIOR_WEIGHT, aggregate, check_rating, group_scores
from bot.scores.service import summary_line

D1, D2 = date(2026, 1, 2), date(2026, 11, 21)


def avg(name: str, value: float, scale: float, source: str = "a", votes: int | None = None) -> Score:
    return Score(name=name, kind="average", value=value, scale=scale, votes=votes, source=source, as_of=D2)


def appr(name: str, value: float, source: str = "a", as_of: date = D2) -> Score:
    return Score(name=name, kind="approval", value=value, source=source, as_of=as_of)


HUNDRED_METERS = [
    appr("Rotten Tomatoes (critics)", 100, "listing", D1),
    appr("Rotten Tomatoes (critics)", 100, "spokon", D2),
    appr("Rotten Tomatoes (viewers)", 92, "spokon"),
    avg("IMDb", 8.1, 10, "spokon"),
    avg("Letterboxd", 3.8, 5, "spokon"),
    avg("7.7/10 listing (site not named)", 7.7, 10, "listing", votes=56),
]


def test_nothing_known_gives_no_aggregate() -> None:
    result = aggregate([], [])
    assert result.aggregate is None and result.consensus is None and result.members is None
    assert summary_line(result) == "No scores yet"


def test_approval_only_is_never_turned_into_an_aggregate() -> None:
    result = aggregate([appr("Rotten Tomatoes (critics)", 100)], [])
    assert result.aggregate is None and result.consensus is None
    assert [s.value for s in result.approvals] == [100]
    assert summary_line(result) == "Rotten Tomatoes (critics) 100%"


def test_approval_only_and_one_member_uses_the_neutral_prior() -> None:
    result = aggregate([appr("RT", 40)], [8.0])
    assert result.members is not None
    assert result.members.prior == NEUTRAL_PRIOR and not result.members.prior_is_consensus
    # (10 × 50 + 80) / 11
    assert result.members.bayesian == pytest.approx(580 / 11)
    assert result.aggregate == pytest.approx(580 / 11)
    assert result.inputs == (("Members", pytest.approx(580 / 11)),)


def test_hundred_meters_groups_the_twice_reported_score_and_normalizes() -> None:
    result = aggregate(HUNDRED_METERS, [])
    assert [(s.name, s.value, s.sources) for s in result.approvals] == [
        ("Rotten Tomatoes (critics)", 100, ("listing", "spokon")),
        ("Rotten Tomatoes (viewers)", 92, ("spokon",)),
    ]
    assert result.approvals[0].as_of == D2  # the latest document that reports it
    assert [s.normalized for s in result.averages] == pytest.approx([81, 76, 77])
    assert result.averages[2].votes == 56
    # (81 + 76 + 77) / 3; the approvals (100, 92) are not in it.
    assert result.consensus == pytest.approx(78.0)
    assert result.aggregate == pytest.approx(78.0)
    assert summary_line(result) == "Aggregate 78/100"


def test_one_member_moves_the_score_only_a_little() -> None:
    result = aggregate(HUNDRED_METERS, [10.0])
    assert result.members is not None
    # (10 × 78 + 100) / 11 = 80
    assert result.members.bayesian == pytest.approx(80.0)
    assert result.members.mean == 10.0 and result.members.count == 1
    # (81 + 76 + 77 + 80) / 4
    assert result.aggregate == pytest.approx(78.5)
    assert summary_line(result) == "Aggregate 78/100 · members 10/10 (1)"


def test_three_members_cannot_swing_it() -> None:
    result = aggregate([avg("X", 8, 10)], [10.0, 10.0, 10.0])
    assert result.members is not None
    # (10 × 80 + 300) / 13
    assert result.members.bayesian == pytest.approx(1100 / 13)  # 84.6, not 100
    assert result.aggregate == pytest.approx((80 + 1100 / 13) / 2)


def test_many_members_dominate() -> None:
    result = aggregate(HUNDRED_METERS, [10.0] * 30)
    assert result.members is not None
    # (10 × 78 + 30 × 100) / 40
    assert result.members.bayesian == pytest.approx(94.5)
    assert result.aggregate == pytest.approx((81 + 76 + 77 + 94.5) / 4)


def test_extreme_values() -> None:
    result = aggregate([avg("Zero", 0, 10), avg("Full", 5, 5)], [0.5] * 5)
    assert result.consensus == pytest.approx(50.0)
    assert result.members is not None
    # (10 × 50 + 5 × 5) / 15
    assert result.members.bayesian == pytest.approx(35.0)
    assert result.aggregate == pytest.approx((0 + 100 + 35) / 3)
    top = aggregate([avg("Full", 10, 10)], [10.0] * 1000)
    assert top.aggregate == pytest.approx(100.0)


def test_distribution_lists_every_rating_high_first() -> None:
    result = aggregate([], [7.5, 10, 7.5, 0.5])
    assert result.members is not None
    assert result.members.distribution == ((10, 1), (7.5, 2), (0.5, 1))
    assert result.members.mean == pytest.approx(6.375)


def test_same_name_different_value_is_kept_apart() -> None:
    grouped = group_scores([avg("IMDb", 8.1, 10, "a"), avg("IMDb", 8.0, 10, "b")])
    assert len(grouped) == 2


@pytest.mark.parametrize("bad", [0, 11, 7.3, -1, 10.5])
def test_bad_ratings_are_refused(bad: float) -> None:
    with pytest.raises(ValueError):
        check_rating(bad)
    with pytest.raises(ValueError):
        aggregate([], [bad])


def test_inconsistent_outside_scores_are_refused() -> None:
    with pytest.raises(ValueError):
        aggregate([avg("Broken", 11, 10)], [])
    with pytest.raises(ValueError):
        aggregate([appr("Broken", 101)], [])


ratings = st.lists(st.integers(1, 20).map(lambda h: h / 2), max_size=60)
averages = st.lists(
    st.tuples(st.sampled_from([5.0, 10.0, 100.0]), st.floats(0, 1)).map(
        lambda t: avg("S", t[0] * t[1], t[0])
    ),
    max_size=5,
)


@given(averages, ratings)
def test_every_figure_stays_within_its_inputs(outside: list[Score], given_ratings: list[float]) -> None:
    result = aggregate(outside, given_ratings)
    if result.members is not None:
        m = result.members
        low = min(m.prior, min(given_ratings) * 10)
        high = max(m.prior, max(given_ratings) * 10)
        assert low - 1e-9 <= m.bayesian <= high + 1e-9
        assert m.count == len(given_ratings) == sum(c for _, c in m.distribution)
    if result.inputs:
        values = [v for _, v in result.inputs]
        assert result.aggregate is not None
        assert min(values) - 1e-9 <= result.aggregate <= max(values) + 1e-9
        assert 0 <= result.aggregate <= 100
    else:
        assert result.aggregate is None
    assert result.prior_weight == PRIOR_WEIGHT
