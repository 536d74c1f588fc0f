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
        ("0m", "longer than zero"),
        ("0d0h", "longer than zero"),
        ("30s", "at least a minute"),
        ("33d", "at most 32 days"),
        ("32d1m", "at most 32 days"),
        ("2025-12-31 10:00", "in the past"),
        ("2026-03-01", "at most 32 days"),
        ("next friday", "not a duration"),
        ("", "duration"),
        ("@everyone", "not a duration"),
    ],
)
def test_refused(text: str, message: str) -> None:
    with pytest.raises(BadInput, match=message):
        parse_deadline(text, NOW)
