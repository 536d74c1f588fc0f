"""Reading a poll's duration: a length (``30m``, ``2h``, ``3d``, ``1d12h``) or an end time.

End times: ISO 8601 (``2026-03-01 20:00``, ``2026-03-01T20:00+01:00``; no offset means UTC), a Discord
timestamp (``<t:1767225600>`` or ``<t:1767225600:F>``) or Unix seconds. Everything comes back aware UTC.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from bot.errors import BadInput

MIN_DURATION = timedelta(minutes=1)
MAX_DURATION = timedelta(days=32)

_UNITS = {"w": 7 * 86400, "d": 86400, "h": 3600, "m": 60, "s": 1}
_PART = re.compile(r"(\d+(?:\.\d+)?)\s*([wdhms])")
_LENGTH = re.compile(r"^(?:\d+(?:\.\d+)?\s*[wdhms]\s*)+$")
_DISCORD_TS = re.compile(r"^<t:(-?\d+)(?::[tTdDfFR])?>$")
_HINTS = ("30m, 2h, 3d or 1d12h", "an end time like 2026-03-01 20:00 (UTC) or 2026-03-01T20:00+01:00")


def parse_deadline(text: str, now: datetime) -> datetime:
    """When a poll given ``text`` as its duration closes; ``BadInput`` says what would work."""
    raw = text.strip().lower()
    if not raw:
        raise BadInput("Give the poll a duration.", hints=_HINTS)
    if _LENGTH.match(raw):
        seconds = sum(float(n) * _UNITS[unit] for n, unit in _PART.findall(raw))
        length = timedelta(seconds=round(seconds))
        return _check(now + length, now, text)
    return _check(_end_time(text.strip()), now, text)


def _end_time(text: str) -> datetime:
    if match := _DISCORD_TS.match(text):
        return datetime.fromtimestamp(int(match.group(1)), UTC)
    if text.isdigit():
        return datetime.fromtimestamp(int(text), UTC)
    try:
        value = datetime.fromisoformat(text.replace(" utc", "").replace(" UTC", "").replace("Z", "+00:00"))
    except ValueError:
        raise BadInput(f"“{text[:60]}” is not a duration or an end time.", hints=_HINTS) from None
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC)


def _check(deadline: datetime, now: datetime, text: str) -> datetime:
    length = deadline - now
    if length <= timedelta(0):
        if deadline == now:
            raise BadInput("A poll needs a duration longer than zero.", hints=_HINTS)
        raise BadInput(f"“{text[:60]}” is in the past; give a time after now.", hints=_HINTS)
    if length < MIN_DURATION:
        raise BadInput("A poll must stay open for at least a minute.", hints=_HINTS)
    if length > MAX_DURATION:
        raise BadInput("A poll can stay open for at most 32 days.", hints=_HINTS)
    return deadline
