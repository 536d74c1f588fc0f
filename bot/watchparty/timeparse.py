"""Reading the times people type: "2026-12-05 20:00", "Dec 5 8pm", "tomorrow 21:00", "friday 8pm",
"in 2 hours".

Pure: text + zone + now -> an aware UTC datetime, or ``BadInput`` whose hints show inputs that would work.

Why our own small grammar rather than ``dateutil.parser`` or ``dateparser``: ``dateutil.parser`` guesses
silently (``"5"`` is the 5th of this month, ``"fri 25"`` picks a day and drops the weekday, fuzzy mode
ignores words it cannot read) and knows neither "tomorrow" nor "in 2 hours"; ``dateparser`` reads
those but takes ~0.5 s to import, pulls in regex and tz tables, and also guesses. A party time that is
silently misread is worse than one refused with an example, so we accept a small, explicit grammar
and refuse everything else. Zones and DST come from the standard ``zoneinfo`` (with ``tzdata``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.errors import BadInput
from bot.preferences.zones import zone_named

EXAMPLES = ("2026-12-05 20:00", "Dec 5 8pm", "tomorrow 21:00", "friday 8pm", "in 2 hours")
# Further ahead than this is almost certainly a typo (a year too many).
MAX_AHEAD = timedelta(days=366 * 2)

_MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("jan", "january"), ("feb", "february"), ("mar", "march"), ("apr", "april"),
            ("may",), ("jun", "june"), ("jul", "july"), ("aug", "august"),
            ("sep", "sept", "september"), ("oct", "october"), ("nov", "november"), ("dec", "december"),
        ),
        start=1,
    )
    for name in names
}  # fmt: skip
_WEEKDAYS = {
    name: number
    for number, names in enumerate(
        (
            ("mon", "monday"), ("tue", "tues", "tuesday"), ("wed", "wednesday"),
            ("thu", "thur", "thurs", "thursday"), ("fri", "friday"), ("sat", "saturday"), ("sun", "sunday"),
        )
    )
    for name in names
}  # fmt: skip
_UNITS = {
    "s": 1, "sec": 1, "secs": 1, "second": 1, "seconds": 1,
    "m": 60, "min": 60, "mins": 60, "minute": 60, "minutes": 60,
    "h": 3600, "hr": 3600, "hrs": 3600, "hour": 3600, "hours": 3600,
    "d": 86400, "day": 86400, "days": 86400,
    "w": 604800, "week": 604800, "weeks": 604800,
}  # fmt: skip

_RELATIVE = re.compile(r"^in\s+(?P<body>.+)$")
_RELATIVE_PART = re.compile(r"(\d+(?:\.\d+)?)\s*([a-z]+)")
_TIME = re.compile(r"^(?:at\s+)?(?P<h>\d{1,2})(?:[:.](?P<m>\d{2}))?\s*(?P<ampm>am|pm|a\.m\.|p\.m\.)?$")
_ISO_DATE = re.compile(r"^(?P<y>\d{4})-(?P<mo>\d{1,2})-(?P<d>\d{1,2})$")
_ORDINAL = re.compile(r"^(?P<d>\d{1,2})(?:st|nd|rd|th)?$")


@dataclass(frozen=True, slots=True)
class ParsedTime:
    """When, in UTC, and how the member's words were read (shown back to them)."""

    at: datetime
    zone: str
    local: datetime


def _refuse(text: str, why: str, zone: str) -> BadInput:
    return BadInput(
        f"I can't read “{text[:80]}” as a time: {why}",
        hints=(f"Times are read in {zone}. These work: " + ", ".join(f"“{e}”" for e in EXAMPLES),),
    )


def _read_time(text: str) -> time | None:
    if text in ("noon", "midday"):
        return time(12, 0)
    if text == "midnight":
        return time(0, 0)
    match = _TIME.match(text)
    if not match:
        return None
    hour, minute = int(match["h"]), int(match["m"] or 0)
    ampm = (match["ampm"] or "").replace(".", "")
    if ampm:
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if ampm == "pm" else 0)
    elif match["m"] is None:
        return None  # a bare number ("8") is too ambiguous: 8am or 8pm?
    if hour > 23 or minute > 59:
        return None
    return time(hour, minute)


def _split_time(words: list[str]) -> tuple[list[str], time | None]:
    """Find the time of day at the end of the words ("8pm", "8 pm", "at 20:00")."""
    for take in (3, 2, 1):
        if len(words) >= take:
            found = _read_time(" ".join(words[-take:]))
            if found is not None:
                rest = words[:-take]
                if rest and rest[-1] == "at":
                    rest = rest[:-1]
                return rest, found
    return words, None


