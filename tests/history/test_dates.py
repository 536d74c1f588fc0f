"""Reading the day ``/watched`` is given: what works, what is refused (and says what would work)."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from bot.errors import BadInput
from bot.history.dates import noon_of, parse_day

# Friday 27 March 2026, 12:00 UTC.
NOW = datetime(2026, 3, 27, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("text", "day"),
    [
        (None, date(2026, 3, 27)),
        ("", date(2026, 3, 27)),
        ("Today", date(2026, 3, 27)),
        ("yesterday", date(2026, 3, 26)),
        ("3 days ago", date(2026, 3, 24)),
        ("1 day ago", date(2026, 3, 26)),
        ("2 weeks ago", date(2026, 3, 13)),
        ("friday", date(2026, 3, 27)),
        ("last friday", date(2026, 3, 20)),
        ("Sat", date(2026, 3, 21)),
        ("2026-03-14", date(2026, 3, 14)),
        ("2026-3-4", date(2026, 3, 4)),
        ("Mar 14", date(2026, 3, 14)),
        ("14 March", date(2026, 3, 14)),
        ("march 27th", date(2026, 3, 27)),
        ("Dec 24", date(2025, 12, 24)),
        ("24th of December, 2019", date(2019, 12, 24)),
        ("Sept 1 2025", date(2025, 9, 1)),
        ("Feb 29", date(2024, 2, 29)),
    ],
)
def test_days_that_read(text: str | None, day: date) -> None:
    assert parse_day(text, "UTC", NOW) == day


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("tomorrow", "don't know that day"),
        ("2026-03-28", "after today"),
        ("Dec 25 2026", "after today"),
        ("03/04", "slashes or dots"),
        ("14.03.2026", "slashes or dots"),
        ("2026-02-30", "does not exist"),
        ("Feb 30", "does not exist"),
        ("1850-01-01", "before films were shown"),
        ("someday", "don't know that day"),
        ("Mar", "don't know that day"),
    ],
)
def test_days_that_are_refused_with_examples(text: str, says: str) -> None:
    with pytest.raises(BadInput) as refused:
        parse_day(text, "UTC", NOW)
    assert says in refused.value.message
    assert "yesterday" in " ".join(refused.value.hints) or "after today" in refused.value.message


def test_today_is_the_servers_today() -> None:
    # 12:00 UTC is already Saturday in Auckland and still Friday morning in Honolulu.
    assert parse_day(None, "Pacific/Auckland", NOW) == date(2026, 3, 28)
    assert parse_day("friday", "Pacific/Auckland", NOW) == date(2026, 3, 27)
    assert parse_day(None, "Pacific/Honolulu", NOW) == date(2026, 3, 27)


def test_a_day_is_shown_at_its_noon() -> None:
    assert noon_of(date(2026, 7, 1), "Europe/Berlin") == datetime(2026, 7, 1, 10, 0, tzinfo=UTC)
