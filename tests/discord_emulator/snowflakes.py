"""Discord-style snowflake ids and ISO-8601 timestamps."""

from __future__ import annotations

import datetime as dt
import itertools
import time

DISCORD_EPOCH_MS = 1420070400000


class SnowflakeGenerator:
    """Produces strictly increasing snowflakes: 42 bits of ms since the Discord epoch, worker 1, process 0."""

    def __init__(self, worker_id: int = 1, process_id: int = 0) -> None:
        self._worker = worker_id & 0x1F
        self._process = process_id & 0x1F
        self._counter = itertools.count()
        self._last = 0

    def next(self, at_ms: int | None = None) -> int:
        now_ms = int(time.time() * 1000) if at_ms is None else at_ms
        increment = next(self._counter) & 0xFFF
        value = ((now_ms - DISCORD_EPOCH_MS) << 22) | (self._worker << 17) | (self._process << 12) | increment
        if value <= self._last:
            value = self._last + 1
        self._last = value
        return value


def snowflake_at(at_ms: int, increment: int = 0, *, worker_id: int = 2, process_id: int = 0) -> int:
    """The snowflake of something created at ``at_ms`` (e.g. a guild made long before the world's other ids).

    Worker 2, so that it never equals an id of a ``SnowflakeGenerator`` (worker 1).
    """
    return (
        ((at_ms - DISCORD_EPOCH_MS) << 22)
        | ((worker_id & 0x1F) << 17)
        | ((process_id & 0x1F) << 12)
        | (increment & 0xFFF)
    )


def snowflake_time(snowflake: int) -> dt.datetime:
    """Creation time of a snowflake."""
    ms = (int(snowflake) >> 22) + DISCORD_EPOCH_MS
    return dt.datetime.fromtimestamp(ms / 1000, tz=dt.UTC)


def iso(moment: dt.datetime | None = None) -> str:
    """Discord's timestamp format, e.g. ``2026-01-01T12:00:00.123000+00:00``."""
    moment = moment or dt.datetime.now(dt.UTC)
    return moment.astimezone(dt.UTC).isoformat(timespec="microseconds")


def parse_iso(value: str) -> dt.datetime:
    """Parse an ISO-8601 timestamp as Discord accepts it (a trailing ``Z`` is allowed)."""
    if value.endswith("Z"):
        value = value[:-1] + "+00:00"
    parsed = dt.datetime.fromisoformat(value)
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=dt.UTC)
    return parsed
