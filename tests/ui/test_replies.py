"""When a click's commit is waited for before the answer is deferred: the time it took to arrive counts."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.ui.replies import DEFER_AFTER, defer_budget

CREATED = datetime(2026, 3, 27, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("age", "budget"),
    [
        (0.0, DEFER_AFTER),  # arrived at once: the whole budget
        (0.5, DEFER_AFTER - 0.5),  # half a second on its way: that much less
        (1.9, DEFER_AFTER - 1.9),
        (2.5, 0.0),  # past the budget already: defer at once
        (-1.0, DEFER_AFTER),  # our clock behind Discord's: count from now
        (60.0, DEFER_AFTER),  # our clock far ahead (no answer could be in time): count from now
    ],
)
def test_the_budget_counts_from_when_discord_created_the_interaction(age: float, budget: float) -> None:
    assert defer_budget(CREATED, CREATED + timedelta(seconds=age)) == pytest.approx(budget)