def _month_day(words: list[str]) -> tuple[int, int] | None:
    """``Dec 5``, ``December 5th``, ``5 Dec``, ``5th of December``."""
    words = [w.rstrip(",") for w in words if w != "of"]
    if len(words) != 2:
        return None
    first, second = words
    for month_word, day_word in ((first, second), (second, first)):
        month = _MONTHS.get(month_word.rstrip("."))
        day = _ORDINAL.match(day_word)
        if month and day:
            return month, int(day["d"])
    return None


def _localize(naive: datetime, zone: ZoneInfo, text: str, zone_name: str) -> datetime:
    """Attach the zone, refusing local times that don't exist (spring forward) or happen twice (fall back)."""
    first = naive.replace(tzinfo=zone, fold=0)
    second = naive.replace(tzinfo=zone, fold=1)
    round_trip = first.astimezone(UTC).astimezone(zone).replace(tzinfo=None)
    if round_trip != naive:
        raise BadInput(
            f"{naive:%Y-%m-%d %H:%M} does not exist in {zone_name}: the clocks skip that hour "
            f"(daylight saving time starts).",
            hints=(
                f"Pick a time outside the skipped hour, e.g. “{round_trip:%Y-%m-%d %H:%M}”, "
                f"or say how far ahead it is (“in 3 hours”).",
            ),
        )
    if first.utcoffset() != second.utcoffset():
        raise BadInput(
            f"{naive:%Y-%m-%d %H:%M} happens twice in {zone_name}: the clocks go back that night "
            f"(daylight saving time ends), so I can't tell which one you mean.",
            hints=(
                "Pick a time an hour earlier or later, or give it in UTC with the “timezone” option, "
                f"or say how far ahead it is (“in 3 hours”). You typed “{text[:60]}”.",
            ),
        )
    return first


def parse_when(text: str, zone_name: str, now: datetime) -> ParsedTime:
    """Read ``text`` as a future moment; local times are in ``zone_name``; ``now`` is aware."""
    if now.tzinfo is None:
        raise ValueError("now must be aware")
    zone = zone_named(zone_name)
    zone_name = str(zone.key)
    cleaned = " ".join(text.strip().lower().split())
    if not cleaned:
        raise _refuse(text, "it is empty.", zone_name)

    relative = _RELATIVE.match(cleaned)
    if relative:
        at = _relative(relative["body"], text, now, zone_name)
        return _checked(ParsedTime(at, zone_name, at.astimezone(zone)), text, now, zone_name)

    iso = _iso(cleaned, zone)
    if iso is not None:
        at = iso.astimezone(UTC)
        return _checked(ParsedTime(at, zone_name, at.astimezone(zone)), text, now, zone_name)

    words, at_time = _split_time(cleaned.split(" "))
    if at_time is None:
        raise _refuse(
            text,
            "add a time of day with hours and minutes or am/pm (“20:00”, “8pm”, “8:30 pm”).",
            zone_name,
        )
    day = _day(words, at_time, now.astimezone(zone), text, zone_name)
    local = _localize(datetime.combine(day, at_time), zone, text, zone_name)
    return _checked(ParsedTime(local.astimezone(UTC), zone_name, local), text, now, zone_name)


def _relative(body: str, text: str, now: datetime, zone_name: str) -> datetime:
    """``in 2 hours``, ``in 1 day and 3 hours``: ``now`` plus that, to the second."""
    body = body.replace(",", " ").replace(" and ", " ")
    parts = _RELATIVE_PART.findall(body)
    leftover = _RELATIVE_PART.sub("", body).strip()
    if not parts or leftover or any(unit not in _UNITS for _, unit in parts):
        raise _refuse(text, "say how far ahead in minutes, hours, days or weeks.", zone_name)
    delta = timedelta(seconds=sum(float(n) * _UNITS[unit] for n, unit in parts))
    return (now + delta).astimezone(UTC).replace(microsecond=0)


def _day(words: list[str], at_time: time, local_now: datetime, text: str, zone_name: str) -> date:
    """The local day the words before the time of day name ("", "today", "friday", "Dec 5", ...)."""
    today = local_now.date()
    naive_now = local_now.replace(tzinfo=None)
    if not words or words == ["today"] or words == ["tonight"]:
        if not words and datetime.combine(today, at_time) <= naive_now:
            return today + timedelta(days=1)  # a bare time means its next occurrence
        return today
    if words == ["tomorrow"]:
        return today + timedelta(days=1)
    if len(words) in (1, 2) and words[-1] in _WEEKDAYS and (len(words) == 1 or words[0] in ("next", "this")):
        return _weekday(words, at_time, today, naive_now)
    if (iso_day := _ISO_DATE.match(" ".join(words))) is not None:
        try:
            return date(int(iso_day["y"]), int(iso_day["mo"]), int(iso_day["d"]))
        except ValueError:
            raise _refuse(text, "that date does not exist.", zone_name) from None
    if (month_day := _month_day(words)) is not None:
        found = _next_month_day(*month_day, at_time, today, naive_now)
        if found is None:
            raise _refuse(text, "that date does not exist.", zone_name)
        return found
    raise _refuse(text, f"I don't know the day “{' '.join(words)[:40]}”.", zone_name)


