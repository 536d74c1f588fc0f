"""Reading a poll's duration: a length (``30m``, ``2h``, ``3d``, ``1d12h``, ``90 minutes``) or an end time.

End times: ISO 8601 (``2026-03-01 20:00``, ``2026-03-01T20:00+01:00``; no offset means UTC), a Discord
timestamp (``<t:1767225600>`` or ``<t:1767225600:F>``) or Unix seconds. Everything comes back aware UTC,
from a minute to 32 days (Discord's own limit for a poll) after now; the reading is ``bot.parsing``'s.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot import parsing
from bot.errors import BadInput

MIN_DURATION = timedelta(minutes=1)
MAX_DURATION = timedelta(days=32)

# A bare number below this (2001-09-09 in Unix seconds) is a length without its unit, not an end time.
_UNIX_PLAUSIBLE = 10**9
_HINTS = (
    "A length: 30m, 2h, 3d or 1d12h (up to 32 days)",
    "An end time like 2026-03-01 20:00 (UTC), 2026-03-01T20:00+01:00 or a Discord timestamp <t:1767225600>",
)


def parse_deadline(text: str, now: datetime) -> datetime:
    """When a poll given ``text`` as its duration closes; ``BadInput`` says what would work."""
    raw = text.strip()
    if not raw:
        raise BadInput("Give the poll a duration.", hints=_HINTS)
    body = raw[3:] if raw.lower().startswith("in ") else raw
    seconds = parsing.read_length(body)
    if seconds is not None:
        length = parsing.length(
            seconds, raw, low=MIN_DURATION, high=MAX_DURATION, what="A poll's duration", hints=_HINTS
        )
        return now + length
    count = parsing.whole(raw)
    if count is not None and 0 <= count < _UNIX_PLAUSIBLE:
        raise BadInput(f"“{raw}” needs a unit: “{raw}m”, “{raw}h” or “{raw}d”.", hints=_HINTS)
    window = parsing.Window(now, MAX_DURATION, "a poll's end", _HINTS)
    deadline = window.discord_time(raw) or window.unix(raw) or _iso(window, raw)
    if deadline is None:
        raise BadInput(f"“{parsing.shown(raw)}” is not a duration or an end time.", hints=_HINTS)
    if deadline - now < MIN_DURATION:
        raise BadInput(
            f"A poll must stay open for at least 1 minute; “{parsing.shown(raw)}” is sooner.", hints=_HINTS
        )
    return deadline


def _iso(window: parsing.Window, text: str) -> datetime | None:
    value = window.iso(text, needs_time=False)
    if value is None:
        return None
    return window.check(value if value.tzinfo is not None else value.replace(tzinfo=UTC), text)
