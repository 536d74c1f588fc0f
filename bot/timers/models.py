"""Timer records: a timer row as read from the store, and one firing of it as a handler sees it."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

# Lateness below this is scheduling noise, not "late".
LATE_NOTE_THRESHOLD = timedelta(seconds=30)


@dataclass(frozen=True, slots=True)
class Timer:
    id: int
    kind: str
    ref: str
    due_at: datetime
    state: str
    attempts: int
    payload: dict[str, Any] = field(default_factory=dict)
    fired_at: datetime | None = None
    late_by: float | None = None
    error: str | None = None


@dataclass(frozen=True, slots=True)
class Firing:
    timer: Timer
    now: datetime
    late_by: timedelta

    @property
    def late(self) -> bool:
        """True when the timer fires noticeably after its time (the bot was down, say)."""
        return self.late_by > LATE_NOTE_THRESHOLD

    @property
    def retry(self) -> bool:
        """True when an earlier attempt was interrupted; the handler must not repeat a visible effect."""
        return self.timer.attempts > 1
