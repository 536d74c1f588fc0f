"""Poll durations: lengths, end times, and the limits."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.errors import BadInput
from bot.polls.durations import parse_deadline

NOW = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("text", "length"),
    [
        ("30m", timedelta(minutes=30)),
        ("2h", timedelta(hours=2)),
        ("3d", timedelta(days=3)),
        ("1d12h", timedelta(days=1, hours=12)),
        ("1D 12H", timedelta(days=1, hours=12)),
        ("1.5h", timedelta(minutes=90)),
        ("32d", timedelta(days=32)),
        ("1w", timedelta(days=7)),
        ("90 minutes", timedelta(minutes=90)),
        ("in 2 hours", timedelta(hours=2)),
        ("1 day and 2 hours", timedelta(days=1, hours=2)),
    ],
)
def test_lengths(text: str, length: timedelta) -> None:
    assert parse_deadline(text, NOW) == NOW + length


@pytest.mark.parametrize(
    ("text", "when"),
    [
        ("2026-01-02 20:00", datetime(2026, 1, 2, 20, 0, tzinfo=UTC)),
        ("2026-01-02T20:00+01:00", datetime(2026, 1, 2, 19, 0, tzinfo=UTC)),
        ("2026-01-02T20:00Z", datetime(2026, 1, 2, 20, 0, tzinfo=UTC)),
        ("<t:1767398400:F>", datetime(2026, 1, 3, 0, 0, tzinfo=UTC)),
        ("1767398400", datetime(2026, 1, 3, 0, 0, tzinfo=UTC)),
    ],
)
def test_end_times(text: str, when: datetime) -> None:
    result = parse_deadline(text, NOW)
    assert result == when
    assert result.tzinfo is not None


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("0m", "at least 1 minute; “0m” is shorter"),
        ("0d0h", "at least 1 minute"),
        ("30s", "at least 1 minute"),
        ("33d", "at most 32 days; “33d” is longer"),
        ("32d1m", "at most 32 days"),
        ("2025-12-31 10:00", "in the past"),
        ("2026-03-01", "at most 32 days"),
        ("2026-01-01T12:00:30Z", "at least 1 minute"),
        ("next friday", "not a duration"),
        ("", "duration"),
        ("@everyone", "not a duration"),
        ("30", "needs a unit: “30m”, “30h” or “30d”"),
        ("2026-02-30 10:00", "that date does not exist"),
        ("2026-01-02 24:30", "that time does not exist"),
        ("2026-01-02T20:00+25:00", "that time does not exist"),
        ("1,5h", "not a duration"),
        # Issue 16, item 6: each of these was "Something went wrong".
        ("9" * 56 + "d", "at most 32 days"),
        ("9" * 60, "more than 32 days ahead"),
        ("<t:-99999999999999>", "in the past"),
        ("<t:99999999999999999>", "more than 32 days ahead"),
        ("²", "not a duration"),
        ("¹²³", "not a duration"),
        # Digits other than 0-9 are never read as numbers (int() would take "١٢" as 12).
        ("١٢h", "not a duration"),
        ("２h", "not a duration"),
        ("1e9s", "not a duration"),
    ],
)
def test_refused(text: str, message: str) -> None:
    with pytest.raises(BadInput) as caught:
        parse_deadline(text, NOW)
    assert message in caught.value.message
    assert caught.value.hints, "every refusal says what would work"