def _weekday(words: list[str], at_time: time, today: date, naive_now: datetime) -> date:
    """The next such weekday still ahead ("friday 8pm"); "next friday" on a Friday means a week on."""
    ahead = (_WEEKDAYS[words[-1]] - today.weekday()) % 7
    day = today + timedelta(days=ahead)
    if datetime.combine(day, at_time) <= naive_now or (words[0] == "next" and ahead == 0):
        day += timedelta(days=7)
    return day


def _next_month_day(month: int, dom: int, at_time: time, today: date, naive_now: datetime) -> date | None:
    """The next such date still ahead (29 February: the next leap year), or None if there is none."""
    for year in range(today.year, today.year + 5):
        try:
            candidate = date(year, month, dom)
        except ValueError:
            continue
        if datetime.combine(candidate, at_time) > naive_now:
            return candidate
    return None


def _iso(cleaned: str, zone: ZoneInfo) -> datetime | None:
    """``2026-12-05T20:00``, ``2026-12-05 20:00+01:00``, ``...Z``: with an offset it is exact."""
    if not re.match(r"^\d{4}-\d{2}-\d{2}[t ]\d{2}:\d{2}", cleaned):
        return None
    try:
        value = datetime.fromisoformat(cleaned.upper().replace(" ", "T", 1))
    except ValueError:
        return None
    if value.tzinfo is None:
        return _localize(value, zone, cleaned, str(zone.key))
    return value


def _checked(parsed: ParsedTime, text: str, now: datetime, zone_name: str) -> ParsedTime:
    if parsed.at <= now:
        raise BadInput(
            f"“{text[:80]}” is in the past ({parsed.local:%a %d %b %Y %H:%M} {zone_name}).",
            hints=("Give a time ahead of now, e.g. “in 2 hours”, “tomorrow 21:00” or “friday 8pm”.",),
        )
    if parsed.at - now > MAX_AHEAD:
        raise BadInput(
            f"“{text[:80]}” is more than two years ahead; is the year right?",
            hints=("For example “2026-12-05 20:00” or “Dec 5 8pm”.",),
        )
    return parsed


def parse_offsets(text: str) -> tuple[int, ...]:
    """Reminder offsets before the start, ``"1d,1h,10m"`` -> seconds, largest first; ``"none"`` -> ()."""
    cleaned = text.strip().lower()
    if cleaned in ("", "none", "off", "no"):
        return ()
    seconds: set[int] = set()
    bad = re.sub(r"(\d+)\s*([a-z]+)|[,\s]+", "", cleaned)
    parts = re.findall(r"(\d+)\s*([a-z]+)", cleaned)
    for number, unit in parts if not bad else [("", bad)]:
        if unit not in _UNITS or not number or int(number) == 0:
            raise BadInput(
                f"“{(number + unit)[:30] if not bad else bad[:30]}” is not a reminder offset.",
                hints=("Use a comma-separated list like “1d,1h,10m” (d = days, h = hours, m = minutes).",),
            )
        value = int(number) * _UNITS[unit]
        if value > 28 * 86400:
            raise BadInput("Reminders can be at most 4 weeks before the party.")
        seconds.add(value)
    if len(seconds) > 5:
        raise BadInput("At most 5 reminders per party.", hints=("For example “1d,1h,10m”.",))
    return tuple(sorted(seconds, reverse=True))


def describe_offset(seconds: int) -> str:
    """3600 -> "1 hour", 5400 -> "1 h 30 min", 86400 -> "1 day"."""
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    minutes, secs = divmod(rest, 60)
    parts = [(days, "day"), (hours, "hour"), (minutes, "minute"), (secs, "second")]
    used = [(n, unit) for n, unit in parts if n]
    if len(used) == 1:
        n, unit = used[0]
        return f"{n} {unit}{'s' if n != 1 else ''}"
    short = {"day": "d", "hour": "h", "minute": "min", "second": "s"}
    return " ".join(f"{n} {short[unit]}" for n, unit in used) or "0 minutes"
