"""Reading the day a moderator gives ``/watched``: "today", "yesterday", "3 days ago", "friday",
"2026-03-14", "Mar 14", "14 March 2025".

Pure: text + the server's zone + now -> a past (or today's) date, or ``BadInput`` whose hints show inputs
that would work. Like the watch party times (``bot.watchparty.timeparse``), a small explicit grammar that
refuses what it cannot read rather than guessing: "03/04" is refused (March 4th or 3 April?), and a day
without a year is its latest occurrence up to today.
"""

from __future__ import annotations

import calendar
import re
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.errors import BadInput

EXAMPLES = ("today", "yesterday", "3 days ago", "friday", "2026-03-14", "Mar 14", "14 March 2025")
# The first films were shown in 1895; a date before that is a typo.
EARLIEST = date(1895, 1, 1)

_MONTHS = {
    name.lower(): number
    for number in range(1, 13)
    for name in (calendar.month_name[number], calendar.month_abbr[number], "sept" if number == 9 else "")
    if name
}
_WEEKDAYS = {
    name.lower(): number
    for number in range(7)
    for name in (calendar.day_name[number], calendar.day_abbr[number])
}
_AGO = re.compile(r"^(?P<n>\d{1,4})\s*(?P<unit>days?|d|weeks?|w)\s+ago$")
_ISO = re.compile(r"^(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})$")
_SLASHED = re.compile(r"^\d{1,4}[/.]\d{1,2}(?:[/.]\d{1,4})?$")
_DAY = re.compile(r"^(?P<d>\d{1,2})(?:st|nd|rd|th)?$")
_YEAR = re.compile(r"^\d{4}$")


def _refuse(text: str, why: str) -> BadInput:
    return BadInput(
        f"I can't read “{text[:60]}” as a day: {why}",
        hints=("These work: " + ", ".join(f"“{e}”" for e in EXAMPLES) + ". Leave it out for today.",),
    )


def today_in(zone: str, now: datetime) -> date:
    return now.astimezone(ZoneInfo(zone)).date()


def noon_of(day: date, zone: str) -> datetime:
    """Noon of ``day`` in ``zone``, as UTC: the instant a day-only viewing is shown at (``<t:…:D>`` then
    shows the same day to members up to eleven hours either side of the server)."""
    return datetime.combine(day, time(12, 0), tzinfo=ZoneInfo(zone)).astimezone(UTC)


def parse_day(text: str | None, zone: str, now: datetime) -> date:
    """The day ``text`` names in ``zone`` (today when it is empty); never a day after today."""
    today = today_in(zone, now)
    cleaned = " ".join((text or "").strip().lower().replace(",", " ").split())
    if not cleaned or cleaned == "today":
        return today
    day = _read(cleaned, text or "", today)
    if day > today:
        raise BadInput(
            f"{day:%A %d %B %Y} is after today ({today:%d %B %Y} in {zone}); a viewing is recorded once "
            "it has happened.",
            hints=("Give the day it was watched, e.g. “yesterday” or “2026-03-14”.",),
        )
    if day < EARLIEST:
        raise _refuse(text or "", "that is before films were shown; is the year right?")
    return day


def _read(cleaned: str, text: str, today: date) -> date:
    if cleaned == "yesterday":
        return today - timedelta(days=1)
    if (ago := _AGO.match(cleaned)) is not None:
        weeks = ago["unit"].startswith("w")
        return today - timedelta(days=int(ago["n"]) * (7 if weeks else 1))
    words = cleaned.split(" ")
    if words[0] == "last" and len(words) == 2 and words[1] in _WEEKDAYS:
        return _last_weekday(_WEEKDAYS[words[1]], today, strictly_before=True)
    if len(words) == 1 and words[0] in _WEEKDAYS:
        return _last_weekday(_WEEKDAYS[words[0]], today, strictly_before=False)
    if (iso := _ISO.match(cleaned)) is not None:
        return _date(int(iso["y"]), int(iso["m"]), int(iso["d"]), text)
    if _SLASHED.match(cleaned):
        raise _refuse(text, "numbers with slashes or dots are read differently around the world.")
    return _month_day(words, text, today)


def _last_weekday(weekday: int, today: date, *, strictly_before: bool) -> date:
    """The latest such weekday up to today ("friday" on a Friday is today; "last friday" a week ago)."""
    back = (today.weekday() - weekday) % 7
    if back == 0 and strictly_before:
        back = 7
    return today - timedelta(days=back)


def _date(year: int, month: int, day: int, text: str) -> date:
    try:
        return date(year, month, day)
    except ValueError:
        raise _refuse(text, "that day does not exist.") from None


def _month_day(words: list[str], text: str, today: date) -> date:
    """``Mar 14``, ``14 March``, ``March 14th 2025``, ``14th of March, 2025``."""
    words = [w.rstrip(".") for w in words if w != "of"]
    year = int(words.pop()) if len(words) == 3 and _YEAR.match(words[-1]) else None
    if len(words) == 2:
        for month_word, day_word in ((words[0], words[1]), (words[1], words[0])):
            month, day = _MONTHS.get(month_word), _DAY.match(day_word)
            if month and day:
                if year is not None:
                    return _date(year, month, int(day["d"]), text)
                return _latest(month, int(day["d"]), today, text)
    raise _refuse(text, "I don't know that day.")


def _latest(month: int, day: int, today: date, text: str) -> date:
    """The latest such day up to today (29 February: the latest leap year's)."""
    for year in range(today.year, today.year - 8, -1):
        try:
            candidate = date(year, month, day)
        except ValueError:
            continue
        if candidate <= today:
            return candidate
    raise _refuse(text, "that day does not exist.")
